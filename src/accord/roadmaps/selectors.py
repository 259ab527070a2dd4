"""Reads for roadmaps: the timeline/board/table data, dependency flags and "what changed since"."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from accord.core import facets
from accord.core.errors import Invalid, NotFound
from accord.ideas.models import Tag
from accord.workspaces.models import Person, Workspace

from . import colours, extensions
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
    **facet_values: str | None,
) -> QuerySet[RoadmapItem]:
    """The items a roadmap shows, filtered; `facet_values` are the filters higher apps add
    (accord.core.facets, target "roadmap_item"), e.g. stage="build"."""
    known = {f.key for f in facets.for_target("roadmap_item")}
    for key in facet_values:
        if key not in known:
            raise Invalid.field(key, f"Unknown filter {key!r}.")
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
    qs = facets.apply("roadmap_item", qs, facet_values, roadmap.workspace_id)
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
    lanes = lanes_for(roadmap=roadmap, shown=shown)
    return {
        "roadmap": roadmap,
        "items": shown,
        "lanes": lanes,
        "colours": colours.plan(roadmap, shown, lanes),
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
        "upstream": upstream_changes(
            roadmap=roadmap, since=since, until=until, before=before, after=after
        ),
    }


# ---------------------------------------------------------------- upstream: other roadmaps' changes

EFFECTS = ("now_blocked", "still_blocked", "unblocked", "unaffected")
_EFFECT_TEXT = {
    "now_blocked": "is now blocked",
    "still_blocked": "is still blocked",
    "unblocked": "is no longer blocked",
    "unaffected": "is not blocked",
}


def _blocks(kind: str, pred: dict, succ: dict, today: date) -> bool:
    """The rules of dependency_state() on snapshot states: dates in conflict, or a late predecessor."""
    pred_start, pred_end, succ_start = (
        pred.get("start_date"), pred.get("end_date"), succ.get("start_date")
    )  # fmt: skip
    if pred_start and pred_end and succ_start:
        if kind == DependencyKind.START_TO_START:
            if succ_start < pred_start:
                return True
        elif succ_start <= pred_end:
            return True
    done = pred.get("status") in (ItemStatus.DONE, ItemStatus.CANCELLED)
    return bool(pred_end and date.fromisoformat(pred_end) < today and not done)


def _what_happened(old: dict, new: dict) -> list[str]:
    """What changed in a predecessor that its successors care about: dates, horizon, status."""
    parts = []
    shift, end_shift = (
        _days(old.get("start_date"), new.get("start_date")),
        _days(old.get("end_date"), new.get("end_date")),
    )
    if shift:
        parts.append(f"moved {abs(shift)} day{'s' * (abs(shift) != 1)} "
                     f"{'later' if shift > 0 else 'earlier'}")  # fmt: skip
    elif end_shift:
        parts.append(f"now ends {abs(end_shift)} day{'s' * (abs(end_shift) != 1)} "
                     f"{'later' if end_shift > 0 else 'earlier'}")  # fmt: skip
    elif bool(old.get("start_date")) != bool(new.get("start_date")):
        parts.append("was scheduled" if new.get("start_date") else "lost its dates")
    if old.get("status") != new.get("status") and new.get("status") in ItemStatus.values:
        parts.append(f"is now {ItemStatus(new['status']).label.lower()}")
    return parts


_LINK_FIELDS = (
    "kind", "predecessor_id", "successor_id", "predecessor__roadmap_id", "predecessor__roadmap__name",
)  # fmt: skip


def upstream_changes(
    *, roadmap: Roadmap, since: datetime, until: datetime, before: dict, after: dict
) -> list[dict]:
    """Changes between the two moments to items of other roadmaps (of the same workspace) that
    this roadmap's items depend on, with their effect on the dependent item: "Launch campaign is
    now blocked: Reporting 2.0 moved 14 days later". `before` and `after` are this roadmap's
    states (state_at) at `since` and `until`. Two queries, however many dependencies."""
    shown = {roadmap.pk, *roadmap_ids_shown(roadmap)}
    links = list(
        Dependency.objects.filter(
            workspace_id=roadmap.workspace_id,
            predecessor__workspace_id=roadmap.workspace_id,
            successor__roadmap_id__in=shown,
        )
        .exclude(predecessor__roadmap_id__in=shown)
        .values(*_LINK_FIELDS)
        .order_by("id")
    )
    if not links:
        return []
    then, now = _states_between({link["predecessor_id"] for link in links}, since, until)
    return _upstream_rows(links, then, now, before, after, since, until)


def upstream_changes_for(
    *, workspace: Workspace, roadmap_ids: set[int], since: datetime, until: datetime
) -> list[dict]:
    """upstream_changes() for the items of several roadmaps at once (the home page: "on the
    roadmaps I own"): changes to the items on another roadmap they wait for. Two queries."""
    if not roadmap_ids:
        return []
    links = list(
        Dependency.objects.filter(workspace_id=workspace.pk, successor__roadmap_id__in=roadmap_ids)
        .exclude(predecessor__roadmap_id=F("successor__roadmap_id"))
        .values(*_LINK_FIELDS)
        .order_by("id")
    )
    if not links:
        return []
    ids = {link["predecessor_id"] for link in links} | {link["successor_id"] for link in links}
    then, now = _states_between(ids, since, until)
    return _upstream_rows(links, then, now, then, now, since, until)


def _states_between(item_ids: set[int], since: datetime, until: datetime) -> tuple[dict, dict]:
    """Each item's state at `since` and at `until`, from its snapshots (one query); items that
    did not exist (or were removed) at a moment are missing from its dict."""
    then: dict[int, dict] = {}
    now: dict[int, dict] = {}
    for snap in (
        ItemSnapshot.objects.filter(item_id__in=item_ids, at__lte=until)
        .order_by("at", "id")
        .values("item_id", "data", "removed", "at")
    ):
        states = (now,) if snap["at"] > since else (then, now)
        for state in states:
            if snap["removed"]:
                state.pop(snap["item_id"], None)
            else:
                state[snap["item_id"]] = snap["data"]
    return then, now


def _upstream_rows(
    links: list[dict], then: dict, now: dict, before: dict, after: dict, since: datetime, until: datetime
) -> list[dict]:
    """The rows of upstream_changes(): predecessors' states `then`/`now`, successors' `before`/`after`."""
    day_then, day_now = timezone.localdate(since), timezone.localdate(until)
    rows = []
    for link in links:
        pred_id, succ_id = link["predecessor_id"], link["successor_id"]
        old, new = then.get(pred_id), now.get(pred_id)
        succ_old, succ_new = before.get(succ_id), after.get(succ_id)
        if old is None or new is None or succ_new is None:
            continue  # added in the period, or gone: no change of an item both moments knew
        happened = _what_happened(old, new)
        if not happened:
            continue
        blocked_before = succ_old is not None and _blocks(link["kind"], old, succ_old, day_then)
        blocked_after = _blocks(link["kind"], new, succ_new, day_now)
        effect = (
            ("still_blocked" if blocked_before else "now_blocked")
            if blocked_after
            else ("unblocked" if blocked_before else "unaffected")
        )
        rows.append(
            {
                "item_id": succ_id,
                "item_title": succ_new.get("title", ""),
                "predecessor_id": pred_id,
                "predecessor_title": new.get("title", ""),
                "roadmap_id": link["predecessor__roadmap_id"],
                "roadmap_name": link["predecessor__roadmap__name"],
                "kind": link["kind"],
                "days": _days(old.get("start_date"), new.get("start_date")),
                "end_days": _days(old.get("end_date"), new.get("end_date")),
                "before": old,
                "after": new,
                "blocked_before": blocked_before,
                "blocked_after": blocked_after,
                "effect": effect,
                "text": f"{succ_new.get('title', '')} {_EFFECT_TEXT[effect]}: "
                f"{new.get('title', '')} {' and '.join(happened)}",
            }
        )
    return sorted(
        rows,
        key=lambda r: (EFFECTS.index(r["effect"]), -abs(r["days"] or r["end_days"] or 0),
                       r["item_title"].lower()),
    )  # fmt: skip


# ---------------------------------------------------------------- the home: what needs me now


def roadmaps_of(
    *, workspace: Workspace, user_id: int, person_id: int | None, team_ids: frozenset[int] | set[int]
) -> list[Roadmap]:
    """The roadmaps that concern someone: those they own (and what their portfolios include),
    and those with items they or their teams are responsible for. One query."""
    concern = Q(owner_id=user_id) | Q(
        pk__in=Roadmap.includes.through.objects.filter(from_roadmap__owner_id=user_id).values("to_roadmap_id")
    )
    if person_id:
        concern |= Q(pk__in=RoadmapItem.objects.filter(people__id=person_id).values("roadmap_id"))
    if team_ids:
        concern |= Q(pk__in=RoadmapItem.objects.filter(team_id__in=team_ids).values("roadmap_id"))
    return list(
        Roadmap.objects.filter(workspace=workspace).filter(concern).exclude(kind=RoadmapKind.PORTFOLIO)
        .only("id", "name", "kind").order_by("name")
    )  # fmt: skip


@dataclass
class Conflict:
    """A dependency in trouble: `item` waits for `waits_for`, whose dates conflict or which is late."""

    item: RoadmapItem
    waits_for: RoadmapItem
    kind: str
    violated: bool
    late: bool
    downstream: bool = False  # the waiting item is on someone else's roadmap: mine holds it up

    @property
    def upstream(self) -> bool:
        """Caused on another roadmap than the waiting item's."""
        return self.waits_for.roadmap_id != self.item.roadmap_id

    @property
    def reason(self) -> str:
        pred = self.waits_for
        if self.violated and self.kind == DependencyKind.START_TO_START:
            return f"starts before {pred.title} starts"
        if self.violated:
            return f"starts before {pred.title} ends"
        return f"{pred.title} is late"


def conflicts_on(*, state: DependencyState, roadmap_ids: set[int]) -> list[Conflict]:
    """The conflicting or late dependencies (of a dependency_state()) that touch these roadmaps,
    from either side, soonest waiting item first. No query."""
    rows = []
    for dep in state.dependencies:
        violated, late = dep.pk in state.violated, dep.predecessor_id in state.late
        if not (violated or late):
            continue
        if dep.successor.roadmap_id in roadmap_ids or dep.predecessor.roadmap_id in roadmap_ids:
            downstream = dep.successor.roadmap_id not in roadmap_ids
            rows.append(Conflict(dep.successor, dep.predecessor, dep.kind, violated, late, downstream))
    return sorted(rows, key=lambda c: (c.item.start_date or date.max, c.item.title.lower()))


def milestones_between(*, workspace: Workspace, start: date, end: date, limit: int = 8) -> list[Milestone]:
    return list(
        Milestone.objects.filter(workspace=workspace, date__gte=start, date__lte=end)
        .select_related("roadmap").order_by("date", "id")[:limit]
    )  # fmt: skip


def next_milestone_after(*, workspace: Workspace, day: date) -> Milestone | None:
    return Milestone.objects.filter(workspace=workspace, date__gt=day).select_related("roadmap").order_by("date", "id").first()


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
