"""Lookups, cleaning and the snapshot/audit bookkeeping shared by the roadmap services."""

from datetime import date

from accord.audit.services import record
from accord.core import facets
from accord.core.errors import Invalid, NotFound
from accord.roadmaps.models import (
    Dependency,
    ItemSnapshot,
    ItemStatus,
    Lane,
    Milestone,
    Roadmap,
    RoadmapItem,
)
from accord.roadmaps.selectors import roadmap_ids_shown
from accord.workspaces.models import Membership, Team

ITEM_FIELDS = [
    "roadmap_id",
    "title",
    "description",
    "lane_id",
    "parent_id",
    "start_date",
    "end_date",
    "bucket",
    "status",
    "percent_done",
    "team_id",
    "idea_id",
    "position",
]


def get_roadmap(member: Membership, roadmap_id: int) -> Roadmap:
    try:
        return Roadmap.objects.get(pk=roadmap_id, workspace_id=member.workspace_id)
    except Roadmap.DoesNotExist as exc:
        raise NotFound("No such roadmap in this workspace.") from exc


def get_item(member: Membership, item_id: int) -> RoadmapItem:
    try:
        return RoadmapItem.objects.get(pk=item_id, workspace_id=member.workspace_id)
    except RoadmapItem.DoesNotExist as exc:
        raise NotFound("No such roadmap item in this workspace.") from exc


def referenced(getter, member: Membership, pk: int, field: str):
    """An object named in the request body: unknown (or another workspace's) is invalid input."""
    try:
        return getter(member, pk)
    except NotFound as exc:
        raise Invalid.field(field, exc.detail) from exc


def get_lane(member: Membership, lane_id: int) -> Lane:
    try:
        return Lane.objects.select_related("roadmap").get(
            pk=lane_id, roadmap__workspace_id=member.workspace_id
        )
    except Lane.DoesNotExist as exc:
        raise NotFound("No such lane in this workspace.") from exc


def get_milestone(member: Membership, milestone_id: int) -> Milestone:
    try:
        return Milestone.objects.get(pk=milestone_id, workspace_id=member.workspace_id)
    except Milestone.DoesNotExist as exc:
        raise NotFound("No such milestone in this workspace.") from exc


def get_dependency(member: Membership, dependency_id: int) -> Dependency:
    try:
        return Dependency.objects.select_related("predecessor", "successor").get(
            pk=dependency_id, workspace_id=member.workspace_id
        )
    except Dependency.DoesNotExist as exc:
        raise NotFound("No such dependency in this workspace.") from exc


FILTER_KEYS = ("tag", "team_id", "status", "lane_id")


def clean_filters(roadmap: Roadmap, filters: object, field: str = "filters") -> dict:
    """The filters a saved view or a share link stores for `roadmap`: known keys only, a lane the
    roadmap shows (its own, or an included roadmap's), a team of its workspace, a known status.
    Anything else is invalid input naming `field`.<key>; empty values are dropped. The filters higher
    apps add (accord.core.facets, e.g. "stage") take one of their options."""
    if filters is None:
        return {}
    added = {f.key: f for f in facets.for_target("roadmap_item")}
    keys = (*FILTER_KEYS, *added)
    if not isinstance(filters, dict) or set(filters) - set(keys):
        raise Invalid.field(field, f"Filters may use {', '.join(keys)}.")
    cleaned: dict = {}
    for key, facet in added.items():
        value = filters.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or value not in dict(facet.options(roadmap.workspace_id)):
            raise Invalid.field(f"{field}.{key}", f"No such {facet.label.lower()} in this workspace.")
        cleaned[key] = value
    tag = filters.get("tag")
    if tag not in (None, ""):
        if not isinstance(tag, str) or len(tag.strip()) > 60:
            raise Invalid.field(f"{field}.tag", "Give a tag name of at most 60 characters.")
        if tag.strip():
            cleaned["tag"] = tag.strip()
    status = filters.get("status")
    if status not in (None, ""):
        if status not in ItemStatus.values:
            raise Invalid.field(f"{field}.status", f"Use one of {', '.join(ItemStatus.values)}.")
        cleaned["status"] = status
    lookups = {
        "team_id": (
            Team.objects.filter(workspace_id=roadmap.workspace_id),
            "No such team in this workspace.",
        ),
        "lane_id": (
            Lane.objects.filter(roadmap_id__in=[roadmap.pk, *roadmap_ids_shown(roadmap)]),
            "No such lane on this roadmap.",
        ),
    }
    for key, (candidates, missing) in lookups.items():
        value = filters.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid.field(f"{field}.{key}", "Give an id (a whole number).")
        if not candidates.filter(pk=value).exists():
            raise Invalid.field(f"{field}.{key}", missing)
        cleaned[key] = value
    return cleaned


def check_dates(start: date | None, end: date | None, bucket: str) -> None:
    if (start is None) != (end is None):
        raise Invalid.field(
            "end_date" if end is None else "start_date",
            "Give both a start and an end date, or neither (then a now/next/later bucket).",
        )
    if start and end and end < start:
        raise Invalid.field("end_date", "The end date is before the start date.")
    if start is None and bucket not in ("now", "next", "later"):
        raise Invalid.field("bucket", "An undated item goes in the now, next or later bucket.")


def item_state(item: RoadmapItem) -> dict:
    state = {name: getattr(item, name) for name in ITEM_FIELDS}
    for key in ("start_date", "end_date"):
        state[key] = state[key].isoformat() if state[key] else None
    return state


def remember(
    member: Membership,
    item: RoadmapItem,
    action: str,
    before: dict | None = None,
    also: tuple[dict, dict] | None = None,
) -> None:
    """The audit entry and the snapshot used by "what changed since" for one item change.

    also: (before, after) of what the snapshot does not keep (tags), for the audit entry only."""
    after = item_state(item) if action != "deleted" else None
    ItemSnapshot.objects.create(
        item_id=item.pk,
        roadmap_id=item.roadmap_id,
        data=after or before or {},
        removed=action == "deleted",
    )
    record(
        workspace=member.workspace,
        actor=member.user,
        action=action,
        obj=item,
        object_type="roadmap item",
        before={**before, **also[0]} if also and before is not None else before,
        after={**after, **also[1]} if also and after is not None else after,
    )
