"""How webhooks read in the history (accord.audit.history)."""

from django.urls import reverse

from accord.audit import history as h

from .models import Webhook, WebhookFormat


def _events(value, _lookup) -> str:
    from .events import event_label

    return ", ".join(event_label(str(e)) for e in value or []) or "none"


def register() -> None:
    h.register_resolver(
        "webhook",
        lambda ws, ids: dict(
            Webhook.objects.filter(workspace_id=ws, pk__in=ids).values_list("pk", "name")
        ),
    )
    h.register(h.ObjectType(
        key="webhook", noun="webhook", resolver="webhook",
        url=lambda slug, pk: reverse("webhook", args=[slug, pk]),
        fields={
            "name": h.Field("Name"), "host": h.Field("Host"), "events": h.Field("Events", kind="list", show=_events),
            "format": h.Field("Format", kind="choice", choices=dict(WebhookFormat.choices)),
            "reason": h.Field("Reason"), "delivery": h.Field("Delivery", kind="hidden"),
            "event": h.Field("Event"),
        },
        actions={"paused": f"paused {h.OBJ}", "resumed": f"resumed {h.OBJ}", "replayed": f"replayed a delivery of {h.OBJ}"},
        action_titles={"paused": "Paused", "resumed": "Resumed", "replayed": "Replayed"},
    ))  # fmt: skip
