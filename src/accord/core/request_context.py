"""Which request (or task) a log line belongs to.

`RequestIdMiddleware` gives every request an id: the caller's `X-Request-ID` when it is a plain
token (a proxy's or a load balancer's, so one id follows the request through them), a new one
otherwise. It is sent back in the `X-Request-ID` response header. `ContextFilter` adds to every
log record the request id, the signed-in user's id and the workspace (id when a page resolved the
member, slug otherwise), read without a database query.

Tasks: when a task is enqueued during a request, a log line "task enqueued" carries the request id
and the task's id; in the worker, every log line of the task carries `task_id` (set by the
task_started signal), so the two are joined on the task id. The request id is not put in the task's
arguments: they are the task function's, and they stay free of anything but ids.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request: ContextVar[HttpRequest | None] = ContextVar("accord_request", default=None)
_task_id: ContextVar[str | None] = ContextVar("accord_task_id", default=None)

HEADER = "X-Request-ID"
_ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{8,64}")

log = logging.getLogger("accord.tasks")


def request_id_for(request: HttpRequest) -> str:
    given = request.headers.get(HEADER, "")
    return given if _ACCEPTED.fullmatch(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_for(request)
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        response[HEADER] = request.request_id
        return response


def current_request() -> HttpRequest | None:
    return _request.get()


def _member(request: HttpRequest):
    """The membership a page or an API token resolved (already loaded: no query here)."""
    member = getattr(request, "member", None)
    if member is None and (token := getattr(request, "api_token", None)) is not None:
        member = token.membership
    return member


def _user_id(request: HttpRequest, member) -> int | None:
    if member is not None:
        return member.user_id
    auth = getattr(request, "auth", None)  # Ninja: the signed-in user of a session call
    if auth is not None and getattr(auth, "is_authenticated", False):
        return auth.pk
    user = getattr(request, "_cached_user", None)  # set once something read request.user
    return user.pk if user is not None and user.is_authenticated else None


def context() -> dict[str, object]:
    """The ids of what is running now (empty outside requests and tasks)."""
    values: dict[str, object] = {}
    if (task_id := _task_id.get()) is not None:
        values["task_id"] = task_id
    request = _request.get()
    if request is None:
        return values
    values["request_id"] = getattr(request, "request_id", None)
    member = _member(request)
    if (user_id := _user_id(request, member)) is not None:
        values["user_id"] = user_id
    if member is not None:
        values["workspace_id"] = member.workspace_id
    elif (match := getattr(request, "resolver_match", None)) and "slug" in match.kwargs:
        values["workspace"] = match.kwargs["slug"]
    return values


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in context().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


# ---------------------------------------------------------------- tasks


def on_task_enqueued(sender, task_result, **kwargs) -> None:
    if _request.get() is not None:
        log.info("task enqueued", extra={"task_id": str(task_result.id), "task": task_result.task.name})


def on_task_started(sender, task_result, **kwargs) -> None:
    _task_id.set(str(task_result.id))


def on_task_finished(sender, task_result, **kwargs) -> None:
    _task_id.set(None)


def task_signal_sets():
    """Django's own task signals, and the django-tasks package's (the RQ backend sends those)."""
    import importlib

    for module in ("django.tasks.signals", "django_tasks.signals"):
        try:
            yield importlib.import_module(module)
        except ImportError:
            continue


def connect_task_signals() -> None:
    for signals in task_signal_sets():
        where = signals.__name__
        signals.task_enqueued.connect(on_task_enqueued, dispatch_uid=f"accord.request_context.enqueued.{where}")
        signals.task_started.connect(on_task_started, dispatch_uid=f"accord.request_context.started.{where}")
        signals.task_finished.connect(on_task_finished, dispatch_uid=f"accord.request_context.finished.{where}")
