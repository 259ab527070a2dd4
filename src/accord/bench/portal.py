"""Figures for the public portal, in the workspace `bench-portal`: 200 published ideas, 2,000
customers with 20,000 verified votes between them, 1,000 approved comments.

- portal_home_p50_ms: p50 server time of the portal's home page /portal/bench-portal/ (anonymous,
  sorted by votes, its first page of 50 ideas), in-process; every answer must be 200 and list 50.
- portal_api_p50_ms: p50 of the public JSON list GET /api/v1/portal/bench-portal/ideas?limit=50
  (anonymous, sorted by votes), in-process; every answer must be 200 with 50 ideas.

Each request comes from its own address, so the per-address page limit never answers instead. `python -m accord.bench.portal seed|home|api`
prints one JSON object on stdout.
"""

import argparse
import json
import os
import sys
import time

from .context import BenchContext
from .loadgen import percentile
from .registry import Measured, measures

SLUG = "bench-portal"
IDEAS = 200
CUSTOMERS = 2000
VOTES = 20_000
COMMENTS = 1000
REQUESTS = 60
WARMUP = 3


def seed(ctx: BenchContext) -> dict:
    def make() -> dict:
        ctx.log(f"bench: seeding a portal of {IDEAS} ideas, {VOTES:,} votes, {COMMENTS:,} comments")
        out = ctx.python("accord.bench.portal", "seed", timeout=900)
        return json.loads(out.strip().splitlines()[-1])

    return ctx.once(("portal",), make)


def _size(seeded: dict, out: dict) -> str:
    return (
        f"{seeded['ideas']} published ideas, {seeded['customers']:,} customers, {seeded['votes']:,} "
        f"verified votes, {seeded['comments']:,} comments; {out['requests']} x GET {out['path']} "
        f"anonymous after {WARMUP} warm-up ({out['kib']} KiB); in-process with Django's test Client "
        "(server time, no HTTP)"
    )


def _measure(ctx: BenchContext, figure: str, what: str) -> Measured:
    seeded = seed(ctx)
    requests = ctx.scaled(REQUESTS, minimum=5)
    out = json.loads(ctx.python("accord.bench.portal", what, "--requests", str(requests), timeout=600).strip().splitlines()[-1])
    ctx.log(f"bench: GET {out['path']}: p50 {out['p50_ms']:.1f} ms, p99 {out['p99_ms']:.1f} ms")
    return Measured(values={figure: out["p50_ms"]}, size=_size(seeded, out))


@measures(portal_home_p50_ms="ms")
def home(ctx: BenchContext) -> Measured:
    return _measure(ctx, "portal_home_p50_ms", "home")


@measures(portal_api_p50_ms="ms")
def api(ctx: BenchContext) -> Measured:
    return _measure(ctx, "portal_api_p50_ms", "api")


# ---------------------------------------------------------------- the child processes


def seed_portal() -> dict:
    """The portal and its ideas through the services; customers, votes and comments in bulk (what
    thousands of visitors would have left over months)."""
    from django.db import transaction
    from django.utils import timezone

    from accord.accounts.models import User
    from accord.audit.services import acting_via
    from accord.ideas import services as idea_services
    from accord.portal import services
    from accord.portal.models import Comment, Contact, Moderation, Vote
    from accord.workspaces import services as ws_services
    from accord.workspaces.models import Membership

    now = timezone.now()
    with transaction.atomic(), acting_via("bench"):
        admin = User.objects.create_user(f"{SLUG}-admin@bench.invalid", None, name="Bench Admin")
        workspace = ws_services.workspace_create(user=admin, name="Bench portal", slug=SLUG)
        owner = Membership.objects.select_related("workspace", "user").get(workspace=workspace, user=admin)
        services.portal_update(member=owner, version=1, enabled=True, title="Bench ideas", moderate_comments=False)
        ideas = []
        for n in range(IDEAS):
            idea = idea_services.idea_create(
                member=owner, title=f"Idea {n + 1:03d}", description=f"What customers asked for, **number {n + 1}**."
            )
            services.idea_publish(member=owner, idea_id=idea.pk)
            ideas.append(idea)
        contacts = Contact.objects.bulk_create(
            Contact(workspace=workspace, email=f"customer{c}@bench.invalid", verified_at=now) for c in range(CUSTOMERS)
        )
        per_contact = VOTES // CUSTOMERS
        Vote.objects.bulk_create(
            (
                Vote(workspace=workspace, idea=ideas[(c * 7 + k * 13) % IDEAS], contact=contact, verified_at=now)
                for c, contact in enumerate(contacts)
                for k in range(per_contact)
            ),
            batch_size=2000,
        )
        Comment.objects.bulk_create(
            Comment(workspace=workspace, idea=ideas[n % IDEAS], contact=contacts[n % CUSTOMERS],
                    author_name=f"Customer {n}", body="Yes, *please*.", status=Moderation.APPROVED)
            for n in range(COMMENTS)
        )  # fmt: skip
    return {"ideas": IDEAS, "customers": CUSTOMERS, "votes": CUSTOMERS * per_contact, "comments": COMMENTS}


def run(path: str, requests: int, check) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    timings, size = [], 0
    for n in range(requests + WARMUP):
        # A visitor address per request: the per-address page limit never answers instead.
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        started = time.perf_counter()
        response = client.get(path, REMOTE_ADDR=address)
        took = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or not check(response):
            raise SystemExit(f"bench: GET {path} answered {response.status_code}")
        size = len(response.content)
        if n >= WARMUP:
            timings.append(took)
    return {"path": path, "requests": len(timings), "p50_ms": percentile(timings, 50),
            "p99_ms": percentile(timings, 99), "kib": size // 1024}  # fmt: skip


def run_home(requests: int) -> dict:
    shown = min(IDEAS, 50)
    return run(f"/portal/{SLUG}/", requests, lambda r: r.content.count(b'class="portal-card"') == shown)


def run_api(requests: int) -> dict:
    shown = min(IDEAS, 50)
    return run(f"/api/v1/portal/{SLUG}/ideas?limit=50", requests, lambda r: len(r.json()["items"]) == shown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.portal")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("seed")
    sub.add_parser("home").add_argument("--requests", type=int, default=REQUESTS)
    sub.add_parser("api").add_argument("--requests", type=int, default=REQUESTS)
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
        result = seed_portal()
    elif ns.what == "home":
        from django.conf import settings
        from django.core.management import call_command

        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        result = run_home(ns.requests)
    else:
        result = run_api(ns.requests)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
