"""Notification and digest mail as it leaves: the raw List-Unsubscribe headers (RFC 2369 / 8058),
and the one-click unsubscribe: POST without signing in (as mail clients send it), GET asks first."""

import email
import email.policy
import re

import pytest
from django.core import mail
from django.test import Client

from accord.notifications import services, unsubscribe
from accord.notifications.models import NotificationPreference

LINK = re.compile(r"Stop these mails with one click: (\S+)")


@pytest.fixture
def notified(cast, settings, django_capture_on_commit_callbacks):
    settings.ACCORD_BASE_URL = "https://accord.customer-of-accord.example.com"
    viewer = cast.members["viewer"].user
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(workspace=cast.workspace, users=[viewer], kind="webhook_paused",
                        title="Webhook \u201cDeploys\u201d is paused", url="/w/acme/settings")  # fmt: skip
    [message] = mail.outbox
    return viewer, message


def test_the_raw_message_carries_a_plain_one_click_unsubscribe(notified):
    viewer, message = notified
    raw = message.message(policy=email.policy.SMTP).as_bytes()  # what the SMTP backend sends
    url = LINK.search(message.body).group(1)
    assert url.startswith(
        "https://accord.customer-of-accord.example.com/notifications/unsubscribe/"
    )
    assert len(url) > 78  # longer than a folded line: still sent on one line, not encoded
    assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in raw
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
    assert b"=?utf-8?" not in raw.split(b"\r\n\r\n")[0].split(b"List-Unsubscribe")[1]
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["List-Unsubscribe"] == f"<{url}>"
    assert parsed["To"] == viewer.email
    assert parsed["Subject"] == "[Acme] Webhook \u201cDeploys\u201d is paused"


def test_one_click_post_without_signing_in_or_csrf_unsubscribes(notified):
    viewer, message = notified
    path = (
        LINK.search(message.body)
        .group(1)
        .removeprefix("https://accord.customer-of-accord.example.com")
    )
    browserless = Client(enforce_csrf_checks=True)  # a mail client: no cookie, no CSRF token
    response = browserless.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=viewer, kind="webhook_paused").email is False
    assert "You are unsubscribed" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_get_asks_first_and_changes_nothing(notified):
    viewer, message = notified
    path = (
        LINK.search(message.body)
        .group(1)
        .removeprefix("https://accord.customer-of-accord.example.com")
    )
    response = Client().get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Stop these e-mails?" in page
        and "A webhook I own is paused" in page
        and 'method="post"' in page
    )
    assert not NotificationPreference.objects.filter(user=viewer).exists()


def test_after_unsubscribing_no_more_mail_of_that_kind(
    notified, cast, django_capture_on_commit_callbacks
):
    viewer, message = notified
    Client().post(
        LINK.search(message.body)
        .group(1)
        .removeprefix("https://accord.customer-of-accord.example.com")
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            workspace=cast.workspace, users=[viewer], kind="webhook_paused", title="Again", url=""
        )
        services.notify(
            workspace=cast.workspace, users=[viewer], kind="mentioned", title="Mentioned", url=""
        )
    assert [m.subject for m in mail.outbox] == ["[Acme] Mentioned"]


@pytest.mark.parametrize(
    "token", ["nonsense", "1.digest:forged", unsubscribe.token_for(5, "digest")[:-3] + "abc"]
)
def test_a_bad_or_altered_token_is_a_404(cast, token):
    response = Client(enforce_csrf_checks=True).post(f"/notifications/unsubscribe/{token}")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_token_of_an_unknown_kind_or_a_deleted_user_is_a_404(cast):
    assert (
        Client()
        .get(
            f"/notifications/unsubscribe/{unsubscribe.token_for(cast.members['viewer'].user_id, 'nope')}"
        )
        .status_code
        == 404
    )
    assert (
        Client()
        .post(f"/notifications/unsubscribe/{unsubscribe.token_for(987654, 'digest')}")
        .status_code
        == 404
    )
