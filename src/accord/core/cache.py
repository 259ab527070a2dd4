"""The shared cache in Redis that does not take pages down with it.

Django's RedisCache raises when Redis is unreachable, so every page that reads the cache would
answer 500 while Redis restarts. Here a read is a miss and a write is skipped (logged once a
minute per process); counters (`incr`) still raise, for the rate limiter to count in the database.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("accord.cache")
_WARN_EVERY = 60.0


def redis_errors() -> tuple[type[Exception], ...]:
    """What the Redis client raises when Redis cannot be reached (none without the redis extra)."""
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:
        return ()
    return (RedisConnectionError, RedisTimeoutError)


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def _or(self, operation: str, fallback: Any, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except redis_errors():
            now = time.monotonic()
            if now - ResilientRedisCache._last_warning > _WARN_EVERY:
                ResilientRedisCache._last_warning = now
                log.warning("redis unavailable: cache %s skipped", operation)
            return fallback

    def get(self, key, default=None, version=None):
        return self._or("read", default, lambda: super(ResilientRedisCache, self).get(key, default, version))

    def get_many(self, keys, version=None):
        return self._or("read", {}, lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def set(self, key, value, timeout=None, version=None):
        return self._or("write", None, lambda: super(ResilientRedisCache, self).set(key, value, timeout, version))

    def add(self, key, value, timeout=None, version=None):
        return self._or("write", False, lambda: super(ResilientRedisCache, self).add(key, value, timeout, version))

    def delete(self, key, version=None):
        return self._or("write", False, lambda: super(ResilientRedisCache, self).delete(key, version))
