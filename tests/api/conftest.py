import pytest


def _schemathesis_run(item) -> bool:
    return item.originalname == "test_api" and item.module.__name__.endswith("test_schemathesis")


@pytest.hookimpl(tryfirst=True)
def pytest_itemcollected(item):
    """Schemathesis names its items test_api[METHOD path] but gives them all the node id `…::test_api`;
    pytest-xdist tells tests apart by node id, so without this every worker runs one of them only."""
    if _schemathesis_run(item) and not item.nodeid.endswith("]"):
        item._id = item.parent.id.child(item.name)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """test_every_operation_was_exercised sums up test_api's runs: keep it after them in any order
    (pytest-randomly shuffles a module's tests; xdist keeps the module on one worker by its group)."""
    summary = [item for item in items if item.name == "test_every_operation_was_exercised"]
    if not summary or not any(_schemathesis_run(item) for item in items):
        return
    items.remove(summary[0])
    last = max(i for i, item in enumerate(items) if _schemathesis_run(item))
    items.insert(last + 1, summary[0])
