"""Server-rendered change pages: the list with the calendar and freezes, a change (conflicts,
impacts, sign-offs, moves), the new-change form with its live conflict check, review meetings.
Thin: forms go to the services; errors show on the page that was sent (field errors by name)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core import panels
from accord.core.errors import Invalid, NotFound
from accord.core.markdown import render_markdown
from accord.core.web import UserError, field_errors, form_int
from accord.launches.selectors import launches_of_items
from accord.roadmaps.models import RoadmapItem, RoadmapKind
from accord.workspaces.models import Person, TeamKind
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import conflicts, ical, minutes, selectors, services
from .models import ChangeStatus, Decision, Impact, Risk

CALENDAR_WEEKS = 8
ACTIONS = {"submit": ChangeStatus.IN_REVIEW, "withdraw": ChangeStatus.DRAFT, "approve": ChangeStatus.APPROVED,
           "reject": ChangeStatus.REJECTED, "schedule": ChangeStatus.SCHEDULED, "done": ChangeStatus.DONE,
           "rolled-back": ChangeStatus.ROLLED_BACK}  # fmt: skip


def form_moment(value, field: str) -> datetime | None:
    """A datetime-local box (YYYY-MM-DDTHH:MM), in the current time zone."""
    if value in (None, ""):
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise Invalid.field(field, "Enter a date and time as YYYY-MM-DD HH:MM.")
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _context(member) -> dict:
    return {
        "can_create": can(member, "change.create"),
        "can_approve": can(member, "change.approve"),
        "can_freeze": can(member, "freeze.manage"),
        "can_review": can(member, "change_review.manage"),
        "risks": Risk.choices,
        "departments": [(k, v) for k, v in TeamKind.choices],
        "campaigns": list(
            RoadmapItem.objects.filter(workspace=member.workspace, roadmap__kind=RoadmapKind.MARKETING, start_date__isnull=False)
            .order_by("start_date").values("id", "title", "start_date", "end_date")[:200]
        ),
    }  # fmt: skip


def _weeks(cal: selectors.Calendar, start: datetime) -> list[dict]:
    """The calendar as weeks of days, each day with the changes and freezes it touches."""
    weeks = []
    for w in range(CALENDAR_WEEKS):
        days = []
        for d in range(7):
            day0 = start + timedelta(days=w * 7 + d)
            day1 = day0 + timedelta(days=1)
            days.append({
                "date": day0, "today": timezone.localdate() == timezone.localtime(day0).date(),
                "changes": [c for c in cal.changes if c.start < day1 and c.end > day0],
                "frozen": [f for f in cal.freezes if f.start < day1 and f.end > day0],
            })  # fmt: skip
        weeks.append(days)
    return weeks


@workspace_page("change.view")
@require_GET
def change_list(request: HttpRequest, member) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ChangeStatus.values else ""
    today = timezone.localdate()
    monday = conflicts.day_start(today - timedelta(days=today.weekday()))
    cal = selectors.calendar(
        workspace=member.workspace, start=monday, end=monday + timedelta(weeks=CALENDAR_WEEKS)
    )
    return render(request, "changes/list.html", {
        **_context(member),
        "changes": selectors.changes(workspace=member.workspace, status=status or None)[:200],
        "status": status, "statuses": ChangeStatus.choices,
        "weeks": _weeks(cal, monday), "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        "freezes": selectors.freezes(workspace=member.workspace).filter(end__gte=timezone.now())[:50],
        "errors": {}, "values": {},
    })  # fmt: skip


def _change_fields(post) -> dict:
    return {
        "title": post.get("title", ""), "area": post.get("area", ""),
        "start": form_moment(post.get("start"), "start"), "end": form_moment(post.get("end"), "end"),
        "description": post.get("description", ""), "reason": post.get("reason", ""),
        "systems": post.get("systems", ""), "risk": post.get("risk", Risk.MEDIUM),
        "rollback_plan": post.get("rollback_plan", ""),
        "departments": [d for d in post.getlist("departments") if d],
        "roadmap_item_ids": [form_int(v, "roadmap_item_ids") for v in post.getlist("roadmap_item_ids") if v],
    }  # fmt: skip


def _report_context(report: conflicts.Report) -> dict:
    return {"report": report, "slot": report.free_slot and {"start": _local(report.free_slot[0]), "end": _local(report.free_slot[1]),
            "start_at": report.free_slot[0], "end_at": report.free_slot[1]}}  # fmt: skip


@workspace_page("change.create")
@require_http_methods(["GET", "POST"])
def change_new(request: HttpRequest, member) -> HttpResponse:
    errors: dict = {}
    if request.method == "POST":
        try:
            change = services.change_create(member=member, **_change_fields(request.POST))
        except UserError as exc:
            errors = field_errors(exc)
        else:
            if request.POST.get("submit") == "review":
                try:
                    services.change_transition(
                        member=member, change_id=change.pk, to=ChangeStatus.IN_REVIEW
                    )
                except UserError as exc:
                    messages.error(request, exc.detail)
            messages.success(request, f"Change “{change.title}” filed.")
            return redirect("change", member.workspace.slug, change.pk)
    items = (
        RoadmapItem.objects.filter(workspace=member.workspace)
        .select_related("roadmap")
        .order_by("roadmap__name", "title")[:300]
    )
    return render(request, "changes/new.html", {**_context(member), "errors": errors, "values": request.POST, "items": items,
                                                "chosen": request.POST.getlist("departments"),
                                                "chosen_items": request.POST.getlist("roadmap_item_ids")},
                  status=422 if errors else 200)  # fmt: skip


@workspace_page("change.view")
@require_GET
def conflict_check(request: HttpRequest, member) -> HttpResponse:
    """The conflicts panel of the new-change form (htmx): the window's conflicts and the next free slot."""
    context: dict = {"checked": False}
    try:
        area = services.clean_area(request.GET.get("area", ""))
        start, end = (
            form_moment(request.GET.get("start"), "start"),
            form_moment(request.GET.get("end"), "end"),
        )
        if start and end:
            if end <= start:
                raise Invalid.field("end", "The end of the window is before (or at) its start.")
            if end - start > conflicts.MAX_WINDOW:
                raise Invalid.field(
                    "end", f"A change window lasts at most {conflicts.MAX_WINDOW.days} days."
                )
            context = {
                "checked": True,
                **_report_context(conflicts.check(member.workspace_id, area, start, end)),
            }
    except UserError as exc:
        context = {"checked": False, "problem": exc.detail}
    return render(request, "changes/_conflicts.html", {**context, "form": True})


