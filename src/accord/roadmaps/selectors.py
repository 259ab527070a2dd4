"""Reads for roadmaps: the timeline/board/table data, dependency flags and "what changed since"."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accord.core.errors import Invalid, NotFound
from accord.ideas.models import Tag
from accord.workspaces.models import Person, Workspace

from . import extensions
from .models import (
    CalendarFeed,
    Dependency,
    DependencyKind,
    ItemSnapshot,
    ItemStatus,
    Lane,
    LaneMode,
    Milestone,
    Roadmap,
    RoadmapItem,
    RoadmapKind,
    SavedView,
    ShareLink,
)


def roadmaps(*, workspace: Workspace) -> QuerySet[Roadmap]:
    return Roadmap.objects.filter(workspace=workspace).prefetch_related("includes").order_by("name")


def roadmap(*, workspace: Workspace, roadmap_id: int) -> Roadmap:
    found = roadmaps(workspace=workspace).filter(pk=roadmap_id).first()
    if found is None:
        raise NotFound("No such roadmap in this workspace.")
    return found


def roadmap_ids_shown(rm: Roadmap) -> list[int]:
    """A portfolio shows its included roadmaps' items (the same objects); others show their own."""
    if rm.kind == RoadmapKind.PORTFOLIO:
        return [r.pk for r in rm.includes.all()]
    return [rm.pk]


def items(
    *,
    roadmap: Roadmap,
    tag: str | None = None,
    team_id: int | None = None,
    status: str | None = None,
    lane_id: int | None = None,
    q: str | None = None,
) -> QuerySet[RoadmapItem]:
    qs = (
        RoadmapItem.objects.filter(roadmap_id__in=roadmap_ids_shown(roadmap))
        .select_related("lane", "team", "roadmap", "idea")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
            Prefetch("people", queryset=Person.objects.order_by("name")),
        )
    )
    if tag:
        qs = qs.filter(tags__name__iexact=tag)
    if team_id:
        qs = qs.filter(team_id=team_id)
    if status:
        if status not in ItemStatus.values:
            raise Invalid.field("status", f"Unknown status {status!r}.")
        qs = qs.filter(status=status)
    if lane_id:
        qs = qs.filter(lane_id=lane_id)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return qs.order_by("start_date", "position", "id")


def item(*, workspace: Workspace, item_id: int) -> RoadmapItem:
    found = (
        RoadmapItem.objects.filter(workspace=workspace, pk=item_id)
        .select_related("lane", "team", "roadmap", "idea", "parent")
        .prefetch_related("tags", "people")
        .first()
    )
    if found is None:
        raise NotFound("No such roadmap item in this workspace.")
    return found


def milestones(*, roadmap: Roadmap) -> QuerySet[Milestone]:
    """The roadmap's own milestones (and its included roadmaps'), plus the workspace-wide ones."""
    return Milestone.objects.filter(
        Q(roadmap_id__in=[roadmap.pk, *roadmap_ids_shown(roadmap)])
        | Q(roadmap__isnull=True, workspace_id=roadmap.workspace_id)
    ).order_by("date", "id")


@dataclass
class DependencyState:
    dependencies: list[Dependency]
    violated: set[int] = field(default_factory=set)  # dependency ids whose dates conflict
    blocked: set[int] = field(
        default_factory=set
    )  # item ids waiting for a late or conflicting predecessor
    late: set[int] = field(default_factory=set)  # item ids past their end date and not done


def is_late(it: RoadmapItem, today: date) -> bool:
    return bool(
        it.end_date
        and it.end_date < today
        and it.status not in (ItemStatus.DONE, ItemStatus.CANCELLED)
    )


def violates(dep: Dependency) -> bool:
    """Finish-to-start: the successor starts before the predecessor ends. Start-to-start: starts before it starts."""
    pred, succ = dep.predecessor, dep.successor
    if not (pred.start_date and pred.end_date and succ.start_date):
        return False
    if dep.kind == DependencyKind.START_TO_START:
        return succ.start_date < pred.start_date
    return succ.start_date <= pred.end_date


