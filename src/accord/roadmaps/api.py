"""REST API for roadmaps, lanes, items, milestones, dependencies, history, saved views and sharing.

Thin: the services do the writes (and check roadmap.manage / share_link.manage), the selectors the
reads; reads here check roadmap.view. Everything lives under /workspaces/{slug}/.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

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
    responses,
)
from accord.core.errors import Invalid
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import selectors, services
from .models import (
    ColorBy,
    DependencyKind,
    ItemStatus,
    LaneMode,
    Milestone,
    Roadmap,
    RoadmapItem,
    RoadmapKind,
    TimeScale,
)

router = Router(auth=API_AUTH, tags=["roadmaps"])

Day = DateIn  # for fields named `date`

WS = "/workspaces/{slug}"

ShortText = Annotated[str, Field(max_length=120)]
TagName = Annotated[str, Field(max_length=60)]
BucketIn = Literal["now", "next", "later", ""]
ViewKind = Literal["timeline", "board", "table"]
Position = Annotated[int, Field(ge=-1_000_000, le=1_000_000), JsonInteger]
LanePosition = Annotated[int, Field(ge=0, le=1_000_000), JsonInteger]
Percent = Annotated[int, Field(ge=0, le=100), JsonInteger]


def _iso_8601(value):
    # pydantic would also read a number as a Unix timestamp; the schema says date-time.
    if isinstance(value, str) and not re.match(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Use an ISO 8601 date-time, e.g. 2025-01-31T09:00:00Z.")
    return value


def _aware(value: datetime | None, field: str) -> datetime | None:
    """A date-time without a zone is read in the server's zone (comparisons need one)."""
    if value is None or timezone.is_aware(value):
        return value
    try:
        return timezone.make_aware(value)
    except (OverflowError, ValueError) as exc:
        raise Invalid.field(field, "This date-time is out of range.") from exc


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class LaneOut(Schema):
    id: int
    roadmap_id: int
    name: str
    position: int


class RoadmapOut(Schema):
    id: int
    name: str
    kind: RoadmapKind
    description: str
    owner_id: int | None
    time_scale: TimeScale
    lane_mode: LaneMode
    color_by: ColorBy
    includes: list[int] = Field(
        description="A portfolio's included roadmaps (their items show on it)."
    )
    item_count: int = Field(
        0, description="Items shown (a portfolio: those of its included roadmaps)."
    )
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_includes(obj) -> list[int]:
        return sorted(r.pk for r in obj.includes.all())


class RoadmapDetailOut(RoadmapOut):
    lanes: list[LaneOut]

    @staticmethod
    def resolve_lanes(obj) -> list:
        return list(obj.lanes.all())


class RoadmapIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    kind: RoadmapKind = RoadmapKind.PRODUCT
    description: str = Field("", max_length=5000)
    time_scale: TimeScale = TimeScale.MONTHS
    lane_mode: LaneMode = LaneMode.CUSTOM
    color_by: ColorBy = ColorBy.STATUS
    lanes: list[ShortText] = Field(
        default_factory=list, max_length=50, description="Lane names, in order."
    )
    includes: list[BodyId] = Field(
        default_factory=list, max_length=100, description="Roadmap ids a portfolio includes."
    )


class RoadmapPatch(Schema):
    version: BodyInt
    name: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=5000)
    time_scale: TimeScale | None = None
    lane_mode: LaneMode | None = None
    color_by: ColorBy | None = None
    includes: list[BodyId] | None = Field(None, max_length=100)


class LaneIn(Schema):
    name: str = Field(min_length=1, max_length=120)


class LanePatch(Schema):
    name: str | None = Field(None, max_length=120)
    position: LanePosition | None = None


class ItemOut(Schema):
    id: int
    roadmap: Ref
    title: str
    description: str
    lane: Ref | None
    parent_id: int | None = Field(description="The container this bar belongs to.")
    start_date: date | None
    end_date: date | None
    bucket: str = Field(description="now, next or later for an undated item; empty when dated.")
    status: ItemStatus
    percent_done: int
    tags: list[str]
    team: Ref | None
    idea_id: int | None
    people: list[Ref]
    position: int
    blocked: bool = Field(
        False, description="Waits for a late predecessor or one whose dates conflict."
    )
    late: bool = Field(False, description="Past its end date and not done.")
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_people(obj) -> list:
        return list(obj.people.all())