def _change_page(request, member, change_id: int, errors: dict | None = None, status: int = 200):
    change = selectors.change(workspace=member.workspace, change_id=change_id)
    if change is None:
        raise Http404("No such change in this workspace.")
    mine = services.my_departments(member)
    labels = dict(TeamKind.choices)
    impacts = [
        {"row": i, "label": labels.get(i.department, i.department), "mine": i.department in mine}
        for i in change.impacts.all()
    ]
    listed = {i.department for i in change.impacts.all()}
    may_edit = can(member, "change.approve") or change.requester_id == member.user_id
    return render(request, "changes/detail.html", {
        **_context(member), "change": change, "impacts": impacts,
        "extra_departments": [(k, labels[k]) for k in sorted(mine - listed) if k in labels],
        "impact_levels": [c for c in Impact.choices if c[0]],
        "missing": [labels.get(d, d) for d in services.missing_signoffs(change)],
        "may_edit": may_edit and can(member, "change.create"),
        "editable": change.status in services.EDITABLE,
        "status_choices": ChangeStatus,
        "description_html": mark_safe(render_markdown(change.description)),  # noqa: S308 (sanitized)
        "rollback_html": mark_safe(render_markdown(change.rollback_plan)),  # noqa: S308 (sanitized)
        "errors": errors or {}, "values": request.POST if errors else {},
        "panels": panels.render("change", request, member, change),
        "launches": launches_of_items(member.workspace_id, [it.pk for it in change.roadmap_items.all()]),
        **_report_context(selectors.conflicts(change)),
    }, status=status)  # fmt: skip


@workspace_page("change.view")
@require_GET
def change_detail(request: HttpRequest, member, change_id: int) -> HttpResponse:
    return _change_page(request, member, change_id)


@workspace_page("change.create")
@require_POST
def change_action(request: HttpRequest, member, change_id: int, action: str) -> HttpResponse:
    post = request.POST
    try:
        if action in ACTIONS:
            services.change_transition(
                member=member,
                change_id=change_id,
                to=ACTIONS[action],
                reason=post.get("reason", ""),
            )
            messages.success(
                request, f"The change is now {ChangeStatus(ACTIONS[action]).label.lower()}."
            )
        elif action == "impact":
            services.impact_assess(member=member, change_id=change_id, department=post.get("department", ""),
                                   impact=post.get("impact", ""), note=post.get("note", ""), sign=post.get("sign") == "1")  # fmt: skip
            messages.success(
                request,
                "Impact recorded" + (" and signed off." if post.get("sign") == "1" else "."),
            )
        elif action == "move-to-slot":
            change = services.get_change(member, change_id)
            services.change_update(member=member, change_id=change_id, version=form_int(post.get("version"), "version") or 0,
                                   start=form_moment(post.get("start"), "start"), end=form_moment(post.get("end"), "end"))  # fmt: skip
            messages.success(request, f"“{change.title}” moved to the free slot.")
        else:
            raise Http404("No such action.")
    except UserError as exc:
        return _change_page(request, member, change_id, errors=field_errors(exc), status=422)
    return redirect("change", member.workspace.slug, change_id)


