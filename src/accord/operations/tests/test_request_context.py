"""Every log line of a request carries its id, the user and the workspace; responses carry the id;
Redis down degrades (tasks queued in the database, cache skipped) instead of failing writes."""

import io
import json
import logging

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from accord.core.logging import JsonFormatter, RedactSecrets
from accord.core.request_context import HEADER, ContextFilter, RequestIdMiddleware

pytestmark = pytest.mark.django_db


def test_every_response_has_a_request_id_and_a_callers_plain_id_is_kept(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first[HEADER]) == 32 and first[HEADER] != second[HEADER]
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")[HEADER] == "lb-7f3a9c2e-0001"
    for odd in ("short", "x" * 65, "has space inside it", "abc\r\nSet-Cookie: a=b", "ünïcode-id-123"):
        given = client.get("/healthz", HTTP_X_REQUEST_ID=odd)[HEADER]
        assert given != odd and len(given) == 32


@pytest.fixture
def captured():
    """The JSON lines the `accord` logger writes, through the settings' filters."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactSecrets())
    logger = logging.getLogger("accord.test_context")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_a_log_line_in_a_request_names_the_request_user_and_workspace(captured, cast):
    logger, lines = captured
    member = cast.members["editor"]
    request = RequestFactory().get("/w/acme/ideas", HTTP_X_REQUEST_ID="req-0123456789")
    request.user = member.user
    request._cached_user = member.user

    def view(request):
        logger.info("outside a workspace page")
        request.member = member
        logger.info("inside one", extra={"path": "/share/s3cr3t-token/x"})
        return HttpResponse("ok")

    RequestIdMiddleware(view)(request)
    logger.info("after the request")
    first, second, after = lines()
    assert first["request_id"] == "req-0123456789" and first["user_id"] == member.user_id
    assert "workspace_id" not in first
    assert second["workspace_id"] == member.workspace_id and second["user_id"] == member.user_id
    assert second["path"] == "/share/[redacted]/x"  # the secret filter still applies
    assert "request_id" not in after and "user_id" not in after


def test_an_api_tokens_member_is_named(cast):
    from accord.core import request_context
    from accord.workspaces.services import token_authenticate

    api_token = token_authenticate(cast.tokens["viewer"])
    request = RequestFactory().get("/api/v1/workspaces/acme/ideas")
    request.api_token = api_token
    request.auth = api_token.membership.user

    def view(request):
        return HttpResponse(json.dumps(request_context.context()))

    values = json.loads(RequestIdMiddleware(view)(request).content)
    assert values["user_id"] == cast.members["viewer"].user_id
    assert values["workspace_id"] == cast.workspace.pk
    assert len(values["request_id"]) == 32


def test_readyz_names_redis_when_configured_and_stays_ready_without_it(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["redis"] == "unavailable"
    settings.REDIS_URL = ""
    assert "redis" not in client.get("/readyz").json()


def test_tasks_are_queued_in_the_database_while_redis_is_down(settings, db_tasks, monkeypatch):
    from django.tasks import task_backends
    from django_tasks_db.models import DBTaskResult

    from accord.feedback.similarity.tasks import index_feedback_task

    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0?socket_connect_timeout=1", "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {
        "default": {"BACKEND": "accord.core.task_backends.RedisWithDatabaseFallback", "OPTIONS": {"fallback": "database"}},
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    assert type(task_backends["default"]).__name__ == "RedisWithDatabaseFallback"
    result = index_feedback_task.enqueue([])
    assert result.backend == "database"
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == "READY" and row.backend_name == "database"
    from django.core.management import call_command

    call_command("db_worker", "--backend=database", batch=True, queue_name="*", startup_delay=False, verbosity=0, reload=False)
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"


def test_the_cache_skips_redis_while_it_is_down():
    from accord.core.cache import ResilientRedisCache, redis_errors

    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None and cache.add("k", 1) is False and cache.delete("k") is False
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(redis_errors()):
        cache.incr("k")  # the rate limiter counts in the database then
