"""The webhooks part of the demo workspace (accord.demo.loader.STEPS, last): a Slack-format webhook
for roadmap and launch changes that kept failing and is paused, with its delivery log. Its URL is
on example.invalid, which never resolves: the demo never calls a real host, and it stays paused."""

from datetime import timedelta

from django.utils import timezone

from accord.audit.models import AuditEntry

from . import delivery, events, services
from .models import Delivery, DeliveryAttempt, DeliveryStatus

URL = "https://hooks.example.invalid/services/T0DEMO/B0DEMO/accord"
ERROR = "Refused: hooks.example.invalid could not be resolved (gaierror)."


def load(context: dict) -> None:
    owner, workspace = context["owner"], context["workspace"]
    webhook, _secret = services.webhook_create(
        member=owner, name="Roadmap news to #launch (Slack)", url=URL,
        events=["roadmap_item.*", "launch.*", "idea.decision_promote"], format="slack",
    )  # fmt: skip
    entries = list(
        AuditEntry.objects.filter(
            workspace=workspace, object_type__in=["roadmap item", "launch"]
        ).order_by("-at", "-id")[:3]
    )
    told = events.payloads(entries, workspace) if entries else {}
    now = timezone.now()
    failures = 0
    for n, entry in enumerate(reversed(entries)):
        created = now - timedelta(hours=30 - 10 * n)
        d = Delivery.objects.create(
            workspace=workspace, webhook=webhook, entry=entry, event_type=events.event_type(entry),
            body=events.body(told[entry.pk], webhook.format), created_at=created, first_attempt_at=created,
            status=DeliveryStatus.PENDING, last_error=ERROR,
        )  # fmt: skip
        at, attempts = created, 5 - n
        for number in range(1, attempts + 1):
            DeliveryAttempt.objects.create(delivery=d, number=number, at=at, url=URL, request_body=d.body,
                                           request_headers={"Content-Type": "application/json", "Accord-Webhook-Id": str(d.pk),
                                                            "Accord-Webhook-Event": d.event_type, "Accord-Webhook-Signature": "v1=…"},
                                           error=ERROR, duration_ms=3)  # fmt: skip
            at += delivery.base_delay(number)
        Delivery.objects.filter(pk=d.pk).update(attempts=attempts, next_attempt_at=at)
        failures += attempts
    webhook.consecutive_failures, webhook.failing_since = failures, now - timedelta(hours=30)
    webhook.save(update_fields=["consecutive_failures", "failing_since"])
    services.pause_for_failures(webhook, ERROR)  # the owner is told, in the app and by e-mail
