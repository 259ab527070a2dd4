"""Every write of capacity planning: periods, team capacity and units (the CSV import is in
capacity_csv), efforts, scenarios with their capacity changes and constraints, solves (queued as
background tasks), cancelling, applying a plan to a roadmap and undoing that.

Keyword-only, one transaction each, permission checked, audit entry written.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, FieldError, Invalid, NotFound
from accord.core.numbers import NumberError, check_number
from accord.goals.models import Goal
from accord.ideas.models import Idea, ScoringModel, Tag
from accord.roadmaps import services as roadmap_services
from accord.roadmaps.models import Roadmap, RoadmapItem
from accord.workspaces.models import Membership, Team, TeamKind
from accord.workspaces.permissions import require

from . import planning
from .models import (
    Application,
    CapacityChange,
    CapacityUnit,
    Constraint,
    ConstraintKind,
    Effort,
    GroupKind,
    Period,
    PlanningPeriodKind,
    PlanRun,
    RunStatus,
    Scenario,
    ShareScope,
    TeamCapacity,
    TeamUnit,
    unit_word,
)

MAX_PERSON_DAYS = 1_000_000


def _num(
    value,
    field: str,
    *,
    minimum: float | None = 0.0,
    maximum: float = MAX_PERSON_DAYS,
    integer=False,
) -> float:
    try:
        return check_number(value, integer=integer, minimum=minimum, maximum=maximum)
    except NumberError as exc:
        raise Invalid.field(field, str(exc)) from None


def _get(model, member: Membership, pk: int, what: str, field: str | None = None, **extra):
    found = model.objects.filter(pk=pk, workspace_id=member.workspace_id, **extra).first()
    if found is None:
        if field:
            raise Invalid.field(field, f"No such {what} in this workspace.")
        raise NotFound(f"No such {what} in this workspace.")
    return found


def get_scenario(member: Membership, scenario_id: int) -> Scenario:
    return _get(Scenario, member, scenario_id, "scenario")


def get_run(member: Membership, run_id: int) -> PlanRun:
    return _get(PlanRun, member, run_id, "plan")


def _audit(member, action, obj, object_type, before=None, after=None, label=None):
    record(workspace=member.workspace, actor=member.user, action=action, obj=obj, object_type=object_type,
           before=before, after=after, object_label=label)  # fmt: skip


# ---------------------------------------------------------------- periods


@transaction.atomic
def period_create(
    *,
    member: Membership,
    name: str,
    start_date: date,
    end_date: date,
    kind: str = PlanningPeriodKind.QUARTER,
) -> Period:
    require(member, "capacity.manage")
    if kind not in PlanningPeriodKind.values:
        raise Invalid.field("kind", f"Use one of {', '.join(PlanningPeriodKind.values)}.")
    name = clean_text(name, "name", required=True, max_length=40)
    if end_date < start_date:
        raise Invalid.field("end_date", "The end date is before the start date.")
    if Period.objects.filter(workspace_id=member.workspace_id, name=name).exists():
        raise Conflict(f"A period named “{name}” exists already.", [FieldError("name", "taken")])
    overlap = Period.objects.filter(
        workspace_id=member.workspace_id, start_date__lte=end_date, end_date__gte=start_date
    ).first()
    if overlap:
        raise Invalid.field("start_date", f"Overlaps the period “{overlap.name}”.")
    period = Period.objects.create(
        workspace_id=member.workspace_id,
        name=name,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
    )
    _audit(
        member,
        "created",
        period,
        "planning period",
        after=snapshot(period, ["name", "kind", "start_date", "end_date"]),
    )
    return period


@transaction.atomic
def period_delete(*, member: Membership, period_id: int) -> None:
    require(member, "capacity.manage")
    period = _get(Period, member, period_id, "period")
    _audit(
        member,
        "deleted",
        period,
        "planning period",
        before=snapshot(period, ["name", "start_date", "end_date"]),
    )
    period.delete()


# ---------------------------------------------------------------- team capacity


def _team(member: Membership, team_id: int, field: str = "team_id") -> Team:
    return _get(Team, member, team_id, "team", field)


def _period(member: Membership, period_id: int, field: str = "period_id") -> Period:
    return _get(Period, member, period_id, "period", field)


CAPACITY_FIELDS = ["people", "days_per_person", "holidays"]


def unit_of(team: Team) -> str:
    row = TeamUnit.objects.filter(team=team).first()
    return row.unit if row else CapacityUnit.PERSON_DAYS


@transaction.atomic
def team_unit_set(*, member: Membership, team_id: int, unit: str) -> tuple[Team, str]:
    """The unit a team plans in (person_days or points). Its figures stay as they are and are read
    in the new unit from now on: capacity, efforts and scenario changes of that team."""
    require(member, "capacity.manage")
    team = _get(Team, member, team_id, "team")  # the team is the object addressed: 404 if not here
    if unit not in CapacityUnit.values:
        raise Invalid.field("unit", f"Use one of {', '.join(CapacityUnit.values)}.")
    row = TeamUnit.objects.filter(team=team).first()
    before = row.unit if row else CapacityUnit.PERSON_DAYS
    if before == unit:
        return team, unit
    if row is None:
        row = TeamUnit.objects.create(workspace_id=member.workspace_id, team=team, unit=unit)
    else:
        row.unit = unit
        row.save(update_fields=["unit"])
    _audit(member, "updated", row, "team unit", before={"unit": unit_word(before)},
           after={"unit": unit_word(unit)}, label=team.name)  # fmt: skip
    return team, unit


@transaction.atomic
def capacity_set(
    *, member: Membership, team_id: int, period_id: int, people: float, days_per_person: float, holidays: float = 0.0,
    version: int | None = None,
) -> TeamCapacity:  # fmt: skip
    """Create or change one team's capacity in one period (a stale `version` gets 409)."""
    require(member, "capacity.manage")
    team, period = _team(member, team_id), _period(member, period_id)
    word = unit_word(unit_of(team))
    people = _num(people, "people", maximum=10_000)
    days = _num(
        days_per_person, "days_per_person", maximum=366 if word == "person-days" else 10_000
    )
    holidays = _num(holidays, "holidays")
    if holidays > people * days:
        raise Invalid.field(
            "holidays", f"{holidays:g} {word} off is more than the {people * days:g} the team has."
        )
    row = TeamCapacity.objects.filter(team=team, period=period).first()
    if row is None:
        row = TeamCapacity.objects.create(workspace_id=member.workspace_id, team=team, period=period, people=people,
                                          days_per_person=days, holidays=holidays)  # fmt: skip
        _audit(
            member,
            "created",
            row,
            "team capacity",
            after=snapshot(row, CAPACITY_FIELDS),
            label=f"{team.name} · {period.name}",
        )
        return row
    before = snapshot(row, CAPACITY_FIELDS)
    row.people, row.days_per_person, row.holidays = people, days, holidays
    save_versioned(row, row.version if version is None else version, CAPACITY_FIELDS)
    _audit(
        member,
        "updated",
        row,
        "team capacity",
        before=before,
        after=snapshot(row, CAPACITY_FIELDS),
        label=f"{team.name} · {period.name}",
    )
    return row


