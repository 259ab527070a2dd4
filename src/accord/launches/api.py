"""REST API for launches: the launch (release, campaigns, dates, tier), its positioning versions
and their review, the two maps, the checklist and its templates, the calendar and its feeds.

Thin: the services write and check permissions, the selectors read; reads check launch.view.
"""

from datetime import date
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from accord.core.api_support import (
    BodyId,
    BodyInt,
    DateIn,
    Id,
    JsonInteger,
    JsonObject,
    Page,
    PageParams,
    PatchSchema,
    StrictBool,
    responses,
)
from accord.core.errors import NotFound
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import selectors, services
from .models import Department, TaskStatus

router = Router(auth=API_AUTH, tags=["launches"])

WS = "/workspaces/{slug}"
TierNumber = Annotated[int, Field(ge=1, le=3, description="1 (major) to 3 (minor)."), JsonInteger]
Offset = Annotated[
    int,
    Field(ge=-366, le=366, description="Days from the launch date (-14: two weeks before)."),
    JsonInteger,
]
TeamKindOrEmpty = Literal[
    "", "product", "marketing", "it", "sales", "support", "design", "analytics", "custom"
]


def _viewer(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "launch.view")
    return member


# ---------------------------------------------------------------- schemas


class LaunchItemRef(Schema):
    id: int
    title: str
    roadmap_id: int
    roadmap: str
    start_date: date | None
    end_date: date | None


class LaunchReadinessOut(Schema):
    total: int
    done: int
    percent: int = Field(description="Share of the checklist done (0-100).")
    overdue: int
    blocked: int


class SlipOut(Schema):
    days: int = Field(description="How many days the release now ends after the launch date.")
    release_end: date
    tasks_after_launch: list[int] = Field(
        description="Open tasks that, moved by the slip, fall after the launch date."
    )
    campaigns_early: list[int] = Field(
        description="Campaign items that start before the release now ends."
    )


class LaunchOut(Schema):
    id: int
    name: str
    tier: int
    launch_date: date
    window_end: date | None
    release: LaunchItemRef | None
    campaigns: list[LaunchItemRef]
    initiative_id: int | None
    owner_id: int | None
    readiness: LaunchReadinessOut
    slip: SlipOut | None = Field(description="Set when the release ends after the launch date.")
    version: int


class ApprovalOut(Schema):
    department: Department
    by: str
    at: str
    comment: str


class PositioningOut(Schema):
    id: int
    number: int
    problem: str
    audience: str
    usp: str
    differentiators: str
    pitch: str
    proof_points: str
    note: str
    created_by: str
    created_at: str
    approvals: list[ApprovalOut]


class AttributeOut(Schema):
    id: int
    name: str
    items: list[LaunchItemRef]
    idea_ids: list[int]
    gap: bool = Field(description="No feature delivers this attribute.")


class FunnelStageOut(Schema):
    id: int
    name: str
    flows: list[str]
    gap: bool = Field(description="No user flow carries people through this stage.")


class TaskOut(Schema):
    id: int
    title: str
    owner_id: int | None
    department: str
    offset_days: int = Field(description="Days from the launch date (-14: two weeks before).")
    due_date: date
    status: TaskStatus
    blocked_reason: str
    overdue: bool
    projected_due_date: date | None = Field(
        description="When the release slipped: the due date moved by the slip."
    )
    after_launch: bool = Field(description="The moved due date falls after the launch date.")
    version: int


class CampaignOut(LaunchItemRef):
    linked: bool = Field(description="The campaign depends on the release on the roadmaps.")
    starts_before_release: bool


class LaunchDetailOut(LaunchOut):
    description: str
    campaign_links: list[CampaignOut]
    positioning: PositioningOut | None = Field(description="The current (latest) version.")
    review: dict[str, ApprovalOut | None] = Field(
        description="The current version's approval per department."
    )
    approved: bool
    brand_attributes: list[AttributeOut]
    funnel_stages: list[FunnelStageOut]
    gaps: list[str]
    tasks: list[TaskOut]


class LaunchIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "name": "Reporting 2.0 launch",
                    "release_item_id": 1,
                    "tier": 1,
                    "launch_date": "2031-01-15",
                }
            ]
        }
    }

    name: str = Field(min_length=1, max_length=200)
    release_item_id: BodyId = Field(description="An item of a product roadmap, with dates.")
    launch_date: DateIn | None = Field(
        None, description="On or after the release's end (default: that day)."
    )
    window_end: DateIn | None = Field(None, description="The launch window's last day.")
    tier: TierNumber = 2
    campaign_item_ids: list[BodyId] = Field(
        default_factory=list, max_length=200, description="Items of marketing roadmaps."
    )
    initiative_id: BodyId | None = None
    owner_id: BodyId | None = Field(None, description="A person of the workspace.")
    description: str = Field("", max_length=20000)
    template_id: BodyId | None = Field(
        None, description="The checklist template (default: the tier's)."
    )
    checklist: StrictBool = Field(True, description="Generate the checklist from the template.")


class LaunchPatch(PatchSchema):
    version: BodyInt
    name: str = Field(None, max_length=200)
    description: str = Field(None, max_length=20000)
    release_item_id: BodyId = None
    launch_date: DateIn = None
    window_end: DateIn | None = Field(None, description="null: a one-day launch.")
    tier: TierNumber = None
    campaign_item_ids: list[BodyId] = Field(None, max_length=200)
    initiative_id: BodyId | None = Field(None, description="null: no initiative.")
    owner_id: BodyId | None = Field(None, description="null: nobody owns it.")


class PositioningIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "problem": "Board packs take days",
                    "audience": "Finance leads",
                    "usp": "Board-ready in one click",
                }
            ]
        }
    }

    problem: str = Field("", max_length=5000)
    audience: str = Field("", max_length=5000)
    usp: str = Field("", max_length=5000, description="The unique selling proposition.")
    differentiators: str = Field("", max_length=5000, description="One per line.")
    pitch: str = Field("", max_length=5000, description="What a sales rep says.")
    proof_points: str = Field("", max_length=5000, description="One per line.")
    note: str = Field("", max_length=300, description="What changed.")
    based_on: BodyInt | None = Field(
        None, description="The version number edited; 409 if a newer one exists."
    )


class ApprovalIn(Schema):
    department: Department
    comment: str = Field("", max_length=500)


class PositioningCompareOut(Schema):
    a: int
    b: int
    fields: list[dict]


class AttributeIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    item_ids: list[BodyId] = Field(default_factory=list, max_length=200)
    idea_ids: list[BodyId] = Field(default_factory=list, max_length=200)


class AttributePatch(PatchSchema):
    name: str = Field(None, max_length=120)
    item_ids: list[BodyId] = Field(None, max_length=200)
    idea_ids: list[BodyId] = Field(None, max_length=200)


class FunnelStageIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    flows: list[str] = Field(default_factory=list, max_length=200)


class FunnelStagePatch(PatchSchema):
    name: str = Field(None, max_length=80)
    flows: list[str] = Field(None, max_length=200)


class TaskIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    offset_days: Offset = 0
    owner_id: BodyId | None = None
    department: TeamKindOrEmpty = ""


class TaskPatch(PatchSchema):
    version: BodyInt
    status: TaskStatus = None
    blocked_reason: str = Field(None, max_length=300)
    title: str = Field(None, max_length=200)
    offset_days: Offset = None
    owner_id: BodyId | None = Field(None, description="null: nobody owns it.")
    department: TeamKindOrEmpty = None


class ChecklistIn(Schema):
    template_id: BodyId | None = Field(
        None, description="Default: the template of the launch's tier."
    )


class TemplateTaskIO(Schema):
    title: str = Field(min_length=1, max_length=200)
    offset_days: Offset = 0
    department: TeamKindOrEmpty = ""


class TemplateIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    tier: TierNumber | None = Field(None, description="null: any tier.")
    tasks: list[Annotated[TemplateTaskIO, JsonObject]] = Field(min_length=1, max_length=200)


class TemplateOut(Schema):
    id: int
    name: str
    tier: int | None
    tasks: list[TemplateTaskIO]


