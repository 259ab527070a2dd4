"""Server-rendered launch pages: the list with readiness, a launch's page (slip banner, campaigns,
checklist, maps with gaps), its positioning (versions, review, compare), the calendar and the
public iCalendar feed. Thin: forms go to the services; errors show on the page that was sent."""

from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core import panels
from accord.core.web import UserError, field_errors, form_date, form_int
from accord.initiatives.models import Initiative
from accord.roadmaps.models import RoadmapItem, RoadmapKind
from accord.roadmaps.views_public import public_view
from accord.workspaces.models import Person
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import campaigns, selectors, services
from .calendar import launches_calendar
from .models import Department, TaskStatus, Tier


def _perms(member) -> dict:
    return {
        "can_manage": can(member, "launch.manage"),
        "can_tick": can(member, "launch.task.update"),
        "can_review": can(member, "launch.review"),
        "can_share": can(member, "share_link.manage"),
        "can_link": can(member, "launch.manage") and can(member, "roadmap.manage"),
    }


def _items(workspace, kind: str) -> list[RoadmapItem]:
    return list(
        RoadmapItem.objects.filter(workspace=workspace, roadmap__kind=kind)
        .select_related("roadmap")
        .order_by("roadmap__name", "start_date", "title")
    )


def _people(workspace) -> list[Person]:
    return list(Person.objects.filter(workspace=workspace).order_by("name").only("id", "name"))


@workspace_page("launch.view")
@require_GET
def launch_list(request: HttpRequest, member) -> HttpResponse:
    views = selectors.launch_views(workspace=member.workspace, today=timezone.localdate())
    return render(request, "launches/list.html", {**_perms(member), "views": views})


@workspace_page("launch.manage")
@require_http_methods(["GET", "POST"])
def launch_new(request: HttpRequest, member) -> HttpResponse:
    errors, values, general = {}, {}, ""
    if request.method == "POST":
        values = request.POST
        try:
            launch = services.launch_create(
                member=member,
                name=values.get("name", ""),
                release_item_id=form_int(values.get("release_item_id"), "release_item_id"),
                launch_date=form_date(values.get("launch_date"), "launch_date"),
                window_end=form_date(values.get("window_end"), "window_end"),
                tier=form_int(values.get("tier"), "tier", Tier.TIER_2),
                campaign_item_ids=[
                    form_int(v, "campaign_item_ids")
                    for v in values.getlist("campaign_item_ids")
                    if v
                ],
                initiative_id=form_int(values.get("initiative_id"), "initiative_id"),
                owner_id=form_int(values.get("owner_id"), "owner_id"),
                description=values.get("description", ""),
            )
        except UserError as exc:
            errors = field_errors(exc)
            general = exc.detail
        else:
            messages.success(request, f"Launch “{launch.name}” planned, with its checklist.")
            return redirect("launch", member.workspace.slug, launch.pk)
    return render(
        request,
        "launches/new.html",
        {
            "errors": errors,
            "general": general,
            "values": values,
            "tiers": Tier.choices,
            "releases": [i for i in _items(member.workspace, RoadmapKind.PRODUCT) if i.end_date],
            "campaign_items": _items(member.workspace, RoadmapKind.MARKETING),
            "chosen_campaigns": values.getlist("campaign_item_ids") if values else [],
            "initiatives": list(
                Initiative.objects.filter(workspace=member.workspace)
                .order_by("name")
                .only("id", "name")
            ),
            "people": _people(member.workspace),
        },
        status=422 if errors else 200,
    )


def _page(
    request,
    member,
    launch_id: int,
    template: str,
    extra: dict | None = None,
    errors=None,
    status=200,
    detail_text="",
):
    detail = selectors.launch_detail(
        workspace=member.workspace, launch_id=launch_id, today=timezone.localdate()
    )
    if detail is None:
        raise Http404("No such launch in this workspace.")
    context = {**_perms(member), "d": detail, "launch": detail.view.launch, "v": detail.view,
               "panels": panels.render("launch", request, member, detail.view.launch) if template.endswith("detail.html") else [],
               "errors": errors or {}, "error_text": detail_text, "values": request.POST if errors else {}, "statuses": TaskStatus.choices,
               "people": _people(member.workspace), "departments": Department.choices, **(extra or {})}  # fmt: skip
    return render(request, template, context, status=status)