# ---------------------------------------------------------------- efforts


@transaction.atomic
def effort_set(
    *, member: Membership, team_id: int, person_days: float, periods: int = 1, idea_id: int | None = None, item_id: int | None = None
) -> Effort:  # fmt: skip
    """The person-days a team needs for an idea (or an item), spread over `periods` periods."""
    require(member, "capacity.manage")
    if (idea_id is None) == (item_id is None):
        raise Invalid.field("idea_id", "Give an idea or a roadmap item (one of them).")
    team = _team(member, team_id)
    person_days = _num(person_days, "person_days")
    if person_days <= 0:
        raise Invalid.field(
            "person_days", f"Effort must be more than 0 {unit_word(unit_of(team))}."
        )
    periods = int(_num(periods, "periods", minimum=1, maximum=52, integer=True))
    if not TeamCapacity.objects.filter(team=team).exists():
        raise Invalid.field(
            "team_id", f"{team.name} has no capacity in any period: set its capacity first."
        )
    target = (
        {"idea": _get(Idea, member, idea_id, "idea", "idea_id")}
        if idea_id
        else {"item": _get(RoadmapItem, member, item_id, "roadmap item", "item_id")}
    )
    effort = Effort.objects.filter(team=team, **target).first()
    before = snapshot(effort, ["person_days", "periods"]) if effort else None
    if effort is None:
        effort = Effort(workspace_id=member.workspace_id, team=team, **target)
    effort.person_days, effort.periods = person_days, periods
    effort.save()
    label = f"{(target.get('idea') or target.get('item')).title} · {team.name}"
    _audit(member, "updated" if before else "created", effort, "effort", before=before,
           after=snapshot(effort, ["person_days", "periods"]), label=label)  # fmt: skip
    return effort


