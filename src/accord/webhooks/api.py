"""REST API for outgoing webhooks: subscriptions, the delivery log, replay, pause and resume.

Admins only (webhook.manage). The payload receivers get is documented as the schema
WebhookEventPayload (GET .../webhook-event-types returns the event types and an example).
"""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from accord.core.api_support import BodyInt, Id, Page, PageParams, PatchSchema, paginate, responses
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import events, selectors, services
from .models import DeliveryStatus, WebhookFormat

router = Router(auth=API_AUTH, tags=["webhooks"])

WS = "/workspaces/{slug}"


def _admin(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "webhook.manage")
    return member


# ---------------------------------------------------------------- schemas


class WebhookIn(Schema):
    model_config = {"json_schema_extra": {"examples": [
        {"name": "Roadmap to Slack", "url": "https://hooks.slack.com/services/T000/B000/XXXX",
         "events": ["roadmap_item.*", "idea.decision_promote"], "format": "slack"}]}}  # fmt: skip

    name: str = Field(min_length=1, max_length=120)
    url: str = Field(
        min_length=1,
        max_length=2000,
        description="http(s) URL of a public host (see README: Webhooks).",
    )
    events: list[str] = Field(
        min_length=1, max_length=200, description='"idea.created", "idea.*" or "*".'
    )
    format: WebhookFormat = WebhookFormat.JSON


class WebhookPatch(PatchSchema):
    version: BodyInt
    name: str = Field(None, min_length=1, max_length=120)
    url: str = Field(None, min_length=1, max_length=2000)
    events: list[str] = Field(None, min_length=1, max_length=200)
    format: WebhookFormat = None


class WebhookPauseIn(Schema):
    reason: str = Field("", max_length=300)


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    format: str
    state: Literal["active", "paused"]
    paused_reason: str = Field(description="Why it is paused (after failures, or by whom).")
    paused_at: datetime | None
    consecutive_failures: int
    failing_since: datetime | None
    last_success_at: datetime | None
    secret_prefix: str = Field(description="The first characters of the signing secret.")
    created_by: str | None
    created_at: datetime
    version: int


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="The signing secret. Shown once: store it now.")


class WebhookDeliveryOut(Schema):
    id: int
    webhook_id: int
    event_type: str
    status: Literal["pending", "sending", "delivered", "failed"]
    attempts: int
    created_at: datetime
    first_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str
    replay_of: int | None
    can_replay: bool


class WebhookAttemptOut(Schema):
    number: int
    at: datetime
    url: str
    request_headers: dict[str, str]
    request_body: str
    response_status: int | None
    response_headers: dict[str, str]
    response_body: str = Field(description="Cut at 4 KB.")
    error: str
    duration_ms: int


class WebhookDeliveryDetailOut(WebhookDeliveryOut):
    body: str = Field(description="The request body (cut at 4 KB here).")
    attempt_log: list[WebhookAttemptOut]


class WebhookDeliveryFilter(Schema):
    webhook_id: Id | None = None
    status: DeliveryStatus | None = None


class WebhookEventWorkspace(Schema):
    slug: str
    name: str


class WebhookEventActor(Schema):
    id: int | None
    name: str


class WebhookEventObject(Schema):
    type: str = Field(description='The object type, e.g. "roadmap_item".')
    id: str
    label: str
    url: str | None = Field(description="Its page in Accord, while it exists.")


class WebhookEventPayload(Schema):
    """The JSON body of a webhook request in the "json" format (the "slack" format sends {"text": ...})."""

    event: str = Field(description='"<object type>.<action>", e.g. "idea.created".')
    event_id: int | None = Field(
        description="The audit entry: the same on retries and replays (dedupe on it)."
    )
    occurred_at: datetime | None
    workspace: WebhookEventWorkspace
    actor: WebhookEventActor
    via: str = Field(description='"web", "api token <name>", "cli", "system" ...')
    object: WebhookEventObject
    text: str = Field(description="The change in plain language, as the history tells it.")
    before: dict[str, Any] | None = Field(
        description="Changed fields before (updates), the values (deletions)."
    )
    after: dict[str, Any] | None = Field(
        description="Changed fields after (updates), the values (creations)."
    )


class WebhookEventTypeGroup(Schema):
    type: str
    title: str
    events: list[str]


class WebhookEventTypesOut(Schema):
    types: list[WebhookEventTypeGroup]
    patterns: list[str] = Field(description='Also accepted: "<type>.*" and "*".')
    example: WebhookEventPayload


def _webhook_out(w) -> dict:
    return {
        "id": w.pk, "name": w.name, "url": w.url, "events": w.events, "format": w.format, "state": w.state,
        "paused_reason": w.paused_reason, "paused_at": w.paused_at, "consecutive_failures": w.consecutive_failures,
        "failing_since": w.failing_since, "last_success_at": w.last_success_at, "secret_prefix": w.secret_prefix,
        "created_by": w.created_by.display_name if w.created_by_id and w.created_by else None,
        "created_at": w.created_at, "version": w.version,
    }  # fmt: skip


def _delivery_out(d, webhook) -> dict:
    return {
        "id": d.pk, "webhook_id": d.webhook_id, "event_type": d.event_type, "status": d.status,
        "attempts": d.attempts, "created_at": d.created_at, "first_attempt_at": d.first_attempt_at,
        "next_attempt_at": d.next_attempt_at, "delivered_at": d.delivered_at,
        "last_status_code": d.last_status_code, "last_error": d.last_error, "replay_of": d.replay_of_id,
        "can_replay": selectors.replayable(d, webhook),
    }  # fmt: skip


