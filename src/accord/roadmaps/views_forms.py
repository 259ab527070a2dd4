"""What opens over a roadmap view (accord.core.overlays): an item in the side drawer, and the forms
of the "New roadmap", "Add milestone" and "Promote to a roadmap" dialogs. Each form is also a page of
its own, for a browser without JavaScript.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accord.core.errors import Forbidden, Invalid
from accord.core.markdown import render_markdown
from accord.core.overlays import drawer_response, finish, form_response
from accord.core.web import UserError, form_date, form_int, with_query
from accord.ideas.selectors import idea as get_idea
from accord.workspaces.models import Membership
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import selectors, services
from .models import Bucket, Lane, RoadmapKind, TimeScale
from .views import _dependencies_of
from .views import _errors as _errors  # one mapping of field names for every roadmap form

BUCKETS = [(b.value, b.label) for b in Bucket]


def _next(request: HttpRequest, default: str) -> str:
    """The posted `next` (same site only: the page under the drawer or dialog), else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# ---------------------------------------------------------------- an item in the drawer


@workspace_page("roadmap.view")
def item_drawer(request: HttpRequest, member, item_id: int) -> HttpResponse:
    item = selectors.item(workspace=member.workspace, item_id=item_id)
    origin = form_int(request.GET.get("from"), "from") if request.GET.get("from", "").isdigit() else None
    page_url = with_query(reverse("roadmap_item", args=[member.workspace.slug, item.pk]), {"from": origin})
    return drawer_response(
        request,
        "roadmaps/_item_drawer.html",
        {
            "item": item,
            "origin_id": origin or item.roadmap_id,
            "description_html": render_markdown(item.description),
            "duration": (item.end_date - item.start_date).days + 1 if item.is_dated else None,
            "can_manage": can(member, "roadmap.manage"),
            **_dependencies_of(member, item),
        },
        page_url=page_url,
    )


# ---------------------------------------------------------------- new roadmap


def create_roadmap(request: HttpRequest, member: Membership) -> HttpResponse:
    """The New roadmap form (GET) and its creation (POST); also what the list's old form posts."""
    if not can(member, "roadmap.manage"):
        raise Forbidden("Only editors create roadmaps.")
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:
            kind = values.get("kind", RoadmapKind.PRODUCT)
            rm = services.roadmap_create(
                member=member,
                name=values.get("name", ""),
                kind=kind,
                description=values.get("description", ""),
                time_scale=values.get("time_scale", TimeScale.MONTHS),
                lanes=[
                    line.strip()
                    for line in values.get("lanes", "").replace(",", "\n").splitlines()
                    if line.strip()
                ],
                includes=[form_int(v, "includes") for v in values.getlist("includes") if v]
                if kind == RoadmapKind.PORTFOLIO
                else None,
            )
        except UserError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, f"Roadmap {rm.name} created.")
            return finish(request, reverse("roadmap", args=[member.workspace.slug, rm.pk]))
    return form_response(
        request,
        "roadmaps/_roadmap_form.html",
        {
            "errors": errors,
            "values": values,
            "kinds": RoadmapKind.choices,
            "scales": TimeScale.choices,
            "includable": list(
                selectors.roadmaps(workspace=member.workspace).exclude(kind=RoadmapKind.PORTFOLIO)
            ),
            "chosen_includes": values.getlist("includes") if values else [],
        },
        title="New roadmap",
        intro="A product, marketing or IT plan on one timeline; a portfolio shows several together.",
        back_url=reverse("roadmaps", args=[member.workspace.slug]),
        back_label="Roadmaps",
        status=422 if errors else 200,
    )


@workspace_page("roadmap.manage")
@require_http_methods(["GET", "POST"])
def roadmap_new(request: HttpRequest, member) -> HttpResponse:
    return create_roadmap(request, member)


# ---------------------------------------------------------------- milestones


@workspace_page("roadmap.manage")
@require_http_methods(["GET", "POST"])
def milestone_add(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    rm = selectors.roadmap(workspace=member.workspace, roadmap_id=roadmap_id)
    roadmap_url = reverse("roadmap", args=[member.workspace.slug, rm.pk])
    errors: dict = {}
    values = request.POST if request.method == "POST" else {"scope": "roadmap"}
    if request.method == "POST":
        try:
            when = form_date(values.get("date"), "date")
            if when is None:
                raise Invalid.field("date", "Give the milestone a date.")
            ms = services.milestone_create(
                member=member,
                name=values.get("name", ""),
                date_=when,
                roadmap_id=None if values.get("scope") == "all" else rm.pk,
                description=values.get("description", ""),
            )
        except UserError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, f"Milestone {ms.name} added.")
            return finish(request, _next(request, roadmap_url))
    return form_response(
        request,
        "roadmaps/_milestone_form.html",
        {"roadmap": rm, "errors": errors, "values": values, "next": _next(request, "")},
        title="Add a milestone",
        intro=f"A date that matters to {rm.name} (a launch, a freeze, a board meeting), or to every roadmap.",
        back_url=roadmap_url,
        back_label=rm.name,
        status=422 if errors else 200,
    )


# ---------------------------------------------------------------- promote an idea


@workspace_page("roadmap.manage")
@require_http_methods(["GET", "POST"])
def idea_promote(request: HttpRequest, member, idea_id: int) -> HttpResponse:
    """Pick the roadmap, lane and dates: the item is created, linked to the idea, the idea planned."""
    if not can(member, "idea.decide"):
        raise Forbidden("Only editors promote ideas.")
    idea = get_idea(workspace=member.workspace, idea_id=idea_id)
    idea_url = reverse("idea_detail", args=[member.workspace.slug, idea.pk])
    roadmaps = list(
        selectors.roadmaps(workspace=member.workspace).exclude(kind=RoadmapKind.PORTFOLIO)
    )
    errors: dict = {}
    values = request.POST if request.method == "POST" else {"bucket": Bucket.NEXT}
    if request.method == "POST":
        try:
            start = form_date(values.get("start_date"), "start_date")
            end = form_date(values.get("end_date"), "end_date")
            roadmap_id = form_int(values.get("roadmap_id"), "roadmap_id")
            if roadmap_id is None:
                raise Invalid.field("roadmap_id", "Choose the roadmap.")
            item = services.item_from_idea(
                member=member,
                roadmap_id=roadmap_id,
                idea_id=idea.pk,
                reason=values.get("reason", ""),
                lane_id=form_int(values.get("lane_id"), "lane_id"),
                start_date=start,
                end_date=end,
                bucket="" if start else values.get("bucket") or Bucket.NEXT,
            )
        except UserError as exc:
            errors = _errors(exc)
        else:
            messages.success(
                request, f"{item.title} is on {item.roadmap.name} now; the idea is planned."
            )
            return finish(request, _next(request, idea_url))
    return form_response(
        request,
        "roadmaps/_promote_form.html",
        {
            "idea": idea,
            "roadmaps": roadmaps,
            "lanes": list(
                Lane.objects.filter(roadmap__in=roadmaps).order_by("roadmap__name", "position", "id")
            ),
            "buckets": BUCKETS,
            "errors": errors,
            "values": values,
            "chosen_roadmap": str(values.get("roadmap_id") or (roadmaps[0].pk if roadmaps else "")),
            "next": _next(request, ""),
            "today": timezone.localdate(),
        },
        title=f"Promote “{idea.title}”",
        intro="It becomes an item on the roadmap you choose, linked to the idea; the idea is planned.",
        back_url=idea_url,
        back_label=idea.title,
        status=422 if errors else 200,
    )
