"""REST API for goals, key results, measurements (batches), goal links and scoreboard links.

Thin: the services write (and check goal.manage / measurement.record / share_link.manage), the
selectors read; reads here check goal.view. Everything lives under /workspaces/{slug}/.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel

from accord.core.api_support import (
    BodyId,
    BodyInt,
    DateIn,
    DateTimeIn,
    Id,
    JsonInteger,
    Number,
    Page,
    PageParams,
    PatchSchema,
    paginate,
    responses,
)
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import selectors, services
from .models import Direction, GoalLevel, MeasurementSource, PeriodKind, Unit

router = Router(auth=API_AUTH, tags=["goals"])

WS = "/workspaces/{slug}"
Status_ = Literal["on_track", "at_risk", "off_track", "no_data"]


def _viewer(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "goal.view")
    return member


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class KeyResultOut(Schema):
    id: int
    goal_id: int
    name: str
    unit: Unit
    currency: str
    direction: Direction
    baseline: float
    target: float = Field(description="For a range: its upper bound.")
    target_min: float | None = Field(description="For a range: its lower bound.")
    owner_id: int | None
    latest_date: date | None
    latest_value: float | None
    progress: float | None = Field(description="0-1 of the way from baseline to target.")
    status: Status_ = Field(description="From the trend of the last 6 weeks, projected to the goal's end.")
    measurement_count: int
    version: int


class GoalOut(Schema):
    id: int
    title: str
    description: str
    level: GoalLevel
    parent_id: int | None = Field(description="The goal this one supports.")
    team_ids: list[int]
    owner_id: int | None
    period_kind: PeriodKind
    period: str
    start_date: date
    end_date: date
    progress: float | None = Field(description="Mean progress of its key results (0-1).")
    status: Status_ = Field(description="The worst status of its key results.")
    key_results: list[KeyResultOut]
    version: int


class LinkedIdeaOut(Schema):
    id: int
    title: str
    status: str


class LinkedItemOut(Schema):
    id: int
    title: str
    roadmap: Ref
    status: str
    start_date: date | None
    end_date: date | None


class GoalDetailOut(GoalOut):
    ideas: list[LinkedIdeaOut]
    roadmap_items: list[LinkedItemOut]
    children: list[int] = Field(description="Ids of the goals that support this one.")


class GoalIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [{"title": "Win the mid-market", "level": "company", "period_kind": "year", "period": "2026"}]
        }
    }

    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=20000, description="Why it matters (Markdown).")
    level: GoalLevel = GoalLevel.COMPANY
    parent_id: BodyId | None = None
    team_ids: list[BodyId] = Field(default_factory=list, max_length=50)
    owner_id: BodyId | None = Field(None, description="A person of the workspace.")
    period_kind: PeriodKind = PeriodKind.QUARTER
    period: str = Field("", max_length=10, description='"2026-Q3", "2026-H2" or "2026"; custom: use the dates.')
    start_date: DateIn | None = None
    end_date: DateIn | None = None


class GoalPatch(PatchSchema):
    version: BodyInt
    title: str = Field(None, max_length=200)
    description: str = Field(None, max_length=20000)
    level: GoalLevel = None
    parent_id: BodyId | None = Field(None, description="null: supports no goal.")
    team_ids: list[BodyId] = Field(None, max_length=50)
    owner_id: BodyId | None = Field(None, description="null: nobody owns it.")
    period_kind: PeriodKind = None
    period: str = Field(None, max_length=10)
    start_date: DateIn = None
    end_date: DateIn = None


class KeyResultIn(Schema):
    model_config = {
        "json_schema_extra": {"examples": [{"name": "Qualified leads a month", "unit": "count", "baseline": 120, "target": 300}]}
    }

    name: str = Field(min_length=1, max_length=200)
    unit: Unit = Unit.NUMBER
    currency: str = Field("", max_length=3)
    direction: Direction = Direction.INCREASE
    baseline: Number
    target: Number = Field(description="For a range: its upper bound.")
    target_min: Number | None = Field(None, description="For a range: its lower bound.")
    owner_id: BodyId | None = None


class KeyResultPatch(PatchSchema):
    version: BodyInt
    name: str = Field(None, max_length=200)
    unit: Unit = None
    currency: str = Field(None, max_length=3)
    direction: Direction = None
    baseline: Number = None
    target: Number = None
    target_min: Number = None
    owner_id: BodyId | None = Field(None, description="null: nobody owns it.")


class MeasurementIn(BaseModel):
    # A plain pydantic model, not a ninja Schema: Schema wraps every instance in a Python-level
    # validator (for reading ORM objects), which was a second of a 10,000-row batch.
    key_result_id: BodyId
    date: DateIn
    value: Number
    note: str = Field("", max_length=500)
    unit: Unit | None = Field(None, description="Optional check: refused when it is not the key result's unit.")


class MeasurementBatchIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {"measurements": [{"key_result_id": 1, "date": "2026-05-04", "value": 412, "note": "week 19"}]}
            ]
        }
    }

    measurements: list[MeasurementIn] = Field(min_length=1, max_length=services.MAX_BATCH)
    on_duplicate: Literal["reject", "replace"] = Field(
        "reject", description="A date that already has a value: refuse the batch, or replace the value."
    )


class MeasurementBatchOut(Schema):
    created: int
    replaced: int
    key_results: list[KeyResultOut]


class MeasurementOut(Schema):
    id: int
    key_result_id: int
    date: date
    value: float
    note: str
    source: MeasurementSource
    entered_by: str | None

    @staticmethod
    def resolve_entered_by(obj) -> str | None:
        return obj.entered_by.email if obj.entered_by_id else None


class IdeaLinkIn(Schema):
    idea_id: BodyId


class ItemLinkIn(Schema):
    item_id: BodyId


class GoalFilter(Schema):
    level: GoalLevel | None = None
    team_id: Id | None = None
    active_on: DateIn | None = Field(None, description="Goals whose period includes this date.")


class ScoreboardGoalOut(Schema):
    id: int
    title: str
    level: GoalLevel
    period: str
    progress: float | None
    status: Status_
    key_results: list[KeyResultOut]


class ScoreboardColumnOut(Schema):
    department: str
    goals: list[ScoreboardGoalOut]


class ScoreboardOut(Schema):
    today: date
    company: list[ScoreboardGoalOut]
    departments: list[ScoreboardColumnOut]
    explained: str = Field(description="How progress and status are computed.")


class ScoreboardLinkOut(Schema):
    id: int
    name: str
    refresh_seconds: int
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


class ScoreboardLinkCreated(ScoreboardLinkOut):
    token: str = Field(description="The secret; shown once.")
    url: str = Field(description="/scoreboard/<token>: the big-screen page, no login.")


class ScoreboardLinkIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    refresh_seconds: Annotated[int, Field(ge=10, le=3600), JsonInteger] = 60
    expires_at: DateTimeIn | None = None


# ---------------------------------------------------------------- serializers


def _kr_out(v: selectors.KeyResultView) -> dict:
    kr = v.kr
    return {
        "id": kr.pk, "goal_id": kr.goal_id, "name": kr.name, "unit": kr.unit, "currency": kr.currency,
        "direction": kr.direction, "baseline": kr.baseline, "target": kr.target,
        "target_min": kr.target_min, "owner_id": kr.owner_id,
        "latest_date": v.latest[0] if v.latest else None,
        "latest_value": v.latest[1] if v.latest else None,
        "progress": v.progress, "status": v.status, "measurement_count": v.count, "version": kr.version,
    }  # fmt: skip


def _goal_out(v: selectors.GoalView) -> dict:
    g = v.goal
    return {
        "id": g.pk, "title": g.title, "description": g.description, "level": g.level,
        "parent_id": g.parent_id, "team_ids": [t.pk for t in g.teams.all()], "owner_id": g.owner_id,
        "period_kind": g.period_kind, "period": v.period, "start_date": g.start_date,
        "end_date": g.end_date, "progress": v.progress, "status": v.status,
        "key_results": [_kr_out(k) for k in v.key_results], "version": g.version,
    }  # fmt: skip


def _goal_detail(member, goal_id: int) -> dict:
    data = selectors.goal(workspace=member.workspace, goal_id=goal_id)
    return {
        **_goal_out(data["view"]),
        "ideas": [{"id": i.pk, "title": i.title, "status": i.status} for i in data["ideas"]],
        "roadmap_items": [
            {
                "id": it.pk, "title": it.title, "status": it.status, "start_date": it.start_date,
                "end_date": it.end_date, "roadmap": {"id": it.roadmap_id, "name": it.roadmap.name},
            }
            for it in data["items"]
        ],
        "children": [c.goal.pk for c in data["children"]],
    }


def _scoreboard_goal(v: selectors.GoalView) -> dict:
    out = _goal_out(v)
    return {k: out[k] for k in ("id", "title", "level", "period", "progress", "status", "key_results")}


# ---------------------------------------------------------------- goals


@router.get(f"{WS}/goals", response=responses(200, Page[GoalOut]), summary="List goals with progress and status")
def list_goals(request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[GoalFilter]):
    member = _viewer(request, slug)
    qs = selectors.goals(workspace=member.workspace, **filters.dict())
    result = paginate(qs, page)
    result["items"] = [_goal_out(v) for v in selectors.goal_views(result["items"])]
    return result


@router.post(f"{WS}/goals", response=responses(201, GoalDetailOut), summary="Create a goal")
def create_goal(request: HttpRequest, slug: str, data: GoalIn):
    member = member_for(request, slug)
    goal = services.goal_create(member=member, **data.dict())
    return Status(201, _goal_detail(member, goal.pk))


@router.get(
    f"{WS}/goals/{{goal_id}}",
    response=responses(200, GoalDetailOut),
    summary="Get a goal: key results, linked ideas and roadmap items",
)
def get_goal(request: HttpRequest, slug: str, goal_id: Id):
    return _goal_detail(_viewer(request, slug), goal_id)


@router.patch(f"{WS}/goals/{{goal_id}}", response=responses(200, GoalDetailOut), summary="Change a goal")
def update_goal(request: HttpRequest, slug: str, goal_id: Id, data: GoalPatch):
    member = member_for(request, slug)
    fields = data.dict(exclude_unset=True)
    services.goal_update(member=member, goal_id=goal_id, **fields)
    return _goal_detail(member, goal_id)


@router.delete(
    f"{WS}/goals/{{goal_id}}",
    response=responses(204),
    summary="Delete a goal (its key results and measurements; supporting goals stay)",
)
def delete_goal(request: HttpRequest, slug: str, goal_id: Id):
    services.goal_delete(member=member_for(request, slug), goal_id=goal_id)
    return Status(204, None)


# ---------------------------------------------------------------- key results


@router.post(
    f"{WS}/goals/{{goal_id}}/key-results",
    response=responses(201, GoalDetailOut),
    summary="Add a key result to a goal",
)
def create_key_result(request: HttpRequest, slug: str, goal_id: Id, data: KeyResultIn):
    member = member_for(request, slug)
    services.key_result_create(member=member, goal_id=goal_id, **data.dict())
    return Status(201, _goal_detail(member, goal_id))


@router.patch(
    f"{WS}/key-results/{{key_result_id}}",
    response=responses(200, GoalDetailOut),
    summary="Change a key result (answers its goal)",
)
def update_key_result(request: HttpRequest, slug: str, key_result_id: Id, data: KeyResultPatch):
    member = member_for(request, slug)
    kr = services.key_result_update(
        member=member, key_result_id=key_result_id, **data.dict(exclude_unset=True)
    )
    return _goal_detail(member, kr.goal_id)


@router.delete(
    f"{WS}/key-results/{{key_result_id}}",
    response=responses(204),
    summary="Delete a key result and its measurements",
)
def delete_key_result(request: HttpRequest, slug: str, key_result_id: Id):
    services.key_result_delete(member=member_for(request, slug), key_result_id=key_result_id)
    return Status(204, None)


# ---------------------------------------------------------------- measurements


@router.get(
    f"{WS}/key-results/{{key_result_id}}/measurements",
    response=responses(200, Page[MeasurementOut]),
    summary="A key result's measurements, newest first",
)
def list_measurements(request: HttpRequest, slug: str, key_result_id: Id, page: Query[PageParams]):
    member = _viewer(request, slug)
    kr = services.get_key_result(member, key_result_id)
    return paginate(selectors.recent_measurements(key_result=kr), page)


@router.post(
    f"{WS}/measurements",
    response=responses(201, MeasurementBatchOut),
    summary="Record measurements: a batch of up to 10,000, all or nothing, errors per row",
)
def record_measurements(request: HttpRequest, slug: str, data: MeasurementBatchIn):
    member = member_for(request, slug)
    rows = [m.model_dump() for m in data.measurements]
    result = services.measurements_record(
        member=member, rows=rows, on_duplicate=data.on_duplicate, source=MeasurementSource.API
    )
    krs = {
        kr.pk: (kr, g)
        for g in selectors.goals(workspace=member.workspace).filter(
            key_results__id__in=result.key_result_ids
        ).distinct()
        for kr in g.key_results.all()
    }
    today = timezone.localdate()
    return Status(
        201,
        {
            "created": result.created,
            "replaced": result.replaced,
            "key_results": [
                _kr_out(selectors.kr_view(krs[k][0], krs[k][1], today))
                for k in result.key_result_ids
            ],
        },
    )


@router.delete(
    f"{WS}/measurements/{{measurement_id}}", response=responses(204), summary="Delete a measurement"
)
def delete_measurement(request: HttpRequest, slug: str, measurement_id: Id):
    services.measurement_delete(member=member_for(request, slug), measurement_id=measurement_id)
    return Status(204, None)


# ---------------------------------------------------------------- links


@router.post(
    f"{WS}/goals/{{goal_id}}/ideas",
    response=responses(201, GoalDetailOut),
    summary="Link an idea to the goal it serves (fills goal-alignment criteria)",
)
def link_idea(request: HttpRequest, slug: str, goal_id: Id, data: IdeaLinkIn):
    member = member_for(request, slug)
    services.goal_link_idea(member=member, goal_id=goal_id, idea_id=data.idea_id)
    return Status(201, _goal_detail(member, goal_id))


@router.delete(
    f"{WS}/goals/{{goal_id}}/ideas/{{idea_id}}", response=responses(204), summary="Unlink an idea"
)
def unlink_idea(request: HttpRequest, slug: str, goal_id: Id, idea_id: Id):
    services.goal_unlink_idea(member=member_for(request, slug), goal_id=goal_id, idea_id=idea_id)
    return Status(204, None)


@router.post(
    f"{WS}/goals/{{goal_id}}/items",
    response=responses(201, GoalDetailOut),
    summary="Link a roadmap item to the goal it serves",
)
def link_item(request: HttpRequest, slug: str, goal_id: Id, data: ItemLinkIn):
    member = member_for(request, slug)
    services.goal_link_item(member=member, goal_id=goal_id, item_id=data.item_id)
    return Status(201, _goal_detail(member, goal_id))


@router.delete(
    f"{WS}/goals/{{goal_id}}/items/{{item_id}}",
    response=responses(204),
    summary="Unlink a roadmap item",
)
def unlink_item(request: HttpRequest, slug: str, goal_id: Id, item_id: Id):
    services.goal_unlink_item(member=member_for(request, slug), goal_id=goal_id, item_id=item_id)
    return Status(204, None)


# ---------------------------------------------------------------- scoreboard


@router.get(
    f"{WS}/scoreboard",
    response=responses(200, ScoreboardOut),
    summary="The shared scoreboard: company goals, product's and marketing's goals side by side",
)
def scoreboard(request: HttpRequest, slug: str):
    member = _viewer(request, slug)
    data = selectors.scoreboard(workspace=member.workspace)
    return {
        "today": data["today"],
        "company": [_scoreboard_goal(v) for v in data["company"]],
        "departments": [
            {"department": c["kind"], "goals": [_scoreboard_goal(v) for v in c["goals"]]}
            for c in data["departments"]
        ],
        "explained": data["explained"],
    }


@router.get(
    f"{WS}/scoreboard-links",
    response=responses(200, list[ScoreboardLinkOut]),
    summary="List scoreboard links (never their secrets)",
)
def list_scoreboard_links(request: HttpRequest, slug: str):
    return list(selectors.scoreboard_links(workspace=_viewer(request, slug).workspace))


@router.post(
    f"{WS}/scoreboard-links",
    response=responses(201, ScoreboardLinkCreated),
    summary="Create a big-screen scoreboard link (no login; the token is shown once)",
)
def create_scoreboard_link(request: HttpRequest, slug: str, data: ScoreboardLinkIn):
    expires_at = data.expires_at
    if expires_at is not None and timezone.is_naive(expires_at):  # read in the server's zone
        expires_at = timezone.make_aware(expires_at)
    link, raw = services.scoreboard_link_create(
        member=member_for(request, slug), name=data.name, refresh_seconds=data.refresh_seconds,
        expires_at=expires_at,
    )  # fmt: skip
    link.token, link.url = raw, f"/scoreboard/{raw}"
    return Status(201, link)


@router.delete(
    f"{WS}/scoreboard-links/{{scoreboard_link_id}}",
    response=responses(204),
    summary="Revoke a scoreboard link (it stops working at once)",
)
def revoke_scoreboard_link(request: HttpRequest, slug: str, scoreboard_link_id: Id):
    services.scoreboard_link_revoke(member=member_for(request, slug), link_id=scoreboard_link_id)
    return Status(204, None)