@transaction.atomic
def effort_delete(*, member: Membership, effort_id: int) -> None:
    require(member, "capacity.manage")
    effort = _get(Effort, member, effort_id, "effort")
    _audit(
        member,
        "deleted",
        effort,
        "effort",
        before=snapshot(effort, ["idea_id", "item_id", "team_id", "person_days"]),
    )
    effort.delete()


# ---------------------------------------------------------------- scenarios


SCENARIO_FIELDS = ["name", "description", "scoring_model_id", "discount", "time_limit"]


def _scenario_fields(
    member, name, description, scoring_model_id, discount, time_limit, scenario=None
) -> dict:
    out = {}
    if name is not None:
        name = clean_text(name, "name", required=True, max_length=120)
        clash = Scenario.objects.filter(workspace_id=member.workspace_id, name=name)
        if scenario is not None:
            clash = clash.exclude(pk=scenario.pk)
        if clash.exists():
            raise Conflict(
                f"A scenario named “{name}” exists already.", [FieldError("name", "taken")]
            )
        out["name"] = name
    if description is not None:
        out["description"] = clean_text(description, "description", max_length=5000, multiline=True)
    if scoring_model_id is not None:
        out["scoring_model_id"] = _get(
            ScoringModel, member, scoring_model_id, "scoring model", "scoring_model_id"
        ).pk
    if discount is not None:
        out["discount"] = _num(discount, "discount", maximum=100)
    if time_limit is not None:
        out["time_limit"] = _num(time_limit, "time_limit", minimum=0.1, maximum=600)
    return out


@transaction.atomic
def scenario_create(
    *, member: Membership, name: str, description: str = "", scoring_model_id: int | None = None,
    discount: float = 0.0, time_limit: float = 10.0,
) -> Scenario:  # fmt: skip
    require(member, "capacity.manage")
    fields = _scenario_fields(member, name, description, scoring_model_id, discount, time_limit)
    scenario = Scenario.objects.create(
        workspace_id=member.workspace_id, created_by=member.user, **fields
    )
    _audit(member, "created", scenario, "plan scenario", after=snapshot(scenario, SCENARIO_FIELDS))
    return scenario


@transaction.atomic
def scenario_update(
    *, member: Membership, scenario_id: int, version: int, name: str | None = None, description: str | None = None,
    scoring_model_id: int | None = None, discount: float | None = None, time_limit: float | None = None,
) -> Scenario:  # fmt: skip
    require(member, "capacity.manage")
    scenario = get_scenario(member, scenario_id)
    before = snapshot(scenario, SCENARIO_FIELDS)
    for k, v in _scenario_fields(
        member, name, description, scoring_model_id, discount, time_limit, scenario
    ).items():
        setattr(scenario, k, v)
    save_versioned(scenario, version, SCENARIO_FIELDS)
    _audit(
        member,
        "updated",
        scenario,
        "plan scenario",
        before=before,
        after=snapshot(scenario, SCENARIO_FIELDS),
    )
    return scenario