@workspace_page("change.view")
@require_POST
def freeze_new(request: HttpRequest, member) -> HttpResponse:
    post = request.POST
    try:
        services.freeze_create(
            member=member, name=post.get("name", ""), area=post.get("area", ""), reason=post.get("reason", ""),
            start=form_moment(post.get("start"), "start"), end=form_moment(post.get("end"), "end"),
            campaign_id=form_int(post.get("campaign_id"), "campaign_id"),
        )  # fmt: skip
        messages.success(request, "Freeze window declared.")
    except UserError as exc:
        messages.error(
            request,
            "The freeze was not saved: "
            + "; ".join(f"{k}: {' '.join(v)}" for k, v in field_errors(exc).items()),
        )
    return redirect("changes", member.workspace.slug)


@workspace_page("change.create")
@require_POST
def freeze_delete(request: HttpRequest, member, freeze_id: int) -> HttpResponse:
    try:
        services.freeze_delete(member=member, freeze_id=freeze_id)
        messages.success(request, "Freeze window lifted.")
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    return redirect("changes", member.workspace.slug)


@workspace_page("change.view")
@require_http_methods(["GET", "POST"])
def review_list(request: HttpRequest, member) -> HttpResponse:
    errors: dict = {}
    if request.method == "POST":
        try:
            review = services.review_create(
                member=member, title=request.POST.get("title", ""), starts_at=form_moment(request.POST.get("starts_at"), "starts_at"),
                attendee_ids=[form_int(v, "attendee_ids") for v in request.POST.getlist("attendee_ids") if v],
            )  # fmt: skip
            return redirect("change_review", member.workspace.slug, review.pk)
        except UserError as exc:
            errors = field_errors(exc)
    return render(request, "changes/reviews.html", {
        **_context(member), "reviews": selectors.reviews(workspace=member.workspace)[:100],
        "pending": services.pending_changes(member.workspace_id),
        "people": Person.objects.filter(workspace=member.workspace).order_by("name").only("id", "name"),
        "errors": errors, "values": request.POST,
    }, status=422 if errors else 200)  # fmt: skip


def _review_page(request, member, review_id: int, errors: dict | None = None, status: int = 200):
    review = selectors.review(workspace=member.workspace, review_id=review_id)
    if review is None:
        raise Http404("No such review meeting in this workspace.")
    on_list = {a.person_id for a in review.attendance.all()}
    return render(request, "changes/review.html", {
        **_context(member), "review": review, "decisions": [c for c in Decision.choices if c[0]],
        "others": Person.objects.filter(workspace=member.workspace).exclude(pk__in=on_list).order_by("name").only("id", "name"),
        "notes_html": mark_safe(render_markdown(review.notes)),  # noqa: S308 (sanitized)
        "errors": errors or {}, "values": request.POST if errors else {},
    }, status=status)  # fmt: skip


@workspace_page("change.view")
@require_GET
def review_detail(request: HttpRequest, member, review_id: int) -> HttpResponse:
    return _review_page(request, member, review_id)


@workspace_page("change_review.manage")
@require_POST
def review_action(request: HttpRequest, member, review_id: int, action: str) -> HttpResponse:
    post = request.POST
    try:
        if action == "decide":
            services.review_decide(member=member, review_id=review_id, change_id=form_int(post.get("change_id"), "change_id") or 0,
                                   decision=post.get("decision", ""), reason=post.get("reason", ""))  # fmt: skip
        elif action == "attend":
            services.review_attend(member=member, review_id=review_id, person_id=form_int(post.get("person_id"), "person_id") or 0,
                                   present=post.get("present") == "1")  # fmt: skip
        elif action == "refresh":
            added = services.review_refresh(member=member, review_id=review_id)
            messages.success(request, f"{added} change{'s' * (added != 1)} added to the agenda.")
        elif action == "notes":
            services.review_update(member=member, review_id=review_id, version=form_int(post.get("version"), "version") or 0,
                                   notes=post.get("notes", ""), status=post.get("status") or None)  # fmt: skip
        else:
            raise Http404("No such action.")
    except UserError as exc:
        return _review_page(request, member, review_id, errors=field_errors(exc), status=422)
    return redirect("change_review", member.workspace.slug, review_id)


@workspace_page("change.view")
@require_GET
def review_minutes(request: HttpRequest, member, review_id: int, fmt: str) -> HttpResponse:
    review = selectors.review(workspace=member.workspace, review_id=review_id)
    if review is None or fmt not in ("md", "pdf"):
        raise Http404("No such minutes.")
    name = f"minutes-{timezone.localtime(review.starts_at):%Y-%m-%d}"
    if fmt == "md":
        response = HttpResponse(
            minutes.markdown(review), content_type="text/markdown; charset=utf-8"
        )
    else:
        response = HttpResponse(minutes.pdf(review), content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The change calendar as iCalendar, for a feed's token (no login; revoked: 404)."""
    from urllib.parse import urlsplit

    try:
        feed = services.feed_resolve(token)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    body = ical.change_calendar(
        feed.workspace, host=urlsplit(settings.ACCORD_BASE_URL).hostname or "accord.invalid"
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="changes.ics"'
    return response
