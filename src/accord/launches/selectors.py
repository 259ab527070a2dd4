"""Reads of launches, each with a constant number of queries: the list with readiness and slips,
a launch's page (positioning and review, maps with their gaps, checklist with the impact of a
slipped release), the calendar, my overdue tasks, and `launch_windows` for other apps."""

import difflib
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, Prefetch, Q, QuerySet

from accord.roadmaps.models import Dependency, RoadmapItem

from .models import (
    Approval,
    BrandAttribute,
    ChecklistTemplate,
    Department,
    FunnelStage,
    Launch,
    LaunchCalendarFeed,
    LaunchTask,
    Positioning,
    TaskStatus,
)

POSITIONING_LABELS = {
    "problem": "Problem",
    "audience": "Audience",
    "usp": "Unique selling proposition",
    "differentiators": "Differentiators",
    "pitch": "Sales pitch",
    "proof_points": "Proof points",
}


def launches(*, workspace) -> QuerySet[Launch]:
    """The workspace's launches with what the list, the calendar and readiness need (4 queries)."""
    return (
        Launch.objects.filter(workspace=workspace)
        .select_related("release", "release__roadmap", "owner", "initiative")
        .prefetch_related(
            Prefetch(
                "campaigns",
                queryset=RoadmapItem.objects.select_related("roadmap").order_by("start_date", "pk"),
            ),
            Prefetch("tasks", queryset=LaunchTask.objects.select_related("owner")),
        )
        .order_by("launch_date", "pk")
    )


# ---------------------------------------------------------------- readiness and slips


@dataclass
class TaskView:
    task: LaunchTask
    due: date
    overdue: bool
    projected_due: date | None = None  # when the release slipped: the due date moved by the slip
    after_launch: bool = False  # ... and that date falls after the planned launch date


@dataclass
class Readiness:
    total: int
    done: int
    overdue: int
    blocked: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


@dataclass
class Slip:
    """The release ends after the launch date: by how many days, and what that moves."""

    days: int
    release_end: date
    tasks_after: list[
        TaskView
    ]  # open tasks whose due date, moved by the slip, falls after the launch date
    campaigns_early: list[RoadmapItem]  # campaigns that start before the release now ends


@dataclass
class LaunchView:
    launch: Launch
    tasks: list[TaskView]
    readiness: Readiness
    slip: Slip | None
    campaigns: list[RoadmapItem] = field(default_factory=list)

    @property
    def first_day(self) -> date:
        return self.launch.launch_date

    @property
    def last_day(self) -> date:
        return self.launch.last_day


def launch_view(launch: Launch, today: date) -> LaunchView:
    """Readiness and the slip's impact, from the prefetched release, campaigns and tasks."""
    tasks = []
    for t in launch.tasks.all():
        due = launch.launch_date + timedelta(days=t.offset_days)
        tasks.append(TaskView(task=t, due=due, overdue=t.status != TaskStatus.DONE and due < today))
    tasks.sort(key=lambda v: (v.due, v.task.position, v.task.pk))
    readiness = Readiness(
        total=len(tasks),
        done=sum(1 for v in tasks if v.task.status == TaskStatus.DONE),
        overdue=sum(1 for v in tasks if v.overdue),
        blocked=sum(1 for v in tasks if v.task.status == TaskStatus.BLOCKED),
    )
    campaigns = list(launch.campaigns.all())
    slip = None
    release = launch.release
    if release is not None and release.end_date and release.end_date > launch.launch_date:
        days = (release.end_date - launch.launch_date).days
        for v in tasks:
            v.projected_due = v.due + timedelta(days=days)
            v.after_launch = (
                v.task.status != TaskStatus.DONE and v.projected_due > launch.launch_date
            )
        slip = Slip(
            days=days,
            release_end=release.end_date,
            tasks_after=[v for v in tasks if v.after_launch],
            campaigns_early=[
                c for c in campaigns if c.start_date and c.start_date < release.end_date
            ],
        )
    return LaunchView(
        launch=launch, tasks=tasks, readiness=readiness, slip=slip, campaigns=campaigns
    )


def launch_views(
    *, workspace, today: date, start: date | None = None, end: date | None = None
) -> list[LaunchView]:
    qs = launches(workspace=workspace)
    if start is not None:
        qs = qs.exclude(window_end__lt=start).exclude(
            window_end__isnull=True, launch_date__lt=start
        )
    if end is not None:
        qs = qs.filter(launch_date__lte=end)
    return [launch_view(launch, today) for launch in qs]


# ---------------------------------------------------------------- one launch's page


@dataclass
class AttributeRow:
    attribute: BrandAttribute
    items: list
    ideas: list

    @property
    def gap(self) -> bool:
        return not self.items and not self.ideas


@dataclass
class StageRow:
    stage: FunnelStage

    @property
    def gap(self) -> bool:
        return not self.stage.flows


@dataclass
class CampaignRow:
    item: RoadmapItem
    linked: bool  # a dependency on the release exists on the roadmaps
    early: bool  # starts before the release ends