class ItemFilter(Schema):
    tag: str | None = Field(None, max_length=60)
    team_id: Id | None = None
    status: ItemStatus | None = None
    lane_id: Id | None = None
    q: str | None = Field(None, max_length=200, description="Search title and description.")


class ItemIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [{"title": "SSO", "start_date": "2030-03-01", "end_date": "2030-03-31", "tags": ["security"]}]
        }
    }

    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=20000)
    lane_id: BodyId | None = None
    parent_id: BodyId | None = Field(None, description="A container item of the same roadmap.")
    start_date: DateIn | None = None
    end_date: DateIn | None = None
    bucket: BucketIn = Field("", description="For an undated item: now, next or later.")
    status: ItemStatus = ItemStatus.PLANNED
    percent_done: Percent = 0
    tags: list[TagName] = Field(default_factory=list, max_length=30)
    team_id: BodyId | None = None
    idea_id: BodyId | None = None
    people_ids: list[BodyId] = Field(default_factory=list, max_length=50)


class ItemPatch(Schema):
    """Only what is sent changes; an explicit null clears lane, parent, team or the dates."""

    version: BodyInt
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=20000)
    lane_id: BodyId | None = None
    parent_id: BodyId | None = None
    start_date: DateIn | None = None
    end_date: DateIn | None = None
    bucket: BucketIn | None = None
    status: ItemStatus | None = None
    percent_done: Percent | None = None
    tags: list[TagName] | None = Field(None, max_length=30)
    team_id: BodyId | None = None
    people_ids: list[BodyId] | None = Field(None, max_length=50)
    roadmap_id: BodyId | None = Field(None, description="Move the item to another roadmap.")
    position: Position | None = None


class MoveIn(Schema):
    version: BodyInt
    start_date: DateIn
    end_date: DateIn
    lane_id: BodyId | None = Field(
        None, description="Omit to keep the lane; null to take it out of its lane."
    )


class FromIdeaIn(Schema):
    idea_id: BodyId
    reason: str = Field(
        "", max_length=5000, description="Why it is promoted (recorded on the idea)."
    )
    lane_id: BodyId | None = None
    start_date: DateIn | None = None
    end_date: DateIn | None = None
    bucket: BucketIn = Field("", description="Undated: now, next or later (default next).")


class TimelineRoadmapOut(Schema):
    id: int
    name: str
    kind: RoadmapKind
    description: str
    time_scale: TimeScale
    lane_mode: LaneMode
    color_by: ColorBy
    includes: list[int]
    version: int

    @staticmethod
    def resolve_includes(obj) -> list[int]:
        return sorted(r.pk for r in obj.includes.all())


class TimelineLaneOut(Schema):
    key: str = Field(description="lane-<id>, team-<id>, tag-<id> or status-<status>.")
    name: str
    lane_id: int | None
    item_ids: list[int]


class MilestoneOut(Schema):
    id: int
    roadmap_id: int | None = Field(description="null: shared by all the workspace's roadmaps.")
    name: str
    date: Day
    description: str
    version: int


class ItemRef(Schema):
    id: int
    title: str
    roadmap_id: int
    start_date: date | None
    end_date: date | None
    status: ItemStatus


class DependencyOut(Schema):
    id: int
    kind: DependencyKind
    predecessor_id: int
    successor_id: int
    predecessor: ItemRef
    successor: ItemRef
    violated: bool = Field(False, description="The successor starts too early for its predecessor.")
    created_at: datetime


