"""Public share pages (no login): /share/<token>, its kiosk endpoints, and the calendar feed.

What a share link shows is exactly its views, read-only: a timeline (the SVG of render.py), a
now/next/later board or a table of one roadmap with the link's filters. No navigation, no link into
the app, no database id, no token: the page's own URLs are derived in the browser from its address.

- Unknown, revoked and expired tokens get one uniform 404 page; each such miss counts against the
  client's address, and after MISS_LIMIT misses in MISS_WINDOW seconds every share URL answers 429.
- A link with a password shows a form first; success is remembered in the session for that link
  (bound to the password's hash); wrong passwords are limited per (link, address).
- Revocation takes effect at once: every request resolves the token again.
- Headers: Referrer-Policy no-referrer, X-Robots-Tag noindex, Cache-Control no-store, and the
  app's Content-Security-Policy (frame-ancestors 'none': no embedding).
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db.models import Count, Max, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from accord.core import facets, ratelimit
from accord.core.errors import Invalid, NotFound
from accord.core.tokens import hash_token

from . import extensions, selectors, services
from . import render as timeline_render
from .models import Dependency, ItemStatus, Lane, Milestone, Roadmap, RoadmapItem, ShareLink

MISS_LIMIT = 30  # unknown/revoked/expired tokens per address and window, then 429
MISS_WINDOW = 10 * 60
PASSWORD_LIMIT = 5  # wrong passwords per (link, address) and window, then 429
PASSWORD_LINK_LIMIT = 50  # wrong passwords per link from all addresses together
PASSWORD_WINDOW = 15 * 60
POLL_SECONDS = 5  # how often a kiosk asks /state whether the shared data changed
NEXT_DAYS = 90  # the board: dated items starting within this many days are "next"

VIEW_LABELS = {"timeline": "Timeline", "board": "Board", "table": "Table"}


# ---------------------------------------------------------------- rate limits and headers


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _miss_key(request: HttpRequest) -> str:
    return f"share-miss:{client_ip(request)}"


def _too_many_misses(request: HttpRequest) -> bool:
    return ratelimit.hits(_miss_key(request)) >= MISS_LIMIT


def public_headers(response: HttpResponse) -> HttpResponse:
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response.headers["Cache-Control"] = "no-store"
    return response


def not_found(request: HttpRequest) -> HttpResponse:
    """The one 404 of every unknown, revoked or expired token (and of every URL derived from it)."""
    ratelimit.hit(_miss_key(request), MISS_WINDOW)
    return render(request, "roadmaps/public/not_found.html", status=404)


def too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    response = render(request, "roadmaps/public/rate_limited.html", status=429)
    response.headers["Retry-After"] = str(seconds)
    return response


def public_view(view):
    """Rate limit misses, translate NotFound into the uniform 404, set the public headers."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _too_many_misses(request):
            response = too_many(request, MISS_WINDOW)
        else:
            try:
                response = view(request, *args, **kwargs)
            except NotFound:
                response = not_found(request)
        return public_headers(response)

    return wrapper


# ---------------------------------------------------------------- the link, its password, its views


def _session_key(link: ShareLink) -> str:
    return f"share-ok:{link.pk}"


def _password_proof(link: ShareLink) -> str:
    return salted_hmac("accord.share-password", link.password_hash, algorithm="sha256").hexdigest()


def _unlocked(request: HttpRequest, link: ShareLink) -> bool:
    if not link.password_hash:
        return True
    proof = request.session.get(_session_key(link), "")
    return bool(proof) and constant_time_compare(proof, _password_proof(link))


def _resolve(token: str) -> ShareLink:
    """The active link, whatever its password (the views check it): NotFound otherwise."""
    try:
        return services.share_link_resolve(token)
    except PermissionError:  # active, with a password: the service checked both
        return ShareLink.objects.select_related("workspace").get(token_hash=hash_token(token))


