"""From the workspace's data to the solver's Instance (and the checks that refuse bad input).

Candidates are the ideas that carry effort (not merged, rejected or done) and the roadmap items
with effort but no idea. A dated item without an idea is committed work: pinned to the periods its
dates fall in. A finish-to-start dependency between two roadmap items becomes one between their
ideas; a predecessor that is not a candidate but dated holds its successor back until it ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.core.errors import FieldError, Invalid
from accord.ideas.models import Idea, IdeaScore, IdeaStatus, ScoringModel
from accord.roadmaps.models import Dependency, DependencyKind, RoadmapItem
from accord.workspaces.models import Team

from .conflicts import conflict
from .models import (
    CapacityChange,
    Constraint,
    ConstraintKind,
    Effort,
    GroupKind,
    Period,
    Scenario,
    ShareScope,
    TeamCapacity,
    TeamUnit,
    unit_word,
)
from .solver import Candidate, Instance, Share, find_cycle

CLOSED = {IdeaStatus.MERGED, IdeaStatus.REJECTED, IdeaStatus.DONE}


@dataclass
class Built:
    instance: Instance
    periods: list[Period]
    teams: dict[int, Team]
    items: dict[
        str, list[dict]
    ]  # candidate key -> the roadmap items it is on {id, roadmap_id, version, start, end}
    base_capacity: dict[tuple[str, int], float]


def period_index(periods: list[Period], day) -> int | None:
    for n, p in enumerate(periods):
        if p.start_date <= day <= p.end_date:
            return n
    if periods and day < periods[0].start_date:
        return -1
    return None  # after the horizon


def units_of(workspace_id: int) -> dict[int, str]:
    """Team id -> its unit, for the teams that plan in points (the others: person-days)."""
    return dict(TeamUnit.objects.filter(workspace_id=workspace_id).values_list("team_id", "unit"))


def scoring_model_of(scenario: Scenario) -> ScoringModel | None:
    if scenario.scoring_model_id:
        return scenario.scoring_model
    return ScoringModel.objects.filter(workspace_id=scenario.workspace_id, is_default=True).first()


def capacity_of(
    workspace_id: int, periods: list[Period], changes=()
) -> dict[tuple[str, int], float]:
    index = {p.pk: n for n, p in enumerate(periods)}
    days: dict[int, list[float]] = {}
    cap: dict[tuple[str, int], float] = {}
    for row in TeamCapacity.objects.filter(workspace_id=workspace_id, period_id__in=index):
        cap[(str(row.team_id), index[row.period_id])] = row.person_days
        days.setdefault(row.period_id, []).append(row.days_per_person)
    for ch in changes:
        if ch.period_id not in index:
            continue
        cell = (str(ch.team_id), index[ch.period_id])
        per_person = (
            TeamCapacity.objects.filter(team_id=ch.team_id, period_id=ch.period_id)
            .values_list("days_per_person", flat=True)
            .first()
        )
        if per_person is None:
            got = sorted(days.get(ch.period_id, [0.0]))
            per_person = got[len(got) // 2]
        cap[cell] = cap.get(cell, 0.0) + ch.people * per_person + ch.person_days
    return cap


def build(scenario: Scenario, *, check: bool = True) -> Built:
    ws = scenario.workspace_id
    periods = list(Period.objects.filter(workspace_id=ws).order_by("start_date", "id"))
    if check and not periods:
        raise Invalid.field("periods", "Add planning periods (and team capacity) before solving.")
    changes = list(CapacityChange.objects.filter(scenario=scenario))
    base = capacity_of(ws, periods)
    capacity = capacity_of(ws, periods, changes)
    teams = {t.pk: t for t in Team.objects.filter(workspace_id=ws)}
    units = units_of(ws)
    for (t, q), v in sorted(capacity.items()):
        if check and v < 0:
            raise Invalid.field(
                "capacity_changes",
                f"{teams[int(t)].name} in {periods[q].name} would have {v:,.1f} {unit_word(units.get(int(t)))}: capacity cannot be negative.",
            )
    model = scoring_model_of(scenario)
    scores = (
        dict(IdeaScore.objects.filter(model=model).values_list("idea_id", "value")) if model else {}
    )
    efforts = list(Effort.objects.filter(workspace_id=ws).order_by("id"))
    idea_ids = {e.idea_id for e in efforts if e.idea_id}
    ideas = {
        i.pk: i
        for i in Idea.objects.filter(pk__in=idea_ids)
        .exclude(status__in=CLOSED)
        .select_related("department")
    }
    items = {
        i.pk: i
        for i in RoadmapItem.objects.filter(workspace_id=ws).only(
            "id", "title", "idea_id", "roadmap_id", "version", "start_date", "end_date", "status"
        )
    }
    constraints = list(Constraint.objects.filter(scenario=scenario).order_by("id"))
    weights = {c.idea_id: c.weight for c in constraints if c.kind == ConstraintKind.WEIGHT}
    cands: dict[str, Candidate] = {}
    for e in efforts:
        if e.idea_id:
            if e.idea_id not in ideas:
                continue
            key, label = f"idea:{e.idea_id}", ideas[e.idea_id].title
            value = (scores.get(e.idea_id) or 0.0) * weights.get(e.idea_id, 1.0)
        else:
            item = items.get(e.item_id)
            if item is None or (item.idea_id and item.idea_id in ideas):
                continue  # the idea is the candidate
            key, label, value = f"item:{item.pk}", item.title, 0.0
        c = cands.setdefault(key, Candidate(key=key, label=label, value=max(0.0, value), effort={}))
        c.effort[str(e.team_id)] = c.effort.get(str(e.team_id), 0.0) + e.person_days
        c.duration = max(c.duration, e.periods)
    # Items that carry effort for an idea that has none for that team: the idea's effort.
    for e in efforts:
        item = items.get(e.item_id) if e.item_id else None
        if item is not None and item.idea_id in ideas:
            c = cands.get(f"idea:{item.idea_id}")
            if c is not None and str(e.team_id) not in c.effort:
                c.effort[str(e.team_id)] = e.person_days
                c.duration = max(c.duration, e.periods)
    if check:
        for c in sorted(cands.values(), key=lambda c: c.key):
            for t in sorted(c.effort):
                if not any(capacity.get((t, q), 0.0) > 0 for q in range(len(periods))):
                    raise Invalid.field(
                        "effort",
                        f"“{c.label}” needs {c.effort[t]:,.1f} {unit_word(units.get(int(t)))} of {teams[int(t)].name}, "
                        "which has no capacity in any period: add its capacity or remove the effort.",
                    )
    # Committed work: dated items without an idea, pinned where their dates are.
    on_roadmap: dict[str, list[dict]] = {}
    key_of_item: dict[int, str] = {}
    for item in items.values():
        key = (
            f"idea:{item.idea_id}"
            if item.idea_id and f"idea:{item.idea_id}" in cands
            else f"item:{item.pk}"
        )
        if key in cands:
            key_of_item[item.pk] = key
            on_roadmap.setdefault(key, []).append(
                {
                    "id": item.pk,
                    "roadmap_id": item.roadmap_id,
                    "version": item.version,
                    "start": item.start_date.isoformat() if item.start_date else None,
                    "end": item.end_date.isoformat() if item.end_date else None,
                }
            )
            if key.startswith("item:") and item.start_date and item.end_date:
                first = period_index(periods, item.start_date)
                last = period_index(periods, item.end_date)
                first = 0 if first == -1 else first
                if first is not None:
                    c = cands[key]
                    c.pin = first
                    if last is not None and last >= first:
                        c.duration = max(c.duration, last - first + 1)
                    c.value = 0.0
    for dep in Dependency.objects.filter(
        workspace_id=ws, kind=DependencyKind.FINISH_TO_START
    ).order_by("id"):
        succ = key_of_item.get(dep.successor_id)
        if succ is None:
            continue
        pred = key_of_item.get(dep.predecessor_id)
        if pred == succ:
            continue
        if pred is not None:
            if pred not in cands[succ].after:
                cands[succ].after.append(pred)
            continue
        before = items.get(dep.predecessor_id)
        if before is None or before.end_date is None or before.status in ("done", "cancelled"):
            continue
        end = period_index(periods, before.end_date)
        if end is None:
            cands[succ].blocked = f"Waits for “{before.title}”, which ends after the last period."
        elif end >= 0:
            cands[succ].not_before = max(cands[succ].not_before, end + 1)
    index = {p.pk: n for n, p in enumerate(periods)}
    exclusive, shares = [], []
    for con in constraints:
        key = f"idea:{con.idea_id}" if con.idea_id else None
        c = cands.get(key) if key else None
        if con.kind in (ConstraintKind.PIN, ConstraintKind.EARLIEST, ConstraintKind.DEADLINE):
            if c is None or con.period_id not in index:
                continue
            q = index[con.period_id]
            if con.kind == ConstraintKind.PIN:
                c.pin = q
            elif con.kind == ConstraintKind.EARLIEST:
                c.earliest = max(c.earliest, q)
            else:
                c.deadline = q if c.deadline is None else min(c.deadline, q)
        elif con.kind == ConstraintKind.EXCLUSIVE:
            other = f"idea:{con.other_idea_id}"
            if c is not None and other in cands:
                exclusive.append((key, other))
        elif con.kind in (ConstraintKind.MIN_SHARE, ConstraintKind.MAX_SHARE):
            members = _group(con, ideas)
            shares.append(
                Share(
                    team=str(con.team_id),
                    members=frozenset(k for k in (f"idea:{i}" for i in members) if k in cands),
                    share=(con.share or 0.0) / 100.0,
                    minimum=con.kind == ConstraintKind.MIN_SHARE,
                    label=describe_share(con, teams),
                    per_period=con.scope == ShareScope.PERIOD,
                )
            )
    instance = Instance(
        teams=[str(t) for t in teams],
        team_labels={str(k): t.name for k, t in teams.items()},
        periods=[p.name for p in periods],
        capacity=capacity,
        candidates=list(cands.values()),
        exclusive=exclusive,
        shares=shares,
        discount=max(0.0, min(scenario.discount, 100.0)) / 100.0,
        units={str(k): u for k, u in units.items()},
    )
    if check:
        cycle = find_cycle(instance)
        if cycle:
            names = " → ".join(f"“{instance.by_key[k].label}”" for k in cycle)
            raise Invalid.field(
                "dependencies",
                f"The dependencies go round in a cycle: {names}. Remove one of them.",
            )
    return Built(
        instance=instance, periods=periods, teams=teams, items=on_roadmap, base_capacity=base
    )


def _group(con: Constraint, ideas: dict[int, Idea]) -> set[int]:
    if con.group_kind == GroupKind.GOAL and con.goal_id:
        return set(con.goal.ideas.values_list("pk", flat=True))
    if con.group_kind == GroupKind.TAG and con.tag_id:
        return set(con.tag.ideas.values_list("pk", flat=True))
    if con.group_kind == GroupKind.DEPARTMENT:
        return {
            i.pk for i in ideas.values() if i.department and i.department.kind == con.department
        }
    return set()


def describe_share(con: Constraint, teams: dict) -> str:
    what = {
        GroupKind.GOAL: f"goal “{con.goal.title}”" if con.goal_id else "goal",
        GroupKind.TAG: f"tag “{con.tag.name}”" if con.tag_id else "tag",
        GroupKind.DEPARTMENT: f"{con.department} ideas",
    }.get(con.group_kind, "group")
    team = teams[con.team_id].name if con.team_id in teams else "the team"
    word = "at least" if con.kind == ConstraintKind.MIN_SHARE else "at most"
    scope = " in every period" if con.scope == ShareScope.PERIOD else ""
    return f"{word} {con.share:g} % of {team}{scope} on {what}"


def describe(instance: Instance, item: tuple) -> str:
    """One constraint of a conflict, in words."""
    kind = item[0]
    label = lambda k: f"“{instance.by_key[k].label}”"  # noqa: E731
    if kind == "pin":
        c = instance.by_key[item[1]]
        return f"{label(item[1])} pinned to {instance.periods[c.pin] if c.pin is not None and c.pin < len(instance.periods) else '?'}"
    if kind == "deadline":
        return f"the deadline of {label(item[1])} ({instance.periods[instance.by_key[item[1]].deadline]})"
    if kind == "earliest":
        return f"the earliest start of {label(item[1])} ({instance.periods[instance.by_key[item[1]].earliest]})"
    if kind == "dep":
        return f"{label(item[2])} waits for {label(item[1])}"
    if kind == "exclude":
        return f"{label(item[1])} and {label(item[2])} exclude each other"
    if kind == "share":
        return instance.shares[item[1]].label
    return str(item)


def check_feasible(instance: Instance) -> None:
    """Refuse a scenario whose constraints cannot all hold, naming the ones that conflict."""
    found = conflict(instance)
    if found is None:
        return
    parts = [describe(instance, item) for item in found]
    text = (
        "These constraints cannot all hold with the teams' capacity: "
        + "; ".join(parts)
        + ". Change or remove one of them."
        if parts
        else "No plan meets the constraints with the teams' capacity."
    )
    raise Invalid(text, [FieldError("constraints", text)])