class TimelineOut(Schema):
    roadmap: TimelineRoadmapOut
    start: date
    end: date
    today: date
    lanes: list[TimelineLaneOut]
    items: list[ItemOut]
    milestones: list[MilestoneOut]
    dependencies: list[DependencyOut]
    blocked: list[int] = Field(
        description="Ids of items waiting for a late or conflicting predecessor."
    )
    late: list[int] = Field(description="Ids of items past their end date and not done.")
    buckets: dict[str, list[int]] = Field(description="now/next/later: ids of undated items.")


class MilestoneIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    date: Day
    roadmap_id: BodyId | None = Field(None, description="null: shared by all roadmaps.")
    description: str = Field("", max_length=2000)


class MilestonePatch(Schema):
    version: BodyInt
    name: str | None = Field(None, max_length=120)
    date: Day | None = None
    description: str | None = Field(None, max_length=2000)


class DependencyIn(Schema):
    predecessor_id: BodyId
    successor_id: BodyId
    kind: DependencyKind = DependencyKind.FINISH_TO_START


class ChangesQuery(Schema):
    since: DateTimeIn = Field(description="Compare from this moment (e.g. last Monday).")
    until: DateTimeIn | None = Field(None, description="Up to this moment (default: now).")


class ItemState(Schema):
    title: str = ""
    roadmap_id: int | None = None
    lane_id: int | None = None
    parent_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    bucket: str = ""
    status: str = ""
    percent_done: int = 0
    team_id: int | None = None
    idea_id: int | None = None


class ItemStateWithId(ItemState):
    id: int


class MovedOut(Schema):
    id: int
    title: str
    days: int = Field(description="How far the start moved (negative: earlier).")
    before: ItemState
    after: ItemState


class RescopedOut(Schema):
    id: int
    title: str
    duration_before: int | None = Field(description="Days, both ends included; null when undated.")
    duration_after: int | None
    before: ItemState
    after: ItemState


class ChangedOut(Schema):
    id: int
    title: str
    fields: list[str]
    before: ItemState
    after: ItemState


class UpstreamOut(Schema):
    item_id: int = Field(description="The item of this roadmap that depends on the changed one.")
    item_title: str
    predecessor_id: int = Field(description="The changed item, on another roadmap.")
    predecessor_title: str
    roadmap_id: int = Field(description="The changed item's roadmap.")
    roadmap_name: str
    kind: str = Field(description="The dependency: finish_to_start or start_to_start.")
    days: int | None = Field(description="How far the changed item's start moved (negative: earlier).")
    end_days: int | None = Field(description="How far its end moved.")
    before: ItemState
    after: ItemState
    blocked_before: bool
    blocked_after: bool
    effect: Literal["now_blocked", "still_blocked", "unblocked", "unaffected"]
    text: str = Field(description='E.g. "Launch campaign is now blocked: Reporting 2.0 moved 14 days later".')


class ChangesOut(Schema):
    since: datetime
    until: datetime
    added: list[ItemStateWithId]
    removed: list[ItemStateWithId]
    moved: list[MovedOut]
    rescoped: list[RescopedOut]
    changed: list[ChangedOut]
    upstream: list[UpstreamOut] = Field(
        description="Changes to other roadmaps' items that this roadmap's items depend on."
    )


class ViewFilters(Schema):
    tag: str | None = Field(None, max_length=60)
    team_id: BodyId | None = None
    status: ItemStatus | None = None
    lane_id: BodyId | None = None


class SavedViewOut(Schema):
    id: int
    roadmap_id: int
    name: str
    view: str
    filters: dict[str, Any]
    created_at: datetime


class SavedViewIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    view: ViewKind = "timeline"
    filters: Annotated[ViewFilters, JsonObject] = Field(default_factory=ViewFilters)


class ShareViewIn(Schema):
    roadmap: BodyId = Field(description="A roadmap id of this workspace.")
    view: ViewKind = "timeline"
    filters: Annotated[ViewFilters, JsonObject] = Field(default_factory=ViewFilters)


class ShareViewOut(Schema):
    roadmap: int | None = Field(description="null: a view of another capability, e.g. the goals scoreboard.")
    view: str
    filters: dict[str, Any]