class WindowOut(Schema):
    launch_id: int
    name: str
    tier: int
    start: date
    end: date
    slipped: bool


class LaunchFeedOut(Schema):
    id: int
    created_at: str


class LaunchFeedCreated(LaunchFeedOut):
    token: str = Field(description="Shown once.")
    url: str = Field(description="/launches/calendar/<token>.ics: subscribe in any calendar app.")


# ---------------------------------------------------------------- serializers


def _item(it) -> dict:
    return {"id": it.pk, "title": it.title, "roadmap_id": it.roadmap_id, "roadmap": it.roadmap.name,
            "start_date": it.start_date, "end_date": it.end_date}  # fmt: skip


def _launch(v: selectors.LaunchView) -> dict:
    launch, r = v.launch, v.readiness
    return {
        "id": launch.pk, "name": launch.name, "tier": launch.tier, "launch_date": launch.launch_date,
        "window_end": launch.window_end, "release": _item(launch.release) if launch.release else None,
        "campaigns": [_item(c) for c in v.campaigns], "initiative_id": launch.initiative_id,
        "owner_id": launch.owner_id, "version": launch.version,
        "readiness": {"total": r.total, "done": r.done, "percent": r.percent, "overdue": r.overdue, "blocked": r.blocked},
        "slip": {"days": v.slip.days, "release_end": v.slip.release_end,
                 "tasks_after_launch": [t.task.pk for t in v.slip.tasks_after],
                 "campaigns_early": [c.pk for c in v.slip.campaigns_early]} if v.slip else None,
    }  # fmt: skip


def _approval(a) -> dict:
    return {
        "department": a.department,
        "by": a.by.email if a.by else "someone",
        "at": a.at.isoformat(),
        "comment": a.comment,
    }


def _positioning(p) -> dict:
    return {
        "id": p.pk, "number": p.number, "problem": p.problem, "audience": p.audience, "usp": p.usp,
        "differentiators": p.differentiators, "pitch": p.pitch, "proof_points": p.proof_points, "note": p.note,
        "created_by": p.created_by.email if p.created_by else "someone", "created_at": p.created_at.isoformat(),
        "approvals": [_approval(a) for a in p.approvals.all()],
    }  # fmt: skip


def _task(v: selectors.TaskView) -> dict:
    t = v.task
    return {"id": t.pk, "title": t.title, "owner_id": t.owner_id, "department": t.department,
            "offset_days": t.offset_days, "due_date": v.due, "status": t.status, "blocked_reason": t.blocked_reason,
            "overdue": v.overdue, "projected_due_date": v.projected_due, "after_launch": v.after_launch,
            "version": t.version}  # fmt: skip


def _detail(member, launch_id: int) -> dict:
    d = selectors.launch_detail(
        workspace=member.workspace, launch_id=launch_id, today=timezone.localdate()
    )
    if d is None:
        raise NotFound("No such launch in this workspace.")
    return {
        **_launch(d.view),
        "description": d.view.launch.description,
        "campaign_links": [
            {**_item(c.item), "linked": c.linked, "starts_before_release": c.early}
            for c in d.campaigns
        ],
        "positioning": _positioning(d.current) if d.current else None,
        "review": {k: _approval(a) if a else None for k, a in d.review.items()},
        "approved": d.approved,
        "brand_attributes": [
            {
                "id": a.attribute.pk,
                "name": a.attribute.name,
                "items": [_item(i) for i in a.items],
                "idea_ids": [i.pk for i in a.ideas],
                "gap": a.gap,
            }
            for a in d.attributes
        ],
        "funnel_stages": [
            {"id": s.stage.pk, "name": s.stage.name, "flows": s.stage.flows, "gap": s.gap}
            for s in d.stages
        ],
        "gaps": d.gaps,
        "tasks": [_task(t) for t in d.view.tasks],
    }


# ---------------------------------------------------------------- launches


