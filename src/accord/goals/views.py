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
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core import facets
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
from accord.core.overlays import drawer_response, finish, form_response
from accord.core.web import UserError, field_errors, form_date, form_int, form_number
from accord.workspaces.models import Person
from accord.workspaces.permissions import can
from accord.workspaces.selectors import teams as workspace_teams
from accord.workspaces.web import workspace_page

from . import charts, selectors, services
from .models import Direction, Goal, GoalLevel, MeasurementSource, PeriodKind, Unit
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
    if request.method == "POST":  # the form of the New goal dialog, posted here by older pages
        return _create_goal(request, member)
    roots = selectors.tree(workspace=member.workspace)
    chosen = facets.form("goal", request.GET, member.workspace_id)  # e.g. "Stage" (initiatives)
    if any(f["value"] for f in chosen):
        matching = set(
            facets.apply("goal", Goal.objects.filter(workspace=member.workspace), request.GET, member.workspace_id)
            .values_list("pk", flat=True)
        )  # fmt: skip
        roots = _pruned(roots, matching)
    nodes = list(_flat(roots))
    facets.annotate("goal", [n.goal for n in nodes], member.workspace_id)  # e.g. stage badges
    groupable = {f.key: f for f in facets.groupable("goal")}
    group_by = request.GET.get("group") or ""
    groups = []
    if group_by in groupable:  # e.g. by stage: each group lists its goals, without their subtree
        facet, view_of = groupable[group_by], {n.goal.pk: n for n in nodes}
        groups = [
            {"key": value or "none", "label": label, "colour": colour, "nodes": [view_of[g.pk] for g in shown]}
            for value, label, colour, shown in facets.group(
                facet, [n.goal for n in nodes], member.workspace_id, f"No {facet.label.lower()}"
            )
        ]  # fmt: skip
    else:
        group_by = ""
    return render(
        request,
        "goals/list.html",
        {
            **_form_context(member),
            "roots": roots,
            "facets": chosen,
            "filtered": any(f["value"] for f in chosen),
            "group_by": group_by,
            "group_options": [(f.key, f.label) for f in groupable.values()],
            "groups": groups,
        },
    )


def _flat(nodes: list):
    for node in nodes:
        yield node
        yield from _flat(node.children)


def _pruned(nodes: list, matching: set[int]) -> list:
    """The tree without the goals that neither match a filter nor lead to one that does."""
    kept = []
    for node in nodes:
        node.children = _pruned(node.children, matching)
        if node.goal.pk in matching or node.children:
            kept.append(node)
    return kept


def _decorate(k, goal) -> None:
    """A key result's chart, latest numbers and formatted values, as its card and drawer show them."""
    k.chart = mark_safe(charts.trend_svg(k, goal.start_date, goal.end_date))  # noqa: S308 (escaped)
    k.numbers = list(reversed(k.series[-12:]))
    k.fmt = {
        "latest": charts.fmt_value(k.latest[1] if k.latest else None, k.kr.unit, k.kr.currency),
        "baseline": charts.fmt_value(k.kr.baseline, k.kr.unit, k.kr.currency),
        "target": charts.fmt_value(k.kr.target, k.kr.unit, k.kr.currency),
        "target_min": charts.fmt_value(k.kr.target_min, k.kr.unit, k.kr.currency),
        "projection": charts.fmt_value(k.projection[1] if k.projection else None, k.kr.unit, k.kr.currency),
    }


def _goal_page(request: HttpRequest, member, goal_id: int, errors: dict | None = None, status: int = 200):
    data = selectors.goal(workspace=member.workspace, goal_id=goal_id)
    view = data["view"]
    goal = view.goal
    for k in view.key_results:
        _decorate(k, goal)
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
    try:
        if action == "key-result":  # the forms of the dialogs, posted here by older pages
            return _create_key_result(request, member, goal_id)
        if action in ("measure", "import"):
            kr = services.get_key_result(member, form_int(post.get("key_result_id"), "key_result_id") or 0)
            if kr.goal_id != goal_id:
                raise Http404("No such key result on this goal.")
            return _record(request, member, kr, csv_file=action == "import")
        if action == "link-idea":
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


