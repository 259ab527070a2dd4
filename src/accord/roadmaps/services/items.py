"""Writes to roadmap items (bars) and their dependencies."""

from datetime import date

from django.db import transaction

from accord.audit.services import record
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, Invalid
from accord.ideas import services as idea_services
from accord.ideas.models import Idea, IdeaStatus
from accord.ideas.services.common import tags_named
from accord.roadmaps.models import Bucket, Dependency, DependencyKind, ItemStatus, Lane, RoadmapItem
from accord.workspaces.models import Membership, Person, Team
from accord.workspaces.permissions import require

from .common import (
    ITEM_FIELDS,
    check_dates,
    get_dependency,
    get_item,
    get_roadmap,
    item_state,
    referenced,
    remember,
)


def _lane_of(roadmap_id: int, lane_id: int | None) -> Lane | None:
    if not lane_id:
        return None
    lane = Lane.objects.filter(pk=lane_id, roadmap_id=roadmap_id).first()
    if lane is None:
        raise Invalid.field("lane_id", "No such lane on this roadmap.")
    return lane


def _parent_of(
    member: Membership, item: RoadmapItem | None, roadmap_id: int, parent_id: int | None
) -> RoadmapItem | None:
    if not parent_id:
        return None
    parent = RoadmapItem.objects.filter(
        pk=parent_id, workspace_id=member.workspace_id, roadmap_id=roadmap_id
    ).first()
    if parent is None:
        raise Invalid.field("parent_id", "The container must be an item of the same roadmap.")
    # A container cannot end up inside itself.
    seen, cursor = set(), parent
    while cursor is not None:
        if item is not None and cursor.pk == item.pk:
            raise Invalid.field("parent_id", "An item cannot contain itself.")
        if cursor.pk in seen:
            break
        seen.add(cursor.pk)
        cursor = cursor.parent
    return parent


def _team_of(member: Membership, team_id: int | None) -> Team | None:
    if not team_id:
        return None
    team = Team.objects.filter(pk=team_id, workspace_id=member.workspace_id).first()
    if team is None:
        raise Invalid.field("team_id", "No such team in this workspace.")
    return team


def _people_of(member: Membership, ids: list[int]) -> list[Person]:
    people = list(Person.objects.filter(workspace_id=member.workspace_id, pk__in=set(ids)))
    if len(people) != len(set(ids)):
        raise Invalid.field("people_ids", "One or more people do not exist in this workspace.")
    return people


def _clean_item(status: str, percent_done: int, bucket: str) -> None:
    if status not in ItemStatus.values:
        raise Invalid.field(
            "status", f"Unknown status {status!r}; use one of {', '.join(ItemStatus.values)}."
        )
    if not 0 <= percent_done <= 100:
        raise Invalid.field("percent_done", "Percent done is between 0 and 100.")
    if bucket and bucket not in Bucket.values:
        raise Invalid.field("bucket", "Use now, next or later.")


@transaction.atomic
def item_create(
    *,
    member: Membership,
    roadmap_id: int,
    title: str,
    description: str = "",
    lane_id: int | None = None,
    parent_id: int | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    bucket: str = "",
    status: str = ItemStatus.PLANNED,
    percent_done: int = 0,
    tags: list[str] | None = None,
    team_id: int | None = None,
    idea_id: int | None = None,
    people_ids: list[int] | None = None,
) -> RoadmapItem:
    require(member, "roadmap.manage")
    roadmap = get_roadmap(member, roadmap_id)
    bucket = "" if start_date else (bucket or "")
    check_dates(start_date, end_date, bucket)
    _clean_item(status, percent_done, bucket)
    idea = None
    if idea_id:
        idea = Idea.objects.filter(pk=idea_id, workspace_id=member.workspace_id).first()
        if idea is None:
            raise Invalid.field("idea_id", "No such idea in this workspace.")
    item = RoadmapItem.objects.create(
        workspace_id=member.workspace_id,
        roadmap=roadmap,
        title=clean_text(title, "title", required=True, max_length=200),
        description=clean_text(description, "description", max_length=20000, multiline=True),
        lane=_lane_of(roadmap.pk, lane_id),
        parent=_parent_of(member, None, roadmap.pk, parent_id),
        start_date=start_date,
        end_date=end_date,
        bucket=bucket,
        status=status,
        percent_done=percent_done,
        team=_team_of(member, team_id),
        idea=idea,
        position=(
            RoadmapItem.objects.filter(roadmap=roadmap)
            .order_by("-position")
            .values_list("position", flat=True)
            .first()
            or 0
        )
        + 1,
    )
    if tags:
        item.tags.set(tags_named(member, tags))
    if people_ids:
        item.people.set(_people_of(member, people_ids))
    remember(member, item, "created")
    return item