@router.get(
    f"{WS}/launches",
    response=responses(200, Page[LaunchOut]),
    summary="Launches, by launch date, with readiness and slips",
)
def list_launches(
    request: HttpRequest, slug: str, page: Query[PageParams], tier: Annotated[int, Field(ge=1, le=3)] | None = None,
    start: DateIn | None = None, end: DateIn | None = None,
):  # fmt: skip
    member = _viewer(request, slug)
    views = selectors.launch_views(
        workspace=member.workspace, today=timezone.localdate(), start=start, end=end
    )
    if tier is not None:
        views = [v for v in views if v.launch.tier == tier]
    items = views[page.offset : page.offset + page.limit]
    return {
        "items": [_launch(v) for v in items],
        "count": len(views),
        "limit": page.limit,
        "offset": page.offset,
    }


@router.post(
    f"{WS}/launches",
    response=responses(201, LaunchDetailOut),
    summary="Plan a launch of a release (the checklist is generated)",
)
def create_launch(request: HttpRequest, slug: str, data: LaunchIn):
    member = member_for(request, slug)
    launch = services.launch_create(member=member, **data.dict())
    return Status(201, _detail(member, launch.pk))


@router.get(
    f"{WS}/launches/{{launch_id}}",
    response=responses(200, LaunchDetailOut),
    summary="A launch with positioning, maps, gaps and checklist",
)
def get_launch(request: HttpRequest, slug: str, launch_id: Id):
    return _detail(_viewer(request, slug), launch_id)


@router.patch(
    f"{WS}/launches/{{launch_id}}",
    response=responses(200, LaunchDetailOut),
    summary="Change a launch",
)
def update_launch(request: HttpRequest, slug: str, launch_id: Id, data: LaunchPatch):
    member = member_for(request, slug)
    services.launch_update(member=member, launch_id=launch_id, **data.dict(exclude_unset=True))
    return _detail(member, launch_id)


@router.delete(
    f"{WS}/launches/{{launch_id}}",
    response=responses(204),
    summary="Delete a launch (its roadmap items stay)",
)
def delete_launch(request: HttpRequest, slug: str, launch_id: Id):
    services.launch_delete(member=member_for(request, slug), launch_id=launch_id)
    return Status(204, None)


# ---------------------------------------------------------------- positioning


@router.get(
    f"{WS}/launches/{{launch_id}}/positioning",
    response=responses(200, list[PositioningOut]),
    summary="Every positioning version, newest first",
)
def list_positioning(request: HttpRequest, slug: str, launch_id: Id):
    member = _viewer(request, slug)
    d = selectors.launch_detail(
        workspace=member.workspace, launch_id=launch_id, today=timezone.localdate()
    )
    if d is None:
        raise NotFound("No such launch in this workspace.")
    return [_positioning(p) for p in d.positionings]


@router.post(
    f"{WS}/launches/{{launch_id}}/positioning",
    response=responses(201, PositioningOut),
    summary="Save a new positioning version (its review starts over)",
)
def save_positioning(request: HttpRequest, slug: str, launch_id: Id, data: PositioningIn):
    member = member_for(request, slug)
    version = services.positioning_save(member=member, launch_id=launch_id, **data.dict())
    return Status(201, _positioning(version))


@router.get(
    f"{WS}/launches/{{launch_id}}/positioning/compare",
    response=responses(200, PositioningCompareOut),
    summary="Compare two positioning versions, field by field",
)
def compare_positioning(
    request: HttpRequest, slug: str, launch_id: Id, a: Id | None = None, b: Id | None = None
):
    member = _viewer(request, slug)
    d = selectors.launch_detail(
        workspace=member.workspace, launch_id=launch_id, today=timezone.localdate()
    )
    if d is None:
        raise NotFound("No such launch in this workspace.")
    by_number = {p.number: p for p in d.positionings}
    if not by_number:
        raise NotFound("This launch has no positioning yet.")
    latest = max(by_number)
    b = b if b is not None else latest
    a = a if a is not None else max(b - 1, 1)
    if a not in by_number or b not in by_number:
        raise NotFound(f"No such version; this launch has versions 1 to {latest}.")
    diffs = selectors.compare(by_number[a], by_number[b])
    return {"a": a, "b": b, "fields": [
        {"field": f.field, "label": f.label, "changed": f.changed, "lines": [{"op": op, "text": t} for op, t in f.lines]}
        for f in diffs
    ]}  # fmt: skip


