"""Reads for webhooks and their delivery log (a constant number of queries each)."""

from django.utils import timezone

from . import delivery
from .models import Delivery, DeliveryAttempt, Webhook


def webhooks(*, workspace):
    return (
        Webhook.objects.filter(workspace=workspace)
        .select_related("created_by")
        .order_by("name", "id")
    )


def deliveries(*, workspace, webhook_id: int | None = None, status: str | None = None):
    qs = Delivery.objects.filter(workspace=workspace).order_by("-created_at", "-id")
    if webhook_id is not None:
        qs = qs.filter(webhook_id=webhook_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def attempts(delivery_id: int) -> list[DeliveryAttempt]:
    return list(DeliveryAttempt.objects.filter(delivery_id=delivery_id).order_by("number", "id"))


def replayable(d: Delivery, webhook: Webhook | None = None) -> bool:
    webhook = webhook or d.webhook
    return (
        bool(d.body)
        and not webhook.is_paused
        and d.created_at >= timezone.now() - delivery.RETENTION
    )