@dataclass
class LaunchDetail:
    view: LaunchView
    positionings: list[Positioning]  # newest first, with their approvals
    attributes: list[AttributeRow]
    stages: list[StageRow]
    campaigns: list[CampaignRow]

    @property
    def current(self) -> Positioning | None:
        return self.positionings[0] if self.positionings else None

    @property
    def review(self) -> dict[str, Approval | None]:
        """The current version's approval per reviewing department (None: not yet)."""
        found = {a.department: a for a in self.current.approvals.all()} if self.current else {}
        return {d: found.get(d) for d in Department.values}

    @property
    def approved(self) -> bool:
        return self.current is not None and all(self.review.values())

    @property
    def gaps(self) -> list[str]:
        return [f"No feature delivers “{a.attribute.name}”" for a in self.attributes if a.gap] + [
            f"No user flow for the {s.stage.name.lower()} stage" for s in self.stages if s.gap
        ]


def launch_detail(*, workspace, launch_id: int, today: date) -> LaunchDetail | None:
    """Everything the launch page and the API's detail show (10 queries, whatever the sizes)."""
    launch = launches(workspace=workspace).filter(pk=launch_id).first()
    if launch is None:
        return None
    view = launch_view(launch, today)
    positionings = list(
        Positioning.objects.filter(launch=launch)
        .select_related("created_by")
        .prefetch_related(Prefetch("approvals", queryset=Approval.objects.select_related("by")))
        .order_by("-number")
    )
    attributes = [
        AttributeRow(a, list(a.items.all()), list(a.ideas.all()))
        for a in BrandAttribute.objects.filter(launch=launch).prefetch_related(
            Prefetch(
                "items", queryset=RoadmapItem.objects.select_related("roadmap").order_by("title")
            ),
            "ideas",
        )
    ]
    stages = [StageRow(s) for s in FunnelStage.objects.filter(launch=launch)]
    linked = set()
    if launch.release_id and view.campaigns:
        linked = set(
            Dependency.objects.filter(
                predecessor_id=launch.release_id, successor_id__in=[c.pk for c in view.campaigns]
            ).values_list("successor_id", flat=True)
        )
    early = {c.pk for c in view.slip.campaigns_early} if view.slip else set()
    campaigns = [CampaignRow(c, c.pk in linked, c.pk in early) for c in view.campaigns]
    return LaunchDetail(view, positionings, attributes, stages, campaigns)


# ---------------------------------------------------------------- positioning versions


@dataclass
class FieldDiff:
    field: str
    label: str
    changed: bool
    lines: list[tuple[str, str]]  # (" "|"+"|"-", text)


def compare(a: Positioning, b: Positioning) -> list[FieldDiff]:
    """What changed from version a to version b, field by field, line by line."""
    out = []
    for name, label in POSITIONING_LABELS.items():
        old, new = getattr(a, name).splitlines(), getattr(b, name).splitlines()
        lines = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
            a=old, b=new, autojunk=False
        ).get_opcodes():
            if tag == "equal":
                lines += [(" ", t) for t in old[i1:i2]]
            else:
                lines += [("-", t) for t in old[i1:i2]] + [("+", t) for t in new[j1:j2]]
        out.append(FieldDiff(name, label, old != new, lines))
    return out


# ---------------------------------------------------------------- for other apps and the home


def launches_of_items(workspace_id: int, item_ids: list[int]) -> list[Launch]:
    """Launches whose release or one of whose campaigns is among these roadmap items (one query):
    what a change request linked to those items touches."""
    if not item_ids:
        return []
    return list(
        Launch.objects.filter(workspace_id=workspace_id)
        .filter(Q(release_id__in=item_ids) | Q(campaigns__in=item_ids))
        .distinct()
        .order_by("launch_date", "pk")
    )


def launch_windows(
    workspace_id: int, start: date, end: date
) -> list[tuple[Launch, tuple[date, date]]]:
    """Launches whose window (launch date to window end) overlaps [start, end], with that window:
    what the changes app checks planned changes against (one query)."""
    rows = (
        Launch.objects.filter(workspace_id=workspace_id, launch_date__lte=end)
        .exclude(window_end__lt=start)
        .exclude(window_end__isnull=True, launch_date__lt=start)
        .order_by("launch_date", "pk")
    )
    return [(launch, (launch.launch_date, launch.last_day)) for launch in rows]


def overdue_tasks(*, workspace, person_id: int, today: date) -> list[TaskView]:
    """Open tasks of this person, due before today, oldest first (one query)."""
    rows = (
        LaunchTask.objects.filter(launch__workspace=workspace, owner_id=person_id)
        .exclude(status=TaskStatus.DONE)
        .select_related("launch")
    )
    out = []
    for t in rows:
        due = t.launch.launch_date + timedelta(days=t.offset_days)
        if due < today:
            out.append(TaskView(task=t, due=due, overdue=True))
    return sorted(out, key=lambda v: (v.due, v.task.pk))


def templates(*, workspace) -> QuerySet[ChecklistTemplate]:
    return (
        ChecklistTemplate.objects.filter(workspace=workspace)
        .prefetch_related("tasks")
        .order_by("tier", "name")
    )


def feeds(*, workspace) -> QuerySet[LaunchCalendarFeed]:
    return LaunchCalendarFeed.objects.filter(workspace=workspace, revoked_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def slipped_count(launch_ids: list[int]) -> int:
    """How many of these launches have a release that now ends after the launch date (one query)."""
    return Launch.objects.filter(pk__in=launch_ids, release__end_date__gt=F("launch_date")).count()