def _clean_filters(raw: object) -> tuple[dict, bool]:
    """(filters for selectors.timeline, whether they can match anything at all)."""
    filters: dict = {}
    if not isinstance(raw, dict):
        return filters, True
    ok = True
    tag = raw.get("tag")
    if tag not in (None, ""):
        if isinstance(tag, str):
            filters["tag"] = tag[:60]
        else:
            ok = False
    status = raw.get("status")
    if status not in (None, ""):
        if status in ItemStatus.values:
            filters["status"] = status
        else:
            ok = False
    for key in ("team_id", "lane_id"):
        value = raw.get(key)
        if value in (None, ""):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            ok = False
            continue
        try:
            filters[key] = int(value)
        except ValueError:
            ok = False
    for facet in facets.for_target("roadmap_item"):  # e.g. "stage" (initiatives)
        value = raw.get(facet.key)
        if value not in (None, ""):
            if isinstance(value, str):
                filters[facet.key] = value[:60]
            else:
                ok = False
    return filters, ok


class SharedView:
    """One view of a link: its roadmap (of the link's workspace), kind and filters."""

    def __init__(self, index: int, roadmap: Roadmap, kind: str, raw_filters: object):
        self.index = index
        self.roadmap = roadmap
        self.kind = kind if kind in VIEW_LABELS else "timeline"
        self.filters, self.matches = _clean_filters(raw_filters)

    @property
    def label(self) -> str:
        return VIEW_LABELS[self.kind]

    @property
    def title(self) -> str:
        return f"{self.roadmap.name} · {self.label}"

    def filter_summary(self) -> list[str]:
        parts = []
        if "tag" in self.filters:
            parts.append(f"Tag: {self.filters['tag']}")
        if "status" in self.filters:
            parts.append(f"Status: {ItemStatus(self.filters['status']).label}")
        if "lane_id" in self.filters:
            lane = Lane.objects.filter(
                pk=self.filters["lane_id"], roadmap__workspace_id=self.roadmap.workspace_id
            ).first()
            parts.append(f"Lane: {lane.name if lane else 'none'}")
        if "team_id" in self.filters:
            from accord.workspaces.models import Team

            team = Team.objects.filter(
                pk=self.filters["team_id"], workspace_id=self.roadmap.workspace_id
            ).first()
            parts.append(f"Team: {team.name if team else 'none'}")
        for facet in facets.for_target("roadmap_item"):
            if facet.key in self.filters:
                names = dict(facet.options(self.roadmap.workspace_id))
                parts.append(f"{facet.label}: {names.get(self.filters[facet.key], 'none')}")
        return parts

    def data(self) -> dict:
        nothing = {"lane_id": -1}  # no item has that lane
        try:
            return selectors.timeline(
                roadmap=self.roadmap, filters=self.filters if self.matches else nothing
            )
        except Invalid:
            return selectors.timeline(roadmap=self.roadmap, filters=nothing)


class ExtensionView:
    """A view of another capability in the rotation (extensions.KIOSK_VIEWS), e.g. the scoreboard."""

    roadmap = None

    def __init__(self, index: int, source: extensions.KioskView, workspace):
        self.index, self.kind, self.source, self.workspace = index, source.kind, source, workspace
        self.label = self.title = source.label

    def html(self) -> str:
        return mark_safe(self.source.render(self.workspace, self.index))  # noqa: S308 (its own template)


def shared_views(link: ShareLink) -> list[SharedView | ExtensionView]:
    """The link's views whose roadmap still exists in the link's workspace, in order."""
    raw = link.views if isinstance(link.views, list) else []
    ids = {v.get("roadmap") for v in raw if isinstance(v, dict)}
    roadmaps = {
        r.pk: r
        for r in Roadmap.objects.filter(
            workspace_id=link.workspace_id, pk__in=[i for i in ids if isinstance(i, int)]
        )
        .select_related("workspace")
        .prefetch_related("includes")
    }
    views: list[SharedView | ExtensionView] = []
    for spec in raw:
        source = extensions.KIOSK_VIEWS.get(spec.get("view")) if isinstance(spec, dict) else None
        if source is not None and spec.get("roadmap") is None:
            views.append(ExtensionView(len(views), source, link.workspace))
            continue
        if not isinstance(spec, dict) or spec.get("roadmap") not in roadmaps:
            continue
        views.append(
            SharedView(len(views), roadmaps[spec["roadmap"]], spec.get("view"), spec.get("filters"))
        )
    return views


