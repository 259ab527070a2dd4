"""Reads for capacity planning, each in a constant number of queries."""

from accord.ideas.models import Idea
from accord.roadmaps.models import RoadmapItem
from accord.workspaces.models import Team

from .models import Effort, Period, PlanRun, RunStatus, Scenario, TeamCapacity, TeamUnit, unit_word


def periods(*, workspace) -> list[Period]:
    return list(Period.objects.filter(workspace=workspace).order_by("start_date", "id"))


def _overlap_days(a_start, a_end, b_start, b_end) -> int:
    return max(0, (min(a_end, b_end) - max(a_start, b_start)).days + 1)


def units(*, workspace) -> dict[int, str]:
    """Team id -> the word of its unit ("person-days" or "points"), for the teams in points (the
    others: person-days; use unit_word(units.get(team_id)))."""
    return dict(TeamUnit.objects.filter(workspace=workspace).values_list("team_id", "unit"))


def load(*, workspace) -> dict:
    """Each team's capacity per period and what the roadmaps (plans made by hand) already ask of it:
    a dated item with effort (its own, or its idea's) spreads it over its days."""
    ps = periods(workspace=workspace)
    teams = list(Team.objects.filter(workspace=workspace).order_by("name"))
    caps = {(c.team_id, c.period_id): c for c in TeamCapacity.objects.filter(workspace=workspace)}
    efforts = list(Effort.objects.filter(workspace=workspace))
    unit_of = units(workspace=workspace)
    by_item: dict[int, list[Effort]] = {}
    by_idea: dict[int, list[Effort]] = {}
    for e in efforts:
        (
            by_item.setdefault(e.item_id, []) if e.item_id else by_idea.setdefault(e.idea_id, [])
        ).append(e)
    items = (
        RoadmapItem.objects.filter(
            workspace=workspace, start_date__isnull=False, end_date__isnull=False
        )
        .exclude(status="cancelled")
        .only("id", "title", "idea_id", "start_date", "end_date", "roadmap_id")
    )
    allocated: dict[tuple[int, int], float] = {}
    who: dict[tuple[int, int], list[str]] = {}
    for item in items:
        mine = by_item.get(item.pk) or by_idea.get(item.idea_id or 0) or []
        days = (item.end_date - item.start_date).days + 1
        for e in mine:
            for p in ps:
                share = (
                    _overlap_days(item.start_date, item.end_date, p.start_date, p.end_date) / days
                )
                if share > 0:
                    allocated[(e.team_id, p.pk)] = (
                        allocated.get((e.team_id, p.pk), 0.0) + e.person_days * share
                    )
                    who.setdefault((e.team_id, p.pk), []).append(item.title)
    rows = []
    for t in teams:
        cells = []
        for p in ps:
            cap = caps.get((t.pk, p.pk))
            capacity = cap.person_days if cap else 0.0
            used = round(allocated.get((t.pk, p.pk), 0.0), 1)
            cells.append({
                "period": p, "capacity": round(capacity, 1), "row": cap, "allocated": used,
                "over": round(used - capacity, 1) if used > capacity + 1e-6 else 0.0,
                "percent": round(100 * used / capacity) if capacity else (100 if used else 0),
                "items": sorted(set(who.get((t.pk, p.pk), []))),
            })  # fmt: skip
        if any(c["row"] or c["allocated"] for c in cells):
            unit = unit_of.get(t.pk, "person_days")
            rows.append({"team": t, "cells": cells, "unit": unit, "word": unit_word(unit)})
    return {
        "periods": ps,
        "rows": rows,
        "teams": teams,
        "units": {t.pk: unit_of.get(t.pk, "person_days") for t in teams},
        "unset": [
            t
            for t in teams
            if not any(c["row"] for r in rows if r["team"] == t for c in r["cells"])
        ],
    }


def efforts(*, workspace) -> list[dict]:
    """Efforts grouped by idea or item, for the efforts table."""
    rows: dict[str, dict] = {}
    qs = (
        Effort.objects.filter(workspace=workspace)
        .select_related("idea", "item", "team")
        .order_by("id")
    )
    unit_of = units(workspace=workspace)
    for e in qs:
        e.unit_word = unit_word(unit_of.get(e.team_id))
        target = e.idea or e.item
        key = f"{'idea' if e.idea_id else 'item'}:{target.pk}"
        row = rows.setdefault(
            key, {"key": key, "title": target.title, "idea": e.idea, "item": e.item, "efforts": []}
        )
        row["efforts"].append(e)
    return sorted(rows.values(), key=lambda r: r["title"].lower())


