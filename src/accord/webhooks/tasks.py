"""Webhook tasks. They get delivery ids only: the body is in the outbox row and the signing secret
is derived when signing, so nothing secret waits in the task queue."""

from django.tasks import task


@task()
def deliver_webhooks(delivery_ids: list[int]) -> dict:
    """Attempt these deliveries (those still due), then others that are due, for a while."""
    from django.tasks.backends.immediate import ImmediateBackend

    from . import delivery

    # In a worker, wait half a second for more events once none is due (a burst then flows without the
    # worker's polling delay); run in the request itself (the immediate backend), never.
    linger = 0.0 if isinstance(deliver_webhooks.get_backend(), ImmediateBackend) else 0.5
    return delivery.deliver(list(delivery_ids), budget_s=10.0, linger_s=linger)


@task()
def sweep_webhooks() -> dict:
    from . import delivery

    return delivery.sweep()