@workspace_page("launch.view")
@require_GET
def launch_detail(request: HttpRequest, member, launch_id: int) -> HttpResponse:
    return _page(request, member, launch_id, "launches/detail.html", _map_choices(member))


def _map_choices(member) -> dict:
    return {
        "feature_items": _items(member.workspace, RoadmapKind.PRODUCT),
        "templates": list(selectors.templates(workspace=member.workspace)),
    }


@workspace_page("launch.view")
@require_GET
def positioning(request: HttpRequest, member, launch_id: int) -> HttpResponse:
    """The current positioning, its review, the form for a new version and a comparison of two."""
    detail = selectors.launch_detail(
        workspace=member.workspace, launch_id=launch_id, today=timezone.localdate()
    )
    if detail is None:
        raise Http404("No such launch in this workspace.")
    extra = {}
    numbers = [p.number for p in detail.positionings]
    if len(numbers) >= 2:
        b = (
            form_int(request.GET.get("b"), "b", numbers[0])
            if (request.GET.get("b") or "").isdigit()
            else numbers[0]
        )
        a = (
            form_int(request.GET.get("a"), "a", b - 1)
            if (request.GET.get("a") or "").isdigit()
            else b - 1
        )
        by_number = {p.number: p for p in detail.positionings}
        if a in by_number and b in by_number:
            extra = {"diff": selectors.compare(by_number[a], by_number[b]), "a": a, "b": b}
    return _page(request, member, launch_id, "launches/positioning.html", {**extra, "numbers": numbers,
                 "labels": selectors.POSITIONING_LABELS})  # fmt: skip