@transaction.atomic
def scenario_copy(*, member: Membership, scenario_id: int, name: str) -> Scenario:
    """A new scenario with the same settings, capacity changes and constraints."""
    require(member, "capacity.manage")
    source = get_scenario(member, scenario_id)
    copy = scenario_create(member=member, name=name, description=source.description, scoring_model_id=source.scoring_model_id,
                           discount=source.discount, time_limit=source.time_limit)  # fmt: skip
    copy.copied_from = source
    copy.save(update_fields=["copied_from"])
    for ch in source.capacity_changes.all():
        CapacityChange.objects.create(
            scenario=copy,
            team_id=ch.team_id,
            period_id=ch.period_id,
            people=ch.people,
            person_days=ch.person_days,
        )
    for con in source.constraints.all():
        con.pk = None
        con.scenario = copy
        con.save()
    return copy


@transaction.atomic
def scenario_delete(*, member: Membership, scenario_id: int) -> None:
    require(member, "capacity.manage")
    scenario = get_scenario(member, scenario_id)
    _audit(member, "deleted", scenario, "plan scenario", before=snapshot(scenario, SCENARIO_FIELDS))
    scenario.delete()


@transaction.atomic
def capacity_change_set(
    *, member: Membership, scenario_id: int, team_id: int, period_id: int, people: float = 0.0, person_days: float = 0.0
) -> CapacityChange | None:  # fmt: skip
    """In a scenario: add (or with negative numbers remove) people and/or person-days; 0 and 0 clears."""
    require(member, "capacity.manage")
    scenario = get_scenario(member, scenario_id)
    team, period = _team(member, team_id), _period(member, period_id)
    people = _num(people, "people", minimum=-10_000, maximum=10_000)
    person_days = _num(person_days, "person_days", minimum=-MAX_PERSON_DAYS)
    change = CapacityChange.objects.filter(scenario=scenario, team=team, period=period).first()
    if people == 0 and person_days == 0:
        if change:
            change.delete()
        _audit(
            member,
            "updated",
            scenario,
            "plan scenario",
            after={"capacity": f"{team.name} · {period.name}: no change"},
        )
        return None
    change = change or CapacityChange(scenario=scenario, team=team, period=period)
    change.people, change.person_days = people, person_days
    base = planning.capacity_of(member.workspace_id, [period], [change]).get((str(team.pk), 0), 0.0)
    if base < 0:
        raise Invalid.field(
            "people",
            f"{team.name} would have {base:,.1f} {unit_word(unit_of(team))} in {period.name}: capacity cannot be negative.",
        )
    change.save()
    _audit(member, "updated", scenario, "plan scenario",
           after={"capacity": f"{team.name} · {period.name}: {people:+g} people, {person_days:+g} {unit_word(unit_of(team))}"})  # fmt: skip
    return change


