"""Reads for goals: the tree, a goal's page, the shared scoreboard. Constant query counts.

Lists and the scoreboard read each key result's stored summary (latest value, downsampled series,
recent points for the trend), never its raw measurements; a goal's page reads the raw points of its
own key results and downsamples them for the charts.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Prefetch, QuerySet, Sum
from django.utils import timezone

from accord.core.errors import NotFound
from accord.ideas.models import Idea
from accord.roadmaps.models import RoadmapItem
from accord.workspaces.models import Team, TeamKind, Workspace

from . import progress as calc
from .models import Goal, GoalLevel, KeyResult, Measurement, ScoreboardLink

CHART_POINTS = 120  # a goal page's trend chart: at most this many points per key result


@dataclass
class KeyResultView:
    kr: KeyResult
    latest: tuple[date, float] | None
    progress: float | None
    status: str
    series: list[tuple[date, float]]  # downsampled
    projection: tuple[date, float] | None
    count: int

    @property
    def status_label(self) -> str:
        return calc.STATUS_LABELS[self.status]

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else round(self.progress * 100)


@dataclass
class GoalView:
    goal: Goal
    key_results: list[KeyResultView]
    children: list["GoalView"] = field(default_factory=list)

    @property
    def progress(self) -> float | None:
        values = [k.progress for k in self.key_results if k.progress is not None]
        return sum(values) / len(values) if values else None

    @property
    def percent(self) -> int | None:
        p = self.progress
        return None if p is None else round(p * 100)

    @property
    def status(self) -> str:
        return calc.worst([k.status for k in self.key_results])

    @property
    def status_label(self) -> str:
        return calc.STATUS_LABELS[self.status]

    @property
    def period(self) -> str:
        g = self.goal
        return calc.period_label(g.period_kind, g.start_date, g.end_date)


def target_of(kr: KeyResult) -> calc.Target:
    return calc.Target(kr.direction, kr.baseline, kr.target, kr.target_min)


def _points(raw: list) -> list[tuple[date, float]]:
    return [(date.fromisoformat(d), v) for d, v in raw or []]


def _line(raw: list | None) -> calc.Line | None:
    return calc.Line(date.fromisoformat(raw[0]), raw[1], raw[2]) if raw else None


def kr_view(kr: KeyResult, goal: Goal, today: date, points: list | None = None) -> KeyResultView:
    """From the raw points when given (a goal's page), else from the stored summary."""
    if points is None:
        summary = kr.summary or {}
        latest = summary.get("latest")
        latest = (date.fromisoformat(latest[0]), latest[1]) if latest else None
        line = _line(summary.get("line"))
        series = _points(summary.get("series"))
        count = summary.get("count", 0)
    else:
        latest = points[-1] if points else None
        line = calc.fit(points)
        series = calc.downsample(points, CHART_POINTS)
        count = len(points)
    t = target_of(kr)
    projection = calc.project(line, goal.end_date)
    return KeyResultView(
        kr=kr,
        latest=latest,
        progress=calc.progress(t, latest[1] if latest else None),
        status=calc.judge(t, latest[1] if latest else None, projection),
        series=series,
        projection=projection,
        count=count,
    )


def goals(
    *,
    workspace: Workspace,
    level: str | None = None,
    team_id: int | None = None,
    active_on: date | None = None,
) -> QuerySet[Goal]:
    qs = (
        Goal.objects.filter(workspace=workspace)
        .select_related("owner", "parent")
        .prefetch_related(
            Prefetch("teams", queryset=Team.objects.order_by("name")),
            Prefetch("key_results", queryset=KeyResult.objects.select_related("owner")),
        )
    )
    if level:
        qs = qs.filter(level=level)
    if team_id:
        qs = qs.filter(teams__id=team_id)
    if active_on:
        qs = qs.filter(start_date__lte=active_on, end_date__gte=active_on)
    return qs.order_by("position", "id")


def goal_views(goal_list: list[Goal], today: date | None = None) -> list[GoalView]:
    today = today or timezone.localdate()
    return [
        GoalView(g, [kr_view(kr, g, today) for kr in g.key_results.all()]) for g in goal_list
    ]


def tree(*, workspace: Workspace, today: date | None = None) -> list[GoalView]:
    """Company goals at the roots, the goals supporting each under it; orphans at the top level."""
    views = goal_views(list(goals(workspace=workspace)), today)
    by_id = {v.goal.pk: v for v in views}
    roots = []
    order = {GoalLevel.COMPANY: 0, GoalLevel.DEPARTMENT: 1, GoalLevel.TEAM: 2}
    for v in sorted(views, key=lambda v: (order[v.goal.level], v.goal.position, v.goal.pk)):
        parent = by_id.get(v.goal.parent_id)
        (parent.children if parent else roots).append(v)
    return roots


def goal(*, workspace: Workspace, goal_id: int, today: date | None = None) -> dict:
    """A goal's page: key results with full-resolution (downsampled) trends, links, children."""
    today = today or timezone.localdate()
    found = goals(workspace=workspace).filter(pk=goal_id).first()
    if found is None:
        raise NotFound("No such goal in this workspace.")
    points: dict[int, list[tuple[date, float]]] = {kr.pk: [] for kr in found.key_results.all()}
    for kr_id, day, value in (
        Measurement.objects.filter(key_result__goal=found)
        .order_by("key_result_id", "date")
        .values_list("key_result_id", "date", "value")
    ):
        points[kr_id].append((day, value))
    view = GoalView(
        found, [kr_view(kr, found, today, points[kr.pk]) for kr in found.key_results.all()]
    )
    children = goal_views(
        list(goals(workspace=workspace).filter(parent=found)), today
    )
    ideas = list(
        Idea.objects.filter(goals=found).select_related("department").order_by("title")
    )
    items = list(
        RoadmapItem.objects.filter(goals=found)
        .select_related("roadmap", "team")
        .order_by("start_date", "title")
    )
    return {"view": view, "children": children, "ideas": ideas, "items": items, "today": today}


def recent_measurements(*, key_result: KeyResult) -> QuerySet[Measurement]:
    return (
        Measurement.objects.filter(key_result=key_result)
        .select_related("entered_by")
        .order_by("-date")
    )


# ---------------------------------------------------------------- the shared scoreboard

SCOREBOARD_DEPARTMENTS = [(TeamKind.PRODUCT, "Product"), (TeamKind.MARKETING, "Marketing")]


def scoreboard(*, workspace: Workspace, today: date | None = None) -> dict:
    """Company goals, and product's and marketing's own goals side by side (goals active today,
    or the latest ones when none is): four queries whatever the amount of data."""
    today = today or timezone.localdate()
    goal_list = list(goals(workspace=workspace).filter(start_date__lte=today, end_date__gte=today))
    if not goal_list:
        goal_list = list(goals(workspace=workspace))
    views = goal_views(goal_list, today)
    company = [v for v in views if v.goal.level == GoalLevel.COMPANY]
    columns = []
    for kind, label in SCOREBOARD_DEPARTMENTS:
        own = [
            v
            for v in views
            if v.goal.level != GoalLevel.COMPANY and any(t.kind == kind for t in v.goal.teams.all())
        ]
        columns.append({"kind": kind, "label": label, "goals": own})
    counts = {s: 0 for s in calc.STATUS_LABELS}
    for v in views:
        counts[v.status] += 1
    return {
        "company": company,
        "departments": columns,
        "counts": counts,
        "today": today,
        "explained": calc.STATUS_EXPLAINED,
    }


def scoreboard_version(*, workspace: Workspace, today: date | None = None) -> str:
    """Changes whenever anything the scoreboard shows changes: a goal, a key result, a measurement
    (through measured_at), a team (columns follow team kinds), or the day. Three aggregates."""
    today = today or timezone.localdate()
    stamp = [str(today)]
    for model, extra in ((Goal, {}), (KeyResult, {"m": Max("measured_at")}), (Team, {})):
        stamp.append(
            model.objects.filter(workspace=workspace).aggregate(
                n=Count("id"), ids=Sum("id"), v=Sum("version"), at=Max("updated_at"), **extra
            )
        )
    return hashlib.sha256(json.dumps(stamp, default=str, sort_keys=True).encode()).hexdigest()[:20]


def scoreboard_links(*, workspace: Workspace) -> QuerySet[ScoreboardLink]:
    return (
        ScoreboardLink.objects.filter(workspace=workspace)
        .select_related("created_by")
        .order_by("-created_at")
    )


def linkable_ideas(*, workspace: Workspace, goal: Goal) -> QuerySet[Idea]:
    return (
        Idea.objects.filter(workspace=workspace)
        .exclude(goals=goal)
        .exclude(status__in=["merged", "rejected"])
        .order_by("title")
        .only("id", "title")[:500]
    )


def linkable_items(*, workspace: Workspace, goal: Goal) -> QuerySet[RoadmapItem]:
    return (
        RoadmapItem.objects.filter(workspace=workspace)
        .exclude(goals=goal)
        .select_related("roadmap")
        .order_by("roadmap__name", "title")
        .only("id", "title", "roadmap__name")[:500]
    )


# ---------------------------------------------------------------- the home: what needs me now

TROUBLE = (calc.OFF_TRACK, calc.AT_RISK)


def active_goal_views(*, workspace: Workspace, today: date) -> list[GoalView]:
    """Goals whose period includes today, with their key results' status. Three queries."""
    return goal_views(list(goals(workspace=workspace, active_on=today)), today)


def in_trouble(views: list[GoalView], person_id: int | None) -> list[dict]:
    """The goals (and key results) a person owns that are at risk or off track, worst first:
    [{"goal": GoalView, "mine": owns the goal, "key_results": [its KeyResultViews in trouble that
    matter to them]}]. No query."""
    if person_id is None:
        return []
    rows = []
    for view in views:
        own_goal = view.goal.owner_id == person_id
        bad = [k for k in view.key_results if k.status in TROUBLE and (own_goal or k.kr.owner_id == person_id)]
        if bad or (own_goal and view.status in TROUBLE):
            rows.append({"goal": view, "mine": own_goal, "key_results": bad})
    return sorted(rows, key=lambda r: (calc.STATUS_ORDER[r["goal"].status], r["goal"].goal.title.lower()))