class ShareLinkOut(Schema):
    id: int
    name: str
    views: list[ShareViewOut]
    rotate_seconds: int
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool
    has_password: bool
    created_by: str | None
    created_at: datetime

    @staticmethod
    def resolve_active(obj) -> bool:
        return obj.is_active

    @staticmethod
    def resolve_has_password(obj) -> bool:
        return bool(obj.password_hash)

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.email if obj.created_by else None


class ShareLinkCreated(ShareLinkOut):
    token: str = Field(description="The secret; shown once.")
    url: str = Field(description="/share/<token>: the read-only page, no login.")


class ShareLinkIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    views: list[ShareViewIn] = Field(
        min_length=1, max_length=20, description="One view, or a kiosk rotation."
    )
    rotate_seconds: Annotated[int, Field(ge=0, le=3600), JsonInteger] = Field(
        0, description="Kiosk: seconds per view (10-3600); 0: no rotation."
    )
    expires_at: datetime | None = None
    password: str = Field("", max_length=128, description="Optional; at least 8 characters.")

    _iso = field_validator("expires_at", mode="before")(_iso_8601)


class CalendarFeedOut(Schema):
    id: int
    roadmap_id: int
    created_at: datetime


class CalendarFeedCreated(CalendarFeedOut):
    token: str = Field(description="The secret; shown once.")
    url: str = Field(description="/calendar/<token>.ics: subscribe in any calendar app.")


# ---------------------------------------------------------------- helpers


def _viewer(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "roadmap.view")
    return member


def _with_counts(workspace, roadmaps: list[Roadmap]) -> list[Roadmap]:
    """Set item_count on each roadmap (a portfolio counts its included roadmaps' items): one query."""
    counts = dict(
        RoadmapItem.objects.filter(workspace=workspace)
        .values("roadmap_id")
        .annotate(n=Count("id"))
        .values_list("roadmap_id", "n")
    )
    for rm in roadmaps:
        rm.item_count = sum(counts.get(pk, 0) for pk in selectors.roadmap_ids_shown(rm))
    return roadmaps


def _roadmap(member, roadmap_id: int) -> Roadmap:
    rm = selectors.roadmap(workspace=member.workspace, roadmap_id=roadmap_id)
    rm.workspace = member.workspace  # already loaded: spare the selectors a query
    return rm


def _roadmap_detail(workspace, roadmap_id: int) -> Roadmap:
    rm = selectors.roadmap(workspace=workspace, roadmap_id=roadmap_id)
    return _with_counts(workspace, [rm])[0]


def _flag(items: list[RoadmapItem], workspace, today: date | None = None, state=None) -> list:
    """Set `blocked` and `late` on items (one query for their dependencies, unless given)."""
    today = today or timezone.localdate()
    if state is None:
        state = selectors.dependency_state(
            item_ids=[i.pk for i in items], workspace=workspace, today=today
        )
    for it in items:
        it.blocked = it.pk in state.blocked
        it.late = selectors.is_late(it, today)
    return items


def _item_out(workspace, item_id: int) -> RoadmapItem:
    return _flag([selectors.item(workspace=workspace, item_id=item_id)], workspace)[0]


def _dependency_outs(state) -> list:
    for dep in state.dependencies:
        dep.violated = dep.pk in state.violated
    return sorted(state.dependencies, key=lambda d: d.pk)


# ---------------------------------------------------------------- roadmaps


@router.get(
    f"{WS}/roadmaps",
    response=responses(200, Page[RoadmapOut]),
    summary="List roadmaps (with item counts)",
)
def list_roadmaps(
    request: HttpRequest, slug: str, page: Query[PageParams], kind: RoadmapKind | None = None
):
    member = _viewer(request, slug)
    qs = selectors.roadmaps(workspace=member.workspace)
    if kind:
        qs = qs.filter(kind=kind)
    rows = list(qs[page.offset : page.offset + page.limit])
    return {
        "items": _with_counts(member.workspace, rows),
        "count": qs.count(),
        "limit": page.limit,
        "offset": page.offset,
    }


