"""Secret tokens: 256 random bits from `secrets`, only their SHA-256 is stored.

A token that a background task must mail is *derived* instead: an HMAC (SECRET_KEY) of a random
nonce stored next to its hash. The task gets the row's id, rebuilds the token from the nonce and
mails it, so no raw token travels through, or stays in, the task queue's table; the database alone
(without SECRET_KEY) does not give it away either.
"""

import hashlib
import secrets
from base64 import urlsafe_b64encode

from django.utils.crypto import salted_hmac


def new_token(kind: str) -> tuple[str, str]:
    """Return (the token to show once, the hash to store). `kind` is a short readable prefix."""
    raw = f"{kind}_{secrets.token_urlsafe(32)}"
    return raw, hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_derived_token(kind: str) -> tuple[str, str, str]:
    """Return (the token, the hash to store, the nonce to store) for a token a task will mail."""
    nonce = secrets.token_urlsafe(24)
    raw, digest = derived_token(kind, nonce)
    return raw, digest, nonce


def derived_token(kind: str, nonce: str) -> tuple[str, str]:
    """Rebuild (the token, its hash) from the stored nonce."""
    mac = salted_hmac(f"accord.tokens.{kind}", nonce, algorithm="sha256").digest()
    raw = f"{kind}_{urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    return raw, hash_token(raw)
