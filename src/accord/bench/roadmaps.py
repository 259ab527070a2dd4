"""Figures for a big timeline: a roadmap of 1,000 items in 20 lanes with 200 dependencies (plus
containers, milestones, every status), in its own workspace `bench-roadmap`.

- export_png_1k_s: the server-side PNG export of that timeline, i.e. the time of
  GET /w/bench-roadmap/roadmaps/<id>/export.png (selectors, SVG rendering, resvg rasterization)
  through the whole Django stack with the test Client, signed in; the median of EXPORT_RUNS after
  one warm-up. Each answer must be a PNG of the timeline's size.
- move_item_p50_ms: p50 of moving one bar through the API
  (POST /api/v1/workspaces/bench-roadmap/items/<id>/move with a Bearer token, in-process with the
  test Client): MOVE_REQUESTS moves of different bars, a day later or earlier, each with the
  version the previous answer gave; every answer must be 200 with the new dates.
- timeline_1k_p50_ms: p50 server time of the timeline page /w/bench-roadmap/roadmaps/<id>, signed
  in, in-process; every answer must be 200 and show the items.

Seeding and measuring run in child processes against the bench database, like the other figures:
`python -m accord.bench.roadmaps seed|export|move|timeline ...` prints one JSON object on stdout.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta

from .context import BenchContext
from .loadgen import percentile
from .registry import Measured, measures

SLUG = "bench-roadmap"
ITEMS = 1000
LANES = 20
DEPENDENCIES = 200
EXPORT_RUNS = 5
MOVE_REQUESTS = 300
MOVE_WARMUP = 20
TIMELINE_REQUESTS = 40
TIMELINE_WARMUP = 3
SEED_TIMEOUT_S = 600
RUN_TIMEOUT_S = 600


def seed(ctx: BenchContext) -> dict:
    items = ctx.scaled(ITEMS, minimum=40)
    lanes = min(LANES, max(2, ctx.scaled(LANES, minimum=2)))
    deps = ctx.scaled(DEPENDENCIES, minimum=5)

    def make() -> dict:
        ctx.log(f"bench: seeding a roadmap of {items} items, {lanes} lanes, {deps} dependencies")
        started = time.perf_counter()
        out = ctx.python(
            "accord.bench.roadmaps", "seed", "--items", str(items), "--lanes", str(lanes),
            "--dependencies", str(deps), timeout=SEED_TIMEOUT_S,
        )  # fmt: skip
        ctx.log(f"bench: seeded the roadmap in {time.perf_counter() - started:.1f} s")
        return json.loads(out.strip().splitlines()[-1])

    return ctx.once(("roadmap", items, lanes, deps), make)


def _size(seeded: dict) -> str:
    return (
        f"a roadmap of {seeded['items']} items ({seeded['containers']} containers) in "
        f"{seeded['lanes']} lanes over 12 months, {seeded['dependencies']} dependencies, "
        f"{seeded['milestones']} milestones"
    )


def _child(ctx: BenchContext, what: str, seeded: dict, *extra: str) -> dict:
    out = ctx.python(
        "accord.bench.roadmaps", what, "--slug", seeded["slug"], "--roadmap",
        str(seeded["roadmap_id"]), *extra, timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


@measures(export_png_1k_s="s")
def export_png(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    result = _child(ctx, "export", seeded, "--runs", str(EXPORT_RUNS))
    ctx.log(
        "bench: PNG exports took " + ", ".join(f"{s:.2f}" for s in result["seconds"]) + " s "
        f"(CPU median {result['cpu_median_s']:.2f} s; {result['width']}x{result['height']} px, "
        f"{result['bytes'] // 1024} KiB)"
    )
    size = (
        f"{_size(seeded)}; GET {result['path']} signed in, median of {len(result['seconds'])} "
        f"after 1 warm-up; a {result['width']}x{result['height']} px PNG; in-process with "
        "Django's test Client (server time, no HTTP)"
    )
    return Measured(values={"export_png_1k_s": result["median_s"]}, size=size)


@measures(move_item_p50_ms="ms")
def move_item(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    requests = ctx.scaled(MOVE_REQUESTS, minimum=20)
    result = _child(ctx, "move", seeded, "--token", seeded["token"], "--requests", str(requests))
    ctx.log(f"bench: {result['requests']} moves: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms")
    size = (
        f"{_size(seeded)}; {result['requests']} x POST {result['path']} (Bearer token, a bar a "
        f"day later or earlier, each with its current version) after {MOVE_WARMUP} warm-up; "
        "in-process with Django's test Client (server time, no HTTP)"
    )
    return Measured(values={"move_item_p50_ms": result["p50_ms"]}, size=size)


@measures(timeline_1k_p50_ms="ms")
def timeline_page(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    requests = ctx.scaled(TIMELINE_REQUESTS, minimum=5)
    result = _child(ctx, "timeline", seeded, "--requests", str(requests))
    ctx.log(
        f"bench: GET {result['path']}: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} "
        f"ms, {result['kib']} KiB"
    )
    size = (
        f"{_size(seeded)}; {result['requests']} x GET {result['path']} signed in after "
        f"{TIMELINE_WARMUP} warm-up ({result['kib']} KiB of HTML); in-process with Django's test "
        "Client (server time, no HTTP)"
    )
    return Measured(values={"timeline_1k_p50_ms": result["p50_ms"]}, size=size)


# ---------------------------------------------------------------- the child processes


def _fail(message: str):
    raise SystemExit(f"bench: {message}")


def seed_roadmap(
    *, items: int = ITEMS, lanes: int = LANES, dependencies: int = DEPENDENCIES, slug: str = SLUG
) -> dict:
    """The workspace, its roadmap and API token; items, snapshots and audit entries in bulk with
    the values services.item_create writes, dependencies as services.dependency_create would."""
    from django.db import transaction

    from accord.accounts.models import User
    from accord.audit.models import AuditEntry
    from accord.audit.services import acting_via
    from accord.roadmaps import services as roadmap_services
    from accord.roadmaps.models import (
        Dependency,
        DependencyKind,
        ItemSnapshot,
        ItemStatus,
        RoadmapItem,
    )
    from accord.roadmaps.services.common import item_state
    from accord.workspaces import services
    from accord.workspaces.models import Membership

    rng = random.Random(11)
    start = date(2026, 1, 5)
    statuses = [ItemStatus.PLANNED] * 5 + [ItemStatus.IN_PROGRESS] * 3 + [
        ItemStatus.AT_RISK, ItemStatus.DONE, ItemStatus.DONE, ItemStatus.CANCELLED,
    ]  # fmt: skip
    with transaction.atomic(), acting_via("bench"):
        admin = User.objects.create_user(f"{slug}-admin@bench.invalid", None, name="Bench Admin")
        workspace = services.workspace_create(user=admin, name=f"Bench {slug}", slug=slug)
        owner = Membership.objects.select_related("workspace", "user").get(
            workspace=workspace, user=admin
        )
        roadmap = roadmap_services.roadmap_create(
            member=owner, name="Bench roadmap", time_scale="months",
            lanes=[f"Lane {n + 1:02d}" for n in range(lanes)],
        )  # fmt: skip
        lane_ids = list(roadmap.lanes.order_by("position").values_list("pk", flat=True))

        def make(n: int, lane_id: int, first: date, days: int, parent=None) -> RoadmapItem:
            status = statuses[n % len(statuses)]
            return RoadmapItem(
                workspace=workspace, roadmap=roadmap, lane_id=lane_id, parent=parent,
                title=f"Item {n + 1:04d} {rng.choice(WORDS)} {rng.choice(WORDS)}",
                start_date=first, end_date=first + timedelta(days=days), status=status,
                percent_done=100 if status == ItemStatus.DONE else rng.choice([0, 10, 25, 50, 80]),
                position=n + 1,
            )  # fmt: skip

        # Per lane: one container of 4 children every 25 items, the rest loose bars.
        containers, rows, n = [], [], 0
        per_lane = max(1, items // lanes)
        for k, lane_id in enumerate(lane_ids):
            count = per_lane if k < len(lane_ids) - 1 else items - per_lane * (lanes - 1)
            for m in range(count):
                first = start + timedelta(days=rng.randrange(0, 330))
                if m % 25 == 0 and count - m >= 5:
                    containers.append((make(n, lane_id, first, 56), lane_id, first))
                else:
                    rows.append(make(n, lane_id, first, rng.randrange(4, 60)))
                n += 1
        RoadmapItem.objects.bulk_create([c for c, _l, _f in containers])
        # Children: the rows right after each container in the same lane take it as parent.
        by_lane: dict[int, list[RoadmapItem]] = {}
        for row in rows:
            by_lane.setdefault(row.lane_id, []).append(row)
        for container, lane_id, first in containers:
            for child in by_lane[lane_id][:4]:
                child.parent = container
                child.start_date = first + timedelta(days=rng.randrange(0, 40))
                child.end_date = min(
                    child.start_date + timedelta(days=rng.randrange(4, 16)),
                    container.end_date,
                )
            by_lane[lane_id] = by_lane[lane_id][4:]
        RoadmapItem.objects.bulk_create(rows, batch_size=500)
        every = [c for c, _l, _f in containers] + rows
        ItemSnapshot.objects.bulk_create(
            [ItemSnapshot(item_id=i.pk, roadmap_id=roadmap.pk, data=item_state(i)) for i in every],
            batch_size=500,
        )
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    workspace=workspace, actor=admin, actor_label=admin.email, via="bench",
                    action="created", object_type="roadmap item", object_id=str(i.pk),
                    object_label=i.title, after=item_state(i),
                )
                for i in every
            ],
            batch_size=500,
        )  # fmt: skip
        # Dependencies: mostly forward (successor starts later), some conflicting on purpose.
        pairs: set[tuple[int, int]] = set()
        dated = sorted(rows, key=lambda i: i.start_date)
        while len(pairs) < dependencies:
            a, b = sorted(rng.sample(range(len(dated)), 2))
            if rng.random() < 0.15:
                a, b = b, a
            pairs.add((dated[a].pk, dated[b].pk))
        Dependency.objects.bulk_create(
            [
                Dependency(
                    workspace=workspace, predecessor_id=p, successor_id=s,
                    kind=DependencyKind.START_TO_START if (p + s) % 7 == 0 else DependencyKind.FINISH_TO_START,
                )
                for p, s in sorted(pairs)
            ]
        )  # fmt: skip
        for k in range(6):
            roadmap_services.milestone_create(
                member=owner, name=f"Release {k + 1}", date_=start + timedelta(days=30 + 55 * k),
                roadmap_id=roadmap.pk,
            )  # fmt: skip
        _token, raw = services.token_create(member=owner, name="bench")
    return {
        "slug": slug,
        "token": raw,
        "roadmap_id": roadmap.pk,
        "items": len(every),
        "containers": len(containers),
        "lanes": lanes,
        "dependencies": len(pairs),
        "milestones": 6,
    }


WORDS = (
    "billing search sync onboarding reports alerts export import SSO audit mobile API webhooks "
    "dashboards pricing invoices analytics permissions backups campaign launch webinar"
).split()


def _signed_in_client(slug: str):
    from django.test import Client

    from accord.workspaces.models import Membership

    member = Membership.objects.select_related("user").get(workspace__slug=slug, role="admin")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(member.user)
    return client


def run_export(slug: str, roadmap_id: int, runs: int) -> dict:
    import io

    from PIL import Image

    client = _signed_in_client(slug)
    path = f"/w/{slug}/roadmaps/{roadmap_id}/export.png"
    seconds, cpu, size = [], [], None
    for n in range(runs + 1):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path)
        took = time.perf_counter() - started
        cpu_took = time.process_time() - cpu_started
        if response.status_code != 200 or response["Content-Type"] != "image/png":
            _fail(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
        if n == 0:
            image = Image.open(io.BytesIO(response.content))
            if image.format != "PNG" or image.width < 1000 or image.height < 1000:
                _fail(f"GET {path} gave a {image.format} of {image.size}, not the timeline.")
            size = image.size, len(response.content)
            continue  # the warm-up
        seconds.append(took)
        cpu.append(cpu_took)
    (width, height), length = size
    return {
        "path": path,
        "seconds": seconds,
        "median_s": statistics.median(seconds),
        "cpu_median_s": statistics.median(cpu),  # CPU of this process: what load elsewhere hides
        "width": width,
        "height": height,
        "bytes": length,
    }


def run_move(slug: str, roadmap_id: int, token: str, requests: int) -> dict:
    from django.test import Client

    from accord.roadmaps.models import RoadmapItem

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    bars = list(
        RoadmapItem.objects.filter(roadmap_id=roadmap_id, parent__isnull=True)
        .exclude(children__isnull=False)
        .order_by("pk")
        .values("pk", "version", "start_date", "end_date")
    )
    if len(bars) < 10:
        _fail("The bench roadmap has too few bars to move.")
    timings: list[float] = []
    for n in range(requests + MOVE_WARMUP):
        bar = bars[n % len(bars)]
        shift = timedelta(days=1 if (n // len(bars)) % 2 == 0 else -1)
        body = {
            "version": bar["version"],
            "start_date": (bar["start_date"] + shift).isoformat(),
            "end_date": (bar["end_date"] + shift).isoformat(),
        }
        path = f"/api/v1/workspaces/{slug}/items/{bar['pk']}/move"
        started = time.perf_counter()
        response = client.post(path, json.dumps(body), content_type="application/json")
        took = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            _fail(f"POST {path} answered {response.status_code}: {response.content[:300]!r}")
        data = response.json()
        if data.get("start_date") != body["start_date"] or data.get("version") != bar["version"] + 1:
            _fail(f"POST {path} did not move the bar: {data!r}")
        bar.update(
            version=data["version"],
            start_date=bar["start_date"] + shift,
            end_date=bar["end_date"] + shift,
        )
        if n >= MOVE_WARMUP:
            timings.append(took)
    return {
        "path": f"/api/v1/workspaces/{slug}/items/<id>/move",
        "requests": len(timings),
        "p50_ms": percentile(timings, 50),
        "p99_ms": percentile(timings, 99),
    }


def run_timeline(slug: str, roadmap_id: int, requests: int) -> dict:
    from django.conf import settings
    from django.core.management import call_command

    from accord.roadmaps.models import RoadmapItem

    if not settings.DEBUG:  # as `accord serve` does: pages name static files from the manifest
        call_command("collectstatic", interactive=False, verbosity=0)
    client = _signed_in_client(slug)
    path = f"/w/{slug}/roadmaps/{roadmap_id}"
    sample = list(
        RoadmapItem.objects.filter(roadmap_id=roadmap_id).order_by("?").values_list("title", flat=True)[:5]
    )
    timings: list[float] = []
    size = 0
    for n in range(requests + TIMELINE_WARMUP):
        started = time.perf_counter()
        response = client.get(path)
        took = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            _fail(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
        if n == 0:
            body = response.content.decode()
            missing = [t for t in sample if t not in body]
            if missing:
                _fail(f"GET {path} does not show {missing}.")
            size = len(response.content)
        if n >= TIMELINE_WARMUP:
            timings.append(took)
    return {
        "path": path,
        "requests": len(timings),
        "p50_ms": percentile(timings, 50),
        "p99_ms": percentile(timings, 99),
        "kib": size // 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.roadmaps")
    sub = parser.add_subparsers(dest="what", required=True)
    seeding = sub.add_parser("seed")
    seeding.add_argument("--items", type=int, default=ITEMS)
    seeding.add_argument("--lanes", type=int, default=LANES)
    seeding.add_argument("--dependencies", type=int, default=DEPENDENCIES)
    for name in ("export", "move", "timeline"):
        p = sub.add_parser(name)
        p.add_argument("--slug", required=True)
        p.add_argument("--roadmap", type=int, required=True)
        if name == "export":
            p.add_argument("--runs", type=int, default=EXPORT_RUNS)
        if name == "move":
            p.add_argument("--token", required=True)
            p.add_argument("--requests", type=int, default=MOVE_REQUESTS)
        if name == "timeline":
            p.add_argument("--requests", type=int, default=TIMELINE_REQUESTS)
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
        result = seed_roadmap(items=ns.items, lanes=ns.lanes, dependencies=ns.dependencies)
    elif ns.what == "export":
        result = run_export(ns.slug, ns.roadmap, ns.runs)
    elif ns.what == "move":
        result = run_move(ns.slug, ns.roadmap, ns.token, ns.requests)
    else:
        result = run_timeline(ns.slug, ns.roadmap, ns.requests)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
