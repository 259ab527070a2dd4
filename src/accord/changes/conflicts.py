"""Automatic conflict detection for a change window, and the next free slot of the same length.

Conflict sources form a small registry: each source answers, for one workspace and area, every
interval that overlaps a range of time (one query each). The built-in sources are other changes on
the same area, freeze windows (on that area or on every area), roadmap milestones that name the
area and campaign items (items of marketing roadmaps) tagged with the area or in a lane named
after it, and launch windows (every area). Apps above changes add theirs at start-up:

    from accord.changes.conflicts import Blocker, register_source
    register_source("incidents", incident_blockers)

A source is `fn(workspace_id, area, start, end, exclude_change_id) -> list[Blocker]`.

Speed: changes are read through the index (workspace, area, start, end) with a bounded start
(a change window is at most MAX_WINDOW long, so an overlapping change starts after
range_start - MAX_WINDOW): one range scan, whatever the number of changes. Every source is asked
once for the window plus a week after it (wider, up to HORIZON, only when no slot fits there); the
conflicts and the next free slot come from the same sorted intervals. Links are built only for the
conflicts a page shows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accord.core.registry import Registry

MAX_WINDOW = timedelta(days=14)  # the longest change window
HORIZON = timedelta(days=120)  # how far ahead the next free slot is looked for
STEPS = (timedelta(days=7), timedelta(days=30), HORIZON)  # widening stretches of that search


@dataclass(frozen=True)
class Blocker:
    source: str  # the registered source's name, e.g. "changes", "freezes"
    rule: str  # which rule fired, in words
    kind: str  # "change", "freeze", "milestone", "campaign", "launch", ...
    id: int
    title: str
    start: datetime
    end: datetime
    link: tuple = ()  # (url name, args): reversed only when a page shows the conflict

    @property
    def url(self) -> str:
        return reverse(self.link[0], args=self.link[1]) if self.link else ""


Source = Callable[[int, str, datetime, datetime, int | None], list[Blocker]]
SOURCES: Registry[Source] = Registry("Conflict source")


def register_source(name: str, fn: Source) -> None:
    SOURCES.add(fn, key=name)


def day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


# ---------------------------------------------------------------- the built-in sources


def _changes(
    workspace_id: int, area: str, start: datetime, end: datetime, exclude: int | None
) -> list[Blocker]:
    from .models import ACTIVE, Change

    rows = list(
        Change.objects.filter(
            workspace_id=workspace_id,
            area=area,
            start__gte=start - MAX_WINDOW,
            start__lt=end,
            end__gt=start,
            status__in=ACTIVE,
        )
        .exclude(pk=exclude)
        .values_list("pk", "title", "start", "end", "workspace__slug")
    )
    rule = f"Another change on “{area}” overlaps this window"
    return [
        Blocker("changes", rule, "change", pk, title, s, e, ("change", [slug, pk]))
        for pk, title, s, e, slug in rows
    ]


def _freezes(
    workspace_id: int, area: str, start: datetime, end: datetime, exclude: int | None
) -> list[Blocker]:
    from .models import Freeze

    rows = Freeze.objects.filter(
        Q(area="") | Q(area=area), workspace_id=workspace_id, start__lt=end, end__gt=start
    ).values_list("pk", "name", "area", "start", "end")
    return [
        Blocker(
            "freezes",
            f"Freeze window on {'“' + a + '”' if a else 'every area'}",
            "freeze",
            pk,
            name,
            s,
            e,
        )
        for pk, name, a, s, e in rows
    ]


def _milestones(
    workspace_id: int, area: str, start: datetime, end: datetime, exclude: int | None
) -> list[Blocker]:
    from accord.roadmaps.models import Milestone

    first, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    rows = Milestone.objects.filter(
        Q(name__icontains=area) | Q(description__icontains=area),
        workspace_id=workspace_id, date__gte=first, date__lte=last,
    ).values_list("pk", "name", "date")  # fmt: skip
    return [
        Blocker(
            "milestones",
            f"Milestone on {d.isoformat()} depends on “{area}”",
            "milestone",
            pk,
            name,
            day_start(d),
            day_start(d + timedelta(days=1)),
        )
        for pk, name, d in rows
    ]


def _campaigns(
    workspace_id: int, area: str, start: datetime, end: datetime, exclude: int | None
) -> list[Blocker]:
    from accord.roadmaps.models import ItemStatus, RoadmapItem, RoadmapKind

    first, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    rows = (
        RoadmapItem.objects.filter(
            Q(tags__name__iexact=area) | Q(lane__name__iexact=area),
            workspace_id=workspace_id, roadmap__kind=RoadmapKind.MARKETING,
            start_date__lte=last, end_date__gte=first,
        )
        .exclude(status__in=[ItemStatus.DONE, ItemStatus.CANCELLED])
        .values_list(
            "pk", "title", "start_date", "end_date", "roadmap__name", "roadmap_id", "workspace__slug"
        )
        .distinct()
    )  # fmt: skip
    return [
        Blocker(
            "campaigns",
            f"Campaign on “{area}” ({roadmap}) runs in this window",
            "campaign",
            pk,
            title,
            day_start(s),
            day_start(e + timedelta(days=1)),
            ("roadmap", [slug, rid]),
        )
        for pk, title, s, e, roadmap, rid, slug in rows
    ]


register_source("changes", _changes)
register_source("freezes", _freezes)
register_source("milestones", _milestones)
register_source("campaigns", _campaigns)


def _launches(
    workspace_id: int, area: str, start: datetime, end: datetime, exclude: int | None
) -> list[Blocker]:
    """A launch's window blocks changes in every area: nothing ships around a launch unreviewed."""
    from accord.launches.selectors import launch_windows

    windows = launch_windows(workspace_id, timezone.localtime(start).date(), timezone.localtime(end).date())
    if not windows:
        return []
    from accord.workspaces.models import Workspace

    slug = Workspace.objects.filter(pk=workspace_id).values_list("slug", flat=True).first()
    return [
        Blocker("launch windows", f"Launch window of {launch.name} (every area)", "launch", launch.pk,
                launch.name, day_start(first), day_start(last + timedelta(days=1)), ("launch", [slug, launch.pk]))
        for launch, (first, last) in windows
    ]  # fmt: skip


