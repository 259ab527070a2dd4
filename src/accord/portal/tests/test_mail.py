"""Portal mail as it leaves: raw headers, one-line subjects, failures retried or logged, and no
token left in the task queue."""

import email
import email.policy
import logging
import re
import smtplib

from django.core import mail
from django.core.mail.backends import locmem

from accord.ideas import services as ideas
from accord.ideas.models import Idea
from accord.portal import services
from accord.portal.models import StatusNotice

VERIFY = re.compile(r"/portal/acme/verify/(\S+)")
CONFIRM = re.compile(r"/portal/acme/confirm/(\S+)")
UNSUBSCRIBE = re.compile(r"/portal/acme/unsubscribe/(\S+)")


def _voter(portal, capture, email_address):
    with capture(execute=True):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email=email_address)
    services.vote_verify(portal=portal, token=VERIFY.search(mail.outbox[-1].body).group(1))


def _ship(cast, portal, capture):
    portal.idea.refresh_from_db()
    with capture(execute=True):
        ideas.idea_update(member=cast.members["editor"], idea_id=portal.idea.pk, version=portal.idea.version, status="done")


def _failing(monkeypatch, *errors):
    """The test mail backend raises these errors, one per send, then delivers."""
    pending = list(errors)
    original = locmem.EmailBackend.send_messages

    def send_messages(self, messages):
        if pending:
            raise pending.pop(0)
        return original(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)


def _mail_log(caplog):
    return [r for r in caplog.records if r.name == "accord.mail"]


# ---------------------------------------------------------------- headers


def test_the_status_mail_carries_a_plain_list_unsubscribe_url(portal, cast, settings, django_capture_on_commit_callbacks):
    settings.ACCORD_BASE_URL = "https://feedback.customer-of-accord.example.com"
    _voter(portal, django_capture_on_commit_callbacks, "vera@example.test")
    mail.outbox.clear()
    _ship(cast, portal, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    raw = message.message(policy=email.policy.SMTP).as_bytes()  # what the SMTP backend sends
    url = "https://feedback.customer-of-accord.example.com/portal/acme/unsubscribe/" + UNSUBSCRIBE.search(message.body).group(1)
    assert len(url) > 78
    assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in raw
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["List-Unsubscribe"] == f"<{url}>"
    assert parsed["Subject"] == "\u201cDark mode\u201d has shipped"


def test_a_title_with_a_line_break_reaches_the_vote_mail_on_one_line(portal, cast, api, django_capture_on_commit_callbacks):
    response = api(cast.tokens["editor"]).patch(
        f"/workspaces/acme/ideas/{portal.idea.pk}", {"title": "Dark\nmode\r\nfor all", "version": 1}
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Dark mode for all"
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email="cus@example.test")
    [message] = mail.outbox
    assert message.subject == "Confirm your vote for \u201cDark mode for all\u201d"


def test_a_line_break_already_stored_in_a_title_does_not_stop_the_mail(portal, django_capture_on_commit_callbacks):
    Idea.objects.filter(pk=portal.idea.pk).update(title="Dark\nmode")  # written before input was cleaned
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email="cus@example.test")
    [message] = mail.outbox
    parsed = email.message_from_bytes(message.message(policy=email.policy.SMTP).as_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Confirm your vote for \u201cDark mode\u201d"


# ---------------------------------------------------------------- failures


def test_a_dropped_connection_is_retried_and_the_vote_mail_arrives(portal, monkeypatch, caplog, django_capture_on_commit_callbacks):
    _failing(monkeypatch, smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))
    with caplog.at_level(logging.INFO, logger="accord.mail"), django_capture_on_commit_callbacks(execute=True):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email="cus@example.test")
    assert len(mail.outbox) == 1
    services.vote_verify(portal=portal, token=VERIFY.search(mail.outbox[0].body).group(1))
    [warning] = _mail_log(caplog)
    assert warning.levelno == logging.WARNING and warning.mail == "vote verification"
    assert "Connection unexpectedly closed" in warning.reason


def test_a_refused_address_is_logged_once_and_not_retried(portal, monkeypatch, caplog, django_capture_on_commit_callbacks):
    _failing(monkeypatch, smtplib.SMTPRecipientsRefused({"cus@example.test": (550, b"5.1.1 no such user")}))
    with caplog.at_level(logging.INFO, logger="accord.mail"), django_capture_on_commit_callbacks(execute=True):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email="cus@example.test")
    assert mail.outbox == []
    [error] = _mail_log(caplog)
    assert error.levelno == logging.ERROR and "no such user" in error.reason


def test_a_status_notice_that_failed_for_a_while_is_sent_once_later(portal, cast, monkeypatch, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _voter(portal, capture, "vera@example.test")
    _voter(portal, capture, "vic@example.test")
    mail.outbox.clear()
    _failing(monkeypatch, smtplib.SMTPResponseException(421, b"4.7.0 try again later"))
    _ship(cast, portal, capture)
    assert sorted(m.to[0] for m in mail.outbox) == ["vera@example.test", "vic@example.test"]
    assert StatusNotice.objects.count() == 2


# ---------------------------------------------------------------- tokens at rest


def test_no_raw_token_rests_in_the_task_queue(portal, cast, db_tasks, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email="vera@example.test")
        services.submission_create(portal=portal, name="Sam", email="sam@example.test", title="", text="Night theme!")
    assert mail.outbox == [] and len(db_tasks.rows()) == 2
    db_tasks.run()

    vote_mail, confirm_mail = sorted(mail.outbox, key=lambda m: m.to[0], reverse=True)
    vote_token = VERIFY.search(vote_mail.body).group(1)
    confirm_token = CONFIRM.search(confirm_mail.body).group(1)
    assert services.vote_verify(portal=portal, token=vote_token).verified_at  # the mailed links work
    assert services.address_confirm(portal=portal, token=confirm_token).verified_at

    mail.outbox.clear()
    _ship(cast, portal, capture)
    db_tasks.run()
    unsubscribe_token = UNSUBSCRIBE.search(mail.outbox[0].body).group(1)
    services.unsubscribe_check(portal=portal, token=unsubscribe_token)

    rows = "\n".join(db_tasks.rows())
    assert len(db_tasks.rows()) == 3
    for token in (vote_token, confirm_token, unsubscribe_token):
        assert token not in rows
        assert token.split("_", 1)[1] not in rows
