"""Server-rendered goal pages: the tree, a goal's page (charts, numbers, links), the scoreboard.

Thin: forms go to the services; errors show on the page that was sent (field errors by name).
"""

import csv

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import FieldError, Invalid
from accord.core.importfiles import (
    DATE_FORMATS,
    DECIMALS,
    ENCODINGS,
    SAVE_AS,
    DateError,
    FileUnreadable,
    check_choice,
    csv_reader,
    decode,
    parse_day,
)
from accord.core.markdown import render_markdown
from accord.core.numbers import NumberError, parse_number
from accord.core.web import UserError, field_errors, form_date, form_int, form_number
from accord.workspaces.models import Person
from accord.workspaces.permissions import can
from accord.workspaces.selectors import teams as workspace_teams
from accord.workspaces.web import workspace_page

from . import charts, selectors, services
from .models import Direction, GoalLevel, MeasurementSource, PeriodKind, Unit
from .progress import STATUS_EXPLAINED

CSV_MAX_BYTES = 2 * 1024 * 1024


def _form_context(member) -> dict:
    return {
        "levels": GoalLevel.choices,
        "period_kinds": PeriodKind.choices,
        "units": Unit.choices,
        "directions": Direction.choices,
        "teams": list(workspace_teams(workspace=member.workspace)),
        "people": list(Person.objects.filter(workspace=member.workspace).order_by("name").only("id", "name")),
        "can_manage": can(member, "goal.manage"),
        "can_measure": can(member, "measurement.record"),
        "explained": STATUS_EXPLAINED,
        "file_options": {"encodings": ENCODINGS, "decimals": DECIMALS, "date_formats": DATE_FORMATS},
    }


def _goal_fields(post) -> dict:
    return {
        "title": post.get("title", ""),
        "description": post.get("description", ""),
        "level": post.get("level", GoalLevel.COMPANY),
        "parent_id": form_int(post.get("parent_id"), "parent_id"),
        "team_ids": [form_int(v, "team_ids") for v in post.getlist("team_ids") if v],
        "owner_id": form_int(post.get("owner_id"), "owner_id"),
        "period_kind": post.get("period_kind", PeriodKind.QUARTER),
        "period": post.get("period", ""),
        "start_date": form_date(post.get("start_date"), "start_date"),
        "end_date": form_date(post.get("end_date"), "end_date"),
    }


@workspace_page("goal.view")
@require_http_methods(["GET", "POST"])
def goal_list(request: HttpRequest, member) -> HttpResponse:
    """The goals tree (company, then the department and team goals that support each)."""
    errors, values = {}, {}
    if request.method == "POST":
        if not can(member, "goal.manage"):
            raise PermissionDenied("Only editors set goals.")
        values = request.POST
        try:
            goal = services.goal_create(member=member, **_goal_fields(values))
        except UserError as exc:
            errors = field_errors(exc)
            errors["form"] = errors.pop("__all__", [])
        else:
            messages.success(request, f"Goal “{goal.title}” created. Add its key results.")
            return redirect("goal", slug=member.workspace.slug, goal_id=goal.pk)
    roots = selectors.tree(workspace=member.workspace)
    flat = list(selectors.goals(workspace=member.workspace).select_related(None).prefetch_related(None).only("id", "title", "level"))
    return render(
        request,
        "goals/list.html",
        {
            **_form_context(member),
            "roots": roots,
            "all_goals": flat,
            "errors": errors,
            "values": values,
            "this_year": timezone.localdate().year,
        },
    )


def _goal_page(request: HttpRequest, member, goal_id: int, errors: dict | None = None, status: int = 200):
    data = selectors.goal(workspace=member.workspace, goal_id=goal_id)
    view = data["view"]
    goal = view.goal
    for k in view.key_results:
        k.chart = mark_safe(charts.trend_svg(k, goal.start_date, goal.end_date))  # noqa: S308 (escaped)
        k.numbers = list(reversed(k.series[-12:]))
        k.fmt = {
            "latest": charts.fmt_value(k.latest[1] if k.latest else None, k.kr.unit, k.kr.currency),
            "baseline": charts.fmt_value(k.kr.baseline, k.kr.unit, k.kr.currency),
            "target": charts.fmt_value(k.kr.target, k.kr.unit, k.kr.currency),
            "target_min": charts.fmt_value(k.kr.target_min, k.kr.unit, k.kr.currency),
            "projection": charts.fmt_value(k.projection[1] if k.projection else None, k.kr.unit, k.kr.currency),
        }
    return render(
        request,
        "goals/detail.html",
        {
            **_form_context(member),
            **data,
            "goal": goal,
            "description_html": mark_safe(render_markdown(goal.description)),  # noqa: S308 (sanitized)
            "linkable_ideas": selectors.linkable_ideas(workspace=member.workspace, goal=goal),
            "linkable_items": selectors.linkable_items(workspace=member.workspace, goal=goal),
            "errors": errors or {},
            "values": request.POST if errors else {},
            "today": timezone.localdate(),
        },
        status=status,
    )