@router.post(
    f"{WS}/positionings/{{positioning_id}}/approvals",
    response=responses(201, PositioningOut),
    summary="Approve the latest positioning for product or marketing",
)
def approve_positioning(request: HttpRequest, slug: str, positioning_id: Id, data: ApprovalIn):
    member = member_for(request, slug)
    approval = services.positioning_approve(
        member=member, positioning_id=positioning_id, **data.dict()
    )
    return Status(201, _positioning(approval.positioning))


# ---------------------------------------------------------------- maps


@router.post(
    f"{WS}/launches/{{launch_id}}/brand-attributes",
    response=responses(201, LaunchDetailOut),
    summary="Add a brand attribute and the features that deliver it",
)
def create_attribute(request: HttpRequest, slug: str, launch_id: Id, data: AttributeIn):
    member = member_for(request, slug)
    services.attribute_create(member=member, launch_id=launch_id, **data.dict())
    return Status(201, _detail(member, launch_id))


@router.patch(
    f"{WS}/brand-attributes/{{brand_attribute_id}}",
    response=responses(200, LaunchDetailOut),
    summary="Rename a brand attribute or change its features",
)
def update_attribute(request: HttpRequest, slug: str, brand_attribute_id: Id, data: AttributePatch):
    member = member_for(request, slug)
    attr = services.attribute_update(
        member=member, attribute_id=brand_attribute_id, **data.dict(exclude_unset=True)
    )
    return _detail(member, attr.launch_id)


@router.delete(
    f"{WS}/brand-attributes/{{brand_attribute_id}}",
    response=responses(204),
    summary="Remove a brand attribute",
)
def delete_attribute(request: HttpRequest, slug: str, brand_attribute_id: Id):
    services.attribute_delete(member=member_for(request, slug), attribute_id=brand_attribute_id)
    return Status(204, None)


@router.post(
    f"{WS}/launches/{{launch_id}}/funnel-stages",
    response=responses(201, LaunchDetailOut),
    summary="Add a funnel stage and its user flows",
)
def create_stage(request: HttpRequest, slug: str, launch_id: Id, data: FunnelStageIn):
    member = member_for(request, slug)
    services.stage_create(member=member, launch_id=launch_id, **data.dict())
    return Status(201, _detail(member, launch_id))


@router.patch(
    f"{WS}/funnel-stages/{{funnel_stage_id}}",
    response=responses(200, LaunchDetailOut),
    summary="Rename a funnel stage or change its user flows",
)
def update_stage(request: HttpRequest, slug: str, funnel_stage_id: Id, data: FunnelStagePatch):
    member = member_for(request, slug)
    stage = services.stage_update(
        member=member, stage_id=funnel_stage_id, **data.dict(exclude_unset=True)
    )
    return _detail(member, stage.launch_id)


@router.delete(
    f"{WS}/funnel-stages/{{funnel_stage_id}}",
    response=responses(204),
    summary="Remove a funnel stage",
)
def delete_stage(request: HttpRequest, slug: str, funnel_stage_id: Id):
    services.stage_delete(member=member_for(request, slug), stage_id=funnel_stage_id)
    return Status(204, None)


# ---------------------------------------------------------------- checklist


@router.post(
    f"{WS}/launches/{{launch_id}}/tasks",
    response=responses(201, LaunchDetailOut),
    summary="Add a task to a launch's checklist",
)
def create_task(request: HttpRequest, slug: str, launch_id: Id, data: TaskIn):
    member = member_for(request, slug)
    services.task_create(member=member, launch_id=launch_id, **data.dict())
    return Status(201, _detail(member, launch_id))


@router.post(
    f"{WS}/launches/{{launch_id}}/checklist",
    response=responses(201, LaunchDetailOut),
    summary="Add a template's tasks the checklist lacks",
)
def generate_checklist(request: HttpRequest, slug: str, launch_id: Id, data: ChecklistIn):
    member = member_for(request, slug)
    services.checklist_generate(member=member, launch_id=launch_id, template_id=data.template_id)
    return Status(201, _detail(member, launch_id))


