"""REST API for capacity planning: periods, team capacity (and CSV import), efforts, scenarios
(capacity changes, constraints), plans (solve in the background, progress, cancel, compare, apply
to a roadmap, undo). Thin: the services write and check capacity.manage; reads check capacity.view.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from accord.core.api_support import (
    BodyId,
    BodyInt,
    DateIn,
    Id,
    Number,
    Page,
    PageParams,
    PatchSchema,
    paginate,
    responses,
)
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import capacity_csv, selectors, services
from .models import (
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
)

router = Router(auth=API_AUTH, tags=["capacity"])

WS = "/workspaces/{slug}"


def _viewer(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "capacity.view")
    return member


# ---------------------------------------------------------------- schemas


class PeriodOut(Schema):
    id: int
    name: str
    kind: PlanningPeriodKind
    start_date: date
    end_date: date


class PeriodIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [{"name": "2031-Q1", "start_date": "2031-01-01", "end_date": "2031-03-31"}]
        }
    }
    name: str = Field(min_length=1, max_length=40)
    kind: PlanningPeriodKind = PlanningPeriodKind.QUARTER
    start_date: DateIn
    end_date: DateIn


class LoadCellOut(Schema):
    team_id: int
    team: str
    period_id: int
    period: str
    unit: CapacityUnit = Field(description="The team's unit: every figure of the cell is in it.")
    people: float | None = Field(description="Full-time equivalents (partial allocations add up).")
    days_per_person: float | None = Field(description="Working days (or points) per person.")
    holidays: float | None = Field(description="Person-days (or points) off.")
    capacity: float = Field(description="people x days_per_person - holidays, in the team's unit.")
    allocated: float = Field(
        description="What the dated roadmap items with effort ask of the team, in its unit."
    )
    overbooked_by: float = Field(description="Over capacity, in the team's unit (0: fits).")
    version: int | None


class CapacityIn(Schema):
    team_id: BodyId
    period_id: BodyId
    people: Number = Field(ge=0, description="Full-time equivalents, e.g. 2.5.")
    days_per_person: Number = Field(ge=0, le=366)
    holidays: Number = Field(0, ge=0)
    version: BodyInt | None = Field(
        None, description="The row's version when changing it (409 if stale)."
    )


class CapacityTeamUnitIn(Schema):
    unit: CapacityUnit = Field(description="person_days or points.")


class CapacityTeamUnitOut(Schema):
    team_id: int
    team: str
    unit: CapacityUnit


class CapacityImportIn(Schema):
    csv: str = Field(
        min_length=1,
        max_length=2_000_000,
        description="team,period,people,days_per_person,holidays[,unit] with a header row "
        "(unit: person-days or points, one per team; for points, days_per_person is points per person).",
    )
    decimal: Literal["point", "comma"] | None = Field(
        None, description="Decimal separator (default: the workspace's)."
    )


class CapacityImportOut(Schema):
    imported: int


class EffortOut(Schema):
    id: int
    idea_id: int | None
    item_id: int | None
    team_id: int
    person_days: float = Field(description="The effort, in the team's unit (see unit).")
    unit: CapacityUnit
    periods: int


class EffortIn(Schema):
    idea_id: BodyId | None = None
    item_id: BodyId | None = None
    team_id: BodyId
    person_days: Number = Field(gt=0, description="In the team's unit: person-days or points.")
    periods: BodyInt = Field(
        1, ge=1, le=52, description="Consecutive periods the effort is spread over."
    )


class CapacityChangeOut(Schema):
    team_id: int
    period_id: int
    people: float
    person_days: float


class ConstraintOut(Schema):
    id: int
    kind: ConstraintKind
    idea_id: int | None
    other_idea_id: int | None
    period_id: int | None
    team_id: int | None
    group_kind: str
    goal_id: int | None
    department: str
    tag: str | None
    share: float | None
    scope: ShareScope
    weight: float | None
    text: str

    @staticmethod
    def resolve_tag(obj) -> str | None:
        return obj.tag.name if obj.tag_id else None

    @staticmethod
    def resolve_text(obj) -> str:
        return services.describe_constraint(obj)


class RunSummary(Schema):
    id: int
    scenario_id: int
    status: RunStatus
    progress: dict[str, Any]
    message: str
    created_at: datetime
    finished_at: datetime | None


class ScenarioOut(Schema):
    id: int
    name: str
    description: str
    scoring_model_id: int | None
    discount: float
    time_limit: float
    copied_from_id: int | None
    version: int
    capacity_changes: list[CapacityChangeOut]
    constraints: list[ConstraintOut]


class ScenarioIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"name": "What if we hire", "discount": 5}]}}
    name: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=5000)
    scoring_model_id: BodyId | None = None
    discount: Number = Field(
        0, ge=0, le=100, description="Percent of value lost per period of delay."
    )
    time_limit: Number = Field(10, ge=0.1, le=600, description="Seconds the solver may take.")


class ScenarioPatch(PatchSchema):
    version: BodyInt
    name: str = Field(None, min_length=1, max_length=120)
    description: str = Field(None, max_length=5000)
    scoring_model_id: BodyId = None
    discount: Number = Field(None, ge=0, le=100)
    time_limit: Number = Field(None, ge=0.1, le=600)


class CopyIn(Schema):
    name: str = Field(min_length=1, max_length=120)


class CapacityChangeIn(Schema):
    team_id: BodyId
    period_id: BodyId
    people: Number = Field(0, ge=-10000, le=10000, description="People added (negative: removed).")
    person_days: Number = Field(
        0, ge=-1_000_000, le=1_000_000, description="In the team's unit: person-days or points."
    )


class ConstraintIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "kind": "max_share",
                    "team_id": 1,
                    "group_kind": "department",
                    "department": "it",
                    "share": 50,
                }
            ]
        }
    }
    kind: ConstraintKind
    idea_id: BodyId | None = None
    other_idea_id: BodyId | None = None
    period_id: BodyId | None = None
    team_id: BodyId | None = None
    group_kind: GroupKind | Literal[""] = ""
    goal_id: BodyId | None = None
    department: str = Field("", max_length=20)
    tag: str = Field("", max_length=60)
    share: Number | None = Field(
        None, ge=0, le=100, description="Percent of the team's capacity (see scope)."
    )
    scope: ShareScope = Field(
        ShareScope.HORIZON,
        description="A share: over the whole horizon (horizon) or in every period on its own (period).",
    )
    weight: Number | None = Field(None, ge=0, le=1000, description="Multiplies the idea's value.")


class PlanOut(RunSummary):
    result: dict[str, Any] = Field(
        description="periods, status, value, gap, bound, greedy, difference, planned, left_out (each with its reason), load."
    )


class ApplyIn(Schema):
    roadmap_id: BodyId


class ApplicationOut(Schema):
    id: int
    plan_id: int
    roadmap_id: int
    changes: dict[str, Any] = Field(
        description="created, moved, skipped (changed by hand since the solve), unchanged."
    )
    applied_at: datetime
    undone_at: datetime | None

    @staticmethod
    def resolve_plan_id(obj) -> int:
        return obj.run_id


class CompareQuery(Schema):
    a: Id = Field(description="A plan id.")
    b: Id = Field(description="Another plan id.")


class PlanCompareOut(Schema):
    value_a: float
    value_b: float
    difference: float
    only_a: list[dict[str, Any]]
    only_b: list[dict[str, Any]]
    moved: list[dict[str, Any]]
    load: list[dict[str, Any]]


# ---------------------------------------------------------------- helpers


def _scenario_out(scenario: Scenario) -> dict:
    return {
        "id": scenario.pk, "name": scenario.name, "description": scenario.description,
        "scoring_model_id": scenario.scoring_model_id, "discount": scenario.discount,
        "time_limit": scenario.time_limit, "copied_from_id": scenario.copied_from_id, "version": scenario.version,
        "capacity_changes": list(scenario.capacity_changes.all()),
        "constraints": list(Constraint.objects.filter(scenario=scenario).select_related("idea", "other_idea", "period", "team", "goal", "tag")),
    }  # fmt: skip


def _cells(member) -> list[dict]:
    data = selectors.load(workspace=member.workspace)
    out = []
    for row in data["rows"]:
        for c in row["cells"]:
            r = c["row"]
            out.append({
                "unit": row["unit"], "team_id": row["team"].pk, "team": row["team"].name, "period_id": c["period"].pk, "period": c["period"].name,
                "people": r.people if r else None, "days_per_person": r.days_per_person if r else None,
                "holidays": r.holidays if r else None, "capacity": c["capacity"], "allocated": c["allocated"],
                "overbooked_by": c["over"], "version": r.version if r else None,
            })  # fmt: skip
    return out


# ---------------------------------------------------------------- periods and capacity


@router.get(
    f"{WS}/capacity/periods",
    response=responses(200, Page[PeriodOut]),
    summary="List planning periods",
)
def list_periods(request: HttpRequest, slug: str, page: Query[PageParams]):
    member = _viewer(request, slug)
    return paginate(
        Period.objects.filter(workspace=member.workspace).order_by("start_date", "id"), page
    )


@router.post(
    f"{WS}/capacity/periods", response=responses(201, PeriodOut), summary="Add a planning period"
)
def create_period(request: HttpRequest, slug: str, data: PeriodIn):
    return Status(201, services.period_create(member=member_for(request, slug), **data.dict()))


@router.get(
    f"{WS}/capacity",
    response=responses(200, list[LoadCellOut]),
    summary="Each team's capacity and load per period",
)
def get_capacity(request: HttpRequest, slug: str):
    return _cells(_viewer(request, slug))


@router.post(
    f"{WS}/capacity",
    response=responses(200, list[LoadCellOut]),
    summary="Set one team's capacity in one period",
)
def set_capacity(request: HttpRequest, slug: str, data: CapacityIn):
    member = member_for(request, slug)
    services.capacity_set(member=member, **data.dict())
    return _cells(member)


@router.post(
    f"{WS}/capacity/import",
    response=responses(200, CapacityImportOut),
    summary="Import team capacity from CSV (all rows or none)",
)
def import_capacity(request: HttpRequest, slug: str, data: CapacityImportIn):
    member = member_for(request, slug)
    return {
        "imported": capacity_csv.capacity_import(
            member=member, data=data.csv.encode("utf-8"), encoding="utf-8", decimal=data.decimal
        )
    }


@router.put(
    f"{WS}/capacity/teams/{{team_id}}/unit",
    response=responses(200, CapacityTeamUnitOut),
    summary="Set the unit a team plans in (person-days or points)",
)
def set_team_unit(request: HttpRequest, slug: str, team_id: Id, data: CapacityTeamUnitIn):
    member = member_for(request, slug)
    team, unit = services.team_unit_set(member=member, team_id=team_id, unit=data.unit)
    return {"team_id": team.pk, "team": team.name, "unit": unit}


@router.get(
    f"{WS}/capacity/efforts",
    response=responses(200, Page[EffortOut]),
    summary="List efforts per team on ideas and roadmap items",
)
def list_efforts(request: HttpRequest, slug: str, page: Query[PageParams]):
    member = _viewer(request, slug)
    units = selectors.units(workspace=member.workspace)
    return paginate(Effort.objects.filter(workspace=member.workspace).order_by("id"), page,
                    lambda e: {**_effort_out(e), "unit": units.get(e.team_id, CapacityUnit.PERSON_DAYS)})  # fmt: skip


def _effort_out(e: Effort) -> dict:
    return {"id": e.pk, "idea_id": e.idea_id, "item_id": e.item_id, "team_id": e.team_id,
            "person_days": e.person_days, "periods": e.periods}  # fmt: skip


@router.post(
    f"{WS}/capacity/efforts",
    response=responses(201, EffortOut),
    summary="Set a team's effort on an idea or a roadmap item",
)
def set_effort(request: HttpRequest, slug: str, data: EffortIn):
    effort = services.effort_set(member=member_for(request, slug), **data.dict())
    return Status(201, {**_effort_out(effort), "unit": services.unit_of(effort.team)})


@router.delete(
    f"{WS}/capacity/efforts/{{effort_id}}", response=responses(204), summary="Remove an effort"
)
def delete_effort(request: HttpRequest, slug: str, effort_id: Id):
    services.effort_delete(member=member_for(request, slug), effort_id=effort_id)
    return Status(204, None)


# ---------------------------------------------------------------- scenarios


@router.get(
    f"{WS}/scenarios", response=responses(200, Page[ScenarioOut]), summary="List plan scenarios"
)
def list_scenarios(request: HttpRequest, slug: str, page: Query[PageParams]):
    member = _viewer(request, slug)
    qs = (
        Scenario.objects.filter(workspace=member.workspace)
        .order_by("created_at", "id")
        .prefetch_related("capacity_changes")
    )
    return paginate(qs, page, _scenario_out)


@router.post(
    f"{WS}/scenarios", response=responses(201, ScenarioOut), summary="Create a plan scenario"
)
def create_scenario(request: HttpRequest, slug: str, data: ScenarioIn):
    return Status(
        201,
        _scenario_out(services.scenario_create(member=member_for(request, slug), **data.dict())),
    )


@router.get(
    f"{WS}/scenarios/{{scenario_id}}",
    response=responses(200, ScenarioOut),
    summary="Get a scenario",
)
def get_scenario(request: HttpRequest, slug: str, scenario_id: Id):
    return _scenario_out(services.get_scenario(_viewer(request, slug), scenario_id))


@router.patch(
    f"{WS}/scenarios/{{scenario_id}}",
    response=responses(200, ScenarioOut),
    summary="Change a scenario",
)
def update_scenario(request: HttpRequest, slug: str, scenario_id: Id, data: ScenarioPatch):
    member = member_for(request, slug)
    return _scenario_out(
        services.scenario_update(
            member=member, scenario_id=scenario_id, **data.dict(exclude_unset=True)
        )
    )


@router.delete(
    f"{WS}/scenarios/{{scenario_id}}",
    response=responses(204),
    summary="Delete a scenario and its plans",
)
def delete_scenario(request: HttpRequest, slug: str, scenario_id: Id):
    services.scenario_delete(member=member_for(request, slug), scenario_id=scenario_id)
    return Status(204, None)


@router.post(
    f"{WS}/scenarios/{{scenario_id}}/copy",
    response=responses(201, ScenarioOut),
    summary="Copy a scenario (capacity changes and constraints)",
)
def copy_scenario(request: HttpRequest, slug: str, scenario_id: Id, data: CopyIn):
    return Status(
        201,
        _scenario_out(
            services.scenario_copy(
                member=member_for(request, slug), scenario_id=scenario_id, name=data.name
            )
        ),
    )


@router.post(
    f"{WS}/scenarios/{{scenario_id}}/capacity-changes",
    response=responses(200, ScenarioOut),
    summary="Add or remove people/person-days for a team and period in this scenario",
)
def change_capacity(request: HttpRequest, slug: str, scenario_id: Id, data: CapacityChangeIn):
    member = member_for(request, slug)
    services.capacity_change_set(member=member, scenario_id=scenario_id, **data.dict())
    return _scenario_out(services.get_scenario(member, scenario_id))


@router.post(
    f"{WS}/scenarios/{{scenario_id}}/constraints",
    response=responses(201, ConstraintOut),
    summary="Add a constraint (pin, deadline, earliest start, exclusion, share, weight)",
)
def add_constraint(request: HttpRequest, slug: str, scenario_id: Id, data: ConstraintIn):
    return Status(
        201,
        services.constraint_add(
            member=member_for(request, slug), scenario_id=scenario_id, **data.dict()
        ),
    )


@router.delete(
    f"{WS}/scenarios/{{scenario_id}}/constraints/{{constraint_id}}",
    response=responses(204),
    summary="Remove a constraint",
)
def delete_constraint(request: HttpRequest, slug: str, scenario_id: Id, constraint_id: Id):
    member = member_for(request, slug)
    services.get_scenario(member, scenario_id)
    services.constraint_delete(member=member, constraint_id=constraint_id)
    return Status(204, None)


@router.post(
    f"{WS}/scenarios/{{scenario_id}}/solve",
    response=responses(202, RunSummary),
    summary="Solve the scenario in the background (poll the plan)",
)
def solve_scenario(request: HttpRequest, slug: str, scenario_id: Id):
    run = services.solve(member=member_for(request, slug), scenario_id=scenario_id)
    run.refresh_from_db()
    return Status(202, run)


# ---------------------------------------------------------------- plans


@router.get(
    f"{WS}/plans",
    response=responses(200, Page[RunSummary]),
    summary="List plans (solves), newest first",
)
def list_plans(request: HttpRequest, slug: str, page: Query[PageParams]):
    member = _viewer(request, slug)
    return paginate(
        PlanRun.objects.filter(workspace=member.workspace)
        .defer("result")
        .order_by("-created_at", "-id"),
        page,
    )


@router.get(
    f"{WS}/plans/compare",
    response=responses(200, PlanCompareOut),
    summary="Compare two plans: value, ideas in and out, moves, load",
)
def compare_plans(request: HttpRequest, slug: str, q: Query[CompareQuery]):
    member = _viewer(request, slug)
    out = selectors.compare(services.get_run(member, q.a), services.get_run(member, q.b))
    return {k: v for k, v in out.items() if k not in ("a", "b")}


@router.get(
    f"{WS}/plans/{{plan_id}}",
    response=responses(200, PlanOut),
    summary="A plan: progress, then the plan with its reasons",
)
def get_plan(request: HttpRequest, slug: str, plan_id: Id):
    return services.get_run(_viewer(request, slug), plan_id)


@router.post(
    f"{WS}/plans/{{plan_id}}/cancel",
    response=responses(200, RunSummary),
    summary="Cancel a solve (keeps the best plan so far)",
)
def cancel_plan(request: HttpRequest, slug: str, plan_id: Id):
    return services.cancel(member=member_for(request, slug), run_id=plan_id)


@router.post(
    f"{WS}/plans/{{plan_id}}/apply",
    response=responses(201, ApplicationOut),
    summary="Apply a plan to a roadmap (one undoable operation)",
)
def apply_plan(request: HttpRequest, slug: str, plan_id: Id, data: ApplyIn):
    return Status(
        201,
        services.apply(
            member=member_for(request, slug), run_id=plan_id, roadmap_id=data.roadmap_id
        ),
    )


@router.post(
    f"{WS}/plans/applications/{{application_id}}/undo",
    response=responses(200, ApplicationOut),
    summary="Undo an applied plan",
)
def undo_application(request: HttpRequest, slug: str, application_id: Id):
    return services.undo(member=member_for(request, slug), application_id=application_id)
