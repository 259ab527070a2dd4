"""Secret tokens: 256 random bits from `secrets`, only their SHA-256 is stored."""

import hashlib
import secrets


def new_token(kind: str) -> tuple[str, str]:
    """Return (the token to show once, the hash to store). `kind` is a short readable prefix."""
    raw = f"{kind}_{secrets.token_urlsafe(32)}"
    return raw, hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
