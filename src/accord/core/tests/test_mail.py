"""Outgoing mail: headers that mail clients can read, one-line subjects, failures logged and retried."""

import email
import email.policy
import logging
import re
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.tasks import task

from accord.core import mail as accord_mail
from accord.core.mail import FAILED, RETRY, SENT, Mail, deliver, is_temporary

URL = "https://feedback.example-customer-portal.com/portal/acme-widgets/unsubscribe/unsub_" + "Ab9_-" * 9


def _raw(message: Mail, policy=email.policy.SMTP) -> bytes:
    """The bytes the SMTP backend hands to the server."""
    return message.message(policy=policy).as_bytes()


def _header_block(raw: bytes, name: bytes) -> bytes:
    """The header's physical lines, as sent (folding included)."""
    match = re.search(rb"^" + name + rb": .*?\r?\n(?![ \t])", raw, re.M | re.S)
    assert match, raw
    return match.group(0)


@pytest.mark.parametrize("policy", [email.policy.SMTP, email.policy.default])
def test_list_unsubscribe_is_sent_verbatim_however_long(policy):
    message = Mail(subject="Shipped", body="x", to=["a@example.test"], headers={
        "List-Unsubscribe": f"<{URL}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    })  # fmt: skip
    raw = _raw(message, policy)
    linesep = policy.linesep.encode()
    assert f"List-Unsubscribe: <{URL}>".encode() + linesep in raw
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" + linesep in raw
    assert b"=?" not in _header_block(raw, b"List-Unsubscribe")


def test_several_unsubscribe_uris_fold_between_them_never_inside():
    mailto = "<mailto:unsubscribe@example-customer-portal.com?subject=unsubscribe>"
    message = Mail(subject="x", body="x", to=["a@example.test"],
                   headers={"List-Unsubscribe": f"<{URL}>, {mailto}"})  # fmt: skip
    block = _header_block(_raw(message), b"List-Unsubscribe")
    assert block == f"List-Unsubscribe: <{URL}>,\r\n {mailto}\r\n".encode()
    parsed = email.message_from_bytes(_raw(message), policy=email.policy.default)
    assert parsed["List-Unsubscribe"] == f"<{URL}>, {mailto}"


def test_every_header_survives_a_round_trip():
    subject = "\u201cExport to PDF, Excel and every other format anyone asked for\u201d has shipped"
    message = Mail(subject=subject, body="Hello", to=["zoe@bücher.example"],  # validate_email takes IDN domains
                   headers={"List-Unsubscribe": f"<{URL}>"})  # fmt: skip
    parsed = email.message_from_bytes(_raw(message), policy=email.policy.default)
    assert parsed["Subject"] == subject
    assert parsed["To"] == "zoe@xn--bcher-kva.example"
    assert parsed["From"] and parsed["Date"] and parsed["Message-ID"]
    assert parsed["List-Unsubscribe"] == f"<{URL}>"
    assert all(not h.defects for h in parsed.values() if hasattr(h, "defects"))
    assert all(len(line) <= 998 for line in _raw(message).split(b"\r\n"))


def test_line_breaks_in_a_subject_become_spaces_at_send_time():
    message = Mail(subject="\u201cDark\r\nmode\u201d\n\tis planned", body="x", to=["a@example.test"])
    parsed = email.message_from_bytes(_raw(message), policy=email.policy.default)
    assert parsed["Subject"] == "\u201cDark mode\u201d is planned"


# ---------------------------------------------------------------- failures


@pytest.mark.parametrize(
    ("exc", "temporary"),
    [
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPConnectError(421, b"busy"), True),
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPResponseException(451, b"try later"), True),
        (smtplib.SMTPRecipientsRefused({"a@x.test": (450, b"mailbox busy")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x.test": (550, b"no such user")}), False),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPNotSupportedError("no STARTTLS"), False),
        (ValueError("Header values may not contain linefeed or carriage return characters"), False),
    ],
)
def test_temporary_and_permanent_failures(exc, temporary):
    assert is_temporary(exc) is temporary


def _failing(monkeypatch, *errors):
    """The test mail backend raises these errors, one per send, then delivers."""
    pending = list(errors)
    original = locmem.EmailBackend.send_messages

    def send_messages(self, messages):
        if pending:
            raise pending.pop(0)
        return original(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)


def test_a_failure_is_logged_with_its_reason_and_not_the_body(monkeypatch, caplog):
    _failing(monkeypatch, smtplib.SMTPRecipientsRefused({"a@example.test": (550, b"no such user")}))
    message = Mail(subject="Hi", body="secret link https://x.test/verify/vote_s3cr3t", to=["a@example.test"])
    with caplog.at_level(logging.INFO, logger="accord.mail"):
        assert deliver(message, kind="test") == FAILED
    [record] = [r for r in caplog.records if r.name == "accord.mail"]
    assert record.levelno == logging.ERROR and record.event == "mail_failed" and record.mail == "test"
    assert "no such user" in record.reason and "s3cr3t" not in record.getMessage() + record.reason
    assert mail.outbox == []


def test_a_temporary_failure_asks_for_a_retry_until_the_last_attempt(monkeypatch, caplog):
    message = Mail(subject="Hi", body="x", to=["a@example.test"])
    _failing(monkeypatch, *[smtplib.SMTPServerDisconnected("gone")] * 3)
    with caplog.at_level(logging.INFO, logger="accord.mail"):
        assert deliver(message, kind="test", attempt=1) == RETRY
        assert deliver(message, kind="test", attempt=2) == RETRY
        assert deliver(message, kind="test", attempt=3) == FAILED
    assert [r.levelno for r in caplog.records if r.name == "accord.mail"] == [logging.WARNING, logging.WARNING, logging.ERROR]
    assert deliver(message, kind="test") == SENT
    assert len(mail.outbox) == 1


calls: list[int] = []


@task()
def _flaky_mail(attempt: int = 1) -> str:
    calls.append(attempt)
    outcome = deliver(Mail(subject="Hi", body="x", to=["a@example.test"]), kind="test", attempt=attempt)
    if outcome == RETRY:
        accord_mail.retry(_flaky_mail, attempt=attempt)
    return outcome


def test_retry_enqueues_the_next_attempt_later_on_a_deferring_backend(settings, monkeypatch, db):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    calls.clear()
    _failing(monkeypatch, smtplib.SMTPServerDisconnected("gone"))
    _flaky_mail.call()
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs == {"args": [], "kwargs": {"attempt": 2}}
    assert queued.run_after > queued.enqueued_at  # with a delay (backoff)
    assert mail.outbox == []


def test_with_the_immediate_backend_a_retry_runs_at_once_and_stops_after_three(monkeypatch, db):
    calls.clear()
    _failing(monkeypatch, *[smtplib.SMTPServerDisconnected("gone")] * 5)
    _flaky_mail.enqueue()
    assert calls == [1, 2, 3]
    assert mail.outbox == []
