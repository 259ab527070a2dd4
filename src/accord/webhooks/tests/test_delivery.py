"""The outbox, signatures, at-least-once delivery, retries, pausing and replay, end to end with a
local receiver."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accord.webhooks import delivery, events, services, signing
from accord.webhooks.models import Delivery, DeliveryStatus, Webhook
from accord.workspaces import services as ws_services

pytestmark = pytest.mark.django_db


def _team(cast, name="Platform"):
    return ws_services.team_create(member=cast.members["admin"], name=name, kind="it")


def _readme_verify():
    """The verification function exactly as the README shows it."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text()
    assert signing.README_SNIPPET in readme, "README shows another verification snippet"
    scope: dict = {}
    exec(signing.README_SNIPPET, scope)
    return scope["verify"]


def test_a_change_arrives_signed_and_the_readme_snippet_verifies_it(
    cast, hook, receiver, django_capture_on_commit_callbacks
):
    _webhook, secret = hook
    with django_capture_on_commit_callbacks(execute=True):
        team = _team(cast)
    assert receiver.wait(1)
    got = receiver.requests[0]
    payload = json.loads(got.body)
    assert payload["event"] == "team.created" and payload["object"] == {
        "type": "team",
        "id": str(team.pk),
        "label": "Platform",
        "url": payload["object"]["url"],
    }
    assert payload["text"].startswith("Ada Admin created team Platform")
    assert payload["workspace"] == {"slug": "acme", "name": "Acme"}
    d = Delivery.objects.get()
    assert (
        got.headers["Accord-Webhook-Id"] == str(d.pk)
        and got.headers["Accord-Webhook-Event"] == "team.created"
    )
    verify = _readme_verify()
    assert verify(secret, got.headers, got.body)
    assert not verify(secret, got.headers, got.body + b" ")  # a changed body
    assert not verify("whsec_other", got.headers, got.body)
    stale = {
        **got.headers,
        "Accord-Webhook-Timestamp": str(int(got.headers["Accord-Webhook-Timestamp"]) - 301),
    }
    assert not verify(secret, stale, got.body)  # a replay older than 5 minutes
    d.refresh_from_db()
    assert d.status == DeliveryStatus.DELIVERED and d.attempts == 1
    log = d.attempt_log.get()
    assert log.response_status == 200 and log.request_headers["Accord-Webhook-Signature"] == "v1=…"
    assert secret not in json.dumps(log.request_headers) and secret not in d.body


def test_the_outbox_row_commits_or_rolls_back_with_the_change(cast, hook):
    with pytest.raises(RuntimeError), transaction.atomic():
        _team(cast, "Doomed")
        assert Delivery.objects.count() == 1
        raise RuntimeError("the change fails")
    assert Delivery.objects.count() == 0
    _team(cast, "Kept")
    assert Delivery.objects.get().event_type == "team.created"


def test_only_matching_event_types_get_deliveries(cast, receiver):
    admin = cast.members["admin"]
    services.webhook_create(member=admin, name="Created", url=receiver.url, events=["team.created"])
    services.webhook_create(member=admin, name="All", url=receiver.url, events=["*"])
    team = _team(cast)
    ws_services.team_update(member=admin, team_id=team.pk, version=team.version, description="New")
    assert sorted(Delivery.objects.values_list("webhook__name", "event_type")) == [
        ("All", "team.created"),
        ("All", "team.updated"),
        ("Created", "team.created"),
    ]
    assert events.matches(["idea.*"], "idea.decision_park") and not events.matches(
        ["idea.*"], "team.created"
    )


def test_the_listener_is_cheap(cast, receiver, django_assert_num_queries, monkeypatch):
    from accord.audit.models import AuditEntry
    from accord.workspaces.models import Workspace

    entry = AuditEntry.objects.filter(workspace=cast.workspace).first()
    entry.workspace = Workspace.objects.get(pk=cast.workspace.pk)
    with django_assert_num_queries(1):  # no webhook: one indexed query ...
        services.on_entry(entry)
    with django_assert_num_queries(0):  # ... remembered for the rest of the request
        services.on_entry(entry)
    monkeypatch.setattr(
        services, "_shared_cache", lambda: True
    )  # Redis: "none" is shared by all processes
    entry.workspace = Workspace.objects.get(pk=cast.workspace.pk)
    services.on_entry(entry)
    entry.workspace = Workspace.objects.get(
        pk=cast.workspace.pk
    )  # another request, another process
    with django_assert_num_queries(0):
        services.on_entry(entry)
    services.webhook_create(
        member=cast.members["admin"], name="New", url=receiver.url, events=["*"]
    )
    entry.workspace = Workspace.objects.get(pk=cast.workspace.pk)
    with django_assert_num_queries(2):  # the cache was told: the hooks, then the outbox row
        services.on_entry(entry)
    assert Delivery.objects.count() == 1