register_source("launch windows", _launches)


# ---------------------------------------------------------------- detection


@dataclass(frozen=True)
class Report:
    conflicts: list[Blocker]
    free_slot: (
        tuple[datetime, datetime] | None
    )  # None: the window is free, or nothing free in HORIZON

    @property
    def clear(self) -> bool:
        return not self.conflicts


def next_free_slot(blockers: list[Blocker], start: datetime, length: timedelta, until: datetime):
    """The earliest [t, t + length) at or after `start` that overlaps no blocker (sweep by start)."""
    t = start
    for b in sorted(blockers, key=lambda b: b.start):
        if b.start >= t + length:
            break
        if b.end > t:
            t = b.end
    return (t, t + length) if t + length <= until else None


def check(
    workspace_id: int,
    area: str,
    start: datetime,
    end: datetime,
    exclude_change_id: int | None = None,
) -> Report:
    """Every conflict of the window [start, end) on `area`, and the next free slot of its length.

    The sources are asked for the window and a short stretch after it first; only when no free slot
    fits there is the stretch widened (up to HORIZON), so a busy calendar costs a few more queries
    and a quiet one reads a handful of rows."""
    for ahead in STEPS:
        until = max(end, start + ahead)
        blockers: list[Blocker] = []
        for fn in SOURCES.values():
            blockers.extend(fn(workspace_id, area, start, until, exclude_change_id))
        conflicts = sorted(
            (b for b in blockers if b.start < end and b.end > start),
            key=lambda b: (b.start, b.kind, b.id),
        )
        if not conflicts:
            return Report(conflicts=[], free_slot=None)
        slot = next_free_slot(blockers, start, end - start, until)
        if slot is not None:
            return Report(conflicts=conflicts, free_slot=slot)
    return Report(conflicts=conflicts, free_slot=None)