@router.post(
    f"{WS}/roadmaps", response=responses(201, RoadmapDetailOut), summary="Create a roadmap"
)
def create_roadmap(request: HttpRequest, slug: str, data: RoadmapIn):
    member = member_for(request, slug)
    rm = services.roadmap_create(member=member, **data.dict())
    return Status(201, _roadmap_detail(member.workspace, rm.pk))


@router.get(
    f"{WS}/roadmaps/{{roadmap_id}}",
    response=responses(200, RoadmapDetailOut),
    summary="Get a roadmap with its lanes",
)
def get_roadmap(request: HttpRequest, slug: str, roadmap_id: Id):
    member = _viewer(request, slug)
    return _roadmap_detail(member.workspace, roadmap_id)


@router.patch(
    f"{WS}/roadmaps/{{roadmap_id}}",
    response=responses(200, RoadmapDetailOut),
    summary="Change a roadmap (its scale, lanes mode, colours, a portfolio's roadmaps)",
)
def update_roadmap(request: HttpRequest, slug: str, roadmap_id: Id, data: RoadmapPatch):
    member = member_for(request, slug)
    services.roadmap_update(member=member, roadmap_id=roadmap_id, **data.dict())
    return _roadmap_detail(member.workspace, roadmap_id)


@router.delete(
    f"{WS}/roadmaps/{{roadmap_id}}",
    response=responses(204),
    summary="Delete a roadmap and its items",
)
def delete_roadmap(request: HttpRequest, slug: str, roadmap_id: Id):
    services.roadmap_delete(member=member_for(request, slug), roadmap_id=roadmap_id)
    return Status(204, None)


# ---------------------------------------------------------------- lanes


@router.post(
    f"{WS}/roadmaps/{{roadmap_id}}/lanes",
    response=responses(201, LaneOut),
    summary="Add a lane (at the end)",
)
def create_lane(request: HttpRequest, slug: str, roadmap_id: Id, data: LaneIn):
    lane = services.lane_create(
        member=member_for(request, slug), roadmap_id=roadmap_id, name=data.name
    )
    return Status(201, lane)


@router.patch(
    f"{WS}/lanes/{{lane_id}}", response=responses(200, LaneOut), summary="Rename or reorder a lane"
)
def update_lane(request: HttpRequest, slug: str, lane_id: Id, data: LanePatch):
    return services.lane_update(member=member_for(request, slug), lane_id=lane_id, **data.dict())


@router.delete(
    f"{WS}/lanes/{{lane_id}}",
    response=responses(204),
    summary="Delete a lane (its items stay, without a lane)",
)
def delete_lane(request: HttpRequest, slug: str, lane_id: Id):
    services.lane_delete(member=member_for(request, slug), lane_id=lane_id)
    return Status(204, None)


# ---------------------------------------------------------------- items


@router.get(
    f"{WS}/roadmaps/{{roadmap_id}}/items",
    response=responses(200, Page[ItemOut]),
    summary="List a roadmap's items (a portfolio: its roadmaps' items)",
)
def list_items(
    request: HttpRequest,
    slug: str,
    roadmap_id: Id,
    page: Query[PageParams],
    filters: Query[ItemFilter],
):
    member = _viewer(request, slug)
    rm = _roadmap(member, roadmap_id)
    qs = selectors.items(roadmap=rm, **filters.dict())
    rows = list(qs[page.offset : page.offset + page.limit])
    return {
        "items": _flag(rows, member.workspace),
        "count": qs.count(),
        "limit": page.limit,
        "offset": page.offset,
    }


@router.post(
    f"{WS}/roadmaps/{{roadmap_id}}/items",
    response=responses(201, ItemOut),
    summary="Add an item: dated (start and end) or in a now/next/later bucket",
)
def create_item(request: HttpRequest, slug: str, roadmap_id: Id, data: ItemIn):
    member = member_for(request, slug)
    item = services.item_create(member=member, roadmap_id=roadmap_id, **data.dict())
    return Status(201, _item_out(member.workspace, item.pk))


