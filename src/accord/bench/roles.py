"""Figures for the RACI checks and suggestions, in the workspace `bench-roles`.

- raci_check_p50_ms: p50 time to load one initiative's matrix (200 activities x 40 people, every
  cell filled: 8,000 cells, plus role assignments and a second active initiative for the load)
  from the database and run every check on it (accord.roles.selectors.matrix + checks.run), in a
  child process on the bench database. Goal: under 100 ms, with a constant number of queries.
- raci_suggest_p3: top-3 precision of the suggestions on raci_suggest_cases.json (hand-labelled
  activity -> right person cases among 15 realistic people with skills, interests and loads): the
  share of cases whose right person is among the first three suggested. Goal: at least 0.8.

`python -m accord.bench.roles seed|check|suggest ...` prints one JSON object on stdout.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from .context import BenchContext
from .loadgen import percentile
from .registry import Measured, measures

SLUG = "bench-roles"
ACTIVITIES = 200
PEOPLE = 40
RUNS = 30
WARMUP = 3
CASES = Path(__file__).with_name("raci_suggest_cases.json")


def _child(ctx: BenchContext, *args: str) -> dict:
    return json.loads(ctx.python("accord.bench.roles", *args, timeout=900).strip().splitlines()[-1])


@measures(raci_check_p50_ms="ms")
def raci_check(ctx: BenchContext) -> Measured:
    ctx.once(("roles",), lambda: _child(ctx, "seed"))
    out = _child(ctx, "check", "--runs", str(ctx.scaled(RUNS, minimum=5)))
    ctx.log(
        f"bench: RACI checks p50 {out['p50_ms']:.1f} ms (CPU time of the process {out['cpu_p50_ms']:.1f} ms), p99 {out['p99_ms']:.1f} ms, {out['queries']} queries, {out['checks']} checks found"
    )
    size = (
        f"{out['activities']} activities x {out['people']} people ({out['cells']:,} cells, {out['assignments']} role "
        f"assignments) on one initiative, another active initiative for the load; {out['runs']} x load + all checks "
        f"after {WARMUP} warm-up, {out['queries']} queries, in-process"
    )
    return Measured(values={"raci_check_p50_ms": out["p50_ms"]}, size=size)


@measures(raci_suggest_p3="P@3")
def raci_suggest(ctx: BenchContext) -> Measured:
    out = suggest_quality()
    for miss in out["misses"]:
        ctx.log(f"bench: suggestion miss: {miss}")
    size = f"{out['cases']} hand-labelled activity -> person cases among {out['people']} people ({CASES.name})"
    return Measured(values={"raci_suggest_p3": out["p3"]}, size=size)


# ---------------------------------------------------------------- the work (pure or in the child)


def suggest_quality(path: Path = CASES) -> dict:
    from accord.roles.checks import PersonRow
    from accord.roles.suggest import rank

    data = json.loads(path.read_text())
    people = [
        PersonRow(i, p["name"], frozenset(), tuple(p["skills"]), tuple(p["interests"]))
        for i, p in enumerate(data["people"])
    ]
    load = {i: p["load"] for i, p in enumerate(data["people"])}
    hits, misses = 0, []
    for case in data["cases"]:
        top = rank(
            name=case["activity"],
            skills=case["skills"],
            people=people,
            load=load,
            threshold=data["threshold"],
            limit=3,
        )
        if any(s.name in case["right"] for s in top):
            hits += 1
        else:
            misses.append(f"{case['activity']}: {[s.name for s in top]} (right: {case['right']})")
    return {
        "p3": round(hits / len(data["cases"]), 3),
        "cases": len(data["cases"]),
        "people": len(people),
        "misses": misses,
    }


def seed(activities: int = ACTIVITIES, people: int = PEOPLE, slug: str = SLUG) -> dict:
    from django.contrib.auth import get_user_model

    from accord.roles import services
    from accord.roles.models import Activity, RaciCell, RoleAssignment, RoleDefinition
    from accord.roles.testing import initiative, stages_of
    from accord.workspaces import services as ws
    from accord.workspaces.models import Person, Team

    user = get_user_model().objects.create_user(
        f"{slug}-admin@bench.invalid", "bench-Passw0rd-long", name="Bench Admin"
    )
    workspace = ws.workspace_create(user=user, name="Bench roles", slug=slug)
    kinds = ["product", "marketing", "it", "design", "analytics", "sales"]
    teams = [Team.objects.create(workspace=workspace, name=f"Team {k}", kind=k) for k in kinds]
    folks = Person.objects.bulk_create([
        Person(workspace=workspace, name=f"Person {n:02d}", skills=[f"skill {n % 12}", "planning"], interests=[f"topic {n % 7}"])
        for n in range(people)
    ])  # fmt: skip
    Person.teams.through.objects.bulk_create(
        [
            Person.teams.through(person_id=p.pk, team_id=teams[n % len(teams)].pk)
            for n, p in enumerate(folks)
        ]
    )
    services.ensure_defaults(workspace)
    stages = stages_of(workspace)
    main = initiative(workspace, "Big initiative", stage="build", owner=folks[0])
    other = initiative(workspace, "Other initiative", stage="discovery")
    keys = ["strategy", "discovery", "build", "launch", "grow"]
    acts = Activity.objects.bulk_create([
        Activity(workspace=workspace, initiative=main, stage=stages[keys[n % len(keys)]], name=f"Activity {n}",
                 skills=[f"skill {n % 12}"], gate_approval=n % 25 == 0, position=n)
        for n in range(activities)
    ])  # fmt: skip
    values = "RCIICIRC"
    cells = []
    for n, a in enumerate(acts):
        for m, p in enumerate(folks):
            value = "A" if m == n % people else values[(n + m) % len(values)]
            if n % 50 == 7 and m == (n + 1) % people:
                value = "A"  # a few activities with two Accountables
            cells.append(RaciCell(activity=a, person=p, value=value))
    RaciCell.objects.bulk_create(cells, batch_size=2000)
    other_acts = Activity.objects.bulk_create(
        [
            Activity(
                workspace=workspace,
                initiative=other,
                stage=stages["discovery"],
                name=f"Other {n}",
                position=n,
            )
            for n in range(20)
        ]
    )
    RaciCell.objects.bulk_create(
        [
            RaciCell(activity=a, person=folks[n % people], value="R")
            for n, a in enumerate(other_acts)
        ]
    )
    roles = list(RoleDefinition.objects.filter(workspace=workspace))
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(workspace=workspace, initiative=main, role=r, person=folks[n % people])
            for n, r in enumerate(roles)
        ]
        + [
            RoleAssignment(workspace=workspace, initiative=main, role=roles[1], person=folks[-1])
        ]  # a second holder
    )
    return {"slug": slug, "initiative": main.pk, "cells": len(cells)}


def check(runs: int = RUNS, slug: str = SLUG) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accord.initiatives.models import Initiative
    from accord.roles import checks, selectors

    initiative = Initiative.objects.select_related("workspace").get(
        workspace__slug=slug, name="Big initiative"
    )
    timings, cpu = [], []  # wall time (the figure) and this process's CPU time (for a busy machine)
    found = []
    for n in range(runs + WARMUP):
        started, cpu_started = time.perf_counter(), time.process_time()
        loaded = selectors.matrix(initiative=initiative)
        found = checks.run(loaded.matrix)
        took = (time.perf_counter() - started) * 1000
        if n >= WARMUP:
            timings.append(took)
            cpu.append((time.process_time() - cpu_started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        loaded = selectors.matrix(initiative=initiative)
        checks.run(loaded.matrix)
    return {
        "p50_ms": round(statistics.median(timings), 2), "cpu_p50_ms": round(statistics.median(cpu), 2), "p99_ms": round(percentile(timings, 99), 2), "runs": len(timings),
        "queries": len(captured.captured_queries), "checks": len(found), "activities": len(loaded.activities),
        "people": len(loaded.matrix.people), "cells": len(loaded.matrix.cells), "assignments": len(loaded.assignments),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.roles")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("seed")
    sub.add_parser("check").add_argument("--runs", type=int, default=RUNS)
    sub.add_parser("suggest")
    ns = parser.parse_args(argv)
    if ns.what == "suggest":
        print(json.dumps(suggest_quality()))
        return 0
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
        result = seed()
    else:
        result = check(ns.runs)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
