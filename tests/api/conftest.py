import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """test_every_operation_was_exercised sums up test_api's runs: keep it after them in any order
    (pytest-randomly shuffles a module's tests; xdist keeps the module on one worker by its group)."""
    summary = [item for item in items if item.name == "test_every_operation_was_exercised"]
    runs = [i for i, item in enumerate(items) if item.originalname == "test_api" and item.module.__name__.endswith("test_schemathesis")]
    if not summary or not runs:
        return
    items.remove(summary[0])
    last = max(i for i, item in enumerate(items) if item.originalname == "test_api" and item.module.__name__.endswith("test_schemathesis"))
    items.insert(last + 1, summary[0])
