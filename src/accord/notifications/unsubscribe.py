"""The one-click unsubscribe link of every notification and digest mail (RFC 8058).

The token is signed (SECRET_KEY, its own salt): "<user id>.<kind>:<signature>". It names whom and
which kind of mail; it never expires, since mail clients send the one-click POST whenever the
person presses the button. Nothing is stored: the link is rebuilt from the ids when mailing.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "accord.notifications.unsubscribe"


def token_for(user_id: int, kind: str) -> str:
    return signing.Signer(salt=_SALT).sign(f"{user_id}.{kind}")


def read_token(token: str) -> tuple[int, str] | None:
    """(user id, kind), or None for a token that is not ours or was altered."""
    try:
        value = signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature:
        return None
    user_id, _, kind = value.partition(".")
    if not user_id.isdigit() or not kind:
        return None
    return int(user_id), kind


def url_for(user_id: int, kind: str) -> str:
    path = reverse("notifications_unsubscribe", args=[token_for(user_id, kind)])
    return f"{settings.ACCORD_BASE_URL}{path}"


def headers_for(user_id: int, kind: str) -> dict[str, str]:
    """The List-Unsubscribe headers mail clients read (accord.core.mail sends them verbatim)."""
    return {
        "List-Unsubscribe": f"<{url_for(user_id, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