@transaction.atomic
def constraint_add(
    *, member: Membership, scenario_id: int, kind: str, idea_id: int | None = None, other_idea_id: int | None = None,
    period_id: int | None = None, team_id: int | None = None, group_kind: str = "", goal_id: int | None = None,
    department: str = "", tag: str = "", share: float | None = None, weight: float | None = None,
    scope: str = ShareScope.HORIZON,
) -> Constraint:  # fmt: skip
    require(member, "capacity.manage")
    scenario = get_scenario(member, scenario_id)
    if kind not in ConstraintKind.values:
        raise Invalid.field("kind", f"Use one of {', '.join(ConstraintKind.values)}.")
    con = Constraint(scenario=scenario, kind=kind)
    if kind in (
        ConstraintKind.PIN,
        ConstraintKind.EARLIEST,
        ConstraintKind.DEADLINE,
        ConstraintKind.EXCLUSIVE,
        ConstraintKind.WEIGHT,
    ):
        if idea_id is None:
            raise Invalid.field("idea_id", "Name the idea.")
        con.idea = _get(Idea, member, idea_id, "idea", "idea_id")
        if not Effort.objects.filter(idea=con.idea).exists():
            raise Invalid.field(
                "idea_id",
                f"“{con.idea.title}” has no effort yet: give it an effort per team first.",
            )
    if kind in (ConstraintKind.PIN, ConstraintKind.EARLIEST, ConstraintKind.DEADLINE):
        if period_id is None:
            raise Invalid.field("period_id", "Name the period.")
        con.period = _period(member, period_id)
        if kind == ConstraintKind.PIN:
            Constraint.objects.filter(scenario=scenario, idea=con.idea, kind=kind).delete()
    elif kind == ConstraintKind.EXCLUSIVE:
        if other_idea_id is None or other_idea_id == idea_id:
            raise Invalid.field("other_idea_id", "Name another idea.")
        con.other_idea = _get(Idea, member, other_idea_id, "idea", "other_idea_id")
    elif kind == ConstraintKind.WEIGHT:
        con.weight = _num(weight if weight is not None else 1.0, "weight", maximum=1000)
        Constraint.objects.filter(scenario=scenario, idea=con.idea, kind=kind).delete()
    else:
        if team_id is None:
            raise Invalid.field("team_id", "Name the team whose capacity is shared.")
        con.team = _team(member, team_id)
        if share is None:
            raise Invalid.field("share", "Give the share in percent.")
        con.share = _num(share, "share", maximum=100)
        if scope not in ShareScope.values:
            raise Invalid.field("scope", f"Use one of {', '.join(ShareScope.values)}.")
        con.scope = scope
        if group_kind not in GroupKind.values:
            raise Invalid.field("group_kind", f"Use one of {', '.join(GroupKind.values)}.")
        con.group_kind = group_kind
        if group_kind == GroupKind.GOAL:
            if goal_id is None:
                raise Invalid.field("goal_id", "Name the goal.")
            con.goal = _get(Goal, member, goal_id, "goal", "goal_id")
        elif group_kind == GroupKind.TAG:
            con.tag = Tag.objects.filter(
                workspace_id=member.workspace_id, name__iexact=(tag or "").strip()
            ).first()
            if con.tag is None:
                raise Invalid.field("tag", "No such tag in this workspace.")
        else:
            if department not in TeamKind.values:
                raise Invalid.field("department", f"Use one of {', '.join(TeamKind.values)}.")
            con.department = department
        if kind == ConstraintKind.MIN_SHARE:
            opposite = Constraint.objects.filter(scenario=scenario, kind=ConstraintKind.MAX_SHARE, team=con.team,
                                                 group_kind=con.group_kind, goal=con.goal, tag=con.tag, department=con.department).first()  # fmt: skip
            if opposite and opposite.share < con.share:
                raise Invalid.field(
                    "share",
                    f"Contradicts the maximum of {opposite.share:g} % for the same team and group.",
                )
        else:
            opposite = Constraint.objects.filter(scenario=scenario, kind=ConstraintKind.MIN_SHARE, team=con.team,
                                                 group_kind=con.group_kind, goal=con.goal, tag=con.tag, department=con.department).first()  # fmt: skip
            if opposite and opposite.share > con.share:
                raise Invalid.field(
                    "share",
                    f"Contradicts the minimum of {opposite.share:g} % for the same team and group.",
                )
    con.save()
    _check_constraints(scenario, con)
    _audit(
        member,
        "updated",
        scenario,
        "plan scenario",
        after={"constraint added": describe_constraint(con)},
    )
    return con


def _check_constraints(scenario: Scenario, con: Constraint) -> None:
    """Refuse a pin, deadline or earliest start that leaves its idea no slot, a cycle, or a set of
    constraints no plan can meet (naming the ones in conflict)."""
    built = planning.build(scenario, check=False)
    inst = built.instance
    c = inst.by_key.get(f"idea:{con.idea_id}") if con.idea_id else None
    if (
        c is not None
        and con.kind in (ConstraintKind.PIN, ConstraintKind.EARLIEST, ConstraintKind.DEADLINE)
        and not inst.starts(c)
    ):
        parts = []
        if c.pin is not None:
            parts.append(f"pinned to {inst.periods[c.pin]}")
        if c.earliest:
            parts.append(f"earliest start {inst.periods[c.earliest]}")
        if c.deadline is not None:
            parts.append(f"deadline {inst.periods[c.deadline]}")
        if c.not_before:
            parts.append(f"waits for work that ends in {inst.periods[c.not_before - 1]}")
        text = f"“{c.label}” needs {c.duration} period(s); these leave it no slot: {', '.join(parts) or 'the horizon'}."
        raise Invalid(text, [FieldError("period_id", text)])
    if con.kind in (
        ConstraintKind.PIN,
        ConstraintKind.MIN_SHARE,
        ConstraintKind.MAX_SHARE,  # pinned work of the group may already exceed it
        ConstraintKind.EXCLUSIVE,
        ConstraintKind.DEADLINE,
        ConstraintKind.EARLIEST,
    ):
        planning.check_feasible(inst)