@transaction.atomic
def item_update(
    *,
    member: Membership,
    item_id: int,
    version: int,
    title: str | None = None,
    description: str | None = None,
    lane_id: int | None = None,
    clear_lane: bool = False,
    parent_id: int | None = None,
    clear_parent: bool = False,
    start_date: date | None = None,
    end_date: date | None = None,
    undate: bool = False,
    bucket: str | None = None,
    status: str | None = None,
    percent_done: int | None = None,
    tags: list[str] | None = None,
    team_id: int | None = None,
    clear_team: bool = False,
    people_ids: list[int] | None = None,
    roadmap_id: int | None = None,
    position: int | None = None,
) -> RoadmapItem:
    """Change an item; a stale `version` (someone else moved it first) gets 409 and changes nothing."""
    require(member, "roadmap.manage")
    item = get_item(member, item_id)
    before = item_state(item)
    if roadmap_id is not None and roadmap_id != item.roadmap_id:
        item.roadmap = referenced(get_roadmap, member, roadmap_id, "roadmap_id")
        if not (lane_id or clear_lane):
            item.lane = None
        if not parent_id:
            item.parent = None
    if title is not None:
        item.title = clean_text(title, "title", required=True, max_length=200)
    if description is not None:
        item.description = clean_text(description, "description", max_length=20000, multiline=True)
    if lane_id is not None or clear_lane:
        item.lane = _lane_of(item.roadmap_id, lane_id)
    if parent_id is not None or clear_parent:
        item.parent = _parent_of(member, item, item.roadmap_id, parent_id)
    if undate:
        item.start_date = item.end_date = None
        item.bucket = bucket or item.bucket or Bucket.LATER
    elif start_date is not None or end_date is not None:
        item.start_date = start_date if start_date is not None else item.start_date
        item.end_date = end_date if end_date is not None else item.end_date
        item.bucket = ""
    elif bucket is not None:
        item.bucket = bucket
    check_dates(item.start_date, item.end_date, item.bucket)
    if status is not None:
        item.status = status
    if percent_done is not None:
        item.percent_done = percent_done
    if team_id is not None or clear_team:
        item.team = _team_of(member, team_id)
    if position is not None:
        item.position = position
    _clean_item(item.status, item.percent_done, item.bucket)
    # Foreign keys by their ids (ITEM_FIELDS): reading `item.roadmap` would load the roadmap for nothing.
    save_versioned(item, version, [f for f in ITEM_FIELDS if f != "idea_id"])
    also = None
    if tags is not None:
        old_tags = sorted(item.tags.values_list("name", flat=True))
        item.tags.set(tags_named(member, tags))
        new_tags = sorted(item.tags.values_list("name", flat=True))
        also = ({"tags": old_tags}, {"tags": new_tags}) if new_tags != old_tags else None
    if people_ids is not None:
        item.people.set(_people_of(member, people_ids))
    remember(member, item, "updated", before, also)
    return item


