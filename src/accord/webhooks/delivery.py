"""Sending the outbox: claim due deliveries, attempt them, record the outcome, retry or pause.

At least once: a delivery is claimed (status "sending", a lease) in one transaction with row locks
(SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's IMMEDIATE transactions serialize the
claim), attempted outside any transaction, and its outcome recorded in another. A worker that dies
after the commit of the change but before the attempt leaves a pending delivery; one that dies
mid-attempt leaves a "sending" one whose lease expires: `sweep` (run every 30 s by `accord serve`'s
workers, or `accord manage webhooks_sweep`) sends both. Receivers dedupe on Accord-Webhook-Id.

Retries: exponential backoff from 1 minute doubling to 8 hours, with jitter (x1 to x1.25, never
shorter), until the schedule has covered 72 hours (MAX_ATTEMPTS attempts). After
PAUSE_AFTER_FAILURES failed attempts in a row the webhook is paused, its owner told in the app and
by e-mail, and its pending deliveries are held (not dropped) until someone resumes it.
"""

import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import egress, events, signing
from .models import Delivery, DeliveryAttempt, DeliveryStatus, Webhook, WebhookState

log = logging.getLogger("accord.webhooks")

BATCH = 50  # claimed at once (one transaction), attempted SENDERS at a time, recorded at once
SENDERS = 10
LEASE = timedelta(
    seconds=-(-BATCH // SENDERS) * egress.TOTAL_TIMEOUT + 30
)  # a live batch keeps its claim
LOG_LIMIT = 4096  # bytes of each header set and body kept in the delivery log
BASE_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=8)
RETRY_WINDOW = timedelta(hours=72)
JITTER = (1.0, 1.25)
RETENTION = timedelta(days=30)  # the delivery log, and how far back a replay may reach
LINGER_POLL_S = 0.05


def base_delay(attempts: int) -> timedelta:
    """The delay after `attempts` failed attempts, before jitter."""
    return min(BASE_DELAY * 2 ** min(attempts - 1, 20), MAX_DELAY)


def _max_attempts() -> int:
    total, attempts = timedelta(0), 1
    while total < RETRY_WINDOW:
        total += base_delay(attempts)
        attempts += 1
    return attempts


MAX_ATTEMPTS = _max_attempts()  # 18: the delays between them cover at least 72 hours


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    return base_delay(attempts) * (rng or random).uniform(*JITTER)


def pause_after() -> int:
    return int(getattr(settings, "ACCORD_WEBHOOK_PAUSE_AFTER_FAILURES", 15))


def cut(text: str) -> str:
    raw = text.encode("utf-8", "replace")
    if len(raw) <= LOG_LIMIT:
        return text
    return (
        raw[:LOG_LIMIT].decode("utf-8", "ignore")
        + f"\n… ({len(raw) - LOG_LIMIT} more bytes not kept)"
    )


def _cut_headers(headers: dict) -> dict:
    out, size = {}, 0
    for name, value in headers.items():
        size += len(name) + len(str(value))
        if size > LOG_LIMIT:
            break
        out[name] = str(value)[:1000]
    return out


# ---------------------------------------------------------------- claiming


def due(now=None):
    now = now or timezone.now()
    return Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=DeliveryStatus.SENDING, lease_until__lt=now),
        webhook__state=WebhookState.ACTIVE,
    )


def claim(ids: list[int] | None = None, limit: int = BATCH, now=None) -> list[Delivery]:
    """Take up to `limit` due deliveries (of `ids`, or any): marked sending, leased, their body built."""
    now = now or timezone.now()
    if ids is not None and not due(now).filter(pk__in=ids).exists():
        return []  # done by another worker already: no write transaction (a lock on SQLite)
    if ids is None and not due(now).exists():
        return []
    with transaction.atomic():
        qs = due(now).select_related("webhook", "workspace", "entry")
        if ids is not None:
            qs = qs.filter(pk__in=ids)
        qs = qs.order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(qs[:limit])
        if not rows:
            return []
        Delivery.objects.filter(pk__in=[d.pk for d in rows]).update(
            status=DeliveryStatus.SENDING, lease_until=now + LEASE, attempts=F("attempts") + 1
        )
        _build_bodies([d for d in rows if not d.body])
        for d in rows:
            d.status, d.lease_until, d.attempts = (
                DeliveryStatus.SENDING,
                now + LEASE,
                d.attempts + 1,
            )
            if d.first_attempt_at is None:
                d.first_attempt_at = now
        Delivery.objects.bulk_update(rows, ["body", "first_attempt_at"])
    return rows