def test_every_event_arrives_after_crashes(
    cast, hook, receiver, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker that died between the commit and the attempt (the task never ran), and one that
    died mid-attempt (a claimed delivery whose lease ran out): the sweeper sends both."""
    lost = []
    services._pending.ids = []
    monkeypatch.setattr(
        services, "_flush", lambda: lost.extend(services._pending.__dict__.pop("ids", []))
    )  # tasks lost
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            _team(cast, f"Team {n}")
    assert len(lost) == 4 and not receiver.requests
    claimed = delivery.claim([lost[0]])  # a worker claims one and dies before sending it
    assert claimed[0].status == DeliveryStatus.SENDING
    assert delivery.sweep()["delivered"] == 3  # the claimed one waits for its lease
    Delivery.objects.filter(pk=lost[0]).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert delivery.sweep()["delivered"] == 1
    assert receiver.wait(4)
    names = sorted(json.loads(r.body)["object"]["label"] for r in receiver.requests)
    assert names == ["Team 0", "Team 1", "Team 2", "Team 3"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert delivery.sweep()["delivered"] == 0  # nothing twice


def test_failures_retry_with_backoff_then_pause_and_tell_the_owner(
    cast, hook, receiver, settings, django_capture_on_commit_callbacks
):
    from accord.notifications.models import Notification

    settings.ACCORD_WEBHOOK_PAUSE_AFTER_FAILURES = 3
    webhook, _secret = hook
    receiver.statuses = [500] * 3
    receiver.response_body = b"x" * 10_000
    with django_capture_on_commit_callbacks(execute=True):
        _team(cast, "One")
    d = Delivery.objects.get()
    assert d.status == DeliveryStatus.PENDING and d.last_status_code == 500
    wait = d.next_attempt_at - d.attempt_log.get().at
    assert timedelta(seconds=59) < wait <= timedelta(seconds=76)  # 1 minute, jittered up to x1.25
    assert len(d.attempt_log.get().response_body.encode()) < 4200  # cut at 4 KB
    for _ in range(2):
        Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            delivery.sweep()
    webhook.refresh_from_db()
    assert webhook.is_paused and "3 failed deliveries in a row" in webhook.paused_reason
    note = Notification.objects.get(kind="webhook_paused")
    assert note.recipient == cast.members["admin"].user and "Teams" in note.title
    # Held, not dropped: events while paused wait; resuming sends them all.
    with django_capture_on_commit_callbacks(execute=True):
        _team(cast, "Two")
    Delivery.objects.filter(pk=d.pk).update(next_attempt_at=timezone.now())
    assert delivery.sweep()["delivered"] == 0 and len(receiver.requests) == 3
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_resume(member=cast.members["admin"], webhook_id=webhook.pk)
    assert receiver.wait(5)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0 and not webhook.is_paused


def test_the_retry_schedule_covers_72_hours():
    delays = [delivery.base_delay(n) for n in range(1, delivery.MAX_ATTEMPTS)]
    assert sum(delays, timedelta()) >= timedelta(hours=72)
    assert (
        delays[0] == timedelta(minutes=1)
        and delays[1] == timedelta(minutes=2)
        and max(delays) == timedelta(hours=8)
    )
    jittered = {delivery.retry_delay(3) for _ in range(20)}
    assert len(jittered) > 1 and all(
        timedelta(minutes=4) <= j <= timedelta(minutes=5) for j in jittered
    )


def test_a_delivery_gives_up_after_the_schedule(cast, hook, receiver, settings):
    settings.ACCORD_WEBHOOK_PAUSE_AFTER_FAILURES = 1000
    receiver.statuses = [503] * 3
    _team(cast)
    d = Delivery.objects.get()
    Delivery.objects.filter(pk=d.pk).update(attempts=delivery.MAX_ATTEMPTS - 1)
    delivery.deliver([d.pk])
    d.refresh_from_db()
    assert d.status == DeliveryStatus.FAILED and d.next_attempt_at is None


def test_replay_sends_the_same_body_again(cast, hook, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _team(cast)
    original = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        replay = services.delivery_replay(member=cast.members["admin"], delivery_id=original.pk)
    assert receiver.wait(2)
    assert receiver.requests[1].body == receiver.requests[0].body
    assert receiver.requests[1].headers["Accord-Webhook-Id"] == str(replay.pk)
    Delivery.objects.filter(pk=original.pk).update(created_at=timezone.now() - timedelta(days=31))
    from accord.core.errors import Conflict

    with pytest.raises(Conflict):
        services.delivery_replay(member=cast.members["admin"], delivery_id=original.pk)


def test_slack_format_sends_the_plain_language_text(
    cast, receiver, django_capture_on_commit_callbacks
):
    services.webhook_create(
        member=cast.members["admin"],
        name="Slack",
        url=receiver.url,
        events=["team.created"],
        format="slack",
    )
    with django_capture_on_commit_callbacks(execute=True):
        _team(cast)
    assert receiver.wait(1)
    body = json.loads(receiver.requests[0].body)
    assert list(body) == ["text"] and body["text"].startswith("Ada Admin created team Platform")


def test_no_secret_in_the_task_queue_or_the_logs(
    cast, receiver, db_tasks, caplog, django_capture_on_commit_callbacks
):
    webhook, secret = services.webhook_create(
        member=cast.members["admin"], name="Q", url=receiver.url, events=["*"]
    )
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        _team(cast)
    rows = db_tasks.rows()
    assert rows and not any(secret in row or webhook.secret_nonce in row for row in rows)
    db_tasks.run()
    assert receiver.wait(1)
    assert secret not in caplog.text and webhook.secret_nonce not in caplog.text
    assert Webhook.objects.filter(pk=webhook.pk, consecutive_failures=1).exists()


def test_the_bench_figure_is_declared():
    from accord.bench import registry

    assert "webhook_first_attempt_p99_ms" in registry.known()
