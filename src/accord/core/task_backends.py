"""Background tasks in Redis (RQ workers) that still reach a worker while Redis is down.

`RedisWithDatabaseFallback` enqueues to Redis like django-tasks-rq's RQBackend. When Redis cannot
be reached (connection refused, timed out), the task goes to the database backend named by the
`fallback` option instead, and the `db_worker` that `accord serve` runs beside the RQ worker takes
it from there. The write that enqueued it is not failed for want of Redis, and the task is not
lost: it runs once, from whichever queue holds it.
"""

from __future__ import annotations

import logging
import time

from django.tasks import task_backends
from django.tasks.base import Task
from django_rq.queues import DjangoRQ
from django_tasks_rq import RQBackend
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq.job import Retry

log = logging.getLogger("accord.tasks")

RETRIES = 3
RETRY_AFTER_S = [0, 60, 300]  # a dead worker's task at once; a failing one after 1, then 5 minutes


class RetryingQueue(DjangoRQ):
    """Every job may run again, up to RETRIES times, when it raised or when its worker died.

    RQ re-runs a job whose worker was killed (SIGKILL, out of memory, a lost machine) only when the
    job has retries left: the next worker's maintenance finds it abandoned and enqueues it again.
    Accord's tasks are idempotent (they skip what is already done: sent mail, embedded texts), so a
    second run completes the work once. Set as the queue class in RQ_QUEUES (settings).
    """

    def create_job(self, *args, retry=None, **kwargs):
        return super().create_job(*args, retry=retry or Retry(max=RETRIES, interval=RETRY_AFTER_S), **kwargs)


class RedisWithDatabaseFallback(RQBackend):
    # Django's own Task class (django-tasks-rq's default is the django-tasks package's): the
    # database backend, and its worker, accept only Django's, and RQ runs either.
    task_class = Task

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.fallback = params.get("OPTIONS", {}).get("fallback", "database")

    def enqueue(self, task, args, kwargs):
        try:
            return super().enqueue(task, args, kwargs)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            started = time.monotonic()
            result = task_backends[self.fallback].enqueue(task, args, kwargs)
            log.warning(
                "redis unavailable: task queued in the database",
                extra={"task": task.name, "task_id": str(result.id), "error": exc.__class__.__name__,
                       "fallback_ms": round((time.monotonic() - started) * 1000, 1)},
            )
            return result