def state_version(link: ShareLink, views: list[SharedView | ExtensionView]) -> str:
    """A short hash that changes whenever anything a view shows changes (a few cheap queries)."""
    h = hashlib.sha256()
    h.update(json.dumps([link.name, link.views, link.rotate_seconds], default=str).encode())
    h.update(timezone.localdate().isoformat().encode())  # the today line moves at midnight
    roadmap_ids: set[int] = set()
    for view in views:
        if isinstance(view, ExtensionView):
            h.update(f"{view.kind}|{view.source.version(view.workspace)}|".encode())
            continue
        rm = view.roadmap
        h.update(f"{rm.pk}|{rm.name}|{rm.version}|{rm.updated_at}|{rm.time_scale}|".encode())
        h.update(f"{rm.lane_mode}|{rm.color_by}".encode())
        roadmap_ids.update([rm.pk, *selectors.roadmap_ids_shown(rm)])
    ids = sorted(roadmap_ids)
    items = RoadmapItem.objects.filter(roadmap_id__in=ids).aggregate(
        n=Count("id"), last=Max("updated_at"), versions=Sum("version"), ids=Sum("id")
    )
    h.update(json.dumps(items, default=str).encode())
    lanes = list(Lane.objects.filter(roadmap_id__in=ids).values_list("id", "name", "position"))
    h.update(json.dumps(lanes).encode())
    workspace_ids = {v.roadmap.workspace_id for v in views if v.roadmap}
    milestones = list(
        Milestone.objects.filter(
            Q(roadmap_id__in=ids) | Q(roadmap__isnull=True, workspace_id__in=workspace_ids)
        ).values_list("id", "version", "date")
    )
    h.update(json.dumps(milestones, default=str).encode())
    deps = Dependency.objects.filter(
        Q(predecessor__roadmap_id__in=ids) | Q(successor__roadmap_id__in=ids)
    ).aggregate(n=Count("id"), ids=Sum("id"))
    h.update(json.dumps(deps, default=str).encode())
    return h.hexdigest()[:20]


# ---------------------------------------------------------------- what each kind of view shows


def board_columns(data: dict) -> list[tuple[str, str, list]]:
    """Now / next / later: the undated items of each bucket, and the dated ones by their dates
    (under way or late: now; starting within NEXT_DAYS: next; after that: later; finished: none)."""
    today = data["today"]
    columns: dict[str, list] = {"now": [], "next": [], "later": []}
    for it in data["items"]:
        if not it.start_date:
            if it.bucket in columns:
                columns[it.bucket].append(it)
            continue
        finished = it.status in (ItemStatus.DONE, ItemStatus.CANCELLED)
        if it.start_date <= today:
            if not finished:
                columns["now"].append(it)
        elif it.start_date <= today + timedelta(days=NEXT_DAYS):
            columns["next"].append(it)
        else:
            columns["later"].append(it)
    for key in columns:
        columns[key].sort(key=lambda i: (i.start_date is None, i.start_date, i.position, i.title))
    return [("now", "Now", columns["now"]), ("next", "Next", columns["next"]),
            ("later", "Later", columns["later"])]  # fmt: skip