def _build_bodies(rows: list[Delivery]) -> None:
    """The body of each delivery from its audit entry, told once per workspace (a few queries)."""
    by_workspace: dict[int, list[Delivery]] = {}
    for d in rows:
        by_workspace.setdefault(d.workspace_id, []).append(d)
    for group in by_workspace.values():
        entries = list({d.entry_id: d.entry for d in group if d.entry is not None}.values())
        told = events.payloads(entries, group[0].workspace) if entries else {}
        for d in group:
            payload = told.get(d.entry_id)
            if payload is None:  # the entry is gone (never, short of deleting the workspace)
                payload = {
                    "event": d.event_type,
                    "event_id": None,
                    "text": "(the event is no longer available)",
                }
                payload.setdefault("object", {})
            d.body = events.body(payload, d.webhook.format)


# ---------------------------------------------------------------- one attempt


def send(d: Delivery) -> tuple[egress.Response, dict]:
    """Sign and POST one claimed delivery (no transaction open: the network is slow). Returns the
    response and the headers as the log shows them (the signature left out)."""
    body = d.body.encode()
    headers = signing.headers(
        secret=signing.secret_of(d.webhook.secret_nonce),
        delivery_id=d.pk,
        event_type=d.event_type,
        body=body,
    )
    response = egress.post(d.webhook.url, body, headers)
    return response, {
        k: ("v1=…" if k == "Accord-Webhook-Signature" else v) for k, v in headers.items()
    }


def record(results: list[tuple[Delivery, egress.Response, dict]]) -> None:
    """The outcomes of a batch, in one transaction (one lock on SQLite instead of one per delivery)."""
    now = timezone.now()
    failed = []
    with transaction.atomic():
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                delivery=d, number=d.attempts, at=now, url=d.webhook.url[:2000], request_headers=shown,
                request_body=cut(d.body), response_status=response.status,
                response_headers=_cut_headers(response.headers),
                response_body=cut(response.body.decode("utf-8", "replace")), error=response.error[:300],
                duration_ms=response.duration_ms,
            )
            for d, response, shown in results
        )  # fmt: skip
        for d, response, _shown in results:
            if response.ok:
                _delivered(d, response, now)
            else:
                failed.append((d, response, _failed(d, response, now)))
    for d, response, reason in failed:
        log.warning(
            "webhook delivery failed" + ("; giving up" if d.status == DeliveryStatus.FAILED else ", will retry"),
            extra={"event": "webhook_failed", "webhook_id": d.webhook_id, "delivery_id": d.pk,
                   "attempt": d.attempts, "status": response.status, "reason": reason[:300]},
        )  # fmt: skip


def _delivered(d: Delivery, response: egress.Response, now) -> None:
    Delivery.objects.filter(pk=d.pk).update(
        status=DeliveryStatus.DELIVERED, delivered_at=now, lease_until=None, next_attempt_at=None,
        last_status_code=response.status, last_error="",
    )  # fmt: skip
    seen = d.webhook.last_success_at
    if d.webhook.consecutive_failures or seen is None or seen < now - timedelta(seconds=10):
        Webhook.objects.filter(pk=d.webhook_id).update(
            consecutive_failures=0, failing_since=None, last_success_at=now
        )
        d.webhook.consecutive_failures, d.webhook.last_success_at = 0, now
    d.status = DeliveryStatus.DELIVERED