def _delivery_detail(member, delivery_id: int) -> dict:
    d = services.get_delivery_in(member, delivery_id)
    out = _delivery_out(d, d.webhook)
    out["body"] = services.delivery.cut(d.body)
    out["attempt_log"] = [
        {"number": a.number, "at": a.at, "url": a.url, "request_headers": a.request_headers, "request_body": a.request_body,
         "response_status": a.response_status, "response_headers": a.response_headers, "response_body": a.response_body,
         "error": a.error, "duration_ms": a.duration_ms}
        for a in selectors.attempts(d.pk)
    ]  # fmt: skip
    return out


# ---------------------------------------------------------------- webhooks


@router.get(
    f"{WS}/webhooks", response=responses(200, Page[WebhookOut]), summary="List webhooks (admins)"
)
def list_webhooks(request: HttpRequest, slug: str, page: Query[PageParams]):
    member = _admin(request, slug)
    return paginate(selectors.webhooks(workspace=member.workspace), page, _webhook_out)


@router.post(f"{WS}/webhooks", response=responses(201, WebhookCreatedOut),
             summary="Create a webhook; the answer carries its signing secret, shown this once")  # fmt: skip
def create_webhook(request: HttpRequest, slug: str, data: WebhookIn):
    member = member_for(request, slug)
    webhook, secret = services.webhook_create(member=member, **data.dict())
    return Status(201, {**_webhook_out(webhook), "secret": secret})


@router.get(
    f"{WS}/webhooks/{{webhook_id}}", response=responses(200, WebhookOut), summary="Get a webhook"
)
def get_webhook(request: HttpRequest, slug: str, webhook_id: Id):
    return _webhook_out(services.get_webhook(_admin(request, slug), webhook_id))


@router.patch(f"{WS}/webhooks/{{webhook_id}}", response=responses(200, WebhookOut),
              summary="Change a webhook's name, URL, event types or format")  # fmt: skip
def update_webhook(request: HttpRequest, slug: str, webhook_id: Id, data: WebhookPatch):
    member = member_for(request, slug)
    return _webhook_out(
        services.webhook_update(
            member=member, webhook_id=webhook_id, **data.dict(exclude_unset=True)
        )
    )


@router.delete(
    f"{WS}/webhooks/{{webhook_id}}",
    response=responses(204),
    summary="Delete a webhook and its delivery log",
)
def delete_webhook(request: HttpRequest, slug: str, webhook_id: Id):
    services.webhook_delete(member=member_for(request, slug), webhook_id=webhook_id)
    return Status(204, None)


@router.post(f"{WS}/webhooks/{{webhook_id}}/pause", response=responses(200, WebhookOut),
             summary="Pause a webhook: its events are kept (held) until it is resumed")  # fmt: skip
def pause_webhook(request: HttpRequest, slug: str, webhook_id: Id, data: WebhookPauseIn):
    member = member_for(request, slug)
    return _webhook_out(
        services.webhook_pause(member=member, webhook_id=webhook_id, reason=data.reason)
    )


@router.post(f"{WS}/webhooks/{{webhook_id}}/resume", response=responses(200, WebhookOut),
             summary="Resume a paused webhook: the deliveries it held are sent")  # fmt: skip
def resume_webhook(request: HttpRequest, slug: str, webhook_id: Id):
    return _webhook_out(
        services.webhook_resume(member=member_for(request, slug), webhook_id=webhook_id)
    )


@router.get(f"{WS}/webhook-event-types", response=responses(200, WebhookEventTypesOut),
            summary="The event types webhooks subscribe to, and an example payload")  # fmt: skip
def list_event_types(request: HttpRequest, slug: str):
    member = _admin(request, slug)
    example = {
        "event": "idea.created", "event_id": 812, "occurred_at": "2026-03-02T09:30:00+00:00",
        "workspace": {"slug": member.workspace.slug, "name": member.workspace.name},
        "actor": {"id": 4, "name": "Priya Natarajan"}, "via": "web",
        "object": {"type": "idea", "id": "57", "label": "Dark mode", "url": "https://accord.example/w/acme/ideas/57"},
        "text": "Priya Natarajan created idea Dark mode\n  - Tags: ux", "before": None, "after": {"title": "Dark mode", "tags": ["ux"]},
    }  # fmt: skip
    return {"types": events.catalog(), "patterns": ["<type>.*", "*"], "example": example}


# ---------------------------------------------------------------- deliveries


@router.get(f"{WS}/webhook-deliveries", response=responses(200, Page[WebhookDeliveryOut]),
            summary="The delivery log, newest first (30 days)")  # fmt: skip
def list_deliveries(
    request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[WebhookDeliveryFilter]
):
    member = _admin(request, slug)
    qs = selectors.deliveries(
        workspace=member.workspace, webhook_id=filters.webhook_id, status=filters.status
    ).select_related("webhook")
    return paginate(qs, page, lambda d: _delivery_out(d, d.webhook))


@router.get(f"{WS}/webhook-deliveries/{{delivery_id}}", response=responses(200, WebhookDeliveryDetailOut),
            summary="One delivery with its attempts: request and response (cut at 4 KB)")  # fmt: skip
def get_delivery(request: HttpRequest, slug: str, delivery_id: Id):
    return _delivery_detail(_admin(request, slug), delivery_id)


@router.post(f"{WS}/webhook-deliveries/{{delivery_id}}/replay", response=responses(201, WebhookDeliveryOut),
             summary="Send a delivery of the last 30 days again (a new delivery, the same body)")  # fmt: skip
def replay_delivery(request: HttpRequest, slug: str, delivery_id: Id):
    member = member_for(request, slug)
    replay = services.delivery_replay(member=member, delivery_id=delivery_id)
    return Status(201, _delivery_out(replay, replay.webhook))