def view_context(view: SharedView | ExtensionView) -> dict:
    if isinstance(view, ExtensionView):
        return {"view": view, "html": view.html()}
    data = view.data()
    blocked = data["dependencies"].blocked
    context = {
        "view": view,
        "roadmap": view.roadmap,
        "filters": view.filter_summary(),
        "blocked": blocked,
        "today": data["today"],
    }
    if view.kind == "timeline":
        rendered = timeline_render.kiosk_timeline(data, id_prefix=f"v{view.index}")
        context["svg"] = mark_safe(rendered.svg)  # noqa: S308 (every text in it is escaped)
    elif view.kind == "board":
        context["columns"] = board_columns(data)
    else:
        context["rows"] = data["items"]
    return context


# ---------------------------------------------------------------- the pages


@public_view
@require_http_methods(["GET", "POST"])
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    link = _resolve(token)
    if not _unlocked(request, link):
        return _password_form(request, link)
    if request.method == "POST":
        return redirect(request.path)
    views = shared_views(link)
    if not views:
        raise NotFound()
    rotate = link.rotate_seconds if len(views) > 1 else 0
    return render(
        request,
        "roadmaps/public/share.html",
        {
            "link": link,
            "views": views,
            "first": view_context(views[0]),
            "rotate": rotate,
            "poll": POLL_SECONDS,
            "version": state_version(link, views),
        },
    )


def _password_form(request: HttpRequest, link: ShareLink) -> HttpResponse:
    ip = client_ip(request)
    mine, everyone = f"share-pw:{link.pk}:{ip}", f"share-pw:{link.pk}"
    error, status = "", 200
    if ratelimit.hits(mine) >= PASSWORD_LIMIT or ratelimit.hits(everyone) >= PASSWORD_LINK_LIMIT:
        return too_many(request, PASSWORD_WINDOW)
    if request.method == "POST":
        password = request.POST.get("password", "")
        if password and check_password(password, link.password_hash):
            request.session.cycle_key()
            request.session[_session_key(link)] = _password_proof(link)
            return redirect(request.path)
        ratelimit.hit(mine, PASSWORD_WINDOW)
        ratelimit.hit(everyone, PASSWORD_WINDOW)
        error, status = "That password is not right.", 401
    return render(
        request, "roadmaps/public/password.html", {"link": link, "error": error}, status=status
    )


@public_view
def share_missing(request: HttpRequest) -> HttpResponse:
    """/share/ without a token: the same 404 as a wrong token."""
    raise NotFound()


@public_view
@require_GET
def share_state(request: HttpRequest, token: str) -> HttpResponse:
    """What the kiosk polls: the version of the shared data (cheap), the rotation."""
    link = _resolve(token)
    if not _unlocked(request, link):
        return JsonResponse({"detail": "Password required."}, status=401)
    views = shared_views(link)
    if not views:
        raise NotFound()
    return JsonResponse(
        {
            "version": state_version(link, views),
            "views": len(views),
            "rotate_seconds": link.rotate_seconds if len(views) > 1 else 0,
            "poll_seconds": POLL_SECONDS,
        }
    )


@public_view
@require_GET
def share_view(request: HttpRequest, token: str, index: int) -> HttpResponse:
    """The HTML fragment of view `index`, swapped into the kiosk page in place."""
    link = _resolve(token)
    if not _unlocked(request, link):
        return JsonResponse({"detail": "Password required."}, status=401)
    views = shared_views(link)
    if not 0 <= index < len(views):
        raise NotFound()
    view = views[index]
    if isinstance(view, ExtensionView):
        response = HttpResponse(view.html())
    else:
        response = render(request, "roadmaps/public/_view.html", view_context(view))
    response.headers["X-Share-Version"] = state_version(link, views)
    return response


# ---------------------------------------------------------------- the calendar feed


@public_view
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    from .calendar import roadmap_calendar

    feed = services.calendar_feed_resolve(token)
    body = roadmap_calendar(feed.roadmap, host=_feed_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="roadmap.ics"'
    return response


def _feed_host() -> str:
    from urllib.parse import urlsplit

    return urlsplit(settings.ACCORD_BASE_URL).hostname or "accord.invalid"