def describe_constraint(con: Constraint) -> str:
    if con.kind == ConstraintKind.PIN:
        return f"“{con.idea.title}” pinned to {con.period.name}"
    if con.kind == ConstraintKind.EARLIEST:
        return f"“{con.idea.title}” starts in {con.period.name} at the earliest"
    if con.kind == ConstraintKind.DEADLINE:
        return f"“{con.idea.title}” done by {con.period.name}"
    if con.kind == ConstraintKind.EXCLUSIVE:
        return f"“{con.idea.title}” or “{con.other_idea.title}”, not both"
    if con.kind == ConstraintKind.WEIGHT:
        return f"value of “{con.idea.title}” times {con.weight:g}"
    return planning.describe_share(con, {con.team_id: con.team})


@transaction.atomic
def constraint_delete(*, member: Membership, constraint_id: int) -> None:
    require(member, "capacity.manage")
    con = (
        Constraint.objects.filter(pk=constraint_id, scenario__workspace_id=member.workspace_id)
        .select_related("scenario")
        .first()
    )
    if con is None:
        raise NotFound("No such constraint in this workspace.")
    _audit(
        member,
        "updated",
        con.scenario,
        "plan scenario",
        after={"constraint removed": describe_constraint(con)},
    )
    con.delete()


# ---------------------------------------------------------------- solving


@transaction.atomic
def solve(*, member: Membership, scenario_id: int) -> PlanRun:
    """Check the scenario (bad input is refused here, nothing queued), then queue the solve."""
    require(member, "capacity.manage")
    scenario = get_scenario(member, scenario_id)
    if PlanRun.objects.filter(
        scenario=scenario, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).exists():
        raise Conflict("This scenario is being solved already; wait for it or cancel it.")
    built = planning.build(scenario)
    planning.check_feasible(built.instance)
    run = PlanRun.objects.create(
        workspace_id=member.workspace_id, scenario=scenario, requested_by=member.user
    )
    _audit(member, "solve requested", scenario, "plan scenario", after={"plan": run.pk})
    from .tasks import solve_plan

    transaction.on_commit(lambda: solve_plan.enqueue(run.pk))
    return run


@transaction.atomic
def cancel(*, member: Membership, run_id: int) -> PlanRun:
    require(member, "capacity.manage")
    run = get_run(member, run_id)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        raise Conflict(
            f"This plan is {run.get_status_display().lower()}: there is nothing to cancel."
        )
    run.cancel_requested = True
    if run.status == RunStatus.QUEUED:
        run.status = RunStatus.CANCELLED
        run.finished_at = timezone.now()
        run.message = "Cancelled before it started."
    run.save(update_fields=["cancel_requested", "status", "finished_at", "message"])
    _audit(member, "solve cancelled", run.scenario, "plan scenario", after={"plan": run.pk})
    return run


# ---------------------------------------------------------------- applying a plan to a roadmap