@workspace_page("goal.view")
@require_GET
def goal_detail(request: HttpRequest, member, goal_id: int) -> HttpResponse:
    return _goal_page(request, member, goal_id)


def _csv_rows(upload, key_result_id: int, post, decimal: str) -> tuple[list[dict], list[int]]:
    """CSV with columns date,value[,note] (a header row is optional) for one key result, read with
    the form's encoding, decimal separator and date format: (rows, the file's row number of each).
    Every cell is checked here so that a problem names the row and column as the file shows them."""
    if upload is None:
        raise Invalid.field("file", "Choose a CSV file.")
    if upload.size > CSV_MAX_BYTES:
        raise Invalid.field("file", "The file is larger than 2 MB.")
    try:
        encoding = check_choice(post.get("encoding"), ENCODINGS, "encoding")
        decimal = check_choice(post.get("decimal") or decimal, DECIMALS, "decimal separator")
        date_format = check_choice(post.get("date_format"), DATE_FORMATS, "date format")
        text = decode(upload.read(), encoding).text
        records = list(csv_reader(text))
    except FileUnreadable as exc:
        raise Invalid.field("file", str(exc)) from None
    except csv.Error as exc:
        raise Invalid.field("file", f"This is not a readable CSV file ({exc}): {SAVE_AS}.") from None
    rows, lines, errors = [], [], []
    for n, cells in enumerate(records, start=1):
        if not cells or not any(c.strip() for c in cells):
            continue
        if n == 1 and cells[0].strip().lower() == "date":
            continue
        where = f"Row {n}"
        try:
            day = parse_day(cells[0], date_format)
        except DateError as exc:
            errors.append(FieldError("file", f"{where}, date: {exc}"))
            day = None
        try:
            value = parse_number(cells[1] if len(cells) > 1 else "", decimal=decimal, hint="import")
            if value is None:
                errors.append(FieldError("file", f"{where}, value: a number is required."))
        except NumberError as exc:
            errors.append(FieldError("file", f"{where}, value: {exc}"))
            value = None
        note = cells[2].strip() if len(cells) > 2 else ""
        if len(note) > 500:
            errors.append(FieldError("file", f"{where}, note: at most 500 characters (this one has {len(note):,})."))
        rows.append({"key_result_id": key_result_id, "date": day, "value": value, "note": note[:500]})
        lines.append(n)
        if len(errors) >= 50:
            break
    if errors:
        raise Invalid(f"{len(errors)} problem(s) in the file; nothing was imported.", errors)
    if not rows:
        raise Invalid.field("file", "The file has no rows.")
    return rows, lines


def _by_file_row(exc: Invalid, lines: list[int]) -> Invalid:
    """The service's measurements.<i>.<field> errors as the file's "Row <n>, <field>"."""
    errors = []
    for e in exc.errors:
        parts = e.field.split(".")
        if len(parts) == 3 and parts[0] == "measurements" and parts[1].isdigit() and int(parts[1]) < len(lines):
            errors.append(FieldError("file", f"Row {lines[int(parts[1])]}, {parts[2]}: {e.message}"))
        else:
            errors.append(e)
    return Invalid(exc.detail, errors)


@workspace_page("goal.view")
@require_POST
def goal_action(request: HttpRequest, member, goal_id: int, action: str) -> HttpResponse:
    """Every form of a goal's page: key results, numbers (one or a CSV), links, deletion."""
    post = request.POST
    slug = member.workspace.slug
    decimal = member.workspace.decimal_separator
    try:
        if action == "key-result":
            services.key_result_create(
                member=member, goal_id=goal_id, name=post.get("name", ""),
                unit=post.get("unit", Unit.NUMBER), direction=post.get("direction", Direction.INCREASE),
                baseline=form_number(post.get("baseline"), "baseline", decimal=decimal, label="Baseline"),
                target=form_number(post.get("target"), "target", decimal=decimal, label="Target"),
                target_min=form_number(post.get("target_min"), "target_min", decimal=decimal, label="Lower bound"),
                currency=post.get("currency", ""), owner_id=form_int(post.get("owner_id"), "owner_id"),
            )  # fmt: skip
            messages.success(request, "Key result added.")
        elif action in ("measure", "import"):
            kr = services.get_key_result(member, form_int(post.get("key_result_id"), "key_result_id") or 0)
            if kr.goal_id != goal_id:
                raise Http404("No such key result on this goal.")
            lines: list[int] = []
            if action == "measure":
                value = form_number(post.get("value"), "value", decimal=decimal, label="Value")
                rows = [{"key_result_id": kr.pk, "date": post.get("date", ""), "value": value,
                         "note": post.get("note", "")}]  # fmt: skip
                source = MeasurementSource.MANUAL
            else:
                rows, lines = _csv_rows(request.FILES.get("file"), kr.pk, post, decimal)
                source = MeasurementSource.CSV
            try:
                result = services.measurements_record(
                    member=member, rows=rows, source=source,
                    on_duplicate="replace" if post.get("replace") else "reject",
                )  # fmt: skip
            except Invalid as exc:
                raise _by_file_row(exc, lines) if lines else exc from None
            messages.success(
                request, f"{result.created} value(s) recorded, {result.replaced} replaced for {kr.name}."
            )
        elif action == "link-idea":
            services.goal_link_idea(member=member, goal_id=goal_id, idea_id=form_int(post.get("idea_id"), "idea_id") or 0)
        elif action == "unlink-idea":
            services.goal_unlink_idea(member=member, goal_id=goal_id, idea_id=form_int(post.get("idea_id"), "idea_id") or 0)
        elif action == "link-item":
            services.goal_link_item(member=member, goal_id=goal_id, item_id=form_int(post.get("item_id"), "item_id") or 0)
        elif action == "unlink-item":
            services.goal_unlink_item(member=member, goal_id=goal_id, item_id=form_int(post.get("item_id"), "item_id") or 0)
        elif action == "delete":
            services.goal_delete(member=member, goal_id=goal_id)
            messages.success(request, "Goal deleted.")
            return redirect("goals", slug=slug)
        else:
            raise Http404("No such action.")
    except UserError as exc:
        errors = {action: [f"{e.field}: {e.message}" if e.field.startswith("measurements.") else e.message
                           for e in exc.errors] or [exc.detail]}  # fmt: skip
        return _goal_page(request, member, goal_id, errors=errors, status=422)
    return redirect(f"/w/{slug}/goals/{goal_id}#{post.get('anchor', '')}".rstrip("#"))


