"""Figures for change control, in the workspace `bench-changes`: 10,000 change requests over a
year (a fifth of them on the area "website", about 5 a day there, the rest on 19 other areas),
500 freeze windows (one in 25 on every area, the rest on one area each), 500 roadmap milestones (a
tenth naming the area) and 500 campaign items on a marketing roadmap (one in 50 tagged "website").

- change_conflicts_p50_ms: p50 of one conflict check (accord.changes.conflicts.check) of a 3-hour
  window on "website" at a different time each run: every registered source asked once (changes
  through the (workspace, area, start, end) index with a bounded start, freezes, milestones,
  campaigns), the conflicts found and the next free slot of the same length proposed, in-process.
- change_calendar_p50_ms: p50 server time of GET /api/v1/workspaces/bench-changes/change-calendar
  for a quarter (about 2,500 changes and the freezes in it), Bearer token, in-process with Django's
  test Client; every answer must be 200 and list the changes.

`python -m accord.bench.changes seed|conflicts|calendar ...` prints one JSON object on stdout.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from .context import BenchContext
from .loadgen import percentile
from .registry import Measured, measures

SLUG = "bench-changes"
CHANGES, FREEZES, MILESTONES, CAMPAIGNS = 10_000, 500, 500, 500
RUNS = 200
WARMUP = 5
YEAR_START = datetime(2030, 1, 1, tzinfo=UTC)


def seed(ctx: BenchContext) -> dict:
    def make() -> dict:
        ctx.log(
            f"bench: seeding {CHANGES:,} changes, {FREEZES} freezes, {MILESTONES} milestones, {CAMPAIGNS} campaign items"
        )
        out = ctx.python("accord.bench.changes", "seed", timeout=900)
        return json.loads(out.strip().splitlines()[-1])

    return ctx.once(("changes",), make)


def _size(s: dict) -> str:
    return (f"{s['changes']:,} changes ({s['hot']:,} on the checked area), {s['freezes']} freezes, "
            f"{s['milestones']} milestones, {s['campaigns']} campaign items")  # fmt: skip


@measures(change_conflicts_p50_ms="ms")
def conflicts_figure(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    runs = ctx.scaled(RUNS, minimum=5)
    out = json.loads(
        ctx.python("accord.bench.changes", "conflicts", "--runs", str(runs), timeout=600)
        .strip()
        .splitlines()[-1]
    )
    ctx.log(f"bench: conflict check p50 {out['p50_ms']:.2f} ms, p99 {out['p99_ms']:.2f} ms, {out['queries']} queries, "
            f"{out['mean_conflicts']:.1f} conflicts per check, {out['no_free_slot']} without a free slot in 120 days")  # fmt: skip
    return Measured(values={"change_conflicts_p50_ms": out["p50_ms"]},
                    size=f"{_size(seeded)}; {out['runs']} checks of a 3-hour window, {out['queries']} queries each, in-process")  # fmt: skip


@measures(change_calendar_p50_ms="ms")
def calendar_figure(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    runs = ctx.scaled(RUNS // 4, minimum=5)
    out = json.loads(ctx.python("accord.bench.changes", "calendar", "--token", seeded["token"], "--runs", str(runs),
                                timeout=600).strip().splitlines()[-1])  # fmt: skip
    ctx.log(
        f"bench: change calendar (a quarter) p50 {out['p50_ms']:.1f} ms, p99 {out['p99_ms']:.1f} ms, {out['changes']} changes"
    )
    return Measured(values={"change_calendar_p50_ms": out["p50_ms"]},
                    size=f"{_size(seeded)}; {out['runs']} x GET a quarter ({out['changes']:,} changes, {out['freezes']} freezes), "
                         "Bearer token, in-process with Django's test Client")  # fmt: skip


# ---------------------------------------------------------------- the child processes


def seed_changes(*, changes: int = CHANGES, freezes: int = FREEZES, milestones: int = MILESTONES,
                 campaigns: int = CAMPAIGNS, slug: str = SLUG) -> dict:  # fmt: skip
    """The workspace, an admin token, and the rows in bulk with the values the services write."""
    from django.db import transaction

    from accord.accounts.models import User
    from accord.audit.services import acting_via
    from accord.changes.models import ACTIVE, Change, Freeze, Risk
    from accord.ideas.models import Tag
    from accord.roadmaps import services as roadmap_services
    from accord.roadmaps.models import Milestone, RoadmapItem
    from accord.workspaces import services
    from accord.workspaces.models import Membership

    rng = random.Random(14)
    areas = ["website"] + [f"system-{n}" for n in range(19)]
    minutes = 365 * 24 * 60
    with transaction.atomic(), acting_via("bench"):
        admin = User.objects.create_user(f"{slug}-admin@bench.invalid", None, name="Bench Admin")
        workspace = services.workspace_create(user=admin, name=f"Bench {slug}", slug=slug)
        owner = Membership.objects.select_related("workspace", "user").get(
            workspace=workspace, user=admin
        )
        token = services.token_create(member=owner, name="bench")[1]
        rows = []
        for n in range(changes):
            start = YEAR_START + timedelta(minutes=rng.randrange(minutes))
            rows.append(Change(
                workspace=workspace, title=f"Change {n}", area=areas[0] if n % 5 == 0 else rng.choice(areas[1:]),
                start=start, end=start + timedelta(minutes=rng.choice([30, 60, 120, 180, 240])),
                risk=rng.choice(Risk.values), status=rng.choice([*ACTIVE, "done"]), requester=admin,
            ))  # fmt: skip
        Change.objects.bulk_create(rows, batch_size=2000)
        frz = []
        for n in range(freezes):
            start = YEAR_START + timedelta(minutes=rng.randrange(minutes))
            frz.append(Freeze(workspace=workspace, name=f"Freeze {n}", area="" if n % 25 == 0 else rng.choice(areas),
                              start=start, end=start + timedelta(days=rng.choice([1, 2, 3, 7])), declared_by=admin))  # fmt: skip
        Freeze.objects.bulk_create(frz)
        roadmap = roadmap_services.roadmap_create(member=owner, name="Marketing", kind="marketing")
        Milestone.objects.bulk_create(
            Milestone(workspace=workspace, roadmap=roadmap, date=(YEAR_START + timedelta(days=rng.randrange(365))).date(),
                      name=f"Website relaunch {n}" if n % 10 == 0 else f"Milestone {n}")
            for n in range(milestones)
        )  # fmt: skip
        items = []
        for n in range(campaigns):
            day = (YEAR_START + timedelta(days=rng.randrange(365))).date()
            items.append(RoadmapItem(workspace=workspace, roadmap=roadmap, title=f"Campaign {n}", start_date=day,
                                     end_date=day + timedelta(days=rng.choice([3, 7, 14, 21]))))  # fmt: skip
        items = RoadmapItem.objects.bulk_create(items)
        tag = Tag.objects.create(workspace=workspace, name="website")
        RoadmapItem.tags.through.objects.bulk_create(
            RoadmapItem.tags.through(roadmapitem_id=it.pk, tag_id=tag.pk) for it in items[::50]
        )
    return {"slug": slug, "token": token, "changes": changes, "hot": (changes + 4) // 5, "freezes": freezes,
            "milestones": milestones, "campaigns": campaigns}  # fmt: skip


def run_conflicts(runs: int, slug: str = SLUG) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accord.changes import conflicts
    from accord.workspaces.models import Workspace

    workspace = Workspace.objects.get(slug=slug)
    rng = random.Random(7)
    timings, found, no_slot = [], [], 0
    for n in range(runs + WARMUP):
        start = YEAR_START + timedelta(days=rng.randrange(300), hours=rng.randrange(24))
        began = time.perf_counter()
        report = conflicts.check(workspace.pk, "website", start, start + timedelta(hours=3))
        took = (time.perf_counter() - began) * 1000
        no_slot += bool(report.conflicts and report.free_slot is None)
        if n >= WARMUP:
            timings.append(took)
            found.append(len(report.conflicts))
    with CaptureQueriesContext(connection) as ctx:
        conflicts.check(
            workspace.pk,
            "website",
            YEAR_START + timedelta(days=40),
            YEAR_START + timedelta(days=40, hours=3),
        )
    return {"runs": len(timings), "p50_ms": percentile(timings, 50), "p99_ms": percentile(timings, 99),
            "queries": len(ctx.captured_queries), "mean_conflicts": statistics.mean(found), "no_free_slot": no_slot}  # fmt: skip


def run_calendar(token: str, runs: int, slug: str = SLUG) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    path = f"/api/v1/workspaces/{slug}/change-calendar"
    query = {"start": "2030-04-01T00:00:00Z", "end": "2030-07-01T00:00:00Z"}
    timings, changes, freezes = [], 0, 0
    for n in range(runs + WARMUP):
        began = time.perf_counter()
        response = client.get(path, query)
        took = (time.perf_counter() - began) * 1000
        if response.status_code != 200:
            raise SystemExit(f"bench: GET {path} answered {response.status_code}")
        body = response.json()
        changes, freezes = len(body["changes"]), len(body["freezes"])
        if not changes:
            raise SystemExit("bench: the quarter has no changes")
        if n >= WARMUP:
            timings.append(took)
    return {"runs": len(timings), "p50_ms": percentile(timings, 50), "p99_ms": percentile(timings, 99),
            "changes": changes, "freezes": freezes}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.changes")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("seed")
    sub.add_parser("conflicts").add_argument("--runs", type=int, default=RUNS)
    cal = sub.add_parser("calendar")
    cal.add_argument("--runs", type=int, default=RUNS // 4)
    cal.add_argument("--token", required=True)
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
        result = seed_changes()
    elif ns.what == "conflicts":
        result = run_conflicts(ns.runs)
    else:
        result = run_calendar(ns.token, ns.runs)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
