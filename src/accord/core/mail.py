"""Outgoing mail, sent by background tasks: safe headers, logged failures, bounded retries.

- Every header value is one line (a title with a line break would make Python's mail package
  refuse the whole message), and List-Unsubscribe / List-Unsubscribe-Post go out verbatim
  (RFC 2369 / RFC 8058): mail clients only offer one-click unsubscribe when they can read the
  `<https://...>` value, so it is never RFC 2047-encoded and folds only between its items.
- `deliver` sends one message and says how it went; a failure is logged with its reason.
  SMTP answers 4xx and lost connections are temporary: the task calls `retry`, which enqueues
  its next attempt later (up to MAX_ATTEMPTS in all). Anything else is logged once and dropped.
"""

import email.policy
import logging
import smtplib
from datetime import timedelta
from email.headerregistry import HeaderRegistry, UnstructuredHeader

from django.core.mail import EmailMessage
from django.utils import timezone

from .cleaning import one_line

log = logging.getLogger("accord.mail")

MAX_ATTEMPTS = 3
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10))  # before attempts 2 and 3

SENT, RETRY, FAILED = "sent", "retry", "failed"


class VerbatimHeader(UnstructuredHeader):
    """An ASCII header sent as written: folded only at its spaces, never encoded."""

    @classmethod
    def parse(cls, value, kwds):
        super().parse(value, kwds)
        kwds["decoded"] = value  # not decoded as RFC 2047 words either

    def fold(self, *, policy):
        value = str(self)
        if not value.isascii():  # cannot be sent verbatim: let the mail package encode it
            return super().fold(policy=policy)
        limit = policy.max_line_length or 998
        start = line = f"{self.name}:"
        lines = []
        for word in filter(None, value.split(" ")):
            if line != start and len(line) + 1 + len(word) > limit:
                lines.append(line)
                line = ""
            line += f" {word}"
        lines.append(line)
        return policy.linesep.join(lines) + policy.linesep


_HEADERS = HeaderRegistry()
for _name in ("list-unsubscribe", "list-unsubscribe-post"):
    _HEADERS.map_to_type(_name, VerbatimHeader)


class Mail(EmailMessage):
    """Django's EmailMessage with one-line headers and the verbatim List-* headers, whichever
    policy the mail backend asks for (the SMTP backend uses email.policy.SMTP)."""

    def __init__(self, *, subject: str, body: str, to: list[str], headers: dict | None = None):
        headers = {name: one_line(str(value)).strip() for name, value in (headers or {}).items()}
        super().__init__(subject=one_line(str(subject)).strip(), body=body, to=to, headers=headers)

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(header_factory=_HEADERS))


def is_temporary(exc: BaseException) -> bool:
    """Whether sending again later can help: a 4xx answer or a connection problem."""
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPException):  # e.g. the server lacks a needed extension
        return False
    return isinstance(exc, OSError)  # refused connection, timeout, name lookup, TLS


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def deliver(message: Mail, *, kind: str, attempt: int = 1) -> str:
    """Send one message: SENT, RETRY (a temporary failure, worth another attempt) or FAILED.

    Failures are logged with the reason (never the body: it carries links with tokens).
    """
    try:
        message.send()
    except Exception as exc:  # whatever the backend raises is logged, not lost
        temporary = is_temporary(exc) and attempt < MAX_ATTEMPTS
        log.log(
            logging.WARNING if temporary else logging.ERROR,
            "mail not sent" + (", will retry" if temporary else ""),
            extra={
                "event": "mail_failed",
                "mail": kind,
                "attempt": attempt,
                "reason": _reason(exc),
                "temporary": is_temporary(exc),
            },
        )
        return RETRY if temporary else FAILED
    return SENT


def retry(task, *args, attempt: int) -> None:
    """Enqueue attempt `attempt + 1` of `task(*args, attempt=...)` after a delay (at once on a
    backend that cannot defer, such as the immediate one of the tests)."""
    delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1]
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(*args, attempt=attempt + 1)