# ---------------------------------------------------------------- dialogs and the key result drawer


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _form_errors(exc: UserError) -> dict[str, list[str]]:
    errors = field_errors(exc)
    errors["form"] = errors.pop("__all__", [])
    return {k: v for k, v in errors.items() if v}


def _create_goal(request: HttpRequest, member) -> HttpResponse:
    """The New goal form (GET) and the goal (POST)."""
    if not can(member, "goal.manage"):
        raise PermissionDenied("Only editors set goals.")
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:
            goal = services.goal_create(member=member, **_goal_fields(values))
        except UserError as exc:
            errors = _form_errors(exc)
        else:
            messages.success(request, f"Goal “{goal.title}” created. Add its key results.")
            return finish(request, reverse("goal", args=[member.workspace.slug, goal.pk]))
    goals = selectors.goals(workspace=member.workspace).select_related(None).prefetch_related(None)
    return form_response(
        request,
        "goals/_goal_form.html",
        {
            **_form_context(member),
            "errors": errors,
            "values": values,
            "all_goals": list(goals.only("id", "title", "level")),
            "chosen_teams": values.getlist("team_ids") if values else [],
            "this_year": timezone.localdate().year,
        },
        title="New goal",
        intro="A company goal both product and marketing work toward, or a department or team goal that supports one.",
        back_url=reverse("goals", args=[member.workspace.slug]),
        back_label="Goals",
        status=422 if errors else 200,
    )


@workspace_page("goal.manage")
@require_http_methods(["GET", "POST"])
def goal_new(request: HttpRequest, member) -> HttpResponse:
    return _create_goal(request, member)


def _create_key_result(request: HttpRequest, member, goal_id: int) -> HttpResponse:
    goal = selectors.goals(workspace=member.workspace).filter(pk=goal_id).first()
    if goal is None:
        raise Http404("No such goal in this workspace.")
    if not can(member, "goal.manage"):
        raise PermissionDenied("Only editors add key results.")
    goal_url = reverse("goal", args=[member.workspace.slug, goal.pk])
    errors: dict = {}
    values = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        post = request.POST
        decimal = member.workspace.decimal_separator
        try:
            kr = services.key_result_create(
                member=member, goal_id=goal.pk, name=post.get("name", ""),
                unit=post.get("unit", Unit.NUMBER), direction=post.get("direction", Direction.INCREASE),
                baseline=form_number(post.get("baseline"), "baseline", decimal=decimal, label="Baseline"),
                target=form_number(post.get("target"), "target", decimal=decimal, label="Target"),
                target_min=form_number(post.get("target_min"), "target_min", decimal=decimal, label="Lower bound"),
                currency=post.get("currency", ""), owner_id=form_int(post.get("owner_id"), "owner_id"),
            )  # fmt: skip
        except UserError as exc:
            errors = _form_errors(exc)
        else:
            messages.success(request, "Key result added.")
            return finish(request, f"{goal_url}#kr-{kr.pk}")
    return form_response(
        request,
        "goals/_kr_form.html",
        {**_form_context(member), "goal": goal, "errors": errors, "values": values},
        title="Add a key result",
        intro=f"A measurable result that says whether “{goal.title}” is met: a baseline, a target and a unit.",
        back_url=goal_url,
        back_label=goal.title,
        status=422 if errors else 200,
    )


@workspace_page("goal.manage")
@require_http_methods(["GET", "POST"])
def key_result_new(request: HttpRequest, member, goal_id: int) -> HttpResponse:
    return _create_key_result(request, member, goal_id)


def _key_result_url(member, kr) -> str:
    return reverse("goal", args=[member.workspace.slug, kr.goal_id]) + f"#kr-{kr.pk}"


