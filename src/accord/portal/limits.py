"""Per-address rate limits of the public portal, counted in Django's cache (shared by processes
when the cache is Redis)."""

from django.core.cache import cache
from django.http import HttpRequest

# bucket -> (requests per address, window in seconds)
LIMITS = {
    "page": (300, 60),  # any public page or JSON read
    "vote": (10, 3600),  # vote requests (each may send a mail)
    "comment": (10, 3600),
    "submit": (5, 3600),
    "token": (30, 600),  # verification and unsubscribe links, right or wrong
}


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def exceeded(request: HttpRequest, bucket: str) -> int:
    """Count one request; the seconds to wait when the address is over its limit, else 0."""
    limit, window = LIMITS[bucket]
    key = f"portal-rate:{bucket}:{client_ip(request)}"
    if cache.add(key, 1, window):
        return 0
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 0
    return window if count > limit else 0
