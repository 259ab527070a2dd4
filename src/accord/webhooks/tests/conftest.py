import pytest

from accord.bench.receiver import Receiver


@pytest.fixture
def receiver(settings):
    """A local receiver on 127.0.0.1, allowed through ACCORD_WEBHOOK_ALLOWED_HOSTS."""
    settings.ACCORD_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with Receiver() as rx:
        yield rx


@pytest.fixture
def hook(cast, receiver):
    """(webhook, secret): every team event of "acme" to the receiver."""
    from accord.webhooks import services

    return services.webhook_create(
        member=cast.members["admin"], name="Teams", url=receiver.url, events=["team.*"]
    )