@router.patch(
    f"{WS}/launch-tasks/{{launch_task_id}}",
    response=responses(200, TaskOut),
    summary="Tick off, block or change a checklist task",
)
def update_task(request: HttpRequest, slug: str, launch_task_id: Id, data: TaskPatch):
    member = member_for(request, slug)
    task = services.task_update(
        member=member, task_id=launch_task_id, **data.dict(exclude_unset=True)
    )
    d = selectors.launch_detail(
        workspace=member.workspace, launch_id=task.launch_id, today=timezone.localdate()
    )
    return _task(next(t for t in d.view.tasks if t.task.pk == task.pk))


@router.delete(
    f"{WS}/launch-tasks/{{launch_task_id}}",
    response=responses(204),
    summary="Remove a checklist task",
)
def delete_task(request: HttpRequest, slug: str, launch_task_id: Id):
    services.task_delete(member=member_for(request, slug), task_id=launch_task_id)
    return Status(204, None)


def _template(t) -> dict:
    return {"id": t.pk, "name": t.name, "tier": t.tier,
            "tasks": [{"title": x.title, "offset_days": x.offset_days, "department": x.department} for x in t.tasks.all()]}  # fmt: skip


@router.get(
    f"{WS}/launch-templates",
    response=responses(200, list[TemplateOut]),
    summary="Checklist templates (per tier)",
)
def list_templates(request: HttpRequest, slug: str):
    member = _viewer(request, slug)
    return [_template(t) for t in selectors.templates(workspace=member.workspace)]


@router.post(
    f"{WS}/launch-templates",
    response=responses(201, TemplateOut),
    summary="Add a checklist template",
)
def create_template(request: HttpRequest, slug: str, data: TemplateIn):
    member = member_for(request, slug)
    template = services.template_create(
        member=member, name=data.name, tier=data.tier, tasks=[t.dict() for t in data.tasks]
    )
    return Status(201, _template(template))


@router.delete(
    f"{WS}/launch-templates/{{launch_template_id}}",
    response=responses(204),
    summary="Delete a checklist template",
)
def delete_template(request: HttpRequest, slug: str, launch_template_id: Id):
    services.template_delete(member=member_for(request, slug), template_id=launch_template_id)
    return Status(204, None)


# ---------------------------------------------------------------- calendar


@router.get(
    f"{WS}/launch-windows",
    response=responses(200, list[WindowOut]),
    summary="Launch windows overlapping a period",
)
def list_windows(request: HttpRequest, slug: str, start: DateIn, end: DateIn):
    member = _viewer(request, slug)
    return [
        {"launch_id": launch.pk, "name": launch.name, "tier": launch.tier, "start": s, "end": e,
         "slipped": bool(launch.release and launch.release.end_date and launch.release.end_date > launch.launch_date)}
        for launch, (s, e) in selectors.launch_windows(member.workspace_id, start, end)
    ]  # fmt: skip


def _feed(f) -> dict:
    return {"id": f.pk, "created_at": f.created_at.isoformat()}


@router.get(
    f"{WS}/launch-calendar-feeds",
    response=responses(200, list[LaunchFeedOut]),
    summary="Active launch calendar feeds (never their secrets)",
)
def list_feeds(request: HttpRequest, slug: str):
    member = _viewer(request, slug)
    return [_feed(f) for f in selectors.feeds(workspace=member.workspace)]


@router.post(
    f"{WS}/launch-calendar-feeds",
    response=responses(201, LaunchFeedCreated),
    summary="Create an iCalendar feed of all launches (the token is shown once)",
)
def create_feed(request: HttpRequest, slug: str):
    feed, raw = services.feed_create(member=member_for(request, slug))
    return Status(201, {**_feed(feed), "token": raw, "url": f"/launches/calendar/{raw}.ics"})


@router.delete(
    f"{WS}/launch-calendar-feeds/{{launch_feed_id}}",
    response=responses(204),
    summary="Revoke a launch calendar feed",
)
def revoke_feed(request: HttpRequest, slug: str, launch_feed_id: Id):
    services.feed_revoke(member=member_for(request, slug), feed_id=launch_feed_id)
    return Status(204, None)
