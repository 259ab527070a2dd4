"""Figure for outgoing webhooks (issue 15), in the workspace `bench-webhooks`.

- webhook_first_attempt_p99_ms: 100 changes a second for 10 seconds (a team created through the
  service each time, the event "team.created"), each delivered to a local receiver on 127.0.0.1
  (allowed through ACCORD_WEBHOOK_ALLOWED_HOSTS) by the production path: the outbox row written in
  the change's transaction, the delivery task queued on commit in the database queue, one
  `db_worker` process (as `accord serve` runs it, default polling interval) signing and POSTing.
  The figure is the p99 of (arrival at the receiver - return of the committed service call) over
  every event; every event must arrive exactly once (a missing one fails the run).

`python -m accord.bench.webhooks run --events N --rate R` prints one JSON object on stdout.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from .context import BenchContext
from .loadgen import percentile
from .registry import Measured, measures

SLUG = "bench-webhooks"
RATE = 100  # events per second
SECONDS = 10
WARMUP = 5
WRITERS = 4


@measures(webhook_first_attempt_p99_ms="ms")
def first_attempt(ctx: BenchContext) -> Measured:
    events = ctx.scaled(RATE * SECONDS, minimum=50)
    out = json.loads(ctx.python("accord.bench.webhooks", "run", "--events", str(events), "--rate", str(RATE), timeout=900)
                     .strip().splitlines()[-1])  # fmt: skip
    ctx.log(f"bench: webhooks first attempt p50 {out['p50_ms']:.0f} ms, p99 {out['p99_ms']:.0f} ms, max {out['max_ms']:.0f} ms; "
            f"{out['events']} events at {out['rate_achieved']:.0f}/s, {out['duplicates']} duplicates")  # fmt: skip
    return Measured(values={"webhook_first_attempt_p99_ms": out["p99_ms"]},
                    size=(f"{out['events']} events (team.created) at {out['rate_achieved']:.0f}/s to a local receiver; "
                          "outbox + database task queue + one db_worker; commit to arrival"))  # fmt: skip


# ---------------------------------------------------------------- the child process


def run(events: int, rate: float, slug: str = SLUG) -> dict:
    from django.db import connections, transaction

    from accord.accounts.models import User
    from accord.audit.services import acting_via
    from accord.webhooks import services as webhooks
    from accord.workspaces import services
    from accord.workspaces.models import Membership

    from .receiver import Receiver

    with Receiver() as rx:
        with transaction.atomic(), acting_via("bench"):
            admin = User.objects.create_user(
                f"{slug}-admin@bench.invalid", None, name="Bench Admin"
            )
            workspace = services.workspace_create(user=admin, name="Bench webhooks", slug=slug)
            owner = Membership.objects.select_related("workspace", "user").get(
                workspace=workspace, user=admin
            )
            webhooks.webhook_create(
                member=owner, name="Bench receiver", url=rx.url, events=["team.created"]
            )
        connections.close_all()
        worker = subprocess.Popen(
            [sys.executable, "-m", "accord.cli", "manage", "db_worker", "--queue-name", "*", "--no-startup-delay"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            # Warm up: the worker is ready (Django loaded, connected) once these arrive.
            for n in range(WARMUP):
                services.team_create(member=owner, name=f"Warm-up {n}")
            if not rx.wait(WARMUP, timeout=180):
                raise SystemExit("bench: the worker delivered nothing within 180 s")
            rx.requests.clear()
            committed: dict[str, float] = {}

            def change(name: str) -> None:
                services.team_create(member=owner, name=name)
                committed[name] = time.time()

            # A few writer threads, as several web workers would be: one alone cannot commit 100
            # changes a second on a busy PostgreSQL (each commit waits for the disk).
            futures = []
            with ThreadPoolExecutor(max_workers=WRITERS) as pool:
                started = time.perf_counter()
                for n in range(events):
                    due = started + n / rate
                    pause = due - time.perf_counter()
                    if pause > 0:
                        time.sleep(pause)
                    futures.append(pool.submit(change, f"Team {n}"))
            failures = [f.exception() for f in futures if f.exception() is not None]
            if failures:
                raise SystemExit(f"bench: {len(failures)} changes failed, e.g. {failures[0]!r}")
            write_s = time.perf_counter() - started
            rx.wait(events, timeout=120)
        finally:
            worker.terminate()
            try:
                _out, err = worker.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                _out, err = worker.communicate()
        arrivals: dict[str, float] = {}
        duplicates = 0
        for request in rx.requests:
            label = json.loads(request.body)["object"]["label"]
            if label in arrivals:
                duplicates += 1
            else:
                arrivals[label] = request.at
    missing = [name for name in committed if name not in arrivals]
    if missing:
        raise SystemExit(
            f"bench: {len(missing)} of {events} events never arrived (e.g. {missing[:3]}):\n{(err or '')[-2000:]}"
        )
    latencies = [max(0.0, (arrivals[name] - at) * 1000) for name, at in committed.items()]
    return {"events": events, "rate_achieved": events / write_s, "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99), "max_ms": max(latencies), "duplicates": duplicates}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.webhooks")
    sub = parser.add_subparsers(dest="what", required=True)
    go = sub.add_parser("run")
    go.add_argument("--events", type=int, default=RATE * SECONDS)
    go.add_argument("--rate", type=float, default=RATE)
    ns = parser.parse_args(argv)
    # The receiver is on this machine: allow it (the worker started below inherits this).
    os.environ["ACCORD_WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from .seed import foreign_data

    call_command("migrate", interactive=False, verbosity=0)
    refusal = foreign_data(SLUG)
    if refusal:
        print(f"bench: {refusal}", file=sys.stderr)
        return 2
    print(json.dumps(run(ns.events, ns.rate)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
