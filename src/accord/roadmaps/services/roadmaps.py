"""Writes to roadmaps, lanes and milestones."""

from datetime import date

from django.db import transaction

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Invalid, NotFound
from accord.roadmaps.models import (
    ColorBy,
    Lane,
    LaneMode,
    Milestone,
    Roadmap,
    RoadmapKind,
    SavedView,
    TimeScale,
)
from accord.workspaces.models import Membership
from accord.workspaces.permissions import require

from .common import clean_filters, get_lane, get_milestone, get_roadmap, referenced

ROADMAP_FIELDS = ["name", "kind", "description", "time_scale", "lane_mode", "color_by"]
COLOR_BY = tuple(ColorBy.values)


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise Invalid.field(
            field,
            f"Unknown {field.replace('_', ' ')} {value!r}; use one of {', '.join(choices.values)}.",
        )
    return value


def _includes(member: Membership, roadmap: Roadmap | None, ids: list[int]) -> list[Roadmap]:
    found = list(
        Roadmap.objects.filter(workspace_id=member.workspace_id, pk__in=set(ids)).exclude(
            kind=RoadmapKind.PORTFOLIO
        )
    )
    if len(found) != len(set(ids)) or (roadmap and roadmap.pk in ids):
        raise Invalid.field(
            "includes", "A portfolio includes other (non-portfolio) roadmaps of this workspace."
        )
    return found


@transaction.atomic
def roadmap_create(
    *,
    member: Membership,
    name: str,
    kind: str = RoadmapKind.PRODUCT,
    description: str = "",
    time_scale: str = TimeScale.MONTHS,
    lane_mode: str = LaneMode.CUSTOM,
    color_by: str = "status",
    lanes: list[str] | None = None,
    includes: list[int] | None = None,
) -> Roadmap:
    require(member, "roadmap.manage")
    name = clean_text(name, "name", required=True, max_length=120)
    if Roadmap.objects.filter(workspace_id=member.workspace_id, name__iexact=name).exists():
        raise Invalid.field("name", f"A roadmap called {name!r} already exists.")
    if color_by not in COLOR_BY:
        raise Invalid.field("color_by", f"Colour by one of {', '.join(COLOR_BY)}.")
    roadmap = Roadmap.objects.create(
        workspace_id=member.workspace_id,
        name=name,
        kind=_choice(kind, RoadmapKind, "kind"),
        owner=member.user,
        description=clean_text(description, "description", max_length=5000, multiline=True),
        time_scale=_choice(time_scale, TimeScale, "time_scale"),
        lane_mode=_choice(lane_mode, LaneMode, "lane_mode"),
        color_by=color_by,
    )
    if includes:
        if kind != RoadmapKind.PORTFOLIO:
            raise Invalid.field("includes", "Only a portfolio roadmap includes other roadmaps.")
        roadmap.includes.set(_includes(member, roadmap, includes))
    for position, lane_name in enumerate(lanes or []):
        try:
            _lane_create(roadmap, lane_name, position)
        except Invalid as exc:  # name the lane, not the roadmap's name
            raise Invalid.field(f"lanes.{position}", exc.errors[0].message) from exc
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=roadmap,
        after={**snapshot(roadmap, ROADMAP_FIELDS), "lanes": lanes or []},
    )
    return roadmap


@transaction.atomic
def roadmap_update(
    *,
    member: Membership,
    roadmap_id: int,
    version: int,
    name: str | None = None,
    description: str | None = None,
    time_scale: str | None = None,
    lane_mode: str | None = None,
    color_by: str | None = None,
    includes: list[int] | None = None,
) -> Roadmap:
    require(member, "roadmap.manage")
    roadmap = get_roadmap(member, roadmap_id)
    before = snapshot(roadmap, ROADMAP_FIELDS)
    if name is not None:
        roadmap.name = clean_text(name, "name", required=True, max_length=120)
        if (
            Roadmap.objects.filter(workspace_id=member.workspace_id, name__iexact=roadmap.name)
            .exclude(pk=roadmap.pk)
            .exists()
        ):
            raise Invalid.field("name", f"A roadmap called {roadmap.name!r} already exists.")
    if description is not None:
        roadmap.description = clean_text(description, "description", max_length=5000, multiline=True)
    if time_scale is not None:
        roadmap.time_scale = _choice(time_scale, TimeScale, "time_scale")
    if lane_mode is not None:
        roadmap.lane_mode = _choice(lane_mode, LaneMode, "lane_mode")
    if color_by is not None:
        if color_by not in COLOR_BY:
            raise Invalid.field("color_by", f"Colour by one of {', '.join(COLOR_BY)}.")
        roadmap.color_by = color_by
    save_versioned(roadmap, version, ROADMAP_FIELDS)
    if includes is not None:
        if roadmap.kind != RoadmapKind.PORTFOLIO:
            raise Invalid.field("includes", "Only a portfolio roadmap includes other roadmaps.")
        roadmap.includes.set(_includes(member, roadmap, includes))
    record(
        workspace=member.workspace,
        actor=member.user,
        action="updated",
        obj=roadmap,
        before=before,
        after=snapshot(roadmap, ROADMAP_FIELDS),
    )
    return roadmap


@transaction.atomic
def roadmap_delete(*, member: Membership, roadmap_id: int) -> None:
    require(member, "roadmap.manage")
    roadmap = get_roadmap(member, roadmap_id)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=roadmap,
        before=snapshot(roadmap, ROADMAP_FIELDS),
    )
    roadmap.delete()


