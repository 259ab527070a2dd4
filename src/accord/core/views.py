from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up (no database access)."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """The process can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        return JsonResponse({"status": "unavailable", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403.html", {"reason": "Your form expired or came from another site. Reload the page and try again."}, status=403)


def _api_error(request: HttpRequest, status: int, detail: str) -> JsonResponse | None:
    """API clients get the API's error format, not a page."""
    if request is not None and request.path.startswith("/api/"):
        return JsonResponse({"detail": detail, "errors": []}, status=status)
    return None


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 400, "Bad request.") or render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 403, "Forbidden.") or render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _api_error(request, 404, "Not found.") or render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the failure may be in a context processor.
    return _api_error(request, 500, "Something went wrong on our side.") or render(None, "500.html", status=500)
