"""Every write to webhooks, and the audit listener that fills the outbox.

Keyword-only, one transaction each, permission checked (webhook.manage: admins), audit entry
written (object type "webhook", which is not itself an event).
"""

import ipaddress
import logging
import secrets
import threading
import time
from urllib.parse import urlsplit

from django.core.cache import cache, caches
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accord.audit.services import record
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, Invalid, NotFound
from accord.workspaces.models import Membership, Role
from accord.workspaces.permissions import require

from . import delivery, egress, events, signing
from .models import Delivery, DeliveryStatus, Webhook, WebhookFormat, WebhookState

log = logging.getLogger("accord.webhooks")

MAX_WEBHOOKS = 50  # per workspace


# ---------------------------------------------------------------- lookups and input


def get_webhook(member: Membership, webhook_id: int) -> Webhook:
    require(member, "webhook.manage")
    webhook = Webhook.objects.filter(pk=webhook_id, workspace_id=member.workspace_id).first()
    if webhook is None:
        raise NotFound("No such webhook in this workspace.")
    return webhook


def get_delivery_in(member: Membership, delivery_id: int) -> Delivery:
    require(member, "webhook.manage")
    found = (
        Delivery.objects.select_related("webhook")
        .filter(pk=delivery_id, workspace_id=member.workspace_id)
        .first()
    )
    if found is None:
        raise NotFound("No such webhook delivery in this workspace.")
    return found


def clean_url(url) -> str:
    """An http(s) URL of a public host (or one an admin allowed), else Invalid naming "url"."""
    try:
        target = egress.parse(url if isinstance(url, str) else "")
        egress.check_literal(target)
        if not target.allowed and _ip(target.host) is None:
            try:
                found = egress.resolve(target.host, target.port)
            except (OSError, UnicodeError):
                found = []  # not resolvable yet: each delivery checks again (and fails until it is)
            for raw in found:
                why = egress.forbidden_reason(ipaddress.ip_address(raw.split("%")[0]))
                if why:
                    raise egress.Refused(
                        f"{target.host} resolves to {raw}, {why}: webhooks go to public addresses only."
                    )
    except egress.Refused as exc:
        raise Invalid.field("url", str(exc)) from None
    if len(url.strip()) > 2000:
        raise Invalid.field("url", "At most 2000 characters.")
    return url.strip()


def _ip(host: str):
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def clean_events(values) -> list[str]:
    try:
        return events.clean_events(values)
    except ValueError as exc:
        raise Invalid.field("events", str(exc)) from None


def clean_format(value) -> str:
    if value not in WebhookFormat.values:
        raise Invalid.field("format", f"Use one of {', '.join(WebhookFormat.values)}.")
    return value


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _snapshot(webhook: Webhook) -> dict:
    """What the audit trail keeps (every member reads it): the host, never the URL, whose path
    often is a secret itself (Slack's incoming webhooks)."""
    return {
        "name": webhook.name,
        "host": _host(webhook.url),
        "events": webhook.events,
        "format": webhook.format,
    }


def _changed(workspace) -> None:
    """Subscriptions changed: forget what the listener remembers about this workspace."""
    forget(workspace)
    transaction.on_commit(lambda: forget(workspace))


# ---------------------------------------------------------------- webhooks


def webhook_create(
    *, member: Membership, name: str, url: str, events: list[str], format: str = "json"
) -> tuple[Webhook, str]:
    """The webhook and its signing secret (shown once: only a nonce it is derived from is kept)."""
    require(member, "webhook.manage")
    with transaction.atomic():
        if Webhook.objects.filter(workspace_id=member.workspace_id).count() >= MAX_WEBHOOKS:
            raise Conflict(f"A workspace has at most {MAX_WEBHOOKS} webhooks.")
        nonce = secrets.token_urlsafe(24)
        secret = signing.secret_of(nonce)
        webhook = Webhook.objects.create(
            workspace=member.workspace, name=clean_text(name, "name", required=True, max_length=120),
            url=clean_url(url), events=clean_events(events), format=clean_format(format),
            secret_nonce=nonce, secret_prefix=secret[:12], created_by=member.user,
        )  # fmt: skip
        record(workspace=member.workspace, actor=member.user, action="created", obj=webhook,
               object_type="webhook", after=_snapshot(webhook))  # fmt: skip
        _changed(member.workspace)
    return webhook, secret