@workspace_page("goal.view")
@require_GET
def key_result_chart(request: HttpRequest, member, key_result_id: int, fmt: str) -> HttpResponse:
    """The trend chart of a key result as an SVG or PNG download (the page's chart, titled)."""
    if fmt not in ("svg", "png"):
        raise Http404("No such chart format.")
    kr = services.get_key_result(member, key_result_id)
    data = selectors.goal(workspace=member.workspace, goal_id=kr.goal_id)
    view = next(k for k in data["view"].key_results if k.kr.pk == kr.pk)
    goal = data["view"].goal
    svg = charts.trend_svg(view, goal.start_date, goal.end_date, width=900, height=360, title=True)
    if fmt == "svg":
        response = HttpResponse('<?xml version="1.0" encoding="UTF-8"?>\n' + svg, content_type="image/svg+xml")
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    else:
        response = HttpResponse(charts.trend_png(svg), content_type="image/png")
    name = f"{slugify(kr.name) or 'key-result'}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


BOARD_CACHE_SECONDS = 24 * 3600


def scoreboard_context(workspace) -> dict:
    data = selectors.scoreboard(workspace=workspace)
    for view in [*data["company"], *(v for c in data["departments"] for v in c["goals"])]:
        goal = view.goal
        for k in view.key_results:
            k.spark = mark_safe(charts.sparkline_svg(k, goal.start_date, goal.end_date))  # noqa: S308
            k.latest_text = charts.fmt_value(k.latest[1] if k.latest else None, k.kr.unit, k.kr.currency)
            k.target_text = charts.fmt_value(k.kr.target, k.kr.unit, k.kr.currency)
    return data


def scoreboard_board(workspace, *, public: bool, version: str | None = None) -> dict:
    """{"html", "today"}: the board, rendered once per state of the data and kept in the cache.

    Big screens and everyone's page ask for the same board over and over while the numbers change
    a few times a day; the key holds the state's version (selectors.scoreboard_version), so any
    change makes a new key and nothing is ever served stale. Rendered without the request: the
    board holds nothing personal (public boards carry no links into the app).
    """
    today = timezone.localdate()
    version = version or selectors.scoreboard_version(workspace=workspace, today=today)
    key = f"goals:board:{workspace.pk}:{int(public)}:{version}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "goals/_scoreboard.html",
            {"board": scoreboard_context(workspace), "public": public, "workspace": workspace},
        )
        cache.set(key, html, BOARD_CACHE_SECONDS)
    return {"html": mark_safe(html), "today": today}  # noqa: S308 (rendered by our template)


@workspace_page("goal.view")
@require_http_methods(["GET", "POST"])
def scoreboard(request: HttpRequest, member) -> HttpResponse:
    """The shared scoreboard, and (for editors) its big-screen links."""
    new_link = None
    errors = {}
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                services.scoreboard_link_revoke(member=member, link_id=form_int(request.POST.get("revoke"), "revoke") or 0)
                messages.success(request, "Link revoked: it stopped working.")
                return redirect("scoreboard", slug=member.workspace.slug)
            _link, raw = services.scoreboard_link_create(
                member=member, name=request.POST.get("name", ""),
                refresh_seconds=form_int(request.POST.get("refresh_seconds"), "refresh_seconds", 60),
            )  # fmt: skip
            new_link = request.build_absolute_uri(f"/scoreboard/{raw}")
        except UserError as exc:
            errors = field_errors(exc)
    return render(
        request,
        "goals/scoreboard.html",
        {
            "board": scoreboard_board(member.workspace, public=False),
            "links": list(selectors.scoreboard_links(workspace=member.workspace)),
            "can_share": can(member, "share_link.manage"),
            "new_link": new_link,
            "errors": errors,
        },
        status=422 if errors else 200,
    )