def dependency_state(
    *, item_ids: list[int] | None = None, workspace: Workspace, today: date | None = None
) -> DependencyState:
    """Dependencies touching the given items (across roadmaps), which are violated and which items are blocked."""
    today = today or timezone.localdate()
    qs = Dependency.objects.filter(workspace=workspace).select_related(
        "predecessor__roadmap", "successor__roadmap"
    )
    if item_ids is not None:
        qs = qs.filter(Q(predecessor_id__in=item_ids) | Q(successor_id__in=item_ids))
    deps = list(qs)
    state = DependencyState(dependencies=deps)
    for dep in deps:
        for it in (dep.predecessor, dep.successor):
            if is_late(it, today):
                state.late.add(it.pk)
        if violates(dep):
            state.violated.add(dep.pk)
            state.blocked.add(dep.successor_id)
        elif is_late(dep.predecessor, today):
            state.blocked.add(dep.successor_id)
    return state


@dataclass
class LaneRow:
    key: str
    name: str
    lane_id: int | None
    items: list[RoadmapItem]


def lanes_for(*, roadmap: Roadmap, shown: list[RoadmapItem]) -> list[LaneRow]:
    """Lanes as configured: custom lanes, or generated by team, tag, status (or a registered source)."""
    source = extensions.LANE_SOURCES.get(roadmap.lane_mode)
    if source is not None:
        return extensions.group(source, shown, lambda key, name: LaneRow(key, name, None, []))
    if roadmap.lane_mode == LaneMode.TEAM:
        return _group(
            shown, lambda i: [(f"team-{i.team_id}", i.team.name if i.team else "No team")]
        )
    if roadmap.lane_mode == LaneMode.TAG:
        return _group(
            shown,
            lambda i: [(f"tag-{t.pk}", t.name) for t in i.tags.all()] or [("tag-none", "No tag")],
        )
    if roadmap.lane_mode == LaneMode.STATUS:
        order = {s: n for n, s in enumerate(ItemStatus.values)}
        rows = _group(shown, lambda i: [(f"status-{i.status}", i.get_status_display())])
        return sorted(rows, key=lambda r: order.get(r.key.removeprefix("status-"), 99))
    lane_list = list(
        Lane.objects.filter(roadmap_id__in=[roadmap.pk, *roadmap_ids_shown(roadmap)])
        .select_related("roadmap")
        .order_by("roadmap__name", "position", "id")
    )
    portfolio = roadmap.kind == RoadmapKind.PORTFOLIO
    rows = [
        LaneRow(
            f"lane-{lane.pk}",
            f"{lane.roadmap.name} · {lane.name}" if portfolio else lane.name,
            lane.pk,
            [],
        )
        for lane in lane_list
    ]
    by_id = {r.lane_id: r for r in rows}
    loose = LaneRow("lane-none", "No lane", None, [])
    for it in shown:
        by_id.get(it.lane_id, loose).items.append(it)
    return rows + ([loose] if loose.items else [])


def _group(shown: list[RoadmapItem], keys) -> list[LaneRow]:
    rows: dict[str, LaneRow] = {}
    for it in shown:
        for key, name in keys(it):
            rows.setdefault(key, LaneRow(key, name, None, [])).items.append(it)
    return sorted(rows.values(), key=lambda r: r.name.lower())


def timeline(*, roadmap: Roadmap, filters: dict | None = None, today: date | None = None) -> dict:
    """Everything a timeline, board or table of a roadmap needs, in a constant number of queries."""
    today = today or timezone.localdate()
    shown = list(items(roadmap=roadmap, **(filters or {})))
    ids = [i.pk for i in shown]
    deps = dependency_state(item_ids=ids, workspace=roadmap.workspace, today=today)
    dated = [i for i in shown if i.start_date]
    return {
        "roadmap": roadmap,
        "items": shown,
        "lanes": lanes_for(roadmap=roadmap, shown=shown),
        "milestones": list(milestones(roadmap=roadmap)),
        "dependencies": deps,
        "start": min([i.start_date for i in dated] + [today]),
        "end": max([i.end_date for i in dated] + [today]),
        "today": today,
        "buckets": {
            b: [i for i in shown if not i.start_date and i.bucket == b]
            for b in ("now", "next", "later")
        },
    }