@transaction.atomic
def item_move(
    *,
    member: Membership,
    item_id: int,
    version: int,
    start_date: date,
    end_date: date,
    lane_id: int | None = None,
    clear_lane: bool = False,
) -> RoadmapItem:
    """Drag a bar: new dates (and lane). The hot path of the timeline, kept to a few queries."""
    return item_update(
        member=member,
        item_id=item_id,
        version=version,
        start_date=start_date,
        end_date=end_date,
        lane_id=lane_id,
        clear_lane=clear_lane,
    )


@transaction.atomic
def item_delete(*, member: Membership, item_id: int) -> None:
    require(member, "roadmap.manage")
    item = get_item(member, item_id)
    before = item_state(item)
    item_pk = item.pk
    item.delete()
    item.pk = item_pk
    remember(member, item, "deleted", before)


@transaction.atomic
def item_from_idea(
    *,
    member: Membership,
    roadmap_id: int,
    idea_id: int,
    reason: str,
    lane_id: int | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    bucket: str = "",
) -> RoadmapItem:
    """Promote an idea onto a roadmap: the decision is recorded on the idea and the bar links to it."""
    require(member, "roadmap.manage")
    idea = Idea.objects.filter(pk=idea_id, workspace_id=member.workspace_id).first()
    if idea is None:
        raise Invalid.field("idea_id", "No such idea in this workspace.")
    if idea.status == IdeaStatus.MERGED:
        raise Conflict("This idea was merged into another; promote that one.")
    if idea.status != IdeaStatus.PLANNED:
        idea_services.decide(
            member=member, idea_id=idea.pk, kind="promote", reason=reason or "Added to the roadmap."
        )
    return item_create(
        member=member,
        roadmap_id=roadmap_id,
        title=idea.title,
        description=idea.description,
        lane_id=lane_id,
        start_date=start_date,
        end_date=end_date,
        bucket=bucket or ("" if start_date else Bucket.NEXT),
        idea_id=idea.pk,
        tags=list(idea.tags.values_list("name", flat=True)),
        team_id=idea.department_id,
    )


# ---------------------------------------------------------------- dependencies


def _would_cycle(predecessor_id: int, successor_id: int) -> bool:
    """True if successor already (transitively) comes before predecessor."""
    frontier, seen = [successor_id], set()
    while frontier:
        current = frontier.pop()
        if current == predecessor_id:
            return True
        if current in seen:
            continue
        seen.add(current)
        frontier.extend(
            Dependency.objects.filter(predecessor_id=current).values_list("successor_id", flat=True)
        )
    return False


@transaction.atomic
def dependency_create(
    *,
    member: Membership,
    predecessor_id: int,
    successor_id: int,
    kind: str = DependencyKind.FINISH_TO_START,
) -> Dependency:
    require(member, "roadmap.manage")
    if kind not in DependencyKind.values:
        raise Invalid.field("kind", f"Use one of {', '.join(DependencyKind.values)}.")
    if predecessor_id == successor_id:
        raise Invalid.field("successor_id", "An item cannot wait for itself.")
    predecessor = referenced(get_item, member, predecessor_id, "predecessor_id")
    successor = referenced(get_item, member, successor_id, "successor_id")
    if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise Invalid.field("successor_id", "This dependency already exists.")
    if _would_cycle(predecessor.pk, successor.pk):
        raise Invalid.field(
            "successor_id",
            "That would make a loop: the successor already comes before the predecessor.",
        )
    dependency = Dependency.objects.create(
        workspace_id=member.workspace_id, predecessor=predecessor, successor=successor, kind=kind
    )
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=dependency,
        object_type="dependency",
        object_label=f"{successor.title} waits for {predecessor.title}",
        after={"predecessor": predecessor.pk, "successor": successor.pk, "kind": kind},
    )
    return dependency


@transaction.atomic
def dependency_delete(*, member: Membership, dependency_id: int) -> None:
    require(member, "roadmap.manage")
    dependency = get_dependency(member, dependency_id)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=dependency,
        object_type="dependency",
        object_label=f"{dependency.successor.title} waits for {dependency.predecessor.title}",
        before={"kind": dependency.kind},
    )
    dependency.delete()
