"""Work that runs on a clock beside the task workers: one runner for every capability.

A capability registers a job in its AppConfig.ready():

    periodic.JOBS.add(periodic.Job(key="webhooks.sweep", every=30, run=delivery.sweep))

`accord serve` and `accord worker` start one `accord manage periodic` process, which runs each job
when it is due (first at start-up, then every `every` seconds) and logs a failure without stopping
the others. Jobs must be safe to run twice and from several machines at once (the digest records
what it sent under a unique key; the webhook sweep claims deliveries with row locks), because a
scaled-out deployment runs one runner per worker machine.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import close_old_connections

from .registry import Registry

log = logging.getLogger("accord.periodic")


@dataclass(frozen=True)
class Job:
    key: str  # "<app>.<what>"
    every: float  # seconds between runs
    run: Callable[[], Any]
    order: int = 100


JOBS: Registry[Job] = Registry("Periodic job")


def run_due(last: dict[str, float], now: float) -> list[str]:
    """Run every job whose time has come (never run: due now); `last` keeps when each last ran.
    Returns the keys that ran."""
    ran = []
    for job in JOBS.ordered():
        if job.key in last and now - last[job.key] < job.every:
            continue
        last[job.key] = now
        close_old_connections()
        try:
            job.run()
        except Exception:  # a database hiccup, a mail server away: try again next time
            log.exception("periodic job failed", extra={"event": "periodic_job_failed", "job": job.key})
        ran.append(job.key)
    return ran


def loop(stopping: Callable[[], bool], clock: Callable[[], float] = time.monotonic, tick: float = 0.5) -> None:
    """Run jobs as they fall due until `stopping()` says so."""
    last: dict[str, float] = {}
    while not stopping():
        run_due(last, clock())
        time.sleep(tick)