def webhook_update(*, member: Membership, webhook_id: int, version: int, **changes) -> Webhook:
    with transaction.atomic():
        webhook = get_webhook(member, webhook_id)
        before = _snapshot(webhook)
        cleaners = {"name": lambda v: clean_text(v, "name", required=True, max_length=120),
                    "url": clean_url, "events": clean_events, "format": clean_format}  # fmt: skip
        fields = []
        for name, value in changes.items():
            if name not in cleaners:
                raise Invalid.field(name, "This field cannot be changed.")
            setattr(webhook, name, cleaners[name](value))
            fields.append(name)
        save_versioned(webhook, version, fields)
        record(workspace=member.workspace, actor=member.user, action="updated", obj=webhook,
               object_type="webhook", before=before, after=_snapshot(webhook))  # fmt: skip
        _changed(member.workspace)
    return webhook


def webhook_delete(*, member: Membership, webhook_id: int) -> None:
    with transaction.atomic():
        webhook = get_webhook(member, webhook_id)
        record(workspace=member.workspace, actor=member.user, action="deleted", obj=webhook,
               object_type="webhook", before=_snapshot(webhook))  # fmt: skip
        webhook.delete()
        _changed(member.workspace)


def webhook_pause(*, member: Membership, webhook_id: int, reason: str = "") -> Webhook:
    with transaction.atomic():
        webhook = get_webhook(member, webhook_id)
        if webhook.is_paused:
            return webhook
        reason = (
            clean_text(reason, "reason", max_length=300) or f"Paused by {member.user.display_name}."
        )
        _pause(webhook, reason)
        record(workspace=member.workspace, actor=member.user, action="paused", obj=webhook,
               object_type="webhook", after={"reason": reason})  # fmt: skip
        _changed(member.workspace)
    return webhook


def _pause(webhook: Webhook, reason: str) -> None:
    webhook.state, webhook.paused_reason, webhook.paused_at = (
        WebhookState.PAUSED,
        reason[:300],
        timezone.now(),
    )
    Webhook.objects.filter(pk=webhook.pk).update(state=webhook.state, paused_reason=webhook.paused_reason,
                                                 paused_at=webhook.paused_at, version=webhook.version + 1)  # fmt: skip
    webhook.version += 1


def webhook_resume(*, member: Membership, webhook_id: int) -> Webhook:
    """Active again; the deliveries held while it was paused are sent now."""
    with transaction.atomic():
        webhook = get_webhook(member, webhook_id)
        if not webhook.is_paused:
            return webhook
        was = webhook.paused_reason
        now = timezone.now()
        Webhook.objects.filter(pk=webhook.pk).update(
            state=WebhookState.ACTIVE, paused_reason="", paused_at=None, consecutive_failures=0,
            failing_since=None, version=webhook.version + 1,
        )  # fmt: skip
        held = list(
            webhook.deliveries.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=held).update(next_attempt_at=now)
        record(workspace=member.workspace, actor=member.user, action="resumed", obj=webhook,
               object_type="webhook", before={"reason": was})  # fmt: skip
        _changed(member.workspace)
        _enqueue(held)
    webhook.refresh_from_db()
    return webhook


def pause_for_failures(webhook: Webhook, reason: str) -> None:
    """Called by the sender inside its transaction: pause, record it, tell the owner (never silently)."""
    failures = webhook.consecutive_failures
    text = f"Paused after {failures} failed deliveries in a row; the last: {reason}"[:300]
    _pause(webhook, text)
    record(workspace=webhook.workspace, actor=None, action="paused", obj=webhook, object_type="webhook",
           after={"reason": text})  # fmt: skip
    _changed(webhook.workspace)
    log.error(
        "webhook paused",
        extra={"event": "webhook_paused", "webhook_id": webhook.pk, "failures": failures},
    )
    transaction.on_commit(lambda: _notify_paused(webhook.pk), robust=True)


def _owners(webhook: Webhook) -> list:
    """Who hears about it: its creator while a member and admin, else the workspace's admins."""
    admins = Membership.objects.filter(
        workspace_id=webhook.workspace_id, role=Role.ADMIN
    ).select_related("user")
    users = [m.user for m in admins]
    owner = [u for u in users if u.pk == webhook.created_by_id]
    return owner or users


def _notify_paused(webhook_id: int) -> None:
    from accord.notifications.services import notify

    webhook = Webhook.objects.select_related("workspace").filter(pk=webhook_id).first()
    if webhook is None:
        return
    url = reverse("webhook", args=[webhook.workspace.slug, webhook.pk])
    notify(
        workspace=webhook.workspace, users=_owners(webhook), kind="webhook_paused",
        title=f"Webhook {webhook.name} was paused", url=url,
        text=(f"{webhook.paused_reason}\n\nIts events are kept until you resume it: "
              f"open the webhook, check the receiver at {_host(webhook.url)}, then press Resume."),
    )  # fmt: skip


# ---------------------------------------------------------------- replay


