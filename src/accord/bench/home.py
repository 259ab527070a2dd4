"""The home page ("what needs me now"), on the demo workspace built among the bench's data (slug
`bench-home`, people @bench.invalid; the same plan, ideas, feedback and goals as `accord demo`).

- home_p50_ms: p50 server time of /w/bench-home/ signed in as Priya Natarajan (Head of Product,
  an admin: plan health and every card, with ideas she follows, feedback on them, goals of hers
  at risk and conflicts on her team's roadmap), in-process; every answer must be 200 and show
  the plan health and the cards. The log gives the p50 for a viewer and for an editor too.
- home_large_p50_ms: the same page of the ideas bench's workspace (100,000 ideas, 5 raters who
  each scored tens of thousands of them in rounds, open rounds waiting; accord.bench.ideas seeds
  it, once for both) signed in as one of its raters, in-process.

`python -m accord.bench.home seed|home|large ...` prints one JSON object on stdout.
"""

import argparse
import json
import os
import sys
import time

from .context import BenchContext
from .loadgen import percentile
from .registry import Measured, measures

SLUG = "bench-home"
DOMAIN = "bench.invalid"
WHO = {"admin": "priya", "viewer": "chloe", "editor": "sofia"}
REQUESTS = 60
WARMUP = 3


def seed(ctx: BenchContext) -> dict:
    def make() -> dict:
        ctx.log("bench: building the demo workspace among the bench data")
        out = ctx.python("accord.bench.home", "seed", timeout=900)
        return json.loads(out.strip().splitlines()[-1])

    return ctx.once(("home",), make)


@measures(home_p50_ms="ms")
def home_page(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    requests = ctx.scaled(REQUESTS, minimum=5)
    out = json.loads(ctx.python("accord.bench.home", "home", "--requests", str(requests), timeout=600).strip().splitlines()[-1])
    for role, row in out["roles"].items():
        ctx.log(f"bench: GET {out['path']} as {row['who']} ({role}): p50 {row['p50_ms']:.1f} ms, p99 "
                f"{row['p99_ms']:.1f} ms, {row['queries']} queries")  # fmt: skip
    admin = out["roles"]["admin"]
    size = (
        f"the demo workspace ({seeded['ideas']} ideas, {seeded['items']} roadmap items, {seeded['feedback']} "
        f"feedback items, {seeded['goals']} goals, {seeded['audit']:,} audit entries); {admin['requests']} x GET "
        f"{out['path']} as {admin['who']} (admin) after {WARMUP} warm-up, {admin['queries']} queries, "
        f"{admin['kib']} KiB; in-process with Django's test Client (server time, no HTTP)"
    )
    return Measured(values={"home_p50_ms": admin["p50_ms"]}, size=size)


@measures(home_large_p50_ms="ms")
def home_large(ctx: BenchContext) -> Measured:
    from . import ideas

    seeded = ideas.seed(ctx)
    requests = ctx.scaled(REQUESTS, minimum=5)
    out = json.loads(ctx.python("accord.bench.home", "large", "--slug", seeded["slug"], "--requests", str(requests),
                                timeout=600).strip().splitlines()[-1])  # fmt: skip
    row = out["roles"]["rater"]
    ctx.log(f"bench: GET {out['path']} as {row['who']}: p50 {row['p50_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms, {row['queries']} queries")
    size = (
        f"the ideas bench's workspace ({seeded['ideas']} ideas, {seeded['ratings']} ratings by {ideas.RATERS} raters); "
        f"{row['requests']} x GET {out['path']} as {row['who']} after {WARMUP} warm-up, {row['queries']} queries; "
        "in-process with Django's test Client (server time, no HTTP)"
    )
    return Measured(values={"home_large_p50_ms": row["p50_ms"]}, size=size)


# ---------------------------------------------------------------- the child processes


def seed_home() -> dict:
    from accord.audit.models import AuditEntry
    from accord.demo import loader
    from accord.workspaces.models import Workspace

    loader.build(slug=SLUG, admin_email=f"{SLUG}-admin@{DOMAIN}", domain=DOMAIN)
    workspace = Workspace.objects.get(slug=SLUG)
    return {
        "ideas": workspace.ideas.count(), "items": workspace.roadmap_items.count(),
        "feedback": workspace.feedback.count(), "goals": workspace.goals.count(),
        "audit": AuditEntry.objects.filter(workspace=workspace).count(),
    }  # fmt: skip


def run(requests: int, slug: str = SLUG, who: dict[str, str] | None = None) -> dict:
    """p50/p99 of the home of `slug` for each (role, e-mail) of `who` (the demo's by default)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accord.accounts.models import User

    who = who or {role: f"{local}@{DOMAIN}" for role, local in WHO.items()}
    path = f"/w/{slug}/"
    roles = {}
    for role, email in who.items():
        user = User.objects.get(email=email)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        timings, size = [], 0
        for n in range(requests + WARMUP):
            started = time.perf_counter()
            response = client.get(path)
            took = (time.perf_counter() - started) * 1000
            body = response.content
            if response.status_code != 200 or b'data-testid="home-cards"' not in body or (
                role in ("admin", "viewer") and b'data-testid="plan-health"' not in body
            ):
                raise SystemExit(f"bench: GET {path} as {user.email} answered {response.status_code}")
            size = len(body)
            if n >= WARMUP:
                timings.append(took)
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        roles[role] = {"who": user.display_name, "requests": len(timings), "p50_ms": percentile(timings, 50),
                       "p99_ms": percentile(timings, 99), "kib": size // 1024, "queries": len(ctx.captured_queries)}  # fmt: skip
    return {"path": path, "roles": roles}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.home")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("seed")
    sub.add_parser("home").add_argument("--requests", type=int, default=REQUESTS)
    large = sub.add_parser("large")
    large.add_argument("--requests", type=int, default=REQUESTS)
    large.add_argument("--slug", required=True)
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
        result = seed_home()
    else:
        from django.conf import settings

        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        if ns.what == "large":  # a rater of the ideas bench: open rounds, tens of thousands of ratings
            result = run(ns.requests, ns.slug, {"rater": f"{ns.slug}-rater-1@bench.invalid"})
        else:
            result = run(ns.requests)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