def _measure_form(request: HttpRequest, member, kr, *, values, errors: dict, how: str = "value", status: int = 200):
    return form_response(
        request,
        "goals/_measure_form.html",
        {
            "kr": kr,
            "how": how,
            "values": values,
            "errors": errors,
            "today": timezone.localdate(),
            "next": _next(request, ""),
            "file_options": {"encodings": ENCODINGS, "decimals": DECIMALS, "date_formats": DATE_FORMATS},
            "chosen": {key: values.get(key, "") for key in ("encoding", "decimal", "date_format")},
        },
        title=f"Record a measurement of {kr.name}",
        intro="One value on a day, or many from a CSV file (date,value,note). Other tools can send them through the API.",
        back_url=_key_result_url(member, kr),
        back_label=kr.goal.title,
        status=status,
    )


def _record(request: HttpRequest, member, kr, *, csv_file: bool) -> HttpResponse:
    """One value, or a CSV of them: all recorded, or none and the form again with what was typed."""
    post = request.POST
    decimal = member.workspace.decimal_separator
    lines: list[int] = []
    try:
        if csv_file:
            rows, lines = _csv_rows(request.FILES.get("file"), kr.pk, post, decimal)
            source = MeasurementSource.CSV
        else:
            value = form_number(post.get("value"), "value", decimal=decimal, label="Value")
            rows = [{"key_result_id": kr.pk, "date": post.get("date", ""), "value": value,
                     "note": post.get("note", "")}]  # fmt: skip
            source = MeasurementSource.MANUAL
        try:
            result = services.measurements_record(
                member=member, rows=rows, source=source, on_duplicate="replace" if post.get("replace") else "reject",
            )  # fmt: skip
        except Invalid as exc:
            raise _by_file_row(exc, lines) if lines else exc from None
    except UserError as exc:
        errors: dict[str, list[str]] = {}
        for e in exc.errors or []:
            if csv_file:  # a row of the file: its number and column
                key, text = "file", f"{e.field}: {e.message}" if e.field.startswith("measurements.") else e.message
            else:  # measurements.0.value -> value, next to its field
                key, text = e.field.removeprefix("measurements.0."), e.message
                key = key if key in ("date", "value", "note") else "form"
            errors.setdefault(key, []).append(text)
        if not errors:
            errors["file" if csv_file else "form"] = [exc.detail]
        return _measure_form(request, member, kr, values=post, errors=errors, how="csv" if csv_file else "value",
                             status=422)
    messages.success(request, f"{result.created} value(s) recorded, {result.replaced} replaced for {kr.name}.")
    return finish(request, _next(request, _key_result_url(member, kr)))


@workspace_page("measurement.record")
@require_http_methods(["GET", "POST"])
def measurement_new(request: HttpRequest, member, key_result_id: int) -> HttpResponse:
    kr = services.get_key_result(member, key_result_id)
    if request.method == "POST":
        return _record(request, member, kr, csv_file=request.POST.get("how") == "csv")
    return _measure_form(request, member, kr, values={"date": timezone.localdate().isoformat()}, errors={})


@workspace_page("goal.view")
@require_GET
def key_result_page(request: HttpRequest, member, key_result_id: int) -> HttpResponse:
    """A key result's own address: its card on its goal's page (the drawer's "Open full page")."""
    return redirect(_key_result_url(member, services.get_key_result(member, key_result_id)))


@workspace_page("goal.view")
@require_GET
def key_result_drawer(request: HttpRequest, member, key_result_id: int) -> HttpResponse:
    kr = services.get_key_result(member, key_result_id)
    data = selectors.goal(workspace=member.workspace, goal_id=kr.goal_id)
    goal = data["view"].goal
    k = next(k for k in data["view"].key_results if k.kr.pk == kr.pk)
    _decorate(k, goal)
    return drawer_response(
        request,
        "goals/_kr_drawer.html",
        {"k": k, "goal": goal, "can_measure": can(member, "measurement.record")},
        page_url=reverse("key_result", args=[member.workspace.slug, kr.pk]),
    )
