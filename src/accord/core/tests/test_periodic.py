"""The periodic jobs' runner: each job when it falls due, a failure logged without stopping the rest."""

import pytest

from accord.core import periodic


@pytest.fixture
def jobs(monkeypatch):
    registry = periodic.Registry("Periodic job")
    monkeypatch.setattr(periodic, "JOBS", registry)
    monkeypatch.setattr(periodic, "close_old_connections", lambda: None)  # no database here
    return registry


def test_each_job_runs_at_start_then_every_its_seconds(jobs):
    ran = []
    jobs.add(periodic.Job(key="a.fast", every=30, run=lambda: ran.append("fast")))
    jobs.add(periodic.Job(key="b.slow", every=3600, run=lambda: ran.append("slow")))
    last: dict = {}
    assert periodic.run_due(last, 1000.0) == ["a.fast", "b.slow"]
    assert periodic.run_due(last, 1029.0) == []
    assert periodic.run_due(last, 1030.0) == ["a.fast"]
    assert periodic.run_due(last, 4600.0) == ["a.fast", "b.slow"]
    assert ran == ["fast", "slow", "fast", "fast", "slow"]


def test_a_failing_job_is_logged_and_the_others_still_run(jobs, caplog):
    ran = []

    def broken():
        raise RuntimeError("mail server away")

    jobs.add(periodic.Job(key="a.broken", every=10, run=broken))
    jobs.add(periodic.Job(key="b.fine", every=10, run=lambda: ran.append(1)))
    assert periodic.run_due({}, 0.0) == ["a.broken", "b.fine"]
    assert ran == [1]
    assert [r.job for r in caplog.records if r.name == "accord.periodic"] == ["a.broken"]


def test_the_apps_register_the_webhook_sweep_and_the_digest():
    assert periodic.JOBS["webhooks.sweep"].every == 30
    assert periodic.JOBS["notifications.digest"].every == 3600
