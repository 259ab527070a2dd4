"""Answer 503 while the database is unreachable instead of a 500 (the process keeps running),
and 404 for a path with a NUL character (PostgreSQL cannot compare text with one: a 500)."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

log = logging.getLogger("accord.db")
RETRY_AFTER_SECONDS = "5"


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info:
            raise Http404("No page has a NUL character in its address.")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)) or _is_data_error(exception):
            return None
        log.error("database unavailable", extra={"path": request.path, "error": str(exception)})
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": "The database is unavailable; try again shortly.", "errors": []}, status=503)
        else:
            response = HttpResponse(render_to_string("503.html", request=None), status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS  # seconds: clients and proxies wait, then retry
        return response


def _is_data_error(exc: DatabaseError) -> bool:
    # SQLite reports "database is locked" as OperationalError; that is load, not an outage.
    return "locked" in str(exc).lower()
