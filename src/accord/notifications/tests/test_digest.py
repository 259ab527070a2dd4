"""The weekly digest: sections from the registry, the chosen weekday, one mail per person and
workspace, idempotent, one-click unsubscribe in the raw headers; `accord digest`."""

import email
import email.policy
import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accord.notifications import digest, services
from accord.notifications.models import DigestSent, Notification, NotificationPreference
from accord.notifications.registry import DIGEST_SECTIONS, DigestLine, DigestSection

MONDAY = date(2027, 1, 4)


@pytest.fixture
def section():
    """A section that has two lines for the viewer only."""

    def lines(context):
        if context.user.email != "viewer@acme.test":
            return []
        return [
            DigestLine("Roadmap item SSO moved to Q2", "/w/acme/roadmaps"),
            DigestLine("Dark mode shipped"),
        ]

    DIGEST_SECTIONS.add(
        DigestSection(
            key="tests.section",
            title="What changed on the roadmaps you watch",
            lines=lines,
            order=50,
            limit=1,
        )
    )
    yield
    DIGEST_SECTIONS.pop("tests.section")


def test_only_people_with_something_to_read_get_a_digest(cast, section, settings):
    settings.ACCORD_BASE_URL = "https://accord.example.com"
    assert digest.send_due(MONDAY) == 1
    [message] = mail.outbox
    assert message.to == ["viewer@acme.test"]
    assert message.subject == "Your week in Acme"
    assert "What changed on the roadmaps you watch\n" in message.body
    assert (
        "- Roadmap item SSO moved to Q2\n  https://accord.example.com/w/acme/roadmaps"
        in message.body
    )
    assert "- and 1 more" in message.body  # the section's limit
    assert "Dark mode shipped" not in message.body


def test_the_digest_has_a_one_click_unsubscribe_that_works(cast, section, settings):
    settings.ACCORD_BASE_URL = "https://accord.customer-of-accord.example.com"
    digest.send_due(MONDAY)
    [message] = mail.outbox
    raw = message.message(policy=email.policy.SMTP).as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    url = parsed["List-Unsubscribe"].strip("<>")
    assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in raw
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
    assert url in message.body
    Client(enforce_csrf_checks=True).post(url.removeprefix(settings.ACCORD_BASE_URL))
    assert (
        NotificationPreference.objects.get(user__email="viewer@acme.test", kind="digest").email
        is False
    )
    DigestSent.objects.all().delete()
    mail.outbox.clear()
    assert digest.send_due(MONDAY) == 0


def test_a_second_run_the_same_day_sends_nothing_twice(cast, section):
    assert digest.send_due(MONDAY) == 1
    assert digest.send_due(MONDAY) == 0
    assert len(mail.outbox) == 1


def test_the_weekday_each_person_chose(cast, section):
    viewer = cast.members["viewer"].user
    services.set_preferences(user=viewer, digest_weekday="thursday")
    assert digest.send_due(MONDAY) == 0
    assert digest.send_due(MONDAY + timedelta(days=3)) == 1


def test_my_notifications_of_the_week_make_a_section(cast):
    editor = cast.members["editor"].user
    services.notify(
        workspace=cast.workspace,
        users=[editor],
        kind="mentioned",
        title="Ada mentioned you on idea Dark mode",
        url="/w/acme/ideas",
    )
    Notification.objects.update(created_at=timezone.make_aware(timezone.datetime(2027, 1, 1, 12)))
    mail.outbox.clear()
    assert digest.send_due(MONDAY) == 1
    [message] = mail.outbox
    assert message.to == [editor.email]
    assert "What you were notified about" in message.body
    assert "- Ada mentioned you on idea Dark mode (unread)" in message.body
    assert digest.send_due(MONDAY + timedelta(days=7)) == 0  # last week's news is not news


def test_a_broken_section_does_not_cost_the_digest(cast, section):
    def broken(context):
        raise ValueError("bug")

    DIGEST_SECTIONS.add(DigestSection(key="tests.broken", title="Broken", lines=broken))
    try:
        assert digest.send_due(MONDAY) == 1
    finally:
        DIGEST_SECTIONS.pop("tests.broken")


def test_the_command_sends_and_says_so(cast, section, capsys):
    call_command("digest", date=MONDAY.isoformat(), dry_run=True)
    out = json.loads(capsys.readouterr().out)
    assert out["would_send"] == [
        {
            "email": "viewer@acme.test",
            "workspace": "acme",
            "sections": ["What changed on the roadmaps you watch"],
        }
    ]
    assert mail.outbox == []
    call_command("digest", date=MONDAY.isoformat())
    out = json.loads(capsys.readouterr().out)
    assert out["sent"] == 1 and out["empty"] >= 4
    assert len(mail.outbox) == 1


def test_the_cli_has_a_digest_command(cast, section, capsys):
    from accord.cli import main

    assert main(["digest", "--date", MONDAY.isoformat()]) == 0
    assert json.loads(capsys.readouterr().out)["sent"] == 1
    assert main(["digest", "--date", "04/01/2027"]) == 1
    assert "--date" in capsys.readouterr().err


def test_the_digest_task_sends_the_due_ones(cast, section):
    from accord.notifications.tasks import send_digests

    assert send_digests.enqueue(MONDAY.isoformat()).return_value == 1