def _lines(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def _do(member, launch_id: int, action: str, post) -> str:
    """Run one form action of the launch page; returns the success message."""
    if action == "task-status":
        task_id = form_int(post.get("task_id"), "task_id")
        status = post.get("status", "")
        services.task_update(member=member, task_id=task_id, version=form_int(post.get("version"), "version", 0),
                             status=status, blocked_reason=post.get("blocked_reason") if status == TaskStatus.BLOCKED else None)  # fmt: skip
        return "Task updated."
    if action == "campaign-waits":
        campaigns.campaign_wait_for_release(member=member, launch_id=launch_id, item_id=form_int(post.get("item_id"), "item_id"))  # fmt: skip
        return "The campaign now waits for the release on the roadmaps."
    if action == "add-task":
        services.task_create(
            member=member, launch_id=launch_id, title=post.get("title", ""),
            offset_days=form_int(post.get("offset_days"), "offset_days", 0), owner_id=form_int(post.get("owner_id"), "owner_id"),
        )  # fmt: skip
        return "Task added."
    if action == "generate":
        new = services.checklist_generate(
            member=member,
            launch_id=launch_id,
            template_id=form_int(post.get("template_id"), "template_id"),
        )
        return f"{len(new)} task{'s' * (len(new) != 1)} added from the template."
    if action == "add-attribute":
        services.attribute_create(
            member=member, launch_id=launch_id, name=post.get("name", ""),
            item_ids=[form_int(v, "item_ids") for v in post.getlist("item_ids") if v],
        )  # fmt: skip
        return "Brand attribute added."
    if action == "attribute-features":
        services.attribute_update(member=member, attribute_id=form_int(post.get("attribute_id"), "attribute_id"),
                                  item_ids=[form_int(v, "item_ids") for v in post.getlist("item_ids") if v])  # fmt: skip
        return "Features saved."
    if action == "delete-attribute":
        services.attribute_delete(
            member=member, attribute_id=form_int(post.get("attribute_id"), "attribute_id")
        )
        return "Brand attribute removed."
    if action == "stage-flows":
        services.stage_update(
            member=member,
            stage_id=form_int(post.get("stage_id"), "stage_id"),
            flows=_lines(post.get("flows")),
        )
        return "User flows saved."
    if action == "add-stage":
        services.stage_create(
            member=member,
            launch_id=launch_id,
            name=post.get("name", ""),
            flows=_lines(post.get("flows")),
        )
        return "Funnel stage added."
    if action == "save-positioning":
        based_on = form_int(post.get("based_on"), "based_on")
        version = services.positioning_save(
            member=member, launch_id=launch_id, based_on=based_on, note=post.get("note", ""),
            **{f: post.get(f, "") for f in services.POSITIONING_FIELDS},
        )  # fmt: skip
        return f"Saved as version {version.number}; it needs a new review by product and marketing."
    if action == "approve":
        approval = services.positioning_approve(
            member=member, positioning_id=form_int(post.get("positioning_id"), "positioning_id"),
            department=post.get("department", ""), comment=post.get("comment", ""),
        )  # fmt: skip
        return f"Approved for {approval.get_department_display().lower()}."
    raise Http404("No such action.")


POSITIONING_ACTIONS = {"save-positioning", "approve"}


@workspace_page("launch.view")
@require_POST
def launch_action(request: HttpRequest, member, launch_id: int, action: str) -> HttpResponse:
    slug = member.workspace.slug
    if action == "delete":
        services.launch_delete(member=member, launch_id=launch_id)
        messages.success(request, "Launch deleted; its roadmap items stay.")
        return redirect("launches", slug)
    try:
        done = _do(member, launch_id, action, request.POST)
    except UserError as exc:
        errors = field_errors(exc)
        if action in POSITIONING_ACTIONS:
            return _page(request, member, launch_id, "launches/positioning.html", {"labels": selectors.POSITIONING_LABELS,
                         "numbers": []}, errors=errors, status=422, detail_text=exc.detail)  # fmt: skip
        return _page(request, member, launch_id, "launches/detail.html", _map_choices(member), errors=errors,
                     status=422, detail_text=exc.detail)  # fmt: skip
    messages.success(request, done)
    target = "launch_positioning" if action in POSITIONING_ACTIONS else "launch"
    anchor = {"task-status": "#checklist", "add-task": "#checklist", "generate": "#checklist"}.get(
        action, ""
    )
    if action in {
        "add-attribute",
        "attribute-features",
        "delete-attribute",
        "stage-flows",
        "add-stage",
    }:
        anchor = "#maps"
    return redirect(reverse(target, args=[slug, launch_id]) + anchor)


@workspace_page("launch.view")
@require_http_methods(["GET", "POST"])
def launch_calendar(request: HttpRequest, member) -> HttpResponse:
    """All launches by month, and the iCalendar feeds (create one: its URL shows once)."""
    new_url = None
    if request.method == "POST":
        if not can(member, "share_link.manage"):
            raise PermissionDenied("Only editors manage calendar feeds.")
        if request.POST.get("revoke"):
            services.feed_revoke(
                member=member, feed_id=form_int(request.POST.get("revoke"), "revoke")
            )
            messages.success(request, "Calendar feed revoked: it stops working at once.")
            return redirect("launch_calendar", member.workspace.slug)
        _feed, raw = services.feed_create(member=member)
        new_url = request.build_absolute_uri(reverse("launch_calendar_feed", args=[raw]))
    views = selectors.launch_views(workspace=member.workspace, today=timezone.localdate())
    months: dict = defaultdict(list)
    for v in views:
        months[v.launch.launch_date.replace(day=1)].append(v)
    return render(request, "launches/calendar.html", {
        **_perms(member), "months": [(m.strftime("%B %Y"), vs) for m, vs in sorted(months.items())], "feeds": list(selectors.feeds(workspace=member.workspace)),
        "new_url": new_url,
    })  # fmt: skip


@public_view
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = services.feed_resolve(token)
    views = selectors.launch_views(workspace=feed.workspace, today=timezone.localdate())
    host = urlsplit(settings.ACCORD_BASE_URL).hostname or "accord.invalid"
    response = HttpResponse(
        launches_calendar(feed.workspace, views, host=host),
        content_type="text/calendar; charset=utf-8",
    )
    response.headers["Content-Disposition"] = 'inline; filename="launches.ics"'
    return response
