import pytest

from accord.notifications.registry import RECIPIENTS, Recipients


@pytest.fixture
def provider():
    """A Recipients provider for the test: `provider.answer = {user_id: reason}` for every entry.
    Other providers (collaboration's) stay registered: they know nothing of these entries."""

    class Provider:
        answer: dict[int, str] = {}
        calls = 0

    def users(entry):
        Provider.calls += 1
        return dict(Provider.answer)

    RECIPIENTS.add(Recipients(key="tests.provider", users=users))
    try:
        yield Provider
    finally:
        RECIPIENTS.pop("tests.provider", None)


@pytest.fixture
def no_providers(monkeypatch):
    """No provider registered at all (as before the collaboration capability)."""
    saved = dict(RECIPIENTS)
    RECIPIENTS.clear()
    yield
    RECIPIENTS.update(saved)
