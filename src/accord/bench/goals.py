"""Figures for goals, in the workspace `bench-goals`: 50 goals (10 company, 20 product, 20
marketing), 200 key results, two years of daily measurements each (146,000 points).

- measurements_10k_s: one POST /api/v1/workspaces/bench-goals/measurements of 10,000 points
  (Bearer token, in-process with the test Client): parsed, validated row by row and stored in one
  transaction; the median of BATCH_RUNS batches (after one warm-up GET that loads the API), each
  for fresh key results.
- scoreboard_p50_ms: p50 server time of the shared scoreboard page /w/bench-goals/goals/scoreboard,
  signed in, in-process; every answer must be 200 and show the goals. The page reads each key
  result's stored, downsampled summary (60 points), never the raw series, and the board is rendered
  once per state of the data (cached under a version of goals, key results, measurements, teams and
  the day), so the p50 is the steady state of screens showing the same numbers; the log also gives
  the p50 of renders with the cache emptied.

`python -m accord.bench.goals seed|batch|scoreboard ...` prints one JSON object on stdout.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta

from .context import BenchContext
from .loadgen import percentile
from .registry import Measured, measures

SLUG = "bench-goals"
GOALS = 50
KEY_RESULTS = 200
DAYS = 730
BATCH = 10_000
BATCH_RUNS = 3
SCOREBOARD_REQUESTS = 40
WARMUP = 3
COLD_REQUESTS = 5


def seed(ctx: BenchContext) -> dict:
    def make() -> dict:
        ctx.log(f"bench: seeding {GOALS} goals, {KEY_RESULTS} key results, {DAYS} days of measurements each")
        out = ctx.python("accord.bench.goals", "seed", timeout=900)
        return json.loads(out.strip().splitlines()[-1])

    return ctx.once(("goals",), make)


def _size(seeded: dict) -> str:
    return (
        f"{seeded['goals']} goals, {seeded['key_results']} key results, {seeded['measurements']:,} "
        "measurements (two years daily each)"
    )


@measures(measurements_10k_s="s")
def batch(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    out = json.loads(ctx.python("accord.bench.goals", "batch", "--token", seeded["token"], timeout=600).strip().splitlines()[-1])
    ctx.log("bench: 10k batches took " + ", ".join(f"{s:.2f}" for s in out["seconds"]) + " s")
    size = (
        f"{_size(seeded)}; POST {out['path']} with {BATCH:,} points (Bearer token), median of "
        f"{len(out['seconds'])} after one warm-up GET; in-process with Django's test Client (server time, no HTTP)"
    )
    return Measured(values={"measurements_10k_s": out["median_s"]}, size=size)


@measures(scoreboard_p50_ms="ms")
def scoreboard(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    requests = ctx.scaled(SCOREBOARD_REQUESTS, minimum=5)
    out = json.loads(
        ctx.python("accord.bench.goals", "scoreboard", "--requests", str(requests), timeout=600).strip().splitlines()[-1]
    )
    ctx.log(
        f"bench: GET {out['path']}: p50 {out['p50_ms']:.1f} ms, p99 {out['p99_ms']:.1f} ms, {out['kib']} KiB; "
        f"rendered afresh (cache emptied): p50 {out['cold_p50_ms']:.1f} ms"
    )
    size = (
        f"{_size(seeded)}; {out['requests']} x GET {out['path']} signed in after {WARMUP} warm-up "
        f"({out['kib']} KiB of HTML); in-process with Django's test Client (server time, no HTTP)"
    )
    return Measured(values={"scoreboard_p50_ms": out["p50_ms"]}, size=size)


# ---------------------------------------------------------------- the child processes


def seed_goals() -> dict:
    """Goals and key results through the services; measurements through measurements_record in
    batches (so the stored summaries are what the app computes)."""
    from django.db import transaction
    from django.utils import timezone

    from accord.accounts.models import User
    from accord.audit.services import acting_via
    from accord.goals import services
    from accord.workspaces import services as ws_services
    from accord.workspaces.models import Membership

    today = timezone.localdate()
    start = today - timedelta(days=DAYS - 1)
    with transaction.atomic(), acting_via("bench"):
        admin = User.objects.create_user(f"{SLUG}-admin@bench.invalid", None, name="Bench Admin")
        workspace = ws_services.workspace_create(user=admin, name="Bench goals", slug=SLUG)
        owner = Membership.objects.select_related("workspace", "user").get(workspace=workspace, user=admin)
        product = ws_services.team_create(member=owner, name="Product", kind="product")
        marketing = ws_services.team_create(member=owner, name="Marketing", kind="marketing")
        krs = []
        per_goal = KEY_RESULTS // GOALS
        for n in range(GOALS):
            level, teams = ("company", []) if n < 10 else ("department", [product.pk if n % 2 else marketing.pk])
            goal = services.goal_create(
                member=owner, title=f"Goal {n + 1:02d}", level=level, team_ids=teams, period_kind="custom",
                start_date=start, end_date=today + timedelta(days=90),
            )  # fmt: skip
            for k in range(per_goal):
                krs.append(services.key_result_create(
                    member=owner, goal_id=goal.pk, name=f"Metric {n + 1}.{k + 1}", unit="number",
                    baseline=100, target=200 + k * 10,
                ).pk)  # fmt: skip
        rows = []
        for kr_id in krs:
            for d in range(DAYS):
                rows.append({"key_result_id": kr_id, "date": start + timedelta(days=d), "value": 100 + d * 0.1 + (d % 7)})
                if len(rows) == services.MAX_BATCH:
                    services.measurements_record(member=owner, rows=rows)
                    rows = []
        if rows:
            services.measurements_record(member=owner, rows=rows)
        token = ws_services.token_create(member=owner, name="bench")[1]
    return {"goals": GOALS, "key_results": len(krs), "measurements": len(krs) * DAYS, "token": token}


def run_batch(token: str) -> dict:
    from django.test import Client
    from django.utils import timezone

    from accord.goals import services
    from accord.goals.models import Goal
    from accord.workspaces.models import Membership

    owner = Membership.objects.select_related("workspace", "user").get(workspace__slug=SLUG, role="admin")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    goal = Goal.objects.filter(workspace__slug=SLUG).order_by("pk").first()
    today = timezone.localdate()
    path = f"/api/v1/workspaces/{SLUG}/measurements"
    # A fresh process imports and builds the whole API on its first request: not the batch's time.
    client.get(f"/api/v1/workspaces/{SLUG}/goals?limit=1")
    seconds = []
    for run in range(BATCH_RUNS):
        # 10,000 points over 10 fresh key results (the goal's period is two years: 1,000 days each fit).
        goal.start_date = today - timedelta(days=1200)
        Goal.objects.filter(pk=goal.pk).update(start_date=goal.start_date)
        kr_ids = [
            services.key_result_create(member=owner, goal_id=goal.pk, name=f"Batch {run}.{i}", baseline=0, target=1).pk
            for i in range(10)
        ]
        body = json.dumps({"measurements": [
            {"key_result_id": kr_id, "date": (today - timedelta(days=d)).isoformat(), "value": d * 1.5, "note": "bench"}
            for kr_id in kr_ids for d in range(BATCH // len(kr_ids))
        ]})  # fmt: skip
        started = time.perf_counter()
        response = client.post(path, body, content_type="application/json")
        seconds.append(time.perf_counter() - started)
        if response.status_code != 201 or response.json()["created"] != BATCH:
            raise SystemExit(f"bench: POST {path} answered {response.status_code}: {response.content[:300]!r}")
    return {"path": path, "seconds": seconds, "median_s": statistics.median(seconds)}


def run_scoreboard(requests: int) -> dict:
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command

    from .roadmaps import _signed_in_client

    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    client = _signed_in_client(SLUG)
    path = f"/w/{SLUG}/goals/scoreboard"
    timings, size = [], 0
    for n in range(requests + WARMUP):
        started = time.perf_counter()
        response = client.get(path)
        took = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or b"Goal 01" not in response.content:
            raise SystemExit(f"bench: GET {path} answered {response.status_code}")
        size = len(response.content)
        if n >= WARMUP:
            timings.append(took)
    cold = []  # for the log: the board rendered afresh, as after a change of the numbers
    for _ in range(COLD_REQUESTS):
        cache.clear()
        started = time.perf_counter()
        client.get(path)
        cold.append((time.perf_counter() - started) * 1000)
    return {"path": path, "requests": len(timings), "p50_ms": percentile(timings, 50),
            "p99_ms": percentile(timings, 99), "cold_p50_ms": percentile(cold, 50),
            "kib": size // 1024}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.goals")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("seed")
    sub.add_parser("batch").add_argument("--token", required=True)
    sub.add_parser("scoreboard").add_argument("--requests", type=int, default=SCOREBOARD_REQUESTS)
    ns = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()
    if ns.what == "seed":
        from django.core.management import call_command

        from .seed import foreign_data

        call_command("migrate", interactive=False, verbosity=0)
        refusal = foreign_data(SLUG)
        if refusal:
            print(f"bench: {refusal}", file=sys.stderr)
            return 2
        result = seed_goals()
    elif ns.what == "batch":
        result = run_batch(ns.token)
    else:
        result = run_scoreboard(ns.requests)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
