"""The signature receivers check: HMAC-SHA256 over "<timestamp>.<delivery id>.<body>".

Headers of every request:
    Accord-Webhook-Id: <delivery id>           (the same on every retry of a delivery)
    Accord-Webhook-Timestamp: <unix seconds>   (when this attempt was signed)
    Accord-Webhook-Signature: v1=<hex digest>
    Accord-Webhook-Event: <event type>

`verify` is the function the README shows receivers (kept in step with it by a test).
"""

import hashlib
import hmac
import time

from accord.core.tokens import derived_token

TOLERANCE_SECONDS = 300  # receivers reject older timestamps (replays)
SECRET_KIND = "whsec"


def secret_of(nonce: str) -> str:
    """The webhook's signing secret, rebuilt from its stored nonce (never stored itself)."""
    return derived_token(SECRET_KIND, nonce)[0]


def signature(secret: str, timestamp: int, delivery_id: str, body: bytes) -> str:
    message = f"{timestamp}.{delivery_id}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(
    *, secret: str, delivery_id: int | str, event_type: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "Content-Type": "application/json",
        "User-Agent": "Accord-Webhooks/1",
        "Accord-Webhook-Id": str(delivery_id),
        "Accord-Webhook-Event": event_type,
        "Accord-Webhook-Timestamp": str(timestamp),
        "Accord-Webhook-Signature": signature(secret, timestamp, str(delivery_id), body),
    }


# ---- the receiver's side, as the README shows it --------------------------------------------
README_SNIPPET = '''
import hashlib, hmac, time

def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> bool:
    """True when the request comes from Accord and is fresh (not a replay older than 5 minutes)."""
    timestamp = headers["Accord-Webhook-Timestamp"]
    delivery_id = headers["Accord-Webhook-Id"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False  # too old (or from the future): a replay
    message = f"{timestamp}.{delivery_id}.".encode() + body
    expected = "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["Accord-Webhook-Signature"])
'''.strip()
