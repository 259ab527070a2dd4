"""The load run, small and short, on the suite's database (PostgreSQL: with Redis task workers, as
`make run-scaled`): no error, no lost write, stale moves refused, and SIGTERM stops every process."""

import pytest

from accord.bench import load, registry
from accord.bench.context import BenchContext


def test_registry_knows_the_load_figures():
    assert {"load_rps", "load_p99_ms", "load_errors", "load_lost_writes", "app_rss_mb"} <= set(registry.known())


@pytest.mark.usefixtures("django_db_setup")
def test_a_short_load_run_loses_nothing_and_stops_cleanly():
    ctx = BenchContext(scale=0.05, log=lambda message: None)
    try:
        out = load.run(ctx, users=8, duration_s=12)
    finally:
        ctx.close()
    assert out["requests"] > 40
    assert out["load_errors"] == 0, out["error_examples"]
    assert out["load_lost_writes"] == 0
    assert out["feedback_acknowledged"] > 0 and out["moves_accepted"] > 0
    # Eight moves of one bar at the same instant from the same version: one wins, seven get 409.
    assert (out["race_accepted"], out["race_refused_409"], out["race_other"]) == (1, load.RACERS - 1, 0)
    assert out["web_processes"] == 3 and out["app_rss_mb"] > 0
    # accord serve, its gunicorn master and workers and the task worker(s) all exited on SIGTERM.
    assert out["processes_left"] == 0 and out["exit_status"] == 0
    assert out["processes_stopped"] >= 5 + (ctx.vendor == "postgresql")