def _failed(d: Delivery, response: egress.Response, now) -> str:
    reason = response.error or f"HTTP {response.status}"
    give_up = d.attempts >= MAX_ATTEMPTS
    d.next_attempt_at = None if give_up else now + retry_delay(d.attempts)
    d.status = DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING
    Delivery.objects.filter(pk=d.pk, status=DeliveryStatus.SENDING).update(
        status=d.status, next_attempt_at=d.next_attempt_at, lease_until=None,
        last_status_code=response.status, last_error=reason[:300],
    )  # fmt: skip
    _count_failure(d.webhook_id, reason, now)
    return reason


def _count_failure(webhook_id: int, reason: str, now) -> None:
    webhook = (
        Webhook.objects.select_for_update()
        .select_related("workspace")
        .filter(pk=webhook_id)
        .first()
    )
    if webhook is None:
        return
    webhook.consecutive_failures += 1
    webhook.failing_since = webhook.failing_since or now
    fields = ["consecutive_failures", "failing_since"]
    if webhook.state == WebhookState.ACTIVE and webhook.consecutive_failures >= pause_after():
        from .services import pause_for_failures

        webhook.save(update_fields=fields)
        pause_for_failures(webhook, reason)
        return
    webhook.save(update_fields=fields)


# ---------------------------------------------------------------- the loop of a task or the sweeper


def deliver(
    ids: list[int] | None = None,
    *,
    budget_s: float = 20.0,
    drain: bool = True,
    linger_s: float = 0.0,
) -> dict:
    """Claim and attempt the due deliveries of `ids`, then (drain) any others due, for at most
    `budget_s` seconds, waiting up to `linger_s` for more once none is due (a burst's next events
    then go out at once, not after the worker's next poll). Returns counts; schedules the next
    attempts of failures on a backend that can defer (the sweeper takes them otherwise)."""
    started = idle_since = time.monotonic()
    counts = {"delivered": 0, "failed": 0}
    retry_at: list[tuple[int, object]] = []
    queue = list(ids or [])
    while time.monotonic() - started < budget_s:
        if queue:
            batch, queue = claim(queue[:BATCH]), queue[BATCH:]
            if not batch:
                continue
        elif drain:
            batch = claim(None)
            if not batch:
                if time.monotonic() - idle_since >= linger_s:
                    break
                time.sleep(LINGER_POLL_S)
                continue
        else:
            break
        results = _send_all(batch)
        record(results)
        for d, response, _shown in results:
            counts["delivered" if response.ok else "failed"] += 1
            if not response.ok and d.status == DeliveryStatus.PENDING:
                retry_at.append((d.pk, d.next_attempt_at))
        idle_since = time.monotonic()
    _schedule(retry_at)
    if drain and time.monotonic() - started >= budget_s and due().exists():
        from .tasks import deliver_webhooks

        deliver_webhooks.enqueue([])  # out of time with more due: the next task goes on
    return counts


def _send_all(batch: list[Delivery]) -> list[tuple[Delivery, egress.Response, dict]]:
    """POST a batch side by side (no database work in `send`): a slow receiver holds up the
    batch for one timeout, not for one per delivery."""
    if len(batch) == 1:
        return [(batch[0], *send(batch[0]))]
    with ThreadPoolExecutor(max_workers=min(len(batch), SENDERS)) as pool:
        return [(d, *out) for d, out in zip(batch, pool.map(send, batch), strict=True)]


def _schedule(retries: list[tuple[int, object]]) -> None:
    from .tasks import deliver_webhooks

    if not retries or not deliver_webhooks.get_backend().supports_defer:
        return  # the sweeper takes them when they are due
    for pk, when in retries:
        deliver_webhooks.using(run_after=when).enqueue([pk])


def sweep(now=None) -> dict:
    """Send whatever is due (left by dead workers, or retries), drop the log older than 30 days."""
    counts = deliver(None, budget_s=25.0)
    cutoff = (now or timezone.now()) - RETENTION
    old = Delivery.objects.filter(created_at__lt=cutoff).filter(
        Q(status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED])
        | ~Q(webhook_id__in=Webhook.objects.values("pk"))
    )  # finished, or left for a webhook deleted meanwhile
    counts["removed"] = old.delete()[1].get("webhooks.Delivery", 0)
    return counts
