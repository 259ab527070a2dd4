"""Figures for launches, in the workspace `bench-launches`: 200 launches of 200 releases, each with
two campaigns, the default checklist (9 tasks), two positioning versions and the standard funnel;
one of them is large (300 checklist tasks, 40 brand attributes of 5 features each, 20 versions).

- launches_list_p50_ms: p50 server time of the launches page /w/bench-launches/launches (all 200
  launches with readiness and slips), signed in, in-process; every answer must be 200 and list them.
- launch_page_p50_ms: p50 server time of the large launch's page (checklist, maps with gaps,
  campaigns, review), signed in, in-process. The log gives the query count of both: constant in
  the number of launches, tasks, attributes and versions (asserted in the app's tests).

`python -m accord.bench.launches seed|run ...` prints one JSON object on stdout.
"""

import argparse
import json
import os
import sys
import time
from datetime import date, timedelta

from .context import BenchContext
from .loadgen import percentile
from .registry import Measured, measures

SLUG = "bench-launches"
LAUNCHES = 200
BIG_TASKS = 300
BIG_ATTRIBUTES = 40
BIG_VERSIONS = 20
REQUESTS = 40
WARMUP = 3


def seed(ctx: BenchContext) -> dict:
    def make() -> dict:
        ctx.log(f"bench: seeding {LAUNCHES} launches with checklists, positioning and maps")
        out = ctx.python(
            "accord.bench.launches",
            "seed",
            "--launches",
            str(ctx.scaled(LAUNCHES, minimum=5)),
            timeout=900,
        )
        return json.loads(out.strip().splitlines()[-1])

    return ctx.once(("launches",), make)


@measures(launches_list_p50_ms="ms", launch_page_p50_ms="ms")
def pages(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    requests = ctx.scaled(REQUESTS, minimum=5)
    out = json.loads(
        ctx.python("accord.bench.launches", "run", "--requests", str(requests), timeout=600)
        .strip()
        .splitlines()[-1]
    )
    for row in out.values():
        ctx.log(
            f"bench: GET {row['path']}: p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms, {row['queries']} queries"
        )
    size = (
        f"{seeded['launches']} launches, {seeded['tasks']:,} checklist tasks; the large launch has {BIG_TASKS} tasks, "
        f"{BIG_ATTRIBUTES} brand attributes and {BIG_VERSIONS} positioning versions; {out['list']['requests']} x GET "
        f"each after {WARMUP} warm-up ({out['list']['queries']} and {out['page']['queries']} queries); in-process "
        "with Django's test Client (server time, no HTTP)"
    )
    return Measured(
        values={
            "launches_list_p50_ms": out["list"]["p50_ms"],
            "launch_page_p50_ms": out["page"]["p50_ms"],
        },
        size=size,
    )


# ---------------------------------------------------------------- the child processes


def seed_launches(launches: int = LAUNCHES) -> dict:
    from django.db import transaction

    from accord.accounts.models import User
    from accord.launches import services
    from accord.launches.models import LaunchTask
    from accord.roadmaps import services as rm
    from accord.workspaces import services as ws
    from accord.workspaces.models import Membership

    with transaction.atomic():
        admin = User.objects.create_user(f"{SLUG}-admin@bench.invalid", None, name="Bench Admin")
        workspace = ws.workspace_create(user=admin, name="Bench launches", slug=SLUG)
        owner = Membership.objects.select_related("workspace", "user").get(
            workspace=workspace, user=admin
        )
        for kind in ("product", "marketing", "support", "analytics"):
            team = ws.team_create(member=owner, name=f"Team {kind}", kind=kind)
            ws.person_create(member=owner, name=f"Person {kind}", team_ids=[team.pk])
        product = rm.roadmap_create(member=owner, name="Product", kind="product", lanes=["Ship"])
        marketing = rm.roadmap_create(
            member=owner, name="Marketing", kind="marketing", lanes=["Go"]
        )
        start = date(2030, 1, 1)
        big = None
        for n in range(launches):
            day = start + timedelta(days=n)
            release = rm.item_create(
                member=owner,
                roadmap_id=product.pk,
                title=f"Release {n}",
                start_date=day - timedelta(days=30),
                end_date=day,
            )
            campaigns = [
                rm.item_create(
                    member=owner,
                    roadmap_id=marketing.pk,
                    title=f"Campaign {n}.{c}",
                    start_date=day,
                    end_date=day + timedelta(days=20),
                )
                for c in range(2)
            ]
            launch = services.launch_create(member=owner, name=f"Launch {n}", release_item_id=release.pk,
                                            campaign_item_ids=[c.pk for c in campaigns], tier=1 + n % 3)  # fmt: skip
            for v in range(2):
                services.positioning_save(
                    member=owner, launch_id=launch.pk, problem=f"Problem {n} v{v}", usp=f"USP {n}"
                )
            big = big or launch
        features = list(
            workspace.roadmap_items.filter(roadmap=product).values_list("pk", flat=True)[:200]
        )
        for t in range(BIG_TASKS):
            services.task_create(
                member=owner, launch_id=big.pk, title=f"Task {t}", offset_days=-60 + t % 90
            )
        for a in range(BIG_ATTRIBUTES):
            services.attribute_create(member=owner, launch_id=big.pk, name=f"Attribute {a}",
                                      item_ids=features[a * 5 % len(features):][:5] if a % 7 else [])  # fmt: skip
        for v in range(BIG_VERSIONS - 2):
            services.positioning_save(
                member=owner,
                launch_id=big.pk,
                problem=f"Problem v{v + 2}",
                pitch="Line\n" * (v + 1),
            )
    return {
        "launches": launches,
        "tasks": LaunchTask.objects.filter(launch__workspace=workspace).count(),
        "big": big.pk,
    }


def run(requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accord.accounts.models import User
    from accord.launches.models import Launch

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=f"{SLUG}-admin@bench.invalid"))
    big = Launch.objects.filter(workspace__slug=SLUG).order_by("pk").first()
    out = {}
    for name, path, marker in (
        ("list", f"/w/{SLUG}/launches", b'data-testid="launch-table"'),
        ("page", f"/w/{SLUG}/launches/{big.pk}", b'data-testid="checklist"'),
    ):
        timings = []
        for n in range(requests + WARMUP):
            started = time.perf_counter()
            response = client.get(path)
            took = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or marker not in response.content:
                raise SystemExit(f"bench: GET {path} answered {response.status_code}")
            if n >= WARMUP:
                timings.append(took)
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        out[name] = {"path": path, "requests": len(timings), "p50_ms": percentile(timings, 50),
                     "p99_ms": percentile(timings, 99), "queries": len(ctx.captured_queries)}  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.launches")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("seed").add_argument("--launches", type=int, default=LAUNCHES)
    sub.add_parser("run").add_argument("--requests", type=int, default=REQUESTS)
    ns = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if ns.what == "seed":
        from .seed import foreign_data

        call_command("migrate", interactive=False, verbosity=0)
        refusal = foreign_data(SLUG)
        if refusal:
            print(f"bench: {refusal}", file=sys.stderr)
            return 2
        result = seed_launches(ns.launches)
    else:
        from django.conf import settings

        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        result = run(ns.requests)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
