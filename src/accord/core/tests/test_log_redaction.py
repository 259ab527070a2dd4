"""Secret tokens never reach a log line: every URL pattern that carries one is redacted, and the
request lines of Django's server and request loggers go through the filter.
(The access log of the real `accord serve` is checked in tests/test_serve.py.)"""

import io
import logging
import re
from contextlib import contextmanager

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.log import log_response

from accord.core.logging import redact_secrets

SECRET = "tok_SeCrEt4711abc"
SECRET_NAMES = {"token", "secret", "key", "password", "code", "signature"}


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, route


def _secret_routes():
    """(name, route, params) of every URL pattern with a secret-looking string parameter."""
    found = []
    for name, route in _patterns(get_resolver()):
        params = {p: c or "str" for c, p in re.findall(r"<(?:(\w+):)?(\w+)>", route)}
        if any(p in SECRET_NAMES or p.endswith("_token") for p, c in params.items() if c != "int"):
            found.append((name, route, params))
    return found


def test_the_secret_routes_are_the_ones_we_know():
    names = {name for name, _route, _params in _secret_routes()}
    assert {
        "share_page", "share_state", "share_view", "calendar_feed", "invitation",
        "portal_verify", "portal_unsubscribe", "portal_confirm", "scoreboard_public", "scoreboard_state", "scoreboard_view",
        "launch_calendar_feed", "change_calendar_feed", "notifications_unsubscribe", "atom_feed",
    } <= names  # fmt: skip


@pytest.mark.parametrize(("name", "route", "params"), _secret_routes())
def test_every_url_with_a_secret_is_redacted(name, route, params):
    values = {"int": 1, "slug": "acme", "str": "x", "path": "x"}
    kwargs = {
        p: SECRET if (p in SECRET_NAMES or p.endswith("_token")) and c != "int" else values.get(c, "x")
        for p, c in params.items()
    }
    path = reverse(name, kwargs=kwargs)
    assert SECRET in path
    for line in [
        f'127.0.0.1 - - "GET {path} HTTP/1.1" 200 12',
        f'"GET {path}?page=2 HTTP/1.1" 404',
        f"http://127.0.0.1:8000{path}",
        f"<WSGIRequest: GET '{path}'>",
        path,
    ]:
        assert SECRET not in redact_secrets(line), line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /healthz?token=abc&page=2 HTTP/1.1", "GET /healthz?token=[redacted]&page=2 HTTP/1.1"),
        ("/x?page=1&api_key=zz", "/x?page=1&api_key=[redacted]"),
        ("/%73hare/shr_y HTTP/1.1", "/share/[redacted] HTTP/1.1"),
        ("/share%2Fshr_z", "/share/[redacted]"),
        ("/calendar/cal_x.ics", "/calendar/[redacted].ics"),
        ("/w/acme/invitations/12/revoke", "/w/acme/invitations/12/revoke"),
        ("/w/share/ideas", "/w/share/ideas"),
    ],
)
def test_redaction_of_queries_escapes_and_lookalikes(line, expected):
    assert redact_secrets(line) == expected


@contextmanager
def written(logger_name: str):
    """What the configured handlers of a logger write (their streams swapped for one buffer)."""
    buffer = io.StringIO()
    handlers = [h for h in logging.getLogger(logger_name).handlers if isinstance(h, logging.StreamHandler)]
    assert handlers
    previous = [handler.stream for handler in handlers]
    for handler in handlers:
        handler.stream = buffer  # not setStream: it flushes the old stream, maybe closed by now
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.stream = stream


def test_runserver_request_lines_carry_no_token():
    """runserver logs each request on `django.server` (WSGIRequestHandler.log_message)."""
    with written("django.server") as out:
        logging.getLogger("django.server").info(
            '"%s" %s %s',
            f"GET /share/{SECRET}/state HTTP/1.1",
            "200",
            "31",
            extra={"request": object(), "server_time": "01/Jan/2026 10:00:00", "status_code": 200},
        )
    assert '"GET /share/[redacted]/state HTTP/1.1" 200 31' in out.getvalue()
    assert SECRET not in out.getvalue()


def test_django_request_errors_carry_no_token():
    request = RequestFactory().get(f"/invitations/{SECRET}", {"token": SECRET})
    with written("django.request") as out:
        log_response(
            "Internal Server Error: %s", request.path, response=HttpResponse(status=500), request=request
        )
    assert "Internal Server Error: /invitations/[redacted]" in out.getvalue()
    assert SECRET not in out.getvalue()


def test_gunicorn_error_log_carries_no_token():
    """gunicorn logs a failing request with its path ("Error handling request /share/…")."""
    from gunicorn.config import Config

    from accord.core.access_log import RedactingLogger

    logger = RedactingLogger(Config())
    buffer = io.StringIO()
    for handler in logger.error_log.handlers:
        handler.stream = buffer
    logger.error("Error handling request %s", f"/share/{SECRET}/state")
    assert "Error handling request /share/[redacted]/state" in buffer.getvalue()
    assert SECRET not in buffer.getvalue()