@transaction.atomic
def apply(*, member: Membership, run_id: int, roadmap_id: int) -> Application:
    """Create or move the roadmap's items to the plan's periods, in one audited operation.

    An item that changed since the solve (its version moved on) is reported, not overwritten.
    Ideas not on the roadmap get a new item in their first period."""
    require(member, "capacity.manage")
    require(member, "roadmap.manage")
    run = get_run(member, run_id)
    if run.status != RunStatus.DONE:
        raise Conflict("Only a finished plan can be applied.")
    roadmap = _get(Roadmap, member, roadmap_id, "roadmap", "roadmap_id")
    if roadmap.kind == "portfolio":
        raise Invalid.field(
            "roadmap_id", "A portfolio shows other roadmaps' items: apply the plan to one of those."
        )
    periods = {p["name"]: p for p in run.result["periods"]}
    created, moved, skipped, kept = [], [], [], []
    for row in run.result["planned"]:
        start = date.fromisoformat(periods[row["start"]]["start_date"])
        end = date.fromisoformat(periods[row["finish"]]["end_date"])
        on_roadmap = [i for i in row.get("items", []) if i["roadmap_id"] == roadmap.pk]
        if not on_roadmap:
            if not row["key"].startswith("idea:"):
                continue
            idea_id = int(row["key"].split(":")[1])
            item = roadmap_services.item_create(
                member=member, roadmap_id=roadmap.pk, title=row["label"][:200], idea_id=idea_id,
                start_date=start, end_date=end, team_id=int(row["teams"][0]) if row.get("teams") else None,
            )  # fmt: skip
            created.append({"id": item.pk, "title": item.title})
            continue
        for seen in on_roadmap:
            item = RoadmapItem.objects.filter(pk=seen["id"]).first()
            if item is None:
                skipped.append(
                    {"id": seen["id"], "title": row["label"], "why": "deleted since the solve"}
                )
                continue
            if item.version != seen["version"]:
                skipped.append(
                    {"id": item.pk, "title": item.title, "why": "changed by hand since the solve"}
                )
                continue
            if item.start_date == start and item.end_date == end:
                kept.append({"id": item.pk, "title": item.title})
                continue
            before = {"start": item.start_date.isoformat() if item.start_date else None,
                      "end": item.end_date.isoformat() if item.end_date else None, "bucket": item.bucket}  # fmt: skip
            item = roadmap_services.item_update(
                member=member, item_id=item.pk, version=item.version, start_date=start, end_date=end
            )
            moved.append({"id": item.pk, "title": item.title, "before": before, "after": {"start": start.isoformat(), "end": end.isoformat()},
                          "version": item.version})  # fmt: skip
    changes = {"created": created, "moved": moved, "skipped": skipped, "unchanged": kept,
               "versions": {str(c["id"]): RoadmapItem.objects.get(pk=c["id"]).version for c in created}}  # fmt: skip
    application = Application.objects.create(
        workspace_id=member.workspace_id,
        run=run,
        roadmap=roadmap,
        changes=changes,
        applied_by=member.user,
    )
    _audit(member, "plan applied", run.scenario, "plan scenario",
           after={"roadmap": roadmap.name, "created": len(created), "moved": len(moved), "skipped": len(skipped), "application": application.pk})  # fmt: skip
    return application


@transaction.atomic
def undo(*, member: Membership, application_id: int) -> Application:
    """Take an applied plan back: remove the items it created and move the others back. Items
    changed since are left as they are and reported (409 when nothing at all could be undone)."""
    require(member, "capacity.manage")
    require(member, "roadmap.manage")
    application = _get(Application, member, application_id, "applied plan")
    if application.undone_at:
        raise Conflict("This was undone already.")
    changes = application.changes
    left = []
    for c in changes["created"]:
        item = RoadmapItem.objects.filter(pk=c["id"]).first()
        if item is None:
            continue
        if item.version != changes["versions"].get(str(c["id"])):
            left.append({"id": item.pk, "title": item.title, "why": "changed by hand since"})
            continue
        roadmap_services.item_delete(member=member, item_id=item.pk)
    for m in changes["moved"]:
        item = RoadmapItem.objects.filter(pk=m["id"]).first()
        if item is None:
            continue
        if item.version != m["version"]:
            left.append({"id": item.pk, "title": item.title, "why": "changed by hand since"})
            continue
        b = m["before"]
        if b["start"] and b["end"]:
            roadmap_services.item_update(member=member, item_id=item.pk, version=item.version,
                                         start_date=date.fromisoformat(b["start"]), end_date=date.fromisoformat(b["end"]))  # fmt: skip
        else:
            roadmap_services.item_update(
                member=member,
                item_id=item.pk,
                version=item.version,
                undate=True,
                bucket=b["bucket"] or "later",
            )
    application.undone_at = timezone.now()
    application.changes = {**changes, "left_on_undo": left}
    application.save(update_fields=["undone_at", "changes"])
    _audit(member, "plan undone", application.run.scenario, "plan scenario",
           after={"roadmap": application.roadmap.name, "application": application.pk, "left": len(left)})  # fmt: skip
    return application
