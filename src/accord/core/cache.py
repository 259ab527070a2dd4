"""The shared cache in Redis that does not take pages down with it.

Django's RedisCache raises when Redis is unreachable, so every page that reads the cache would
answer 500 while Redis restarts. Here a read is a miss and a write is skipped (logged once a
minute per process); counters (`incr`) still raise, for the rate limiter to count in the database.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("accord.cache")
_WARN_EVERY = 60.0


def _errors() -> tuple[type[Exception], ...]:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (RedisConnectionError, RedisTimeoutError)


class ResilientRedisCache(RedisCache):
    _last_warning = 0.0

    def _unavailable(self, operation: str) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning > _WARN_EVERY:
            ResilientRedisCache._last_warning = now
            log.warning("redis unavailable: cache %s skipped", operation)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _errors():
            self._unavailable("read")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _errors():
            self._unavailable("read")
            return {}

    def set(self, key, value, timeout=None, version=None):
        try:
            return super().set(key, value, timeout, version)
        except _errors():
            self._unavailable("write")
            return None

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except _errors():
            self._unavailable("write")
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except _errors():
            self._unavailable("write")
            return False