# ---------------------------------------------------------------- history: what changed between two moments


def state_at(*, roadmap: Roadmap, at: datetime) -> dict[int, dict]:
    """Each item of the roadmap as it was at `at` (from the snapshots written on every change).

    An item that moved to another roadmap leaves this one: every snapshot of the items that were
    ever here is read, and an item counts only while its latest state is on a shown roadmap.
    """
    shown = {roadmap.pk, *roadmap_ids_shown(roadmap)}
    ever_here = ItemSnapshot.objects.filter(roadmap_id__in=shown).values("item_id")
    state: dict[int, dict] = {}
    for snap in (
        ItemSnapshot.objects.filter(item_id__in=ever_here, at__lte=at)
        .order_by("at", "id")
        .values("item_id", "roadmap_id", "data", "removed")
    ):
        if snap["removed"] or snap["roadmap_id"] not in shown:
            state.pop(snap["item_id"], None)
        else:
            state[snap["item_id"]] = snap["data"]
    return state


def _days(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def diff(*, roadmap: Roadmap, since: datetime, until: datetime | None = None) -> dict:
    """What was added, removed, moved (and by how many days) and re-scoped between two moments."""
    until = until or timezone.now()
    if since >= until:
        raise Invalid.field("since", "Compare from an earlier moment to a later one.")
    before, after = state_at(roadmap=roadmap, at=since), state_at(roadmap=roadmap, at=until)
    added = [after[i] | {"id": i} for i in after.keys() - before.keys()]
    removed = [before[i] | {"id": i} for i in before.keys() - after.keys()]
    moved, rescoped, changed = [], [], []
    for item_id in before.keys() & after.keys():
        old, new = before[item_id], after[item_id]
        shift = _days(old.get("start_date"), new.get("start_date"))
        old_len, new_len = (
            _days(old.get("start_date"), old.get("end_date")),
            _days(new.get("start_date"), new.get("end_date")),
        )
        base = {"id": item_id, "title": new["title"], "before": old, "after": new}
        if shift:
            moved.append(base | {"days": shift})
        if old_len is not None and new_len is not None and old_len != new_len:
            rescoped.append(base | {"duration_before": old_len + 1, "duration_after": new_len + 1})
        elif (old.get("start_date") is None) != (new.get("start_date") is None) or old.get(
            "bucket"
        ) != new.get("bucket"):
            rescoped.append(base | {"duration_before": None, "duration_after": None})
        other = {
            k
            for k in new
            if k not in ("start_date", "end_date", "bucket", "position")
            and old.get(k) != new.get(k)
        }
        if other:
            changed.append(base | {"fields": sorted(other)})
    key = lambda row: (row.get("title") or "").lower()  # noqa: E731
    return {
        "since": since,
        "until": until,
        "added": sorted(added, key=key),
        "removed": sorted(removed, key=key),
        "moved": sorted(moved, key=lambda r: -abs(r["days"])),
        "rescoped": sorted(rescoped, key=key),
        "changed": sorted(changed, key=key),
    }


def share_links(*, workspace: Workspace) -> QuerySet[ShareLink]:
    return (
        ShareLink.objects.filter(workspace=workspace)
        .select_related("created_by")
        .order_by("-created_at")
    )


def calendar_feeds(*, roadmap: Roadmap) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(roadmap=roadmap, revoked_at__isnull=True).order_by(
        "-created_at"
    )


def saved_views(*, roadmap: Roadmap) -> QuerySet[SavedView]:
    return SavedView.objects.filter(roadmap=roadmap).order_by("name")
