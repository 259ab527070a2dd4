"""Rate-limit counters shared by every server process: share-link guesses, share passwords, the
public portal.

A limit counts hits per key in a fixed window that starts with the key's first hit. The counters
live where all gunicorn workers see them: in Redis when REDIS_URL is set (Django's cache: add +
INCR, atomic), else in the database, one row per key, counted by a single upsert statement
(INSERT ... ON CONFLICT DO UPDATE ... RETURNING, atomic on SQLite and PostgreSQL). Django's
DatabaseCache was measured and not used: its incr reads then writes, so two processes counting
500 hits each on one key ended at 560 on SQLite and 537 on PostgreSQL instead of 1,000.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .cache import redis_errors
from .models import RateCounter

log = logging.getLogger("accord.ratelimit")
PRUNE_ONE_IN = 500  # about once per this many hits, expired rows are deleted


def _use_cache() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def _key(key: str) -> str:
    if len(key) <= 200:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _table() -> str:
    return connection.ops.quote_name(RateCounter._meta.db_table)


def hit(key: str, window: int) -> int:
    """Count one hit; the number of hits in the key's current window, this one included.

    While Redis is unreachable the database counts (the limit still holds, per window restarted).
    """
    if _use_cache():
        try:
            return _cache_hit(f"rate:{key}", window)
        except redis_errors():
            log.warning("redis unavailable: rate limit counted in the database")
    now = time.time()
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, hits, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 (a model's table)
            f"ON CONFLICT (key) DO UPDATE SET "
            f"hits = CASE WHEN {table}.expires_at <= %s THEN 1 ELSE {table}.hits + 1 END, "
            f"expires_at = CASE WHEN {table}.expires_at <= %s THEN excluded.expires_at ELSE {table}.expires_at END "
            f"RETURNING hits",
            [_key(key), now + window, now, now],
        )
        hits = cursor.fetchone()[0]
    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        RateCounter.objects.filter(expires_at__lt=now).delete()
    return hits


def _cache_hit(key: str, window: int) -> int:
    if cache.add(key, 1, window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def hits(key: str) -> int:
    """The hits of the key's current window (0 when none), without counting one."""
    if _use_cache():
        return cache.get(f"rate:{key}") or 0  # a miss while Redis is unreachable (accord.core.cache)
    with connection.cursor() as cursor:  # plain SQL: one on every public request, ORM overhead shows
        cursor.execute(
            f"SELECT hits FROM {_table()} WHERE key = %s AND expires_at > %s",  # noqa: S608
            [_key(key), time.time()],
        )
        row = cursor.fetchone()
    return row[0] if row else 0


def reset() -> None:
    """Forget every count (tests)."""
    if _use_cache():
        cache.clear()
    else:
        RateCounter.objects.all().delete()