@router.post(
    f"{WS}/roadmaps/{{roadmap_id}}/items/from-idea",
    response=responses(201, ItemOut),
    summary="Promote an idea onto the roadmap (records the decision, links the item)",
)
def create_item_from_idea(request: HttpRequest, slug: str, roadmap_id: Id, data: FromIdeaIn):
    member = member_for(request, slug)
    item = services.item_from_idea(member=member, roadmap_id=roadmap_id, **data.dict())
    return Status(201, _item_out(member.workspace, item.pk))


@router.get(f"{WS}/items/{{item_id}}", response=responses(200, ItemOut), summary="Get an item")
def get_item(request: HttpRequest, slug: str, item_id: Id):
    member = _viewer(request, slug)
    return _item_out(member.workspace, item_id)


@router.patch(
    f"{WS}/items/{{item_id}}",
    response=responses(200, ItemOut),
    summary="Change an item (only the fields sent; null clears lane, parent, team or dates)",
)
def update_item(request: HttpRequest, slug: str, item_id: Id, data: ItemPatch):
    member = member_for(request, slug)
    require(member, "roadmap.manage")
    sent = data.dict(exclude_unset=True)
    kwargs = {k: v for k, v in sent.items() if v is not None}
    for name, flag in (
        ("lane_id", "clear_lane"),
        ("parent_id", "clear_parent"),
        ("team_id", "clear_team"),
    ):
        if name in sent and sent[name] is None:
            kwargs[flag] = True
    cleared = [f for f in ("start_date", "end_date") if f in sent and sent[f] is None]
    if cleared:
        if "start_date" in kwargs or "end_date" in kwargs:
            raise Invalid.field(
                cleared[0], "Clear both dates (the item goes to a bucket) or give both."
            )
        kwargs["undate"] = True
    kwargs["version"] = data.version
    services.item_update(member=member, item_id=item_id, **kwargs)
    return _item_out(member.workspace, item_id)


@router.delete(f"{WS}/items/{{item_id}}", response=responses(204), summary="Delete an item")
def delete_item(request: HttpRequest, slug: str, item_id: Id):
    services.item_delete(member=member_for(request, slug), item_id=item_id)
    return Status(204, None)


@router.post(
    f"{WS}/items/{{item_id}}/move",
    response=responses(200, ItemOut),
    summary="Move or resize a bar (new dates, optionally a new lane); a stale version gets 409",
)
def move_item(request: HttpRequest, slug: str, item_id: Id, data: MoveIn):
    member = member_for(request, slug)
    sent = data.dict(exclude_unset=True)
    services.item_move(
        member=member,
        item_id=item_id,
        version=data.version,
        start_date=data.start_date,
        end_date=data.end_date,
        lane_id=data.lane_id,
        clear_lane="lane_id" in sent and sent["lane_id"] is None,
    )
    return _item_out(member.workspace, item_id)


# ---------------------------------------------------------------- timeline


@router.get(
    f"{WS}/roadmaps/{{roadmap_id}}/timeline",
    response=responses(200, TimelineOut),
    summary="Everything a timeline, board or table renders: lanes, items, milestones, dependencies",
)
def timeline(request: HttpRequest, slug: str, roadmap_id: Id, filters: Query[ItemFilter]):
    member = _viewer(request, slug)
    rm = _roadmap(member, roadmap_id)
    data = selectors.timeline(roadmap=rm, filters=filters.dict(exclude_none=True))
    state, today = data["dependencies"], data["today"]
    shown = _flag(data["items"], member.workspace, today, state)
    return {
        "roadmap": rm,
        "start": data["start"],
        "end": data["end"],
        "today": today,
        "lanes": [
            {
                "key": r.key,
                "name": r.name,
                "lane_id": r.lane_id,
                "item_ids": [i.pk for i in r.items],
            }
            for r in data["lanes"]
        ],
        "items": shown,
        "milestones": data["milestones"],
        "dependencies": _dependency_outs(state),
        "blocked": sorted(state.blocked),
        "late": sorted(state.late | {i.pk for i in shown if i.late}),
        "buckets": {b: [i.pk for i in rows] for b, rows in data["buckets"].items()},
    }