def delivery_replay(*, member: Membership, delivery_id: int) -> Delivery:
    """Send a delivery of the last 30 days again, as a new delivery with the same body."""
    with transaction.atomic():
        original = get_delivery_in(member, delivery_id)
        webhook = original.webhook
        if original.created_at < timezone.now() - delivery.RETENTION:
            raise Conflict("Only deliveries of the last 30 days can be replayed.")
        if webhook.is_paused:
            raise Conflict("This webhook is paused: resume it to send deliveries again.")
        if not original.body:
            raise Conflict("This delivery has not been attempted yet: it is on its way.")
        replay = Delivery.objects.create(
            workspace_id=original.workspace_id, webhook=webhook, entry_id=original.entry_id,
            event_type=original.event_type, body=original.body, replay_of=original,
        )  # fmt: skip
        record(workspace=member.workspace, actor=member.user, action="replayed", obj=webhook,
               object_type="webhook", after={"delivery": original.pk, "event": original.event_type})  # fmt: skip
        _enqueue([replay.pk])
    return replay


# ---------------------------------------------------------------- the outbox listener

_MEMO_SECONDS = (
    2.0  # how long one workspace object remembers its subscriptions (a request, an import)
)
_NONE_SECONDS = 60  # how long a shared cache remembers "no webhooks here"


def _shared_cache() -> bool:
    """Whether the cache is one all processes share (Redis): only then is "none" cached there."""
    backend = caches["default"].__class__.__name__
    return backend not in ("LocMemCache", "DummyCache")


def _none_key(workspace_id: int) -> str:
    return f"accord:webhooks:none:{workspace_id}"


def forget(workspace) -> None:
    if hasattr(workspace, "_accord_webhooks"):
        del workspace._accord_webhooks
    if _shared_cache():
        cache.delete(_none_key(workspace.pk))


def subscriptions(entry) -> list[tuple[int, list[str]]]:
    """(webhook id, events) of the workspace's active webhooks: zero queries when a shared cache knows
    there are none or the workspace object remembers them; else one indexed query."""
    workspace = entry.workspace  # the object `record` was given: no query
    memo = getattr(workspace, "_accord_webhooks", None)
    if memo is not None and time.monotonic() - memo[0] < _MEMO_SECONDS:
        return memo[1]
    shared = _shared_cache()
    if shared and cache.get(_none_key(workspace.pk)):
        hooks = []
    else:
        hooks = list(
            Webhook.objects.filter(
                workspace_id=workspace.pk, state=WebhookState.ACTIVE
            ).values_list("pk", "events")
        )
        if not hooks and shared:
            cache.set(_none_key(workspace.pk), True, _NONE_SECONDS)
    workspace._accord_webhooks = (time.monotonic(), hooks)
    return hooks


def on_entry(entry) -> None:
    """The audit listener: one pending delivery per matching webhook, in the change's transaction."""
    hooks = subscriptions(entry)
    if not hooks:
        return
    event = events.event_type(entry)
    if event.split(".")[0] in events.EXCLUDED_TYPES:
        return
    rows = [Delivery(workspace_id=entry.workspace_id, webhook_id=pk, entry=entry, event_type=event)
            for pk, subscribed in hooks if events.matches(subscribed, event)]  # fmt: skip
    if rows:
        _enqueue([d.pk for d in Delivery.objects.bulk_create(rows)])


_pending = threading.local()


def _enqueue(ids: list[int]) -> None:
    """After the commit, one task for the ids gathered in this transaction (ids only, no secret)."""
    if not ids:
        return
    if not hasattr(_pending, "ids"):
        _pending.ids = []
    _pending.ids.extend(ids)
    transaction.on_commit(_flush, robust=True)


def _flush() -> None:
    from .tasks import deliver_webhooks

    # Ids of a transaction that rolled back may linger here until the next commit: sending them
    # is harmless (only due deliveries that exist are claimed).
    ids, _pending.ids = list(dict.fromkeys(getattr(_pending, "ids", []))), []
    if _a_task_waits(deliver_webhooks):
        return  # it has not started: when it runs, it drains every due delivery, ours included
    for start in range(0, len(ids), 200):
        try:
            deliver_webhooks.enqueue(ids[start : start + 200])
        except Exception:  # the outbox rows are committed: the sweeper sends them
            log.exception("webhook task not enqueued", extra={"event": "webhook_enqueue_failed"})


def _a_task_waits(task) -> bool:
    """Whether a delivery task waits, not yet started, in the database queue (the only backend that
    can say so cheaply). Checked after our commit, so that task's drain sees our deliveries: at
    100 events a second the queue then holds at most one waiting task instead of one per event."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return (
        DBTaskResult.objects.ready()
        .filter(backend_name=backend.alias, task_path=task.module_path)
        .exists()
    )
