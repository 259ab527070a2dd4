"""Web pages for roadmaps: the list, a roadmap's timeline / board / table, one item, what changed.

Thin, like every view here: services do the writes (and the audit), selectors the reads. The timeline
is drawn in the browser (static/roadmaps/timeline.js) from one JSON document rendered with
json_script, so the page costs the same handful of queries for 10 items or 1,000.
"""

import json
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accord.audit.selectors import audit_entries
from accord.core import dates, facets
from accord.core.errors import Invalid, StaleVersion
from accord.core.markdown import render_markdown
from accord.core.overlays import finish, form_response
from accord.core.web import (
    UserError,
    field_errors,
    form_date,
    form_int,
    form_version,
    with_query,
    words,
)
from accord.ideas.models import Idea, IdeaStatus
from accord.ideas.selectors import tags as workspace_tags
from accord.workspaces.models import Person
from accord.workspaces.permissions import can
from accord.workspaces.selectors import teams as workspace_teams
from accord.workspaces.web import workspace_page

from . import colours, extensions, selectors, services
from .models import (
    Bucket,
    Dependency,
    DependencyKind,
    ItemStatus,
    Lane,
    LaneMode,
    Roadmap,
    RoadmapItem,
    RoadmapKind,
    TimeScale,
)

TABLE_PAGE = 100
VIEWS = {"timeline": "roadmap", "board": "roadmap_board", "table": "roadmap_table"}
BUCKETS = [(b.value, b.label) for b in Bucket]
# Colour classes of the bars (app.css: .rm-c-0 ... .rm-c-7, .rm-c-muted): colours.py.
STATUS_COLORS = colours.STATUS_COLORS
TABLE_SORTS = {
    "title": lambda i: i.title.lower(),
    "status": lambda i: list(ItemStatus.values).index(i.status),
    "start": lambda i: (i.start_date is None, i.start_date or date.min),
    "end": lambda i: (i.end_date is None, i.end_date or date.min),
    "percent": lambda i: i.percent_done,
    "lane": lambda i: (not i.lane_name, i.lane_name.lower()),
    "team": lambda i: (i.team is None, i.team.name.lower() if i.team else ""),
}


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Redirect to the posted `next` (same site only) or to `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _errors(exc) -> dict[str, list[str]]:
    """field_errors for the templates: "__all__" (unreachable in a template) becomes "form",
    "lanes.2" becomes "lanes"."""
    errors: dict[str, list[str]] = {}
    for field, msgs in field_errors(exc).items():
        key = "form" if field == "__all__" else field.split(".")[0]
        errors.setdefault(key, []).extend(msgs)
    return errors


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _lanes_of(rm: Roadmap) -> list[Lane]:
    """The custom lanes of a roadmap (a portfolio: of the roadmaps it includes)."""
    return list(
        Lane.objects.filter(roadmap_id__in=[rm.pk, *selectors.roadmap_ids_shown(rm)])
        .select_related("roadmap")
        .order_by("roadmap__name", "position", "id")
    )


def _member_roadmaps(rm: Roadmap) -> list[Roadmap]:
    """Where a new item of this roadmap can live: itself, or a portfolio's included roadmaps."""
    if rm.kind == RoadmapKind.PORTFOLIO:
        return sorted(rm.includes.all(), key=lambda r: r.name.lower())
    return [rm]


# ---------------------------------------------------------------- the list of roadmaps


def _roadmap_stats(workspace, roadmaps: list[Roadmap]) -> dict[int, dict]:
    """Per roadmap: items (dated, undated), lanes and conflicting dependencies; a portfolio sums its roadmaps."""
    counts = {
        row["roadmap_id"]: row
        for row in RoadmapItem.objects.filter(workspace=workspace)
        .values("roadmap_id")
        .annotate(
            total=Count("id"),
            undated=Count("id", filter=Q(start_date__isnull=True)),
            at_risk=Count("id", filter=Q(status=ItemStatus.AT_RISK)),
        )
    }
    lanes = dict(
        Lane.objects.filter(roadmap__workspace=workspace)
        .values("roadmap_id")
        .annotate(n=Count("id"))
        .values_list("roadmap_id", "n")
    )
    conflicts: dict[int, set[int]] = {}
    for dep in Dependency.objects.filter(workspace=workspace).select_related(
        "predecessor", "successor"
    ):
        if selectors.violates(dep):
            for rid in (dep.predecessor.roadmap_id, dep.successor.roadmap_id):
                conflicts.setdefault(rid, set()).add(dep.pk)
    stats = {}
    for rm in roadmaps:
        ids = selectors.roadmap_ids_shown(rm)
        row = {"total": 0, "undated": 0, "at_risk": 0}
        for rid in ids:
            for key in row:
                row[key] += counts.get(rid, {}).get(key, 0)
        row["dated"] = row["total"] - row["undated"]
        row["lanes"] = sum(lanes.get(rid, 0) for rid in ids)
        row["conflicts"] = len(set().union(*(conflicts.get(rid, set()) for rid in ids)))
        stats[rm.pk] = row
    return stats


@workspace_page("roadmap.view")
@require_http_methods(["GET", "POST"])
def roadmap_list(request: HttpRequest, member) -> HttpResponse:
    if request.method == "POST":  # the form of the New roadmap dialog (views_forms), posted here
        from .views_forms import create_roadmap

        return create_roadmap(request, member)
    roadmaps = list(selectors.roadmaps(workspace=member.workspace).select_related("owner"))
    stats = _roadmap_stats(member.workspace, roadmaps)
    for rm in roadmaps:
        rm.stats = stats[rm.pk]
    return render(
        request,
        "roadmaps/list.html",
        {
            "roadmaps": roadmaps,
            "can_manage": can(member, "roadmap.manage"),
        },
    )


# ---------------------------------------------------------------- one roadmap: timeline, board, table


def _filters(request: HttpRequest) -> dict:
    get = request.GET
    return {
        "tag": get.get("tag") or None,
        "team_id": form_int(get.get("team"), "team"),
        "status": get.get("status") or None,
        "lane_id": form_int(get.get("lane"), "lane"),
        # the filters higher apps add (accord.core.facets), e.g. "stage" (initiatives)
        **{f.key: get.get(f.key) or None for f in facets.for_target("roadmap_item")},
    }


def _filter_query(filters: dict) -> str:
    names = {"tag": "tag", "team_id": "team", "status": "status", "lane_id": "lane"}
    names.update((f.key, f.key) for f in facets.for_target("roadmap_item"))
    return urlencode(
        {names[k]: v for k, v in filters.items() if v not in (None, "") and k in names}
    )


ROW_FIELDS = (
    "id",
    "title",
    "start_date",
    "end_date",
    "bucket",
    "status",
    "percent_done",
    "lane_id",
    "roadmap_id",
    "parent_id",
    "team_id",
    "version",
    "position",
)
DEP_SIDE = ("title", "start_date", "end_date", "status", "roadmap_id", "roadmap__name")
STATUS_LABELS = dict(ItemStatus.choices)
BUCKET_LABELS = dict(BUCKETS)


class Row:
    """One item as the roadmap views show it. Read with values() rather than as model instances
    (with their related objects and prefetches): 1,000 items cost a few milliseconds, not hundreds."""

    __slots__ = (
        *ROW_FIELDS,
        "pk",
        "lane_name",
        "roadmap_name",
        "team",
        "tags",
        "parent_title",
        "is_blocked",
        "is_late",
        "flags",
        "is_dated",
        "duration",
        "status_label",
        "bucket_label",
        "color",
        "facet_cells",
    )

    def __init__(self, v: dict, *, lane_name="", roadmap_name="", team=None, tags=None):
        self.id = self.pk = v["id"]
        self.title, self.status, self.bucket = v["title"], v["status"], v["bucket"]
        self.start_date, self.end_date = start, end = v["start_date"], v["end_date"]
        self.percent_done, self.version, self.position = (
            v["percent_done"],
            v["version"],
            v["position"],
        )
        self.lane_id, self.roadmap_id = v["lane_id"], v["roadmap_id"]
        self.parent_id, self.team_id = v["parent_id"], v["team_id"]
        self.lane_name, self.roadmap_name, self.team = lane_name, roadmap_name, team
        self.tags = tags or []
        self.parent_title = None
        self.is_blocked = self.is_late = False
        self.flags: list[str] = []  # labels of registered item flags (extensions.py), e.g. "No goal"
        self.facet_cells: list = []  # what it carries of the facets higher apps add, e.g. its stages
        self.is_dated = start is not None and end is not None
        self.duration = (end - start).days + 1 if self.is_dated else None
        self.status_label = STATUS_LABELS.get(self.status, self.status)
        self.bucket_label = BUCKET_LABELS.get(self.bucket, "")

    @classmethod
    def of(cls, item: RoadmapItem) -> "Row":
        """From an item read by selectors.item (related objects selected, tags prefetched)."""
        row = cls(
            {f: getattr(item, f) for f in ROW_FIELDS},
            lane_name=item.lane.name if item.lane_id else "",
            roadmap_name=item.roadmap.name,
            team=item.team,
            tags=[t.name for t in item.tags.all()],
        )
        row.parent_title = item.parent.title if item.parent_id else None
        return row


def _side(values: dict, side: str):
    get = lambda f: values[f"{side}__{f}"]  # noqa: E731
    return SimpleNamespace(
        pk=values[f"{side}_id"],
        id=values[f"{side}_id"],
        title=get("title"),
        start_date=get("start_date"),
        end_date=get("end_date"),
        status=get("status"),
        roadmap_id=get("roadmap_id"),
        roadmap_name=get("roadmap__name"),
    )


def _dependency_state(workspace_id: int, ids, today: date) -> selectors.DependencyState:
    """selectors.dependency_state, read with values() (one query) and the same rules (violates, is_late)."""
    deps = [
        SimpleNamespace(
            pk=v["id"],
            id=v["id"],
            kind=v["kind"],
            predecessor_id=v["predecessor_id"],
            successor_id=v["successor_id"],
            predecessor=_side(v, "predecessor"),
            successor=_side(v, "successor"),
        )
        for v in Dependency.objects.filter(workspace_id=workspace_id)
        .filter(Q(predecessor_id__in=ids) | Q(successor_id__in=ids))
        .values(
            "id",
            "kind",
            "predecessor_id",
            "successor_id",
            *(f"{side}__{f}" for side in ("predecessor", "successor") for f in DEP_SIDE),
        )
        .order_by("id")
    ]
    state = selectors.DependencyState(dependencies=deps)
    for dep in deps:
        for it in (dep.predecessor, dep.successor):
            if selectors.is_late(it, today):
                state.late.add(it.pk)
        if selectors.violates(dep):
            state.violated.add(dep.pk)
            state.blocked.add(dep.successor_id)
        elif selectors.is_late(dep.predecessor, today):
            state.blocked.add(dep.successor_id)
    return state


def _lane_rows(rm: Roadmap, rows: list[Row], lanes: list[Lane]) -> list[selectors.LaneRow]:
    """The rows of the timeline, as selectors.lanes_for draws them: custom lanes, or by team, tag, status."""
    LaneRow = selectors.LaneRow
    source = extensions.LANE_SOURCES.get(rm.lane_mode)
    if source is not None:
        return extensions.group(source, rows, lambda key, name: LaneRow(key, name, None, []))
    if rm.lane_mode in (LaneMode.CUSTOM, LaneMode.GOAL, LaneMode.STAGE):  # without its source: custom lanes
        portfolio = rm.kind == RoadmapKind.PORTFOLIO
        out = [
            LaneRow(
                f"lane-{lane.pk}",
                f"{lane.roadmap.name} · {lane.name}" if portfolio else lane.name,
                lane.pk,
                [],
            )
            for lane in lanes
        ]
        by_id = {r.lane_id: r for r in out}
        loose = LaneRow("lane-none", "No lane", None, [])
        for it in rows:
            by_id.get(it.lane_id, loose).items.append(it)
        return out + ([loose] if loose.items else [])
    groups: dict[str, LaneRow] = {}
    for it in rows:
        if rm.lane_mode == LaneMode.TEAM:
            keys = [(f"team-{it.team_id}", it.team.name if it.team else "No team")]
        elif rm.lane_mode == LaneMode.TAG:
            keys = [(f"tag-{name.lower()}", name) for name in it.tags] or [("tag-none", "No tag")]
        else:
            keys = [(f"status-{it.status}", it.status_label)]
        for key, name in keys:
            groups.setdefault(key, LaneRow(key, name, None, [])).items.append(it)
    if rm.lane_mode == LaneMode.STATUS:
        order = {f"status-{s}": n for n, s in enumerate(ItemStatus.values)}
        return sorted(groups.values(), key=lambda r: order.get(r.key, 99))
    return sorted(groups.values(), key=lambda r: r.name.lower())


def _plan(rm: Roadmap, filters: dict, *, lanes: list[Lane], teams: list, today: date) -> dict:
    """What the timeline, board and table of a roadmap show, in a constant number of queries."""
    qs = selectors.items(roadmap=rm, **filters).select_related(None).prefetch_related(None)
    ids = qs.values("id")
    tags: dict[int, list[str]] = {}
    for item_id, name in (
        RoadmapItem.tags.through.objects.filter(roadmapitem_id__in=ids)
        .order_by("tag__name")
        .values_list("roadmapitem_id", "tag__name")
    ):
        tags.setdefault(item_id, []).append(name)
    lane_names = {lane.pk: lane.name for lane in lanes}
    team_by_id = {t.pk: t for t in teams}
    roadmap_names = {r.pk: r.name for r in [rm, *rm.includes.all()]}
    rows, seen = [], set()
    for values in qs.values(*ROW_FIELDS):
        if values["id"] in seen:  # a tag filter may match two spellings of one tag
            continue
        seen.add(values["id"])
        rows.append(
            Row(
                values,
                lane_name=lane_names.get(values["lane_id"], ""),
                roadmap_name=roadmap_names.get(values["roadmap_id"], ""),
                team=team_by_id.get(values["team_id"]),
                tags=tags.get(values["id"]),
            )
        )
    titles = {r.pk: r.title for r in rows}
    deps = _dependency_state(rm.workspace_id, ids, today)
    flags = extensions.flags_for(rm.workspace_id, list(titles))
    for r in rows:
        r.parent_title = titles.get(r.parent_id)
        r.is_blocked = r.pk in deps.blocked
        r.is_late = r.pk in deps.late
        r.flags = flags.get(r.pk, [])
    undated = sorted((r for r in rows if not r.start_date), key=lambda r: (r.position, r.pk))
    return {
        "items": rows,
        "lanes": _lane_rows(rm, rows, lanes),
        "milestones": list(selectors.milestones(roadmap=rm)),
        "dependencies": deps,
        "today": today,
        "buckets": {b: [r for r in undated if r.bucket == b] for b in ("now", "next", "later")},
    }


def _conflicts(deps: selectors.DependencyState) -> list[dict]:
    rows = [
        {
            "dep": d,
            "pred": d.predecessor,
            "succ": d.successor,
            "ss": d.kind == DependencyKind.START_TO_START,
        }
        for d in deps.dependencies
        if d.pk in deps.violated
    ]
    return sorted(rows, key=lambda r: (r["succ"].start_date or date.max, r["succ"].title))


def _roadmap_context(request: HttpRequest, member, roadmap_id: int, view: str) -> dict:
    rm = selectors.roadmap(workspace=member.workspace, roadmap_id=roadmap_id)
    lanes = _lanes_of(rm)
    teams = list(workspace_teams(workspace=member.workspace))
    today = timezone.localdate()
    errors = {}
    try:
        filters = _filters(request)
        data = _plan(rm, filters, lanes=lanes, teams=teams, today=today)
    except Invalid as exc:
        errors, filters = _errors(exc), {}
        data = _plan(rm, filters, lanes=lanes, teams=teams, today=today)
    deps = data["dependencies"]
    active = {k: v for k, v in filters.items() if v not in (None, "")}
    portfolio = rm.kind == RoadmapKind.PORTFOLIO
    included = {r.pk: r.name for r in rm.includes.all()}
    for m in data["milestones"]:
        m.scope_name = included.get(m.roadmap_id) if m.roadmap_id != rm.pk else None
    saved = list(selectors.saved_views(roadmap=rm))
    for sv in saved:
        sv.query = _filter_query(sv.filters)
        sv.url_name = VIEWS.get(sv.view, "roadmap")
        sv.is_current = sv.filters == active and sv.view == view
    return {
        "roadmap": rm,
        "view": view,
        "view_url_name": VIEWS[view],
        "data": data,
        "items": data["items"],
        "filters": filters,
        "active_filters": active,
        "filter_query": _filter_query(filters),
        "export_query": urlencode({k: v for k, v in active.items()}),
        "filter_errors": errors,
        "lanes": lanes,
        "own_lanes": [lane for lane in lanes if lane.roadmap_id == rm.pk],
        "teams": teams,
        "tags": list(workspace_tags(workspace=member.workspace)),
        "statuses": ItemStatus.choices,
        "facets": facets.form("roadmap_item", filters, member.workspace_id),  # e.g. "Stage"
        "saved_views": saved,
        "conflicts": _conflicts(deps),
        "blocked_count": len(deps.blocked & {i.pk for i in data["items"]}),
        "milestones": data["milestones"],
        "can_manage": can(member, "roadmap.manage"),
        "is_portfolio": portfolio,
        "includable": list(
            Roadmap.objects.filter(workspace=member.workspace).exclude(kind=RoadmapKind.PORTFOLIO)
        )
        if portfolio
        else [],
        "included_ids": set(included),
        "scales": TimeScale.choices,
        "lane_modes": LaneMode.choices,
        "color_by": colours.choices(),
        "buckets": BUCKETS,
        "kinds": DependencyKind.choices,
    }


def _idea_choices(member, rm: Roadmap):
    """Scored or planned ideas not yet on this roadmap, for "Add from idea"."""
    return (
        Idea.objects.filter(
            workspace=member.workspace, status__in=[IdeaStatus.SCORED, IdeaStatus.PLANNED]
        )
        .exclude(
            pk__in=RoadmapItem.objects.filter(
                roadmap_id__in=[rm.pk, *selectors.roadmap_ids_shown(rm)], idea_id__isnull=False
            ).values("idea_id")
        )
        .order_by("status", "title")
        .only("id", "title", "status")[:300]
    )


def _colour_maps(rm: Roadmap, data: dict, teams) -> dict:
    """Colour index per status, lane, team, roadmap or item (a registered dimension), and the legend."""
    return colours.plan(rm, data["items"], data["lanes"], teams)


def _item_json(it: RoadmapItem) -> dict:
    return {
        "id": it.pk,
        "t": it.title,
        "s": it.start_date.isoformat() if it.start_date else None,
        "e": it.end_date.isoformat() if it.end_date else None,
        "b": it.bucket,
        "st": it.status,
        "pct": it.percent_done,
        "lane": it.lane_id,
        "rm": it.roadmap_id,
        "par": it.parent_id,
        "tm": it.team_id,
        "team": it.team.name if it.team_id else "",
        "tags": it.tags if isinstance(it, Row) else [t.name for t in it.tags.all()],
        "v": it.version,
    }


def _timeline_payload(ctx: dict, member) -> dict:
    rm, data = ctx["roadmap"], ctx["data"]
    deps: selectors.DependencyState = data["dependencies"]
    items = data["items"]
    shown = {i.pk for i in items}
    slug = member.workspace.slug
    lane_roadmap = {lane.pk: lane.roadmap_id for lane in ctx["lanes"]}
    portfolio = rm.kind == RoadmapKind.PORTFOLIO
    lane_group = {lane.pk: lane.roadmap.name for lane in ctx["lanes"]} if portfolio else {}
    external = {}
    for d in deps.dependencies:
        for other in (d.predecessor, d.successor):
            if other.pk not in shown:
                external[other.pk] = {
                    "t": other.title,
                    "rmn": other.roadmap_name,
                    "s": other.start_date.isoformat() if other.start_date else None,
                    "e": other.end_date.isoformat() if other.end_date else None,
                }
    rows = []
    for item in items:
        row = _item_json(item)
        row["blk"] = item.pk in deps.blocked
        row["late"] = item.pk in deps.late
        row["flags"] = item.flags
        rows.append(row)
    return {
        "roadmap": {
            "id": rm.pk,
            "name": rm.name,
            "scale": rm.time_scale,
            "laneMode": rm.lane_mode,
            "laneTitle": getattr(extensions.LANE_SOURCES.get(rm.lane_mode), "title", ""),
            "colorBy": colours.effective(rm.color_by),
            "portfolio": rm.kind == RoadmapKind.PORTFOLIO,
        },
        "editable": ctx["can_manage"],
        "today": data["today"].isoformat(),
        "urls": {
            "move": reverse("roadmap_item_move", args=[slug, 0]),
            "item": reverse("roadmap_item", args=[slug, 0]),
        },
        "statuses": dict(ItemStatus.choices),
        "roadmaps": {str(i.roadmap_id): i.roadmap_name for i in items},
        "lanes": [
            {
                "k": row.key,
                "n": row.name,
                "lid": row.lane_id,
                "rm": lane_roadmap.get(row.lane_id),
                "g": lane_group.get(row.lane_id, ""),
                "ids": [i.pk for i in row.items],
            }
            for row in data["lanes"]
        ],
        "items": rows,
        "deps": [
            {
                "id": d.pk,
                "p": d.predecessor_id,
                "s": d.successor_id,
                "k": d.kind,
                "x": d.pk in deps.violated,
            }
            for d in deps.dependencies
        ],
        "ext": external,
        "milestones": [
            {
                "id": m.pk,
                "n": m.name,
                "d": m.date.isoformat(),
                "all": m.roadmap_id is None,
            }
            for m in data["milestones"]
        ],
        "colors": _colour_maps(rm, data, ctx["teams"]),
    }


@workspace_page("roadmap.view")
def roadmap_timeline(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    ctx = _roadmap_context(request, member, roadmap_id, "timeline")
    ctx["payload"] = payload = _timeline_payload(ctx, member)
    ctx["legend"] = payload["colors"]["legend"]
    ctx["legend_label"] = payload["colors"]["label"]
    ctx["flag_labels"] = [flag.label for flag in extensions.ITEM_FLAGS.values()]
    ctx["bucket_columns"] = []
    for value, label in BUCKETS:
        undated = ctx["data"]["buckets"][value]
        for it in undated:
            lane_key = f"lane-{it.lane_id}" if it.lane_id else "lane-none"
            it.color = colours.colour_of(payload["colors"], it, lane_key)
        ctx["bucket_columns"].append({"value": value, "label": label, "items": undated})
    if ctx["can_manage"]:
        ctx["ideas"] = _idea_choices(member, ctx["roadmap"])
        ctx["member_roadmaps"] = _member_roadmaps(ctx["roadmap"])
    return render(
        request, "roadmaps/timeline.html", ctx, status=400 if ctx["filter_errors"] else 200
    )


def _board_columns(items: list[RoadmapItem]) -> list[dict]:
    """Now / Next / Later: undated items by bucket, in board order; dated items in progress pinned to Now."""
    columns = []
    for value, label in BUCKETS:
        cards = sorted(
            (i for i in items if not i.start_date and i.bucket == value),
            key=lambda i: (i.position, i.pk),
        )
        pinned = (
            [i for i in items if i.start_date and i.status == ItemStatus.IN_PROGRESS]
            if value == Bucket.NOW
            else []
        )
        columns.append(
            {
                "bucket": value,
                "label": label,
                "cards": cards,
                "pinned": pinned,
                "count": len(cards) + len(pinned),
            }
        )
    return columns


@workspace_page("roadmap.view")
def roadmap_board(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    ctx = _roadmap_context(request, member, roadmap_id, "board")
    ctx["columns"] = _board_columns(ctx["items"])
    ctx["scheduled_count"] = sum(
        1 for i in ctx["items"] if i.start_date and i.status != ItemStatus.IN_PROGRESS
    )
    return render(request, "roadmaps/board.html", ctx, status=400 if ctx["filter_errors"] else 200)


@workspace_page("roadmap.view")
def roadmap_table(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    ctx = _roadmap_context(request, member, roadmap_id, "table")
    sort = request.GET.get("sort") or "start"
    key = sort.lstrip("-")
    if key not in TABLE_SORTS:
        sort, key = "start", "start"
    rows = sorted(ctx["items"], key=TABLE_SORTS[key], reverse=sort.startswith("-"))
    page = Paginator(rows, TABLE_PAGE).get_page(request.GET.get("page"))
    facets.annotate("roadmap_item", page, member.workspace_id)  # e.g. the stages of each item
    ctx.update(
        rows=page,
        page=page,
        sort=sort,
        sort_key=key,
        sort_desc=sort.startswith("-"),
        columns=[
            ("title", "Item"),
            ("status", "Status"),
            ("percent", "Done"),
            ("start", "Start"),
            ("end", "End"),
            ("lane", "Lane"),
            ("team", "Team"),
        ],
    )
    return render(request, "roadmaps/table.html", ctx, status=400 if ctx["filter_errors"] else 200)


# ---------------------------------------------------------------- settings, lanes, milestones, dependencies, views


def _roadmap_url(member, roadmap_id: int, view: str = "timeline") -> str:
    return reverse(VIEWS.get(view, "roadmap"), args=[member.workspace.slug, roadmap_id])


@workspace_page("roadmap.manage")
@require_POST
def roadmap_settings(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    rm = selectors.roadmap(workspace=member.workspace, roadmap_id=roadmap_id)
    post = request.POST
    try:
        services.roadmap_update(
            member=member,
            roadmap_id=rm.pk,
            version=form_version(request),
            name=post.get("name"),
            description=post.get("description"),
            time_scale=post.get("time_scale") or None,
            lane_mode=post.get("lane_mode") or None,
            color_by=post.get("color_by") or None,
            includes=[form_int(v, "includes") for v in post.getlist("includes") if v]
            if rm.kind == RoadmapKind.PORTFOLIO
            else None,
        )
    except UserError as exc:
        messages.error(request, f"Settings not saved: {exc.detail}")
    else:
        messages.success(request, "Roadmap settings saved.")
    return _back(request, _roadmap_url(member, rm.pk))


@workspace_page("roadmap.manage")
@require_POST
def roadmap_delete(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    rm = selectors.roadmap(workspace=member.workspace, roadmap_id=roadmap_id)
    services.roadmap_delete(member=member, roadmap_id=rm.pk)
    messages.success(request, f"Roadmap {rm.name} deleted.")
    return redirect("roadmaps", slug=member.workspace.slug)


@workspace_page("roadmap.manage")
@require_POST
def lane_add(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    try:
        lane = services.lane_create(
            member=member, roadmap_id=roadmap_id, name=request.POST.get("name", "")
        )
    except UserError as exc:
        messages.error(request, f"Lane not added: {exc.detail}")
    else:
        messages.success(request, f"Lane {lane.name} added.")
    return _back(request, _roadmap_url(member, roadmap_id))


@workspace_page("roadmap.manage")
@require_POST
def lane_edit(request: HttpRequest, member, roadmap_id: int, lane_id: int) -> HttpResponse:
    """Rename, move up or down, or delete a lane (its items stay, without a lane)."""
    action = request.POST.get("action", "rename")
    lanes = list(
        Lane.objects.filter(roadmap_id=roadmap_id, roadmap__workspace=member.workspace).order_by(
            "position", "id"
        )
    )
    lane = next((x for x in lanes if x.pk == lane_id), None)
    if lane is None:
        messages.error(request, "No such lane on this roadmap.")
        return _back(request, _roadmap_url(member, roadmap_id))
    try:
        if action == "delete":
            services.lane_delete(member=member, lane_id=lane.pk)
            messages.success(
                request, f"Lane {lane.name} deleted; its items stay on the roadmap without a lane."
            )
        elif action in ("up", "down"):
            with transaction.atomic():
                index = lanes.index(lane)
                target = max(0, min(len(lanes) - 1, index + (-1 if action == "up" else 1)))
                lanes.insert(target, lanes.pop(index))
                for position, other in enumerate(lanes):
                    if other.position != position:
                        services.lane_update(member=member, lane_id=other.pk, position=position)
        else:
            services.lane_update(member=member, lane_id=lane.pk, name=request.POST.get("name", ""))
            messages.success(request, "Lane renamed.")
    except UserError as exc:
        messages.error(request, exc.detail)
    return _back(request, _roadmap_url(member, roadmap_id))


@workspace_page("roadmap.manage")
@require_POST
def milestone_remove(
    request: HttpRequest, member, roadmap_id: int, milestone_id: int
) -> HttpResponse:
    services.milestone_delete(member=member, milestone_id=milestone_id)
    messages.success(request, "Milestone deleted.")
    return _back(request, _roadmap_url(member, roadmap_id))


def _dependency_form_context(member, rm: Roadmap) -> dict:
    """Items for the two selects: this roadmap's (successor) and the whole workspace's (predecessor)."""
    everything = list(
        RoadmapItem.objects.filter(workspace=member.workspace)
        .select_related("roadmap")
        .only("id", "title", "roadmap__name", "roadmap_id")
        .order_by("roadmap__name", "title")
    )
    here = set(selectors.roadmap_ids_shown(rm))
    groups: dict[str, list] = {}
    for it in everything:
        groups.setdefault(it.roadmap.name, []).append(it)
    return {
        "roadmap": rm,
        "own_items": [it for it in everything if it.roadmap_id in here],
        "item_groups": sorted(groups.items()),
        "kinds": DependencyKind.choices,
    }


@workspace_page("roadmap.view")
@require_http_methods(["GET", "POST"])
def dependency_add(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    """GET: the form (loaded when the panel opens); POST: successor waits for predecessor."""
    rm = selectors.roadmap(workspace=member.workspace, roadmap_id=roadmap_id)
    if request.method == "GET":
        return render(
            request, "roadmaps/_dependency_form.html", _dependency_form_context(member, rm)
        )
    if not can(member, "roadmap.manage"):
        raise PermissionDenied("Only editors add dependencies.")
    post = request.POST
    try:
        dep = services.dependency_create(
            member=member,
            predecessor_id=form_int(post.get("predecessor_id"), "predecessor_id", 0),
            successor_id=form_int(post.get("successor_id"), "successor_id", 0),
            kind=post.get("kind") or DependencyKind.FINISH_TO_START,
        )
    except UserError as exc:
        messages.error(request, f"Dependency not added: {exc.detail}")
    else:
        messages.success(request, f"{dep.successor.title} now waits for {dep.predecessor.title}.")
    return _back(request, _roadmap_url(member, rm.pk))


@workspace_page("roadmap.manage")
@require_POST
def dependency_remove(
    request: HttpRequest, member, roadmap_id: int, dependency_id: int
) -> HttpResponse:
    services.dependency_delete(member=member, dependency_id=dependency_id)
    messages.success(request, "Dependency removed.")
    return _back(request, _roadmap_url(member, roadmap_id))


@workspace_page("roadmap.manage")
@require_POST
def saved_view_add(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    post = request.POST
    view = post.get("view") or "timeline"
    filters = {
        key: value
        for key, value in {
            "tag": post.get("tag") or None,
            "team_id": form_int(post.get("team"), "team"),
            "status": post.get("status") or None,
            "lane_id": form_int(post.get("lane"), "lane"),
            **{f.key: post.get(f.key) or None for f in facets.for_target("roadmap_item")},
        }.items()
        if value not in (None, "")
    }
    try:
        saved = services.saved_view_create(
            member=member,
            roadmap_id=roadmap_id,
            name=post.get("name", ""),
            view=view,
            filters=filters,
        )
    except UserError as exc:
        messages.error(request, f"View not saved: {exc.detail}")
        return _back(request, _roadmap_url(member, roadmap_id, view))
    messages.success(request, f"View {saved.name} saved for everyone in the workspace.")
    return redirect(with_query(_roadmap_url(member, roadmap_id, view), _filter_query(filters)))


@workspace_page("roadmap.manage")
@require_POST
def saved_view_remove(request: HttpRequest, member, roadmap_id: int, view_id: int) -> HttpResponse:
    services.saved_view_delete(member=member, view_id=view_id)
    messages.success(request, "Saved view deleted.")
    return _back(request, _roadmap_url(member, roadmap_id))


# ---------------------------------------------------------------- items: new, from an idea, the item page


def _tags(text: str) -> list[str]:
    return words(text)


def _item_form_context(member, rm: Roadmap, item: RoadmapItem | None = None) -> dict:
    roadmap_ids = [item.roadmap_id] if item else [r.pk for r in _member_roadmaps(rm)]
    return {
        "form_lanes": list(
            Lane.objects.filter(roadmap_id__in=roadmap_ids)
            .select_related("roadmap")
            .order_by("roadmap__name", "position", "id")
        ),
        "containers": list(
            RoadmapItem.objects.filter(roadmap_id__in=roadmap_ids)
            .exclude(pk=item.pk if item else None)
            .only("id", "title")
            .order_by("title")[:500]
        ),
        "teams": list(workspace_teams(workspace=member.workspace)),
        "people": list(
            Person.objects.filter(workspace=member.workspace).order_by("name").only("id", "name")
        ),
        "statuses": ItemStatus.choices,
        "buckets": BUCKETS,
        "member_roadmaps": _member_roadmaps(rm),
        "multi_roadmap": len(roadmap_ids) > 1,
    }


def _dates_from(post) -> tuple[date | None, date | None, str]:
    start = form_date(post.get("start_date"), "start_date")
    end = form_date(post.get("end_date"), "end_date")
    bucket = post.get("bucket") or ""
    return start, end, bucket


@workspace_page("roadmap.manage")
@require_http_methods(["GET", "POST"])
def item_new(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    rm = selectors.roadmap(workspace=member.workspace, roadmap_id=roadmap_id)
    errors, values = {}, {"bucket": "next", "status": "planned", "percent_done": 0}
    if request.GET.get("lane"):
        values["lane_id"] = form_int(request.GET.get("lane"), "lane")
    if request.method == "POST":
        values = request.POST
        try:
            start, end, bucket = _dates_from(values)
            target = form_int(values.get("roadmap_id"), "roadmap_id") or _member_roadmaps(rm)[0].pk
            item = services.item_create(
                member=member,
                roadmap_id=target,
                title=values.get("title", ""),
                description=values.get("description", ""),
                lane_id=form_int(values.get("lane_id"), "lane_id"),
                parent_id=form_int(values.get("parent_id"), "parent_id"),
                start_date=start,
                end_date=end,
                bucket="" if start else bucket,
                status=values.get("status") or ItemStatus.PLANNED,
                percent_done=form_int(values.get("percent_done"), "percent_done", 0),
                tags=_tags(values.get("tags", "")),
                team_id=form_int(values.get("team_id"), "team_id"),
                people_ids=[form_int(v, "people_ids") for v in values.getlist("people_ids") if v],
            )
        except UserError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, f"{item.title} added to the roadmap.")
            return finish(request, _roadmap_url(member, rm.pk, request.POST.get("view") or "timeline"))
    ctx = {
        "roadmap": rm,
        "errors": errors,
        "values": values,
        "item": None,
        "people_ids": values.getlist("people_ids") if hasattr(values, "getlist") else [],
        "back_view": (request.POST.get("view") or request.GET.get("view") or "timeline")
        if (request.POST.get("view") or request.GET.get("view")) in VIEWS
        else "timeline",
        **_item_form_context(member, rm),
    }
    return form_response(
        request,
        "roadmaps/_item_new_form.html",
        ctx,
        title="New item",
        intro="A bar on the timeline (with dates) or a card in Now, Next or Later. Add its dependencies on its page once it exists.",
        back_url=_roadmap_url(member, rm.pk, ctx["back_view"]),
        back_label=rm.name,
        status=422 if errors else 200,
    )


@workspace_page("roadmap.manage")
@require_POST
def item_add_from_idea(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    rm = selectors.roadmap(workspace=member.workspace, roadmap_id=roadmap_id)
    post = request.POST
    try:
        start, end, bucket = _dates_from(post)
        item = services.item_from_idea(
            member=member,
            roadmap_id=form_int(post.get("roadmap_id"), "roadmap_id") or _member_roadmaps(rm)[0].pk,
            idea_id=form_int(post.get("idea_id"), "idea_id", 0),
            reason=post.get("reason", ""),
            lane_id=form_int(post.get("lane_id"), "lane_id"),
            start_date=start,
            end_date=end,
            bucket="" if start else bucket,
        )
    except UserError as exc:
        messages.error(request, f"Not added: {exc.detail}")
    else:
        messages.success(request, f"{item.title} is on the roadmap now; the idea is planned.")
    return _back(request, _roadmap_url(member, rm.pk))


def _dependencies_of(member, item: RoadmapItem) -> dict:
    today = timezone.localdate()
    state = selectors.dependency_state(item_ids=[item.pk], workspace=member.workspace, today=today)
    waits, blocks = [], []
    for d in state.dependencies:
        row = {"dep": d, "violated": d.pk in state.violated, "late": False}
        if d.successor_id == item.pk:
            row["other"] = d.predecessor
            row["late"] = d.predecessor_id in state.late
            waits.append(row)
        else:
            row["other"] = d.successor
            blocks.append(row)
    return {
        "waits_for": waits,
        "blocks": blocks,
        "is_blocked": item.pk in state.blocked,
        "is_late": item.pk in state.late,
    }


def _item_page(request, member, item, *, errors=None, values=None, status=200) -> HttpResponse:
    from_id = (
        form_int(request.GET.get("from"), "from") if request.GET.get("from", "").isdigit() else None
    )
    rm = item.roadmap
    origin = rm
    if from_id and from_id != rm.pk:
        origin = Roadmap.objects.filter(pk=from_id, workspace=member.workspace).first() or rm
    values = values or {
        "title": item.title,
        "description": item.description,
        "lane_id": item.lane_id,
        "parent_id": item.parent_id,
        "start_date": item.start_date.isoformat() if item.start_date else "",
        "end_date": item.end_date.isoformat() if item.end_date else "",
        "bucket": item.bucket,
        "status": item.status,
        "percent_done": item.percent_done,
        "team_id": item.team_id,
        "tags": ", ".join(t.name for t in item.tags.all()),
        "people_ids": [str(p.pk) for p in item.people.all()],
        "version": item.version,
    }
    others = (
        RoadmapItem.objects.filter(workspace=member.workspace)
        .exclude(pk=item.pk)
        .select_related("roadmap")
        .only("id", "title", "roadmap__name", "roadmap_id")
        .order_by("roadmap__name", "title")
    )
    groups: dict[str, list] = {}
    for it in others:
        groups.setdefault(it.roadmap.name, []).append(it)
    ctx = {
        "item": item,
        "roadmap": rm,
        "origin": origin,
        "description_html": render_markdown(item.description),
        "duration": (item.end_date - item.start_date).days + 1 if item.is_dated else None,
        "children": list(item.children.order_by("start_date", "position", "id")),
        "panels": extensions.render_item_panels(request, member, item),
        "audit": audit_entries(
            workspace=member.workspace, object_type="roadmap item", object_id=item.pk
        )[:40],
        "can_manage": can(member, "roadmap.manage"),
        "errors": errors or {},
        "values": values,
        "item_groups": sorted(groups.items()),
        "kinds": DependencyKind.choices,
        "dep_errors": (errors or {}).get("dependency"),
        **_dependencies_of(member, item),
        **_item_form_context(member, rm, item),
    }
    ctx["people_ids"] = [
        str(v)
        for v in (
            values.getlist("people_ids")
            if hasattr(values, "getlist")
            else values.get("people_ids", [])
        )
    ]
    return render(request, "roadmaps/item.html", ctx, status=status)


@workspace_page("roadmap.view")
@require_http_methods(["GET", "POST"])
def item_detail(request: HttpRequest, member, item_id: int) -> HttpResponse:
    item = selectors.item(workspace=member.workspace, item_id=item_id)
    if request.method == "GET":
        return _item_page(request, member, item)
    if not can(member, "roadmap.manage"):
        raise PermissionDenied("Only editors change roadmap items.")
    post = request.POST
    try:
        start, end, bucket = _dates_from(post)
        lane_id = form_int(post.get("lane_id"), "lane_id")
        parent_id = form_int(post.get("parent_id"), "parent_id")
        team_id = form_int(post.get("team_id"), "team_id")
        services.item_update(
            member=member,
            item_id=item.pk,
            version=form_version(request),
            title=post.get("title", ""),
            description=post.get("description", ""),
            lane_id=lane_id,
            clear_lane=lane_id is None,
            parent_id=parent_id,
            clear_parent=parent_id is None,
            start_date=start,
            end_date=end,
            undate=start is None and end is None,
            bucket=bucket or None,
            status=post.get("status") or None,
            percent_done=form_int(post.get("percent_done"), "percent_done", 0),
            tags=_tags(post.get("tags", "")),
            team_id=team_id,
            clear_team=team_id is None,
            people_ids=[form_int(v, "people_ids") for v in post.getlist("people_ids") if v],
        )
    except StaleVersion:
        item = selectors.item(workspace=member.workspace, item_id=item_id)
        messages.error(
            request,
            "Someone else changed this item while you were editing. The form shows their version now; "
            "make your change again and save.",
        )
        return _item_page(request, member, item, status=409)
    except UserError as exc:
        return _item_page(request, member, item, errors=_errors(exc), values=post, status=422)
    messages.success(request, "Item saved.")
    origin = post.get("from", "")
    return redirect(
        with_query(
            reverse("roadmap_item", args=[member.workspace.slug, item.pk]),
            {"from": origin if origin.isdigit() else None},
        )
    )


@workspace_page("roadmap.manage")
@require_POST
def item_dependency_add(request: HttpRequest, member, item_id: int) -> HttpResponse:
    """From the item page: this item waits for another, or blocks another."""
    item = selectors.item(workspace=member.workspace, item_id=item_id)
    post = request.POST
    try:
        other = form_int(post.get("other_id"), "other_id", 0)
        pred, succ = (other, item.pk) if post.get("direction") != "blocks" else (item.pk, other)
        services.dependency_create(
            member=member,
            predecessor_id=pred,
            successor_id=succ,
            kind=post.get("kind") or DependencyKind.FINISH_TO_START,
        )
    except UserError as exc:
        messages.error(request, f"Dependency not added: {exc.detail}")
    else:
        messages.success(request, "Dependency added.")
    return _back(
        request, reverse("roadmap_item", args=[member.workspace.slug, item.pk]) + "#dependencies"
    )


@workspace_page("roadmap.manage")
@require_POST
def item_remove(request: HttpRequest, member, item_id: int) -> HttpResponse:
    item = selectors.item(workspace=member.workspace, item_id=item_id)
    services.item_delete(member=member, item_id=item.pk)
    messages.success(request, f"{item.title} deleted.")
    target = form_int(request.POST.get("from"), "from") or item.roadmap_id
    return redirect("roadmap", slug=member.workspace.slug, roadmap_id=target)


# ---------------------------------------------------------------- moves: timeline drags, board places, table rows


def _flags_around(member, item_id: int) -> dict:
    """After a move: the conflict state of the item and its direct neighbours, for the timeline to redraw."""
    first = selectors.dependency_state(item_ids=[item_id], workspace=member.workspace)
    ids = (
        {item_id}
        | {d.predecessor_id for d in first.dependencies}
        | {d.successor_id for d in first.dependencies}
    )
    state = selectors.dependency_state(item_ids=list(ids), workspace=member.workspace)
    return {
        "checked": sorted(ids),
        "blocked": sorted(state.blocked & ids),
        "late": sorted(state.late & ids),
        "deps": [{"id": d.pk, "x": d.pk in state.violated} for d in state.dependencies],
    }


def _json_error(exc, status: int) -> JsonResponse:
    return JsonResponse(exc.as_dict(), status=status)


@workspace_page("roadmap.manage")
@require_POST
def item_move(request: HttpRequest, member, item_id: int) -> JsonResponse:
    """Drag (or keyboard move) on the timeline: JSON in, JSON out; 409 carries where the bar is now."""
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"detail": "Send a JSON object.", "errors": []}, status=400)
    try:
        version = form_int(body.get("version"), "version")
        if version is None:
            raise Invalid.field(
                "version", "The move is missing the bar's version; reload the page."
            )
        start = form_date(body.get("start_date"), "start_date")
        end = form_date(body.get("end_date"), "end_date")
        if start is None or end is None:
            raise Invalid.field("start_date", "A bar on the timeline has a start and an end date.")
        lane_given = "lane_id" in body
        lane_id = form_int(body.get("lane_id"), "lane_id") if lane_given else None
        item = services.item_move(
            member=member,
            item_id=item_id,
            version=version,
            start_date=start,
            end_date=end,
            lane_id=lane_id,
            clear_lane=lane_given and lane_id is None,
        )
    except StaleVersion as exc:
        current = selectors.item(workspace=member.workspace, item_id=item_id)
        payload = exc.as_dict() | {
            "item": _item_json(current),
            "flags": _flags_around(member, item_id),
        }
        return JsonResponse(payload, status=409)
    except UserError as exc:
        return _json_error(exc, exc.status)
    item = selectors.item(workspace=member.workspace, item_id=item.pk)
    return JsonResponse({
        "item": _item_json(item), "flags": _flags_around(member, item.pk),
        "warnings": extensions.move_warnings(member.workspace, item),
    })  # fmt: skip


@transaction.atomic
def _place(
    member,
    board: Roadmap,
    item: RoadmapItem,
    version: int,
    bucket: str,
    before_id: int | None,
    direction: str,
) -> RoadmapItem:
    """Put an undated item in a board column, before another card (or last), or one step up or down.

    Only the moved card is written, between its new neighbours' positions, unless they leave no room:
    then the column is renumbered (10, 20, 30...).
    """
    if item.start_date:
        raise Invalid.field(
            "bucket",
            "A scheduled item keeps its dates: move it on the timeline, or clear its dates first.",
        )
    bucket = bucket or item.bucket or Bucket.LATER
    if bucket not in Bucket.values:
        raise Invalid.field("bucket", "Use now, next or later.")
    column = list(
        RoadmapItem.objects.filter(
            roadmap_id__in=selectors.roadmap_ids_shown(board) or [item.roadmap_id],
            start_date__isnull=True,
            bucket=bucket,
        ).order_by("position", "id")
    )
    here = next((n for n, c in enumerate(column) if c.pk == item.pk), None)
    others = [c for c in column if c.pk != item.pk]
    if direction in ("up", "down") and here is not None:
        index = max(0, min(len(others), here + (-1 if direction == "up" else 1)))
    elif before_id:
        index = next((n for n, c in enumerate(others) if c.pk == before_id), len(others))
    else:
        index = len(others)
    prev = others[index - 1] if index > 0 else None
    nxt = others[index] if index < len(others) else None
    if prev is None and nxt is None:
        position = item.position
    elif prev is None:
        position = nxt.position - 1
    elif nxt is None:
        position = prev.position + 1
    elif nxt.position - prev.position >= 2:
        position = (prev.position + nxt.position) // 2
    else:
        position = None
    if position is not None:
        return services.item_update(
            member=member, item_id=item.pk, version=version, bucket=bucket, position=position
        )
    order = [*others[:index], item, *others[index:]]
    moved = services.item_update(
        member=member, item_id=item.pk, version=version, bucket=bucket, position=(index + 1) * 10
    )
    for n, card in enumerate(order):
        if card.pk != item.pk and card.position != (n + 1) * 10:
            services.item_update(
                member=member, item_id=card.pk, version=card.version, position=(n + 1) * 10
            )
    return moved


@workspace_page("roadmap.manage")
@require_POST
def item_place(request: HttpRequest, member, item_id: int) -> HttpResponse:
    """The board: move a card to a column and a place (drag and drop, or the card's own controls)."""
    post = request.POST
    item = selectors.item(workspace=member.workspace, item_id=item_id)
    board_id = form_int(post.get("roadmap"), "roadmap") or item.roadmap_id
    board = selectors.roadmap(workspace=member.workspace, roadmap_id=board_id)
    default = _roadmap_url(member, board.pk, "board")
    try:
        moved = _place(
            member,
            board,
            item,
            form_version(request),
            post.get("bucket") or "",
            form_int(post.get("before"), "before"),
            post.get("direction") or "",
        )
    except StaleVersion as exc:
        detail = f"Someone else changed “{item.title}” first; the board shows where it is now."
        if _wants_json(request):
            messages.error(request, detail)
            return JsonResponse(exc.as_dict() | {"detail": detail}, status=409)
        messages.error(request, detail)
        return _back(request, default)
    except UserError as exc:
        if _wants_json(request):
            return _json_error(exc, exc.status)
        messages.error(request, exc.detail)
        return _back(request, default)
    if _wants_json(request):
        return JsonResponse(
            {
                "id": moved.pk,
                "version": moved.version,
                "bucket": moved.bucket,
                "position": moved.position,
            }
        )
    messages.success(request, f"{moved.title} moved to {Bucket(moved.bucket).label}.")
    return _back(request, default)


def _row_context(member, item: RoadmapItem, roadmap_id: int | None) -> dict:
    flags = selectors.dependency_state(item_ids=[item.pk], workspace=member.workspace)
    row = Row.of(item)
    row.is_blocked = item.pk in flags.blocked
    row.is_late = item.pk in flags.late
    row.flags = extensions.flags_for(item.workspace_id, [item.pk]).get(item.pk, [])  # e.g. "No goal"
    facets.annotate("roadmap_item", [row], item.workspace_id)
    return {
        "it": row,
        "roadmap_id": roadmap_id or item.roadmap_id,
        "can_manage": can(member, "roadmap.manage"),
        "statuses": ItemStatus.choices,
        "is_portfolio": bool(roadmap_id and roadmap_id != item.roadmap_id),
    }


@workspace_page("roadmap.view")
@require_http_methods(["GET", "POST"])
def item_row(request: HttpRequest, member, item_id: int) -> HttpResponse:
    """One row of the table (htmx): shown, in edit mode, or saved; a stale version shows the current state."""
    roadmap_id = form_int(request.GET.get("roadmap") or request.POST.get("roadmap"), "roadmap")
    item = selectors.item(workspace=member.workspace, item_id=item_id)
    if request.method == "GET":
        editing = request.GET.get("edit") == "1" and can(member, "roadmap.manage")
        ctx = _row_context(member, item, roadmap_id)
        return render(request, "roadmaps/_row_edit.html" if editing else "roadmaps/_row.html", ctx)
    if not can(member, "roadmap.manage"):
        raise PermissionDenied("Only editors change roadmap items.")
    post = request.POST
    try:
        start, end, _ = _dates_from(post)
        services.item_update(
            member=member,
            item_id=item.pk,
            version=form_version(request),
            title=post.get("title", ""),
            status=post.get("status") or None,
            percent_done=form_int(post.get("percent_done"), "percent_done", 0),
            start_date=start,
            end_date=end,
            undate=start is None and end is None and item.start_date is not None,
        )
    except StaleVersion:
        ctx = _row_context(
            member, selectors.item(workspace=member.workspace, item_id=item_id), roadmap_id
        )
        ctx["conflict"] = True
        return render(request, "roadmaps/_row_edit.html", ctx, status=409)
    except UserError as exc:
        ctx = _row_context(member, item, roadmap_id)
        ctx.update(errors=_errors(exc), values=post)
        return render(request, "roadmaps/_row_edit.html", ctx, status=422)
    ctx = _row_context(
        member, selectors.item(workspace=member.workspace, item_id=item_id), roadmap_id
    )
    ctx["saved"] = True
    return render(request, "roadmaps/_row.html", ctx)


# ---------------------------------------------------------------- what changed


def _last_monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


def _fmt(d: str | None) -> str:
    return dates.day(date.fromisoformat(d)) if d else ""


def _span(state: dict) -> str:
    if state.get("start_date"):
        return f"{_fmt(state['start_date'])} \N{EN DASH} {_fmt(state.get('end_date'))}"
    bucket = state.get("bucket")
    return f"{Bucket(bucket).label} (no dates)" if bucket in Bucket.values else "no dates"


def _days(n: int, direction: str = "") -> str:
    """14, "later" -> "14 days later (2 weeks)"."""
    n = abs(n)
    text = f"{n} day{'s' if n != 1 else ''}" + (f" {direction}" if direction else "")
    return text + (f" ({n // 7} weeks)" if n % 7 == 0 and n >= 14 else "")


FIELD_LABELS = {
    "title": "Title",
    "description": "Description",
    "lane_id": "Lane",
    "parent_id": "Container",
    "status": "Status",
    "percent_done": "Progress",
    "team_id": "Team",
    "idea_id": "Linked idea",
    "roadmap_id": "Roadmap",
}


def _readable_changes(member, result: dict) -> list[dict]:
    """One entry per item: what happened to it, in sentences ("moved 14 days later")."""
    ids = {
        "lane_id": set(),
        "team_id": set(),
        "roadmap_id": set(),
        "idea_id": set(),
        "parent_id": set(),
    }
    for group in ("moved", "rescoped", "changed"):
        for row in result[group]:
            for state in (row["before"], row["after"]):
                for key in ids:
                    if state.get(key):
                        ids[key].add(state[key])
    from accord.workspaces.models import Team

    names = {
        "lane_id": dict(Lane.objects.filter(pk__in=ids["lane_id"]).values_list("id", "name")),
        "team_id": dict(
            Team.objects.filter(pk__in=ids["team_id"], workspace=member.workspace).values_list(
                "id", "name"
            )
        ),
        "roadmap_id": dict(
            Roadmap.objects.filter(
                pk__in=ids["roadmap_id"], workspace=member.workspace
            ).values_list("id", "name")
        ),
        "idea_id": dict(
            Idea.objects.filter(pk__in=ids["idea_id"], workspace=member.workspace).values_list(
                "id", "title"
            )
        ),
        "parent_id": dict(
            RoadmapItem.objects.filter(
                pk__in=ids["parent_id"], workspace=member.workspace
            ).values_list("id", "title")
        ),
    }
    statuses = dict(ItemStatus.choices)

    def value(key: str, raw):
        if raw in (None, ""):
            return "—"
        if key in names:
            return names[key].get(raw, f"#{raw} (deleted)")
        if key == "status":
            return statuses.get(raw, raw)
        if key == "percent_done":
            return f"{raw}%"
        return str(raw)

    entries: dict[int, dict] = {}

    def entry(row: dict, kind: str) -> dict:
        e = entries.setdefault(
            row["id"],
            {
                "id": row["id"],
                "title": row["title"],
                "kinds": [],
                "lines": [],
                "after": row["after"],
                "before": row["before"],
                "sort": 0,
            },
        )
        if kind not in e["kinds"]:
            e["kinds"].append(kind)
        return e

    for row in result["moved"]:
        e = entry(row, "moved")
        direction = "later" if row["days"] > 0 else "earlier"
        e["lines"].append(
            {
                "kind": "moved",
                "text": f"Moved {_days(row['days'], direction)}",
                "from": _span(row["before"]),
                "to": _span(row["after"]),
            }
        )
        e["sort"] = max(e["sort"], abs(row["days"]))
    for row in result["rescoped"]:
        e = entry(row, "rescoped")
        if row["duration_before"] is not None:
            longer = row["duration_after"] > row["duration_before"]
            text = f"Re-scoped from {row['duration_before']} to {row['duration_after']} days ({'longer' if longer else 'shorter'})"
        elif row["after"].get("start_date"):
            text = "Scheduled"
        elif row["before"].get("start_date"):
            text = "Unscheduled"
        else:
            text = f"Moved to {BUCKET_LABELS.get(row['after'].get('bucket'), 'no horizon')}"
        moved_too = "moved" in e["kinds"]  # the move's line shows both spans already
        e["lines"].append(
            {
                "kind": "rescoped",
                "text": text,
                "from": "" if moved_too else _span(row["before"]),
                "to": "" if moved_too else _span(row["after"]),
            }
        )
    for row in result["changed"]:
        e = entry(row, "changed")
        for key in row["fields"]:
            label = FIELD_LABELS.get(key, key.replace("_", " ").capitalize())
            if key == "description":
                e["lines"].append(
                    {"kind": "changed", "text": "Description edited", "from": "", "to": ""}
                )
            else:
                e["lines"].append(
                    {
                        "kind": "changed",
                        "text": label,
                        "from": value(key, row["before"].get(key)),
                        "to": value(key, row["after"].get(key)),
                    }
                )
    return sorted(entries.values(), key=lambda e: (-e["sort"], e["title"].lower()))


@workspace_page("roadmap.view")
def roadmap_changes(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    rm = selectors.roadmap(workspace=member.workspace, roadmap_id=roadmap_id)
    today = timezone.localdate()
    errors = {}
    default_since = _last_monday(today)
    try:
        since_day = form_date(request.GET.get("since"), "since") or default_since
        if since_day > today:
            raise Invalid.field("since", "Pick a day in the past (or today).")
    except Invalid as exc:
        errors, since_day = _errors(exc), default_since
    since = timezone.make_aware(datetime.combine(since_day, time.min))
    result = selectors.diff(roadmap=rm, since=since)
    for row in result["added"]:
        row["span"] = _span(row)
    for row in result["removed"]:
        row["span"] = _span(row)
    changes = _readable_changes(member, result)
    for row in result["upstream"]:
        row["from"], row["to"] = _span(row["before"]), _span(row["after"])
    return render(
        request,
        "roadmaps/changes.html",
        {
            "roadmap": rm,
            "since": since_day,
            "default_since": default_since,
            "presets": [
                ("Since Monday", default_since),
                ("Last 14 days", today - timedelta(days=14)),
                ("Last 30 days", today - timedelta(days=30)),
                ("Last 90 days", today - timedelta(days=90)),
            ],
            "today": today,
            "errors": errors,
            "result": result,
            "changes": changes,
            "total": len(changes) + len(result["added"]) + len(result["removed"])
            + len(result["upstream"]),
            "moved_count": len(result["moved"]),
            "can_manage": can(member, "roadmap.manage"),
        },
        status=400 if errors else 200,
    )
