"""REST API for playbooks (versions, diffs), playbook runs (steps) and post-mortems (action items).

Thin: the services write and check permissions; reads here check playbook.view.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import BeforeValidator

from accord.core.api_support import (
    BodyId,
    BodyInt,
    DateIn,
    DateTimeIn,
    Id,
    JsonInteger,
    JsonObject,
    Page,
    PageParams,
    PatchSchema,
    StrictBool,
    paginate,
    responses,
)
from accord.core.errors import NotFound
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import postmortems as pm_services
from . import selectors, services
from . import steps as checklist
from .models import PlaybookKind

router = Router(auth=API_AUTH, tags=["playbooks"])

WS = "/workspaces/{slug}"


def _viewer(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "playbook.view")
    return member


# ---------------------------------------------------------------- schemas


class StepIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    owner_role: str = Field(
        max_length=60,
        description="A department (product, marketing, it, ...) or a registered role.",
    )
    owner_title: str = Field(
        "", max_length=100, description='Who in that role, in words, e.g. "On-call engineer".'
    )
    expected_minutes: Annotated[int, Field(ge=1, le=checklist.MAX_MINUTES), JsonInteger] = 60
    required: StrictBool = True
    condition: str = Field(
        "", max_length=200, description='On a field of the run\'s subject, e.g. "tier == 1".'
    )


class StepOut(Schema):
    title: str
    owner_role: str
    owner_title: str
    expected_minutes: int
    required: bool
    condition: str


class PlaybookIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "name": "Tier 1 launch",
                    "kind": "launch",
                    "body": "## Before\nAgree the date.",
                    "steps": [
                        {"title": "Brief sales", "owner_role": "marketing", "expected_minutes": 120}
                    ],
                }
            ]
        }
    }

    name: str = Field(min_length=1, max_length=200)
    kind: PlaybookKind
    body: str = Field("", max_length=50_000, description="The procedure (Markdown).")
    steps: list[Annotated[StepIn, JsonObject]] = Field(
        default_factory=list, max_length=checklist.MAX_STEPS
    )
    note: str = Field("", max_length=300)


class PlaybookPatch(PatchSchema):
    version: BodyInt = Field(
        description="The current version's number; the edit becomes the next one."
    )
    name: str = Field(None, max_length=200)
    kind: PlaybookKind = None
    body: str = Field(None, max_length=50_000)
    steps: list[Annotated[StepIn, JsonObject]] = Field(None, max_length=checklist.MAX_STEPS)
    note: str = Field("", max_length=300, description="What changed.")


class VersionSummaryOut(Schema):
    number: int
    note: str
    created_at: datetime
    created_by: str | None
    step_count: int
    run_ids: list[int] = Field(description="The runs started on this version.")


class PlaybookOut(Schema):
    id: int
    name: str
    kind: PlaybookKind
    version: int = Field(description="The current version's number.")
    step_count: int
    run_count: int
    open_run_count: int


class PlaybookDetailOut(PlaybookOut):
    body: str
    steps: list[StepOut]
    versions: list[VersionSummaryOut]


class VersionOut(Schema):
    number: int
    name: str
    kind: PlaybookKind
    body: str
    steps: list[StepOut]
    note: str
    created_at: datetime


class FieldChange(Schema):
    before: Any
    after: Any


class StepChangeOut(Schema):
    title: str
    changes: dict[str, FieldChange]


class StepAtOut(StepOut):
    position: int


class DiffOut(Schema):
    from_version: int
    to_version: int
    steps_added: list[StepAtOut]
    steps_removed: list[StepAtOut]
    steps_changed: list[StepChangeOut]
    text_diff: list[str] = Field(description="A unified diff of the procedure's text.")


class DiffQuery(Schema):
    from_version: Id
    to_version: Id


class PlaybookFilter(Schema):
    kind: PlaybookKind | None = None


ScalarValue = (
    Annotated[float, Field(strict=True, allow_inf_nan=False)]
    | Annotated[str, Field(max_length=100)]
)


class RunIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "playbook_id": 1,
                    "subject_kind": "incident",
                    "subject_ref": "Checkout errors",
                    "fields": {"severity": 1},
                }
            ]
        }
    }

    playbook_id: BodyId
    subject_kind: str = Field(
        "",
        max_length=30,
        description='"incident", a registered kind (launch, change, ...) or "" (free-standing).',
    )
    subject_ref: str = Field(
        "", max_length=200, description="The subject's id, or an incident's description."
    )
    title: str = Field("", max_length=200)
    target_date: DateIn | None = Field(
        None, description="Steps are then due backwards from this date."
    )
    fields: dict[str, ScalarValue] = Field(
        default_factory=dict, description='Values step conditions read, e.g. {"tier": 1}.'
    )


class RunStepOut(Schema):
    id: int
    position: int
    title: str
    owner_role: str
    owner_title: str
    expected_minutes: int
    required: bool
    condition: str
    applies: bool = Field(description="False: its condition did not hold for this run's subject.")
    due_at: datetime
    overdue: bool
    done: bool
    done_at: datetime | None
    done_by: str | None
    note: str


class RunOut(Schema):
    id: int
    title: str
    playbook_id: int
    playbook_name: str
    playbook_version: int
    subject_kind: str
    subject_ref: str
    subject_label: str
    started_at: datetime
    target_date: date | None
    finished_at: datetime | None
    steps_total: int
    steps_done: int
    steps_overdue: int
    progress: int = Field(description="Percent of the applicable steps done.")


class RunDetailOut(RunOut):
    fields: dict[str, Any]
    steps: list[RunStepOut]


class RunFilter(Schema):
    playbook_id: Id | None = None
    state: Literal["open", "finished"] | None = None
    subject_kind: str | None = Field(None, max_length=30)


class StepPatch(PatchSchema):
    done: StrictBool = None
    due_date: DateIn = Field(None, description="Not before the run's start.")
    note: str = Field(None, max_length=500)


def _no_number(value):
    # pydantic would read a number as a Unix timestamp; a timeline entry's time is written out.
    if not isinstance(value, str | datetime):
        raise ValueError("Use an ISO 8601 date-time, e.g. 2026-03-01T10:00:00Z.")
    return value


class TimelineEntry(Schema):
    at: Annotated[DateTimeIn, BeforeValidator(_no_number)]
    text: str = Field(min_length=1, max_length=1000)


class PostmortemTimelineOut(Schema):
    at: datetime
    text: str


class PostMortemIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "subject_kind": "incident",
                    "subject_ref": "Checkout outage",
                    "impact": "30 minutes",
                }
            ]
        }
    }

    subject_kind: str = Field(
        max_length=30, description="launch, change, campaign or incident (the registered kinds)."
    )
    subject_ref: str = Field(max_length=200)
    title: str = Field("", max_length=200)
    occurred_on: DateIn | None = None
    summary: str = Field("", max_length=20_000)
    impact: str = Field("", max_length=20_000)
    went_well: str = Field("", max_length=20_000)
    went_badly: str = Field("", max_length=20_000)
    contributing_factors: str = Field("", max_length=20_000)
    timeline: list[Annotated[TimelineEntry, JsonObject]] = Field(
        default_factory=list, max_length=pm_services.MAX_TIMELINE
    )


class PostMortemPatch(PatchSchema):
    version: BodyInt
    title: str = Field(None, max_length=200)
    occurred_on: DateIn | None = None
    summary: str = Field(None, max_length=20_000)
    impact: str = Field(None, max_length=20_000)
    went_well: str = Field(None, max_length=20_000)
    went_badly: str = Field(None, max_length=20_000)
    contributing_factors: str = Field(None, max_length=20_000)
    timeline: list[Annotated[TimelineEntry, JsonObject]] = Field(
        None, max_length=pm_services.MAX_TIMELINE
    )


class ActionItemOut(Schema):
    id: int
    title: str
    owner_id: int | None
    due_date: date | None
    done: bool
    overdue: bool
    idea_id: int | None
    roadmap_item_id: int | None
    version: int


class PostMortemOut(Schema):
    id: int
    title: str
    subject_kind: str
    subject_ref: str
    subject_label: str
    occurred_on: date | None
    action_items_total: int
    action_items_done: int
    closure_rate: int | None = Field(
        description="Percent of the action items done; null without any."
    )
    version: int


class PostMortemDetailOut(PostMortemOut):
    summary: str
    impact: str
    went_well: str
    went_badly: str
    contributing_factors: str
    timeline: list[PostmortemTimelineOut]
    action_items: list[ActionItemOut]
    prompts: dict[str, str] = Field(description="The blameless template's question for each part.")


class PostMortemFilter(Schema):
    subject_kind: str | None = Field(None, max_length=30)


class ActionItemIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    owner_id: BodyId | None = Field(None, description="A person of the workspace.")
    due_date: DateIn | None = None


class ActionItemPatch(PatchSchema):
    version: BodyInt
    title: str = Field(None, max_length=200)
    owner_id: BodyId | None = Field(None, description="null: nobody.")
    due_date: DateIn | None = Field(None, description="null: no due date.")
    done: StrictBool = None


class ConvertIn(Schema):
    to: Literal["idea", "roadmap_item"]
    roadmap_id: BodyId | None = Field(
        None, description="For a roadmap item: the roadmap it goes on."
    )


# ---------------------------------------------------------------- serializers


def _playbook_out(pb, current) -> dict:
    return {
        "id": pb.pk, "name": pb.name, "kind": pb.kind, "version": pb.version, "step_count": len(current.steps),
        "run_count": pb.run_count, "open_run_count": pb.open_run_count,
    }  # fmt: skip


def _playbook_detail(member, playbook_id: int) -> dict:
    data = selectors.playbook(workspace=member.workspace, playbook_id=playbook_id)
    if data is None:
        raise NotFound("No such playbook in this workspace.")
    current = data["current"]
    return {
        **_playbook_out(data["playbook"], current), "body": current.body, "steps": current.steps,
        "versions": [
            {"number": r.version.number, "note": r.version.note, "created_at": r.version.created_at,
             "created_by": r.version.created_by.email if r.version.created_by_id else None,
             "step_count": len(r.version.steps), "run_ids": [run.pk for run in r.runs]}
            for r in data["versions"]
        ],
    }  # fmt: skip


def _run_out(run) -> dict:
    return {
        "id": run.pk, "title": run.title, "playbook_id": run.playbook_id, "playbook_name": run.playbook.name,
        "playbook_version": run.playbook_version.number, "subject_kind": run.subject_kind, "subject_ref": run.subject_ref,
        "subject_label": run.subject_label, "started_at": run.started_at, "target_date": run.target_date,
        "finished_at": run.finished_at, "steps_total": run.step_total, "steps_done": run.step_done,
        "steps_overdue": run.step_overdue, "progress": selectors.percent(run.step_done, run.step_total),
    }  # fmt: skip


def _run_detail(member, run_id: int) -> dict:
    run = selectors.run(workspace=member.workspace, run_id=run_id)
    if run is None:
        raise NotFound("No such run in this workspace.")
    return {
        **_run_out(run), "fields": run.subject_fields,
        "steps": [
            {"id": v.step.pk, "position": v.step.position + 1, "title": v.step.title, "owner_role": v.step.owner_role,
             "owner_title": v.step.owner_title, "expected_minutes": v.step.expected_minutes, "required": v.step.required,
             "condition": v.step.condition, "applies": v.step.applies, "due_at": v.step.due_at, "overdue": v.overdue,
             "done": v.step.done_at is not None, "done_at": v.step.done_at,
             "done_by": v.step.done_by.email if v.step.done_by_id else None, "note": v.step.note}
            for v in selectors.run_steps(run)
        ],
    }  # fmt: skip


def _item_out(item, today: date) -> dict:
    return {
        "id": item.pk, "title": item.title, "owner_id": item.owner_id, "due_date": item.due_date,
        "done": item.done_at is not None, "overdue": item.done_at is None and item.due_date is not None and item.due_date < today,
        "idea_id": item.idea_id, "roadmap_item_id": item.roadmap_item_id, "version": item.version,
    }  # fmt: skip


def _pm_out(post) -> dict:
    return {
        "id": post.pk, "title": post.title, "subject_kind": post.subject_kind, "subject_ref": post.subject_ref,
        "subject_label": post.subject_label, "occurred_on": post.occurred_on, "action_items_total": post.action_total,
        "action_items_done": post.action_done, "closure_rate": selectors.closure_rate(post.action_done, post.action_total),
        "version": post.version,
    }  # fmt: skip


def _pm_detail(member, postmortem_id: int) -> dict:
    post = selectors.postmortem(workspace=member.workspace, postmortem_id=postmortem_id)
    if post is None:
        raise NotFound("No such post-mortem in this workspace.")
    today = timezone.localdate()
    return {
        **_pm_out(post), **{name: getattr(post, name) for name in pm_services.TEXTS}, "timeline": post.timeline,
        "action_items": [_item_out(i, today) for i in selectors.action_items(post)], "prompts": pm_services.PROMPTS,
    }  # fmt: skip


# ---------------------------------------------------------------- playbooks


@router.get(f"{WS}/playbooks", response=responses(200, Page[PlaybookOut]), summary="List playbooks")
def list_playbooks(
    request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[PlaybookFilter]
):
    member = _viewer(request, slug)
    result = paginate(selectors.playbooks(workspace=member.workspace, kind=filters.kind), page)
    current = selectors.current_versions(result["items"])
    result["items"] = [_playbook_out(pb, current[pb.pk]) for pb in result["items"]]
    return result


@router.post(
    f"{WS}/playbooks",
    response=responses(201, PlaybookDetailOut),
    summary="Create a playbook (its version 1)",
)
def create_playbook(request: HttpRequest, slug: str, data: PlaybookIn):
    member = member_for(request, slug)
    payload = data.dict()
    pb = services.playbook_create(member=member, **payload)
    return Status(201, _playbook_detail(member, pb.pk))


@router.get(
    f"{WS}/playbooks/{{playbook_id}}",
    response=responses(200, PlaybookDetailOut),
    summary="Get a playbook: its current text and steps, its versions and the runs of each",
)
def get_playbook(request: HttpRequest, slug: str, playbook_id: Id):
    return _playbook_detail(_viewer(request, slug), playbook_id)


@router.patch(
    f"{WS}/playbooks/{{playbook_id}}",
    response=responses(200, PlaybookDetailOut),
    summary="Edit a playbook: the edit becomes a new version (earlier ones never change)",
)
def update_playbook(request: HttpRequest, slug: str, playbook_id: Id, data: PlaybookPatch):
    member = member_for(request, slug)
    services.playbook_update(
        member=member, playbook_id=playbook_id, **data.dict(exclude_unset=True)
    )
    return _playbook_detail(member, playbook_id)


@router.delete(
    f"{WS}/playbooks/{{playbook_id}}",
    response=responses(204),
    summary="Delete a playbook that has no runs",
)
def delete_playbook(request: HttpRequest, slug: str, playbook_id: Id):
    services.playbook_delete(member=member_for(request, slug), playbook_id=playbook_id)
    return Status(204, None)


@router.get(
    f"{WS}/playbooks/{{playbook_id}}/versions/{{version_number}}",
    response=responses(200, VersionOut),
    summary="One version of a playbook, as it was",
)
def get_playbook_version(request: HttpRequest, slug: str, playbook_id: Id, version_number: Id):
    member = _viewer(request, slug)
    services.get_playbook(member, playbook_id)
    found = selectors.version(
        workspace=member.workspace, playbook_id=playbook_id, number=version_number
    )
    if found is None:
        raise NotFound("No such version of this playbook.")
    return found


@router.get(
    f"{WS}/playbooks/{{playbook_id}}/diff",
    response=responses(200, DiffOut),
    summary="What changed between two versions: steps added, removed, changed; the text's diff",
)
def diff_playbook(request: HttpRequest, slug: str, playbook_id: Id, query: Query[DiffQuery]):
    member = _viewer(request, slug)
    services.get_playbook(member, playbook_id)
    old = selectors.version(
        workspace=member.workspace, playbook_id=playbook_id, number=query.from_version
    )
    new = selectors.version(
        workspace=member.workspace, playbook_id=playbook_id, number=query.to_version
    )
    if old is None or new is None:
        raise NotFound("No such version of this playbook.")
    return {
        "from_version": old.number,
        "to_version": new.number,
        **checklist.diff(old.steps, new.steps, old.body, new.body),
    }


# ---------------------------------------------------------------- runs


@router.get(
    f"{WS}/playbook-runs",
    response=responses(200, Page[RunOut]),
    summary="List playbook runs with their progress",
)
def list_runs(request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[RunFilter]):
    member = _viewer(request, slug)
    return paginate(selectors.runs(workspace=member.workspace, **filters.dict()), page, _run_out)


@router.post(
    f"{WS}/playbook-runs",
    response=responses(201, RunDetailOut),
    summary="Start a run of a playbook's current version for a subject (or free-standing)",
)
def start_run(request: HttpRequest, slug: str, data: RunIn):
    member = member_for(request, slug)
    run = services.run_start(member=member, **data.dict())
    return Status(201, _run_detail(member, run.pk))


@router.get(
    f"{WS}/playbook-runs/{{run_id}}",
    response=responses(200, RunDetailOut),
    summary="Get a run: its steps, due dates, progress",
)
def get_run(request: HttpRequest, slug: str, run_id: Id):
    return _run_detail(_viewer(request, slug), run_id)


@router.delete(f"{WS}/playbook-runs/{{run_id}}", response=responses(204), summary="Delete a run")
def delete_run(request: HttpRequest, slug: str, run_id: Id):
    services.run_delete(member=member_for(request, slug), run_id=run_id)
    return Status(204, None)


@router.patch(
    f"{WS}/playbook-runs/{{run_id}}/steps/{{run_step_id}}",
    response=responses(200, RunDetailOut),
    summary="Check a step off (its owners, the run's starter, editors), move its due date, note",
)
def update_step(request: HttpRequest, slug: str, run_id: Id, run_step_id: Id, data: StepPatch):
    member = member_for(request, slug)
    services.step_update(
        member=member, run_id=run_id, step_id=run_step_id, **data.dict(exclude_unset=True)
    )
    return _run_detail(member, run_id)


# ---------------------------------------------------------------- post-mortems


@router.get(
    f"{WS}/postmortems",
    response=responses(200, Page[PostMortemOut]),
    summary="List post-mortems with their closure rates",
)
def list_postmortems(
    request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[PostMortemFilter]
):
    member = _viewer(request, slug)
    return paginate(
        selectors.postmortems(workspace=member.workspace, subject_kind=filters.subject_kind),
        page,
        _pm_out,
    )


@router.post(
    f"{WS}/postmortems", response=responses(201, PostMortemDetailOut), summary="Write a post-mortem"
)
def create_postmortem(request: HttpRequest, slug: str, data: PostMortemIn):
    member = member_for(request, slug)
    values = data.dict()
    values["timeline"] = [e.model_dump() for e in data.timeline]
    post = pm_services.postmortem_create(member=member, **values)
    return Status(201, _pm_detail(member, post.pk))


@router.get(
    f"{WS}/postmortems/{{postmortem_id}}",
    response=responses(200, PostMortemDetailOut),
    summary="Get a post-mortem: timeline, findings, action items",
)
def get_postmortem(request: HttpRequest, slug: str, postmortem_id: Id):
    return _pm_detail(_viewer(request, slug), postmortem_id)


@router.patch(
    f"{WS}/postmortems/{{postmortem_id}}",
    response=responses(200, PostMortemDetailOut),
    summary="Change a post-mortem",
)
def update_postmortem(request: HttpRequest, slug: str, postmortem_id: Id, data: PostMortemPatch):
    member = member_for(request, slug)
    values = data.dict(exclude_unset=True)
    if "timeline" in values:
        values["timeline"] = [e.model_dump() for e in data.timeline]
    pm_services.postmortem_update(member=member, postmortem_id=postmortem_id, **values)
    return _pm_detail(member, postmortem_id)


@router.delete(
    f"{WS}/postmortems/{{postmortem_id}}", response=responses(204), summary="Delete a post-mortem"
)
def delete_postmortem(request: HttpRequest, slug: str, postmortem_id: Id):
    pm_services.postmortem_delete(member=member_for(request, slug), postmortem_id=postmortem_id)
    return Status(204, None)


@router.post(
    f"{WS}/postmortems/{{postmortem_id}}/action-items",
    response=responses(201, PostMortemDetailOut),
    summary="Add an action item (owner, due date)",
)
def create_action_item(request: HttpRequest, slug: str, postmortem_id: Id, data: ActionItemIn):
    member = member_for(request, slug)
    pm_services.action_item_create(member=member, postmortem_id=postmortem_id, **data.dict())
    return Status(201, _pm_detail(member, postmortem_id))


@router.patch(
    f"{WS}/postmortems/{{postmortem_id}}/action-items/{{action_item_id}}",
    response=responses(200, PostMortemDetailOut),
    summary="Change an action item, or mark it done",
)
def update_action_item(
    request: HttpRequest, slug: str, postmortem_id: Id, action_item_id: Id, data: ActionItemPatch
):
    member = member_for(request, slug)
    pm_services.action_item_update(
        member=member,
        postmortem_id=postmortem_id,
        action_item_id=action_item_id,
        **data.dict(exclude_unset=True),
    )
    return _pm_detail(member, postmortem_id)


@router.delete(
    f"{WS}/postmortems/{{postmortem_id}}/action-items/{{action_item_id}}",
    response=responses(204),
    summary="Delete an action item",
)
def delete_action_item(request: HttpRequest, slug: str, postmortem_id: Id, action_item_id: Id):
    pm_services.action_item_delete(
        member=member_for(request, slug), postmortem_id=postmortem_id, action_item_id=action_item_id
    )
    return Status(204, None)


@router.post(
    f"{WS}/postmortems/{{postmortem_id}}/action-items/{{action_item_id}}/convert",
    response=responses(201, PostMortemDetailOut),
    summary="Turn an action item into an idea or a roadmap item (once; a second time is a 409)",
)
def convert_action_item(
    request: HttpRequest, slug: str, postmortem_id: Id, action_item_id: Id, data: ConvertIn
):
    member = member_for(request, slug)
    pm_services.action_item_convert(
        member=member,
        postmortem_id=postmortem_id,
        action_item_id=action_item_id,
        to=data.to,
        roadmap_id=data.roadmap_id,
    )
    return Status(201, _pm_detail(member, postmortem_id))
