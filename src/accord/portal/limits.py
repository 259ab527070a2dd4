"""Per-address rate limits of the public portal, counted where every server process sees them
(accord.core.ratelimit)."""

from django.http import HttpRequest

from accord.core import ratelimit

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
    count = ratelimit.hit(f"portal-rate:{bucket}:{client_ip(request)}", window)
    return window if count > limit else 0