def _lane_create(roadmap: Roadmap, name: str, position: int) -> Lane:
    name = clean_text(name, "name", required=True, max_length=120)
    if Lane.objects.filter(roadmap=roadmap, name__iexact=name).exists():
        raise Invalid.field("name", f"The lane {name!r} already exists on this roadmap.")
    return Lane.objects.create(roadmap=roadmap, name=name, position=position)


@transaction.atomic
def lane_create(*, member: Membership, roadmap_id: int, name: str) -> Lane:
    require(member, "roadmap.manage")
    roadmap = get_roadmap(member, roadmap_id)
    position = (
        roadmap.lanes.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    lane = _lane_create(roadmap, name, position)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=lane,
        object_type="lane",
        after={"roadmap": roadmap.name, "name": lane.name},
    )
    return lane


@transaction.atomic
def lane_update(
    *, member: Membership, lane_id: int, name: str | None = None, position: int | None = None
) -> Lane:
    require(member, "roadmap.manage")
    lane = get_lane(member, lane_id)
    before = {"name": lane.name, "position": lane.position}
    if name is not None:
        lane.name = clean_text(name, "name", required=True, max_length=120)
        if (
            Lane.objects.filter(roadmap_id=lane.roadmap_id, name__iexact=lane.name)
            .exclude(pk=lane.pk)
            .exists()
        ):
            raise Invalid.field("name", f"The lane {lane.name!r} already exists on this roadmap.")
    if position is not None:
        lane.position = max(0, position)
    lane.save(update_fields=["name", "position"])
    record(
        workspace=member.workspace,
        actor=member.user,
        action="updated",
        obj=lane,
        object_type="lane",
        before=before,
        after={"name": lane.name, "position": lane.position},
    )
    return lane


@transaction.atomic
def lane_delete(*, member: Membership, lane_id: int) -> None:
    """Items of the lane stay on the roadmap, without a lane."""
    require(member, "roadmap.manage")
    lane = get_lane(member, lane_id)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=lane,
        object_type="lane",
        before={"name": lane.name},
    )
    lane.delete()


@transaction.atomic
def milestone_create(
    *,
    member: Membership,
    name: str,
    date_: date,
    roadmap_id: int | None = None,
    description: str = "",
) -> Milestone:
    require(member, "roadmap.manage")
    roadmap = referenced(get_roadmap, member, roadmap_id, "roadmap_id") if roadmap_id else None
    milestone = Milestone.objects.create(
        workspace_id=member.workspace_id,
        roadmap=roadmap,
        name=clean_text(name, "name", required=True, max_length=120),
        date=date_,
        description=clean_text(description, "description", max_length=2000, multiline=True),
    )
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=milestone,
        after={
            "name": milestone.name,
            "date": date_,
            "roadmap": roadmap.name if roadmap else "all roadmaps",
        },
    )
    return milestone


@transaction.atomic
def milestone_update(
    *,
    member: Membership,
    milestone_id: int,
    version: int,
    name: str | None = None,
    date_: date | None = None,
    description: str | None = None,
) -> Milestone:
    require(member, "roadmap.manage")
    milestone = get_milestone(member, milestone_id)
    before = snapshot(milestone, ["name", "date", "description"])
    if name is not None:
        milestone.name = clean_text(name, "name", required=True, max_length=120)
    if date_ is not None:
        milestone.date = date_
    if description is not None:
        milestone.description = clean_text(description, "description", max_length=2000, multiline=True)
    save_versioned(milestone, version, ["name", "date", "description"])
    record(
        workspace=member.workspace,
        actor=member.user,
        action="updated",
        obj=milestone,
        before=before,
        after=snapshot(milestone, ["name", "date", "description"]),
    )
    return milestone


@transaction.atomic
def milestone_delete(*, member: Membership, milestone_id: int) -> None:
    require(member, "roadmap.manage")
    milestone = get_milestone(member, milestone_id)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=milestone,
        before={"name": milestone.name, "date": milestone.date},
    )
    milestone.delete()


@transaction.atomic
def saved_view_create(
    *,
    member: Membership,
    roadmap_id: int,
    name: str,
    view: str = "timeline",
    filters: dict | None = None,
) -> SavedView:
    """A named filter (tag, team, status, lane) of a roadmap view, for everyone in the workspace."""
    require(member, "roadmap.manage")
    roadmap = get_roadmap(member, roadmap_id)
    if view not in ("timeline", "board", "table"):
        raise Invalid.field("view", "Use timeline, board or table.")
    filters = clean_filters(roadmap, filters)
    saved = SavedView.objects.create(
        roadmap=roadmap,
        name=clean_text(name, "name", required=True, max_length=120),
        view=view,
        filters=filters,
        created_by=member.user,
    )
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=saved,
        object_type="saved view",
        object_label=saved.name,
        after={"view": view, "filters": filters},
    )
    return saved


@transaction.atomic
def saved_view_delete(*, member: Membership, view_id: int) -> None:
    require(member, "roadmap.manage")
    saved = SavedView.objects.filter(pk=view_id, roadmap__workspace_id=member.workspace_id).first()
    if saved is None:
        raise NotFound("No such saved view in this workspace.")
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=saved,
        object_type="saved view",
        object_label=saved.name,
    )
    saved.delete()
