"""Structured (JSON lines) logs: one object per event, UTC timestamps."""

import json
import logging
import re
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


security_log = logging.getLogger("accord.security")


# ---------------------------------------------------------------- secrets out of logs

# The routes whose next path segment is a secret token; tests/…/test_log_redaction.py checks that
# every URL pattern with a token parameter is covered.
SECRET_ROUTES = ["share", "calendar", "feeds", "launches/calendar", "changes/calendar", "scoreboard", "invitations", "notifications/unsubscribe", r"portal/[^/\s?#\"'<>]+/(?:verify|unsubscribe|confirm)"]
# Query parameters whose value is a secret.
SECRET_PARAMS = r"[^=&\s\"'<>#?]*(?:token|secret|key|passw|signature|sig)[^=&\s\"'<>#?]*"
REDACTED = "[redacted]"

_ESCAPED = re.compile(r"%(2[dDeEfF]|3[0-9]|[46][1-9a-fA-F]|[57][0-9aA]|5[fF]|7[eE])")
_SECRET_PATH = re.compile(
    r"(?P<lead>^|[\s\"'/(=]|[a-z]+://[^/\s\"'<>]+)"
    rf"(?P<route>/(?:{'|'.join(SECRET_ROUTES)})/)"
    r"(?P<secret>[^/?#\s\"'<>]+?)(?P<ext>\.ics)?(?=[/?#\s\"'<>)]|$)"
)
_SECRET_PARAM = re.compile(rf"(?P<name>[?&;]{SECRET_PARAMS}=)[^&\s\"'<>#]+", re.IGNORECASE)


def redact_secrets(text: str) -> str:
    """The text with every secret token of a URL (path segment or query parameter) replaced.

    Percent-escaped letters, digits and slashes are decoded first (the server decodes them too,
    so `/%73hare/…` reaches the share page).
    """
    if "/" not in text and "=" not in text:
        return text
    if "%" in text:
        text = _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text)
    text = _SECRET_PATH.sub(lambda m: f"{m['lead']}{m['route']}{REDACTED}{m['ext'] or ''}", text)
    return _SECRET_PARAM.sub(lambda m: f"{m['name']}{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Cuts secret tokens out of a record: its message and every extra it carries (the request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact_secrets(message), ()
        for name, value in list(vars(record).items()):
            if name in _STANDARD or value is None or isinstance(value, bool | int | float):
                continue
            setattr(record, name, redact_secrets(value if isinstance(value, str) else str(value)))
        return True
