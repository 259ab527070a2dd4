"""Prometheus metrics at /metrics: request latency per route, errors, tasks, queue depth, database
connections.

Behind gunicorn each web process counts its own requests; `accord serve` points
PROMETHEUS_MULTIPROC_DIR at a fresh folder, so every process (web workers, task workers) writes its
figures there and /metrics, whichever process answers it, sums them. Without that variable (the
development server, tests) the figures are the one process's.

/metrics answers only with `Authorization: Bearer <ACCORD_METRICS_TOKEN>`; when no token is set it
does not exist (404), so a server is never open to scraping by accident.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from contextvars import ContextVar

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger("accord.metrics")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUEST_SECONDS = Histogram(
    "accord_http_request_duration_seconds",
    "Time to answer a request, per route (the URL pattern, not the address), method and status class.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
ERRORS = Counter(
    "accord_http_errors_total",
    "Responses with a 4xx or 5xx status, per route, method and status.",
    ["method", "route", "status"],
)
EXCEPTIONS = Counter(
    "accord_http_exceptions_total",
    "Exceptions no other handler answered (a 500), per route and exception class.",
    ["route", "exception"],
)
TASK_SECONDS = Histogram(
    "accord_task_duration_seconds",
    "Time a background task ran, per task and outcome.",
    ["task", "status"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0),
)

UNMATCHED = "(unmatched)"


def route_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return "/" + (match.route or "")


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route, status = route_of(request), response.status_code
        if route != "/metrics":  # scrapes are not timed
            REQUEST_SECONDS.labels(request.method, route, f"{status // 100}xx").observe(time.perf_counter() - started)
        if status >= 400:  # refused scrapes count: someone is guessing the token
            ERRORS.labels(request.method, route, str(status)).inc()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        EXCEPTIONS.labels(route_of(request), exception.__class__.__name__).inc()


# ---------------------------------------------------------------- tasks

_task_started: ContextVar[float | None] = ContextVar("accord_task_started", default=None)


def _on_task_started(sender, task_result, **kwargs) -> None:
    _task_started.set(time.perf_counter())


def _on_task_finished(sender, task_result, **kwargs) -> None:
    started = _task_started.get()
    if started is None:
        return
    _task_started.set(None)
    status = getattr(task_result.status, "value", str(task_result.status)).lower()
    TASK_SECONDS.labels(task_result.task.name, status).observe(time.perf_counter() - started)


def connect_task_signals() -> None:
    from accord.core.request_context import task_signal_sets

    for signals in task_signal_sets():
        where = signals.__name__
        signals.task_started.connect(_on_task_started, dispatch_uid=f"accord.metrics.started.{where}")
        signals.task_finished.connect(_on_task_finished, dispatch_uid=f"accord.metrics.finished.{where}")


# ---------------------------------------------------------------- read when scraped


class StateCollector:
    """What is read from the database and Redis at scrape time: queue depths, connections."""

    def collect(self):
        from django.db import connection
        from django.db.models import Count

        up = GaugeMetricFamily("accord_database_up", "1 when the database answered this scrape.")
        depth = GaugeMetricFamily(
            "accord_task_queue_depth", "Tasks waiting for a worker, per backend and queue.", labels=["backend", "queue"]
        )
        connections = GaugeMetricFamily(
            "accord_database_connections",
            "Connections to Accord's PostgreSQL database, per state (pg_stat_activity).",
            labels=["state"],
        )
        try:
            from django_tasks_db.models import DBTaskResult

            waiting = (
                DBTaskResult.objects.filter(status="READY")
                .values_list("backend_name", "queue_name")
                .order_by()
                .annotate(count=Count("id"))
            )
            counts = {(backend, queue): count for backend, queue, count in waiting}
            for (backend, queue), count in sorted(counts.items()):
                depth.add_metric([backend, queue], count)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT coalesce(state, 'unknown'), count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() GROUP BY 1 ORDER BY 1"
                    )
                    for state, count in cursor.fetchall():
                        connections.add_metric([state], count)
            up.add_metric([], 1)
        except Exception as exc:  # a scrape during an outage says so instead of failing
            log.warning("metrics: database unavailable", extra={"error": exc.__class__.__name__})
            up.add_metric([], 0)
        yield up
        yield connections
        yield from self._redis(depth)

    def _redis(self, depth: GaugeMetricFamily):
        queues = getattr(settings, "RQ_QUEUES", None)
        if not queues:
            yield depth
            return
        redis_up = GaugeMetricFamily("accord_redis_up", "1 when Redis answered this scrape.")
        try:
            import django_rq

            for name in sorted(queues):
                depth.add_metric(["redis", name], len(django_rq.get_queue(name)))
            redis_up.add_metric([], 1)
        except Exception as exc:
            log.warning("metrics: redis unavailable", extra={"error": exc.__class__.__name__})
            redis_up.add_metric([], 0)
        yield depth
        yield redis_up


def registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        scrape = CollectorRegistry()
        multiprocess.MultiProcessCollector(scrape)
    else:
        from prometheus_client import REGISTRY

        scrape = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):  # this process's own figures
            scrape.register(collector)
    scrape.register(StateCollector())
    return scrape


def authorized(request: HttpRequest) -> bool:
    token = getattr(settings, "ACCORD_METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not authorized(request):
        raise Http404("No such page.")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
