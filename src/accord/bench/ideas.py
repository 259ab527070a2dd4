"""Figures for ideas at scale: a workspace of 100,000 ideas scored under a weighted model of 10
criteria (accord.bench.seed_ideas).

- ideas_list_p50_ms / ideas_list_p99_ms: server time of the first page of 50 ideas sorted by
  score with a filter (GET /api/v1/workspaces/bench-ideas/ideas?status=scored&limit=50&sort=-score)
  through the whole Django stack (middleware, token, view, JSON) with Django's test Client in one
  process: no HTTP, no network. ideas_list_tag_p50_ms / _p99_ms: the same query with a tag filter
  too (&tag=enterprise), interleaved with it. Every answer must be 200; the first one of each
  query must list what the selector gives.
- rescore_100k_s: one weight change rescoring every idea, i.e. the time of
  services.scoring_model_update(...) end to end (the median of RESCORE_RUNS changes, each of a
  different criterion; on PostgreSQL the scores are vacuumed before each, as autovacuum would
  between two changes). After each change a sample of ideas must score what
  scoring.weighted_score computes from their inputs and the new weights, and every score row must
  have been written.

Seeding and measuring run in child processes against the bench database, like the other figures:
`python -m accord.bench.ideas list|rescore --slug S` prints one JSON object on stdout.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time

from .context import BenchContext
from .loadgen import percentile
from .registry import Measured, measures

IDEAS = 100_000
CRITERIA = 10
RATERS = 5
LIST_LIMIT = 50
LIST_REQUESTS = 400
LIST_WARMUP = 20  # per query, not timed
LIST_TAG = "enterprise"  # the most common tag of the seeding
RESCORE_RUNS = 3
SAMPLE = 300  # ideas checked after each rescoring
SEED_TIMEOUT_S = 900
RUN_TIMEOUT_S = 600


def list_queries(slug: str) -> list[str]:
    base = f"/api/v1/workspaces/{slug}/ideas?status=scored&limit={LIST_LIMIT}&sort=-score"
    return [base, f"{base}&tag={LIST_TAG}"]


def seed(ctx: BenchContext) -> dict:
    """The ideas workspace, seeded once per invocation (its own workspace in the bench database)."""
    ideas = ctx.scaled(IDEAS, minimum=200)

    def make() -> dict:
        ctx.log(
            f"bench: seeding {ideas} ideas x {CRITERIA} criteria x {RATERS} raters ({ctx.vendor})"
        )
        started = time.perf_counter()
        out = ctx.python(
            "accord.bench.seed_ideas",
            "--ideas",
            str(ideas),
            "--criteria",
            str(CRITERIA),
            "--raters",
            str(RATERS),
            timeout=SEED_TIMEOUT_S,
        )
        ctx.log(f"bench: seeded ideas in {time.perf_counter() - started:.1f} s")
        return json.loads(out.strip().splitlines()[-1])

    return ctx.once(("ideas", ideas), make)


def _size(seeded: dict) -> str:
    return (
        f"{seeded['ideas']} ideas (statuses mixed, 0-3 of 20 tags each), a weighted model of "
        f"{CRITERIA} criteria on 1-5 scales (benefits and costs), {seeded['ratings']} ratings "
        f"by {RATERS} raters of {seeded['rated_ideas']} ideas"
    )


@measures(
    ideas_list_p50_ms="ms",
    ideas_list_p99_ms="ms",
    ideas_list_tag_p50_ms="ms",
    ideas_list_tag_p99_ms="ms",
)
def ideas_list(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    requests = ctx.scaled(LIST_REQUESTS, minimum=20)
    out = ctx.python(
        "accord.bench.ideas", "list", "--slug", seeded["slug"], "--token", seeded["token"],
        "--requests", str(requests), timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    result = json.loads(out.strip().splitlines()[-1])
    plain, tagged = result["queries"]
    for query in result["queries"]:
        ctx.log(
            f"bench: GET {query['path']} ({query['matches']} matches): "
            f"p50 {query['p50_ms']:.1f} ms, p99 {query['p99_ms']:.1f} ms"
        )
    size = (
        f"{_size(seeded)}; {plain['requests']} x GET {plain['path']} ({plain['matches']} "
        f"matches; the tag figures: {tagged['requests']} x the same with &tag={LIST_TAG}, "
        f"{tagged['matches']} matches), interleaved, Bearer token, after "
        f"{LIST_WARMUP} warm-up each; in-process with Django's test Client (server time, no HTTP)"
    )
    return Measured(
        values={
            "ideas_list_p50_ms": plain["p50_ms"],
            "ideas_list_p99_ms": plain["p99_ms"],
            "ideas_list_tag_p50_ms": tagged["p50_ms"],
            "ideas_list_tag_p99_ms": tagged["p99_ms"],
        },
        size=size,
    )


@measures(rescore_100k_s="s")
def ideas_rescore(ctx: BenchContext) -> Measured:
    seeded = seed(ctx)
    out = ctx.python(
        "accord.bench.ideas", "rescore", "--slug", seeded["slug"], "--runs", str(RESCORE_RUNS),
        timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    result = json.loads(out.strip().splitlines()[-1])
    ctx.log(
        "bench: rescoring took " + ", ".join(f"{s:.2f}" for s in result["seconds"]) + " s; "
        f"{result['checked']} sampled scores match scoring.weighted_score"
    )
    size = (
        f"{_size(seeded)}; {result['scores']} scores rescored by "
        "services.scoring_model_update(criteria=... one weight changed), median of "
        f"{len(result['seconds'])} changes, each checked"
        + (
            "; VACUUM ANALYZE of the scores before each, as autovacuum"
            if ctx.vendor == "postgresql"
            else ""
        )
    )
    return Measured(values={"rescore_100k_s": result["median_s"]}, size=size)


# ---------------------------------------------------------------- the child processes


def _fail(message: str):
    raise SystemExit(f"bench: {message}")


def run_list(slug: str, token: str, requests: int) -> dict:
    """Time GETs of the first page through the Django stack with the test Client."""
    from django.test import Client

    from accord.ideas import selectors
    from accord.workspaces.models import Workspace

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    workspace = Workspace.objects.get(slug=slug)
    model = selectors.default_model(workspace=workspace)
    queries = list_queries(slug)
    matches = {}
    for path in queries:
        response = client.get(path)
        if response.status_code != 200:
            _fail(f"GET {path} answered {response.status_code}: {response.content[:500]!r}")
        body = response.json()
        tag = LIST_TAG if "tag=" in path else None
        expected = selectors.ideas(
            workspace=workspace, model=model, status="scored", tag=tag, sort="-score"
        )
        ids = [i["id"] for i in body["items"]]
        if ids != [i.pk for i in expected[:LIST_LIMIT]] or body["count"] != expected.count():
            _fail(f"GET {path} does not list what the selector gives.")
        if len(ids) != min(LIST_LIMIT, body["count"]) or any(
            i["status"] != "scored" for i in body["items"]
        ):
            _fail(f"GET {path} returned {len(ids)} items, or some not scored.")
        scores = [i["score"] for i in body["items"] if i["score"] is not None]
        if scores != sorted(scores, reverse=True):
            _fail(f"GET {path} is not sorted by score.")
        matches[path] = body["count"]
        for _ in range(LIST_WARMUP - 1):
            client.get(path)
    timings: dict[str, list[float]] = {path: [] for path in queries}
    for n in range(requests * len(queries)):  # interleaved: each query sees the same conditions
        path = queries[n % len(queries)]
        started = time.perf_counter()
        response = client.get(path)
        took = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            _fail(f"GET {path} answered {response.status_code}: {response.content[:500]!r}")
        timings[path].append(took)
    return {
        "queries": [
            {
                "path": path,
                "matches": matches[path],
                "requests": len(took),
                "p50_ms": percentile(took, 50),
                "p99_ms": percentile(took, 99),
            }
            for path, took in timings.items()
        ]
    }


def run_rescore(slug: str, runs: int) -> dict:
    """Change one weight `runs` times through the service, timing each, and check the scores."""
    from django.db import connection
    from django.utils import timezone

    from accord.ideas import scoring, services
    from accord.ideas.models import IdeaScore, ScoringModel
    from accord.ideas.services.rescore import specs_of
    from accord.workspaces.models import Membership

    member = Membership.objects.select_related("workspace", "user").get(
        workspace__slug=slug, role="admin"
    )
    model = ScoringModel.objects.get(workspace=member.workspace, is_default=True)
    score_ids = list(IdeaScore.objects.filter(model=model).values_list("pk", flat=True))
    rng = random.Random(7)
    seconds, checked = [], 0
    for n in range(runs):
        model.refresh_from_db()
        criteria = list(model.criteria.all())
        rows = [
            {
                "key": c.key, "name": c.name, "description": c.description, "role": c.role,
                "weight": c.weight, "scale_min": c.scale_min, "scale_max": c.scale_max,
                "allowed": c.allowed,
            }
            for c in criteria
        ]  # fmt: skip
        changed = rows[n % len(rows)]
        changed["weight"] = changed["weight"] % 5 + 1  # 1..5, never the same
        if connection.vendor == "postgresql":
            # What autovacuum does between two weight changes (they are minutes apart at least):
            # the dead row versions the last rescoring left are cleared before the next one.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {IdeaScore._meta.db_table}")
        sample = rng.sample(score_ids, min(SAMPLE, len(score_ids)))
        before = dict(IdeaScore.objects.filter(pk__in=sample).values_list("pk", "value"))
        stamp = timezone.now()
        started = time.perf_counter()
        services.scoring_model_update(
            member=member, model_id=model.pk, version=model.version, criteria=rows
        )
        seconds.append(time.perf_counter() - started)
        # Every score row written, and the sample scores what the scoring engine says.
        stale = IdeaScore.objects.filter(model=model, updated_at__lt=stamp).count()
        if stale:
            _fail(f"{stale} scores were not rewritten by the weight change.")
        specs = specs_of(model.criteria.all())
        if [s.weight for s in specs] != [float(r["weight"]) for r in rows]:
            _fail("The weight change was not saved.")
        moved = 0
        for pk, inputs, value, reason in IdeaScore.objects.filter(pk__in=sample).values_list(
            "pk", "inputs", "value", "undefined_reason"
        ):
            if not inputs:
                expected, why = None, "not scored yet"
            else:
                try:
                    expected, why = round(scoring.weighted_score(specs, inputs)[0], 4), ""
                except scoring.ScoreUndefined as exc:
                    expected, why = None, exc.reason
            if value != expected or reason != why:
                _fail(f"Score {pk} is {value!r} ({reason!r}); expected {expected!r} ({why!r}).")
            moved += value != before[pk]
            checked += 1
        if not moved:
            _fail("No sampled score moved with the weight change.")
    return {
        "seconds": seconds,
        "median_s": statistics.median(seconds),
        "scores": len(score_ids),
        "checked": checked,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.ideas")
    sub = parser.add_subparsers(dest="what", required=True)
    listing = sub.add_parser("list")
    listing.add_argument("--slug", required=True)
    listing.add_argument("--token", required=True)
    listing.add_argument("--requests", type=int, default=LIST_REQUESTS)
    rescoring = sub.add_parser("rescore")
    rescoring.add_argument("--slug", required=True)
    rescoring.add_argument("--runs", type=int, default=RESCORE_RUNS)
    ns = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()
    if ns.what == "list":
        result = run_list(ns.slug, ns.token, ns.requests)
    else:
        result = run_rescore(ns.slug, ns.runs)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
