"""The inbox listener and `notify`: who gets a notification, with which kind and words, and the
e-mails that follow (after commit, per preferences, with ids only in the task queue)."""

import pytest
from django.core import mail
from django.db import transaction

from accord.audit.models import AuditEntry
from accord.notifications import services
from accord.notifications.models import Notification, NotificationPreference
from accord.workspaces import services as ws


def _team(cast, name="Platform", actor="admin", capture=None):
    if capture is None:
        return ws.team_create(member=cast.members[actor], name=name)
    with capture(execute=True):
        return ws.team_create(member=cast.members[actor], name=name)


def _user(cast, role):
    return cast.members[role].user


def _queries(cast, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        ws.team_create(member=cast.members["admin"], name=name)
    return len(ctx)


def _without_listener(cast, name):
    from accord.audit.services import LISTENERS

    listener = LISTENERS.pop("notifications.inbox")
    try:
        return _queries(cast, name)
    finally:
        LISTENERS.add(listener)


def test_without_providers_the_listener_costs_no_query(cast, no_providers):
    assert _queries(cast, "Platform") == _without_listener(cast, "Growth")
    assert not Notification.objects.exists()


def test_a_provider_with_nobody_to_tell_costs_no_query(cast, provider):
    provider.answer = {}
    assert _queries(cast, "Platform") == _without_listener(cast, "Growth")
    assert provider.calls == 1


def test_one_notification_per_person_with_the_strongest_reason(
    cast, provider, django_capture_on_commit_callbacks
):
    from accord.notifications.registry import RECIPIENTS, Recipients

    viewer, editor, contributor = (_user(cast, r) for r in ("viewer", "editor", "contributor"))
    provider.answer = {viewer.pk: "watching", editor.pk: "watching", contributor.pk: "whatever"}
    RECIPIENTS.add(
        Recipients("tests.second", lambda e: {viewer.pk: "mentioned", editor.pk: "responsible"})
    )
    try:
        _team(cast, capture=django_capture_on_commit_callbacks)
    finally:
        RECIPIENTS.pop("tests.second")
    kinds = dict(Notification.objects.values_list("recipient_id", "kind"))
    assert kinds == {viewer.pk: "mentioned", editor.pk: "responsible", contributor.pk: "watching"}
    entry = AuditEntry.objects.get(action="created", object_type="team")
    assert set(Notification.objects.values_list("entry_id", flat=True)) == {entry.pk}


def test_the_actor_and_non_members_hear_nothing(cast, provider):
    admin = _user(cast, "admin")
    outsider = cast.outsider.user
    provider.answer = {admin.pk: "watching", outsider.pk: "watching", 987654: "watching"}
    _team(cast)
    assert not Notification.objects.exists()


def test_a_former_member_hears_nothing(cast, provider):
    viewer = cast.members["viewer"]
    provider.answer = {viewer.user_id: "watching"}
    ws.member_remove(member=cast.members["admin"], membership_id=viewer.pk)
    Notification.objects.all().delete()
    _team(cast)
    assert not Notification.objects.filter(recipient_id=viewer.user_id).exists()


def test_the_history_formatter_writes_the_words(cast, provider):
    viewer = _user(cast, "viewer")
    provider.answer = {viewer.pk: "watching"}
    team = _team(cast, name="Growth squad")
    [n] = Notification.objects.filter(recipient=viewer)
    assert n.title == "Ada Admin created team Growth squad"
    assert n.workspace_id == cast.workspace.pk
    assert n.url == f"/w/acme/teams/{team.pk}"
    assert n.read_at is None


def test_a_rolled_back_change_leaves_no_notification_and_sends_no_mail(
    cast, provider, django_capture_on_commit_callbacks
):
    provider.answer = {_user(cast, "viewer").pk: "watching"}
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            ws.team_create(member=cast.members["admin"], name="Platform")
            raise RuntimeError("the change fails after its audit entry")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_mails_follow_the_preferences(cast, provider, django_capture_on_commit_callbacks):
    viewer, editor = _user(cast, "viewer"), _user(cast, "editor")
    NotificationPreference.objects.create(user=editor, kind="watching", email=False)
    provider.answer = {viewer.pk: "watching", editor.pk: "watching"}
    _team(cast, capture=django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[viewer.email]]
    message = mail.outbox[0]
    assert message.subject == "[Acme] Ada Admin created team Platform"
    assert "Open it: http" in message.body and "/w/acme/teams/" in message.body
    emailed = dict(Notification.objects.values_list("recipient_id", "emailed_at"))
    assert emailed[viewer.pk] is not None and emailed[editor.pk] is None
    assert Notification.objects.filter(
        recipient=editor, read_at__isnull=True
    ).exists()  # the bell still rings


def test_in_app_off_keeps_the_mail_but_not_the_bell(
    cast, provider, django_capture_on_commit_callbacks
):
    viewer = _user(cast, "viewer")
    NotificationPreference.objects.create(user=viewer, kind="watching", email=True, in_app=False)
    provider.answer = {viewer.pk: "watching"}
    _team(cast, capture=django_capture_on_commit_callbacks)
    [n] = Notification.objects.filter(recipient=viewer)
    assert n.read_at is not None and n.emailed_at is not None
    assert len(mail.outbox) == 1


def test_both_off_writes_nothing(cast, provider):
    viewer = _user(cast, "viewer")
    NotificationPreference.objects.create(user=viewer, kind="watching", email=False, in_app=False)
    provider.answer = {viewer.pk: "watching"}
    _team(cast)
    assert not Notification.objects.exists()


def test_the_task_queue_holds_ids_never_addresses(
    cast, provider, db_tasks, django_capture_on_commit_callbacks
):
    viewer = _user(cast, "viewer")
    provider.answer = {viewer.pk: "mentioned"}
    _team(cast, capture=django_capture_on_commit_callbacks)
    rows = "\n".join(db_tasks.rows())
    assert "send_notification_emails" in rows
    assert viewer.email not in rows and "unsubscribe" not in rows
    db_tasks.run()
    assert [m.to for m in mail.outbox] == [[viewer.email]]
    db_tasks.run()  # nothing twice
    assert len(mail.outbox) == 1


def test_a_mail_turned_off_before_the_worker_runs_is_not_sent(
    cast, provider, db_tasks, django_capture_on_commit_callbacks
):
    viewer = _user(cast, "viewer")
    provider.answer = {viewer.pk: "watching"}
    _team(cast, capture=django_capture_on_commit_callbacks)
    services.set_preferences(user=viewer, kinds={"watching": {"email": False}})
    db_tasks.run()
    assert mail.outbox == []


def test_notify_tells_members_in_the_app_and_by_mail(cast, django_capture_on_commit_callbacks):
    admin, viewer = _user(cast, "admin"), _user(cast, "viewer")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            workspace=cast.workspace,
            users=[admin, viewer.pk, cast.outsider.user],
            kind="webhook_paused",
            title="Webhook Deploys is paused\nafter 20 failures",
            url="/w/acme/settings",
            text="The last answer was 500.",
        )
    rows = Notification.objects.order_by("recipient_id")
    assert [(n.recipient_id, n.kind, n.entry_id) for n in rows] == [
        (admin.pk, "webhook_paused", None),
        (viewer.pk, "webhook_paused", None),
    ]
    assert rows[0].title == "Webhook Deploys is paused after 20 failures"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([admin.email, viewer.email])


def test_an_unknown_kind_counts_as_watching(cast):
    services.notify(
        workspace=cast.workspace,
        users=[_user(cast, "viewer")],
        kind="no-such-kind",
        title="Hello",
        url="",
    )
    assert Notification.objects.get().kind == "watching"
