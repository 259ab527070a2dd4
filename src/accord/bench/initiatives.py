"""Figure for initiatives, in the workspace `bench-initiatives`: 500 initiatives over the seven
default stages (four kinds, owners among 40 people), each with its stage's gate (three criteria,
some met) and two signers (some signed), grouping 2 ideas, 1 roadmap item and 1 goal each.

- initiatives_portfolio_p50_ms: p50 server time of the portfolio page /w/bench-initiatives/
  initiatives (every initiative as a card with owner, gate readiness and link counts), signed in,
  in-process; every answer must be 200 and show the initiatives. The number of queries of the page
  is checked to be the same as for a workspace of 5 initiatives (constant, whatever the size).

`python -m accord.bench.initiatives seed|portfolio ...` prints one JSON object on stdout.
"""

import argparse
import json
import os
import sys
import time

from .context import BenchContext
from .loadgen import percentile
from .registry import Measured, measures

SLUG = "bench-initiatives"
SMALL_SLUG = "bench-initiatives-small"
INITIATIVES = 500
PEOPLE = 40
REQUESTS = 40
WARMUP = 3


def seed(ctx: BenchContext) -> dict:
    def make() -> dict:
        ctx.log(f"bench: seeding {INITIATIVES} initiatives with gates and links")
        out = ctx.python("accord.bench.initiatives", "seed", timeout=900)
        return json.loads(out.strip().splitlines()[-1])

    return ctx.once(("initiatives",), make)


@measures(initiatives_portfolio_p50_ms="ms")
def portfolio(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    requests = ctx.scaled(REQUESTS, minimum=5)
    out = json.loads(
        ctx.python("accord.bench.initiatives", "portfolio", "--requests", str(requests), timeout=600)
        .strip().splitlines()[-1]
    )  # fmt: skip
    ctx.log(
        f"bench: GET {out['path']}: p50 {out['p50_ms']:.1f} ms, p99 {out['p99_ms']:.1f} ms, {out['kib']} KiB, "
        f"{out['queries']} queries (the same as with {out['small']} initiatives)"
    )
    size = (
        f"{seeded['initiatives']} initiatives in 7 stages, {seeded['criteria']} gate criteria, {seeded['signers']} "
        f"signers; {out['requests']} x GET {out['path']} signed in after {WARMUP} warm-up ({out['kib']} KiB of "
        f"HTML, {out['queries']} queries); in-process with Django's test Client (server time, no HTTP)"
    )
    return Measured(values={"initiatives_portfolio_p50_ms": out["p50_ms"]}, size=size)


# ---------------------------------------------------------------- the child processes


def _workspace(slug: str, n: int) -> dict:
    from django.utils import timezone

    from accord.accounts.models import User
    from accord.goals import services as goals
    from accord.ideas import services as ideas
    from accord.initiatives import services
    from accord.initiatives.lifecycle import ensure_stages
    from accord.initiatives.models import GateCriterion, GateSigner
    from accord.roadmaps import services as roadmaps
    from accord.workspaces import services as ws_services
    from accord.workspaces.models import Membership

    admin = User.objects.create_user(f"{slug}-admin@bench.invalid", None, name="Bench Admin")
    workspace = ws_services.workspace_create(
        user=admin, name=slug.replace("-", " ").capitalize(), slug=slug
    )
    owner = Membership.objects.select_related("workspace", "user").get(
        workspace=workspace, user=admin
    )
    people = [
        ws_services.person_create(member=owner, name=f"Person {p:02d}").pk
        for p in range(min(PEOPLE, n + 2))
    ]
    idea_ids = [
        ideas.idea_create(member=owner, title=f"Idea {k}").pk for k in range(max(4, n // 5))
    ]
    roadmap = roadmaps.roadmap_create(member=owner, name="Product")
    item_ids = [
        roadmaps.item_create(
            member=owner, roadmap_id=roadmap.pk, title=f"Item {k}", bucket="next"
        ).pk
        for k in range(max(2, n // 10))
    ]
    today = timezone.localdate()
    goal_ids = [
        goals.goal_create(
            member=owner, title=f"Goal {k}", period_kind="custom", start_date=today, end_date=today
        ).pk
        for k in range(max(2, n // 50))
    ]
    stages = ensure_stages(workspace.pk)
    kinds = ["product", "feature_set", "release", "campaign"]
    for i in range(n):
        services.initiative_create(
            member=owner, name=f"Initiative {i:03d}", kind=kinds[i % 4], owner_id=people[i % len(people)],
            stage_id=stages[i % len(stages)].pk,
            idea_ids=[idea_ids[i % len(idea_ids)], idea_ids[(i + 1) % len(idea_ids)]],
            roadmap_item_ids=[item_ids[i % len(item_ids)]], goal_ids=[goal_ids[i % len(goal_ids)]],
        )  # fmt: skip
    now = timezone.now()
    criteria = list(GateCriterion.objects.filter(initiative__workspace=workspace).order_by("pk"))
    met = [c.pk for k, c in enumerate(criteria) if k % 2 == 0]
    GateCriterion.objects.filter(pk__in=met).update(met_at=now, met_by=admin)
    signers = []
    for i, initiative in enumerate(workspace.initiatives.order_by("pk")):
        for s in range(2):
            signers.append(GateSigner(initiative=initiative, stage_id=initiative.stage_id,
                                      person_id=people[(i + s + 1) % len(people)], signed_at=now if s == 0 else None))  # fmt: skip
    GateSigner.objects.bulk_create(signers)
    return {"initiatives": n, "criteria": len(criteria), "signers": len(signers)}


def seed_initiatives(n: int = INITIATIVES) -> dict:
    """Through the services (initiatives copy their gates), the gates' state in bulk."""
    from django.db import transaction

    from accord.audit.services import acting_via

    with transaction.atomic(), acting_via("bench"):
        _workspace(SMALL_SLUG, 5)
        return _workspace(SLUG, n)


def _queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # the first visit of a workspace also records it as the user's last one
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured.captured_queries)


def run_portfolio(requests: int) -> dict:
    from django.conf import settings
    from django.core.management import call_command

    from .roadmaps import _signed_in_client

    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    client = _signed_in_client(SLUG)
    path = f"/w/{SLUG}/initiatives"
    timings, size = [], 0
    for k in range(requests + WARMUP):
        started = time.perf_counter()
        response = client.get(path)
        took = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or b"Initiative 000" not in response.content:
            raise SystemExit(f"bench: GET {path} answered {response.status_code}")
        size = len(response.content)
        if k >= WARMUP:
            timings.append(took)
    queries = _queries(client, path)
    small = _signed_in_client(SMALL_SLUG)
    small_queries = _queries(small, f"/w/{SMALL_SLUG}/initiatives")
    if queries != small_queries:
        raise SystemExit(
            f"bench: the portfolio read {queries} queries, but {small_queries} for 5 initiatives"
        )
    return {"path": path, "requests": len(timings), "p50_ms": percentile(timings, 50),
            "p99_ms": percentile(timings, 99), "kib": size // 1024, "queries": queries, "small": 5}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.initiatives")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("seed")
    sub.add_parser("portfolio").add_argument("--requests", type=int, default=REQUESTS)
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
        result = seed_initiatives()
    else:
        result = run_portfolio(ns.requests)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