@router.get(
    f"{WS}/roadmaps/{{roadmap_id}}/changes",
    response=responses(200, ChangesOut),
    summary="What changed between two moments: added, removed, moved, re-scoped, edited items, and the changes upstream on other roadmaps",
)
def changes(request: HttpRequest, slug: str, roadmap_id: Id, period: Query[ChangesQuery]):
    member = _viewer(request, slug)
    rm = _roadmap(member, roadmap_id)
    since, until = _aware(period.since, "since"), _aware(period.until, "until")
    return selectors.diff(roadmap=rm, since=since, until=until)


# ---------------------------------------------------------------- milestones


@router.get(
    f"{WS}/milestones",
    response=responses(200, list[MilestoneOut]),
    summary="List milestones (of one roadmap: its own, its included roadmaps' and the shared ones)",
)
def list_milestones(request: HttpRequest, slug: str, roadmap_id: Id | None = None):
    member = _viewer(request, slug)
    if roadmap_id:
        rm = _roadmap(member, roadmap_id)
        return list(selectors.milestones(roadmap=rm))
    return list(Milestone.objects.filter(workspace=member.workspace).order_by("date", "id"))


@router.post(
    f"{WS}/milestones",
    response=responses(201, MilestoneOut),
    summary="Add a milestone (to one roadmap, or to all with roadmap_id null)",
)
def create_milestone(request: HttpRequest, slug: str, data: MilestoneIn):
    milestone = services.milestone_create(
        member=member_for(request, slug),
        name=data.name,
        date_=data.date,
        roadmap_id=data.roadmap_id,
        description=data.description,
    )
    return Status(201, milestone)


@router.patch(
    f"{WS}/milestones/{{milestone_id}}",
    response=responses(200, MilestoneOut),
    summary="Change a milestone",
)
def update_milestone(request: HttpRequest, slug: str, milestone_id: Id, data: MilestonePatch):
    return services.milestone_update(
        member=member_for(request, slug),
        milestone_id=milestone_id,
        version=data.version,
        name=data.name,
        date_=data.date,
        description=data.description,
    )


@router.delete(
    f"{WS}/milestones/{{milestone_id}}", response=responses(204), summary="Delete a milestone"
)
def delete_milestone(request: HttpRequest, slug: str, milestone_id: Id):
    services.milestone_delete(member=member_for(request, slug), milestone_id=milestone_id)
    return Status(204, None)


# ---------------------------------------------------------------- dependencies


@router.get(
    f"{WS}/dependencies",
    response=responses(200, list[DependencyOut]),
    summary="List dependencies (of one roadmap's items, across roadmaps), flagging violated ones",
)
def list_dependencies(request: HttpRequest, slug: str, roadmap_id: Id | None = None):
    member = _viewer(request, slug)
    item_ids = None
    if roadmap_id:
        rm = _roadmap(member, roadmap_id)
        item_ids = list(
            RoadmapItem.objects.filter(roadmap_id__in=selectors.roadmap_ids_shown(rm)).values_list(
                "pk", flat=True
            )
        )
    return _dependency_outs(
        selectors.dependency_state(item_ids=item_ids, workspace=member.workspace)
    )


@router.post(
    f"{WS}/dependencies",
    response=responses(201, DependencyOut),
    summary="Make an item wait for another (also across roadmaps); loops are refused",
)
def create_dependency(request: HttpRequest, slug: str, data: DependencyIn):
    dependency = services.dependency_create(member=member_for(request, slug), **data.dict())
    dependency.violated = selectors.violates(dependency)
    return Status(201, dependency)


@router.delete(
    f"{WS}/dependencies/{{dependency_id}}",
    response=responses(204),
    summary="Remove a dependency",
)
def delete_dependency(request: HttpRequest, slug: str, dependency_id: Id):
    services.dependency_delete(member=member_for(request, slug), dependency_id=dependency_id)
    return Status(204, None)


# ---------------------------------------------------------------- saved views


