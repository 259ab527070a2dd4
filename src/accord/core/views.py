from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .middleware import RETRY_AFTER_SECONDS


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up (no database access)."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """The process can reach its database (503 when not) and, when configured, Redis.

    Redis down is reported but still ready (200): tasks are queued in the database meanwhile
    (accord.core.task_backends) and the cache is skipped, so taking every web process out of a
    load balancer for it would turn a degraded service into an outage.
    """
    body: dict[str, object] = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        body["database"] = connection.vendor
    except Exception as exc:  # any driver error means "not ready"
        body.update(status="unavailable", database=str(exc.__class__.__name__))
    if settings.REDIS_URL:
        body["redis"] = _redis_state()
    if body["status"] != "ok":
        response = JsonResponse(body, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return JsonResponse(body)


def _redis_state() -> str:
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception:
        return "unavailable"
    return "ok"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403.html", {"reason": "Your form expired or came from another site. Reload the page and try again."}, status=403)


def _api_error(request: HttpRequest, status: int, detail: str) -> JsonResponse | None:
    """API clients get the API's error format, not a page."""
    if request is not None and request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "errors": []}, status=status)
    return None


def body_too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit >= 1024 * 1024:
        size = f"{limit / (1024 * 1024):g} MB"
    else:
        size = f"{limit / 1024:g} KB" if limit >= 1024 else f"{limit} bytes"
    return f"The request body is too large: the limit is {size} (files you upload are counted apart)."


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """400, or 413 for a body over the size limit, saying so (Django reports it as a bad request)."""
    if isinstance(exception, RequestDataTooBig):
        message = body_too_large_message()
        return _api_error(request, 413, message) or render(
            request, "400.html", {"title": "Too large", "code": 413, "reason": message}, status=413
        )
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        message = "The request has too many fields or files; send fewer at a time."
        return _api_error(request, 400, message) or render(request, "400.html", {"reason": message}, status=400)
    return _api_error(request, 400, "Bad request.") or render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 403, "Forbidden.") or render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 404, "Not found.") or render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may be in a context processor.
    return _api_error(request, 500, "Something went wrong on our side.") or render(None, "500.html", status=500)