def scenarios(*, workspace) -> list[Scenario]:
    out = list(Scenario.objects.filter(workspace=workspace).order_by("created_at", "id"))
    latest: dict[int, PlanRun] = {}
    for run in (
        PlanRun.objects.filter(workspace=workspace).defer("result").order_by("-created_at", "-id")
    ):
        latest.setdefault(run.scenario_id, run)
    for s in out:
        s.latest = latest.get(s.pk)
    return out


def latest_run(scenario: Scenario, done: bool = False) -> PlanRun | None:
    qs = PlanRun.objects.filter(scenario=scenario)
    if done:
        qs = qs.filter(status=RunStatus.DONE)
    return qs.order_by("-created_at", "-id").first()


def compare(a: PlanRun, b: PlanRun) -> dict:
    """Two plans side by side: value, ideas in and out, what moved, load per team and period."""
    ra, rb = a.result, b.result
    pa = {r["key"]: r for r in ra.get("planned", [])}
    pb = {r["key"]: r for r in rb.get("planned", [])}
    only_a = sorted((pa[k] for k in pa.keys() - pb.keys()), key=lambda r: r["label"])
    only_b = sorted((pb[k] for k in pb.keys() - pa.keys()), key=lambda r: r["label"])
    moved = sorted(
        (
            {"label": pa[k]["label"], "from": pa[k]["start"], "to": pb[k]["start"]}
            for k in pa.keys() & pb.keys()
            if pa[k]["start"] != pb[k]["start"]
        ),
        key=lambda r: r["label"],
    )
    la = {(r["team"], r["period"]): r for r in ra.get("load", [])}
    lb = {(r["team"], r["period"]): r for r in rb.get("load", [])}
    cells = []
    for key in sorted(
        la.keys() | lb.keys(),
        key=lambda k: (
            la.get(k, lb.get(k))["team_name"],
            [p["name"] for p in ra["periods"]].index(k[1])
            if k[1] in [p["name"] for p in ra["periods"]]
            else 0,
        ),
    ):
        x, y = la.get(key), lb.get(key)
        ux, uy = ((r or {}).get("unit", "person_days") for r in (x, y))
        # the team's unit changed between the two solves: its figures are not compared
        same = x is None or y is None or ux == uy
        cells.append({"team_name": (x or y)["team_name"], "period": key[1], "a": x, "b": y,
                      "unit": ux if x else uy, "word": unit_word(ux if x else uy), "comparable": same,
                      "note": "" if same else f"not comparable: {unit_word(ux)} in one plan, {unit_word(uy)} in the other"})  # fmt: skip
    return {"a": a, "b": b, "value_a": ra.get("value", 0), "value_b": rb.get("value", 0),
            "difference": round(rb.get("value", 0) - ra.get("value", 0), 2),
            "only_a": only_a, "only_b": only_b, "moved": moved, "load": cells}  # fmt: skip


def idea_choices(*, workspace) -> list[Idea]:
    ids = Effort.objects.filter(workspace=workspace, idea__isnull=False).values_list(
        "idea_id", flat=True
    )
    return list(Idea.objects.filter(pk__in=ids).order_by("title").only("id", "title"))


def overbooked_by_move(workspace, item) -> list[str]:
    """After a bar moved on a timeline: each team-period the item uses that is now over capacity,
    with the amount. One query when the item carries no effort (its own or its idea's)."""
    if item.start_date is None or item.end_date is None:
        return []
    mine = Effort.objects.filter(workspace=workspace)
    mine = (
        mine.filter(item_id=item.pk)
        if not item.idea_id
        else mine.filter(item_id=item.pk) | mine.filter(idea_id=item.idea_id, item__isnull=True)
    )
    teams = {e.team_id for e in mine}
    if not teams:
        return []
    out = []
    for row in load(workspace=workspace)["rows"]:
        if row["team"].pk not in teams:
            continue
        for cell in row["cells"]:
            p = cell["period"]
            if cell["over"] > 0 and _overlap_days(
                item.start_date, item.end_date, p.start_date, p.end_date
            ):
                out.append(
                    f"{row['team'].name} is overbooked in {p.name}: {cell['allocated']:g} of "
                    f"{cell['capacity']:g} {row['word']} ({cell['over']:g} over)."
                )
    return out