@router.get(
    f"{WS}/roadmaps/{{roadmap_id}}/views",
    response=responses(200, list[SavedViewOut]),
    summary="A roadmap's saved views (named filters)",
)
def list_views(request: HttpRequest, slug: str, roadmap_id: Id):
    member = _viewer(request, slug)
    rm = _roadmap(member, roadmap_id)
    return list(selectors.saved_views(roadmap=rm))


@router.post(
    f"{WS}/roadmaps/{{roadmap_id}}/views",
    response=responses(201, SavedViewOut),
    summary="Save a view (timeline, board or table with filters) for everyone",
)
def create_view(request: HttpRequest, slug: str, roadmap_id: Id, data: SavedViewIn):
    saved = services.saved_view_create(
        member=member_for(request, slug),
        roadmap_id=roadmap_id,
        name=data.name,
        view=data.view,
        filters=data.filters.dict(exclude_none=True),
    )
    return Status(201, saved)


@router.delete(f"{WS}/views/{{view_id}}", response=responses(204), summary="Delete a saved view")
def delete_view(request: HttpRequest, slug: str, view_id: Id):
    services.saved_view_delete(member=member_for(request, slug), view_id=view_id)
    return Status(204, None)


# ---------------------------------------------------------------- share links and calendar feeds


@router.get(
    f"{WS}/share-links",
    response=responses(200, list[ShareLinkOut]),
    summary="List read-only share links (never their secrets)",
)
def list_share_links(request: HttpRequest, slug: str):
    member = _viewer(request, slug)
    return list(selectors.share_links(workspace=member.workspace))


@router.post(
    f"{WS}/share-links",
    response=responses(201, ShareLinkCreated),
    summary="Create a read-only share link or kiosk rotation (the token is shown once)",
)
def create_share_link(request: HttpRequest, slug: str, data: ShareLinkIn):
    link, raw = services.share_link_create(
        member=member_for(request, slug),
        name=data.name,
        views=[
            {"roadmap": v.roadmap, "view": v.view, "filters": v.filters.dict(exclude_none=True)}
            for v in data.views
        ],
        rotate_seconds=data.rotate_seconds,
        expires_at=_aware(data.expires_at, "expires_at"),
        password=data.password,
    )
    link.token, link.url = raw, f"/share/{raw}"
    return Status(201, link)


@router.delete(
    f"{WS}/share-links/{{link_id}}",
    response=responses(204),
    summary="Revoke a share link (it stops working at once)",
)
def revoke_share_link(request: HttpRequest, slug: str, link_id: Id):
    services.share_link_revoke(member=member_for(request, slug), link_id=link_id)
    return Status(204, None)


@router.get(
    f"{WS}/roadmaps/{{roadmap_id}}/calendar-feeds",
    response=responses(200, list[CalendarFeedOut]),
    summary="A roadmap's active calendar feeds (never their secrets)",
)
def list_calendar_feeds(request: HttpRequest, slug: str, roadmap_id: Id):
    member = _viewer(request, slug)
    rm = _roadmap(member, roadmap_id)
    return list(selectors.calendar_feeds(roadmap=rm))


@router.post(
    f"{WS}/roadmaps/{{roadmap_id}}/calendar-feeds",
    response=responses(201, CalendarFeedCreated),
    summary="Create an iCalendar feed of the roadmap (the token is shown once)",
)
def create_calendar_feed(request: HttpRequest, slug: str, roadmap_id: Id):
    feed, raw = services.calendar_feed_create(
        member=member_for(request, slug), roadmap_id=roadmap_id
    )
    feed.token, feed.url = raw, f"/calendar/{raw}.ics"
    return Status(201, feed)


@router.delete(
    f"{WS}/calendar-feeds/{{feed_id}}",
    response=responses(204),
    summary="Revoke a calendar feed",
)
def revoke_calendar_feed(request: HttpRequest, slug: str, feed_id: Id):
    services.calendar_feed_revoke(member=member_for(request, slug), feed_id=feed_id)
    return Status(204, None)
