"""Server-rendered pages: the workspace's role definitions, and an initiative's RACI grid (edited
with the keyboard; each change posts one cell and gets the checks back), its suggestions and its
interaction map. Thin: forms go to the services; errors show on the page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import Invalid, UserError
from accord.core.web import form_int, with_query
from accord.workspaces.models import Person, TeamKind
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import interaction_map, selectors, services
from .models import RaciValue

# ---------------------------------------------------------------- role definitions


@workspace_page("role.view")
@require_http_methods(["GET", "POST"])
def roles_page(request: HttpRequest, member) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "create":
                role = services.role_create(
                    member=member, name=request.POST.get("name", ""), department=request.POST.get("department", "product"),
                    description=request.POST.get("description", ""), success_criteria=request.POST.get("success_criteria", ""),
                    parent_id=form_int(request.POST.get("parent_id"), "parent_id"),
                )  # fmt: skip
                messages.success(request, f"Role “{role.name}” added.")
            elif action == "update":
                role = services.role_update(
                    member=member, role_id=form_int(request.POST.get("role_id"), "role_id") or 0,
                    version=form_int(request.POST.get("version"), "version") or 0,
                    name=request.POST.get("name"), department=request.POST.get("department"),
                    description=request.POST.get("description"), success_criteria=request.POST.get("success_criteria"),
                    parent_id=form_int(request.POST.get("parent_id"), "parent_id"),
                )  # fmt: skip
                messages.success(request, f"Role “{role.name}” saved.")
            elif action == "pair":
                services.pair_create(
                    member=member, role_a_id=form_int(request.POST.get("role_a_id"), "role_a_id") or 0,
                    role_b_id=form_int(request.POST.get("role_b_id"), "role_b_id") or 0, reason=request.POST.get("reason", ""),
                )  # fmt: skip
                messages.success(request, "Incompatible pair declared.")
            elif action == "unpair":
                services.pair_delete(
                    member=member, pair_id=form_int(request.POST.get("pair_id"), "pair_id") or 0
                )
                messages.success(request, "Pair dropped.")
            elif action == "settings":
                services.settings_update(
                    member=member, version=form_int(request.POST.get("version"), "version") or 0,
                    load_threshold=form_int(request.POST.get("load_threshold"), "load_threshold") or 0,
                )  # fmt: skip
                messages.success(request, "Load threshold saved.")
            return redirect("roles", member.workspace.slug)
        except (UserError, Invalid) as exc:
            messages.error(request, exc.detail)
            errors = {e.field: [e.message] for e in exc.errors}
    roles = selectors.roles(workspace=member.workspace)
    by_dept = []
    for kind, label in TeamKind.choices:
        rows = [r for r in roles if r.department == kind]
        if rows:
            by_dept.append((label, rows))
    return render(request, "roles/roles.html", {
        "roles": roles, "by_dept": by_dept, "pairs": selectors.pairs(workspace=member.workspace),
        "settings": selectors.settings_of(member.workspace), "departments": TeamKind.choices,
        "can_manage": can(member, "role.manage"), "errors": errors,
    })  # fmt: skip


# ---------------------------------------------------------------- the RACI grid


def _extra_columns(request, loaded) -> list[dict]:
    """Columns asked for in the address (?with=p12,r3) that have no cell yet."""
    cols = selectors.columns(loaded)
    shown = {(c["kind"], c["id"]) for c in cols}
    people = loaded.matrix.people
    roles = {r.pk: r for r in loaded.role_list}
    for token in request.GET.get("with", "").split(","):
        kind, _, raw = token.strip().partition(":")
        if not raw.isdigit():
            continue
        pk = int(raw)
        if kind == "p" and pk in people and ("person", pk) not in shown:
            cols.append(
                {
                    "kind": "person",
                    "id": pk,
                    "name": people[pk].name,
                    "department": ", ".join(sorted(people[pk].departments)),
                    "roles": [],
                }
            )
        elif kind == "r" and pk in roles and ("role", pk) not in shown:
            cols.append(
                {
                    "kind": "role",
                    "id": pk,
                    "name": roles[pk].name,
                    "department": roles[pk].get_department_display(),
                }
            )
        shown.add(("person" if kind == "p" else "role", pk))
    return cols


def _check_rows(loaded) -> list[dict]:
    return selectors.check_rows(loaded)


def _grid_context(request, member, loaded) -> dict:
    columns = _extra_columns(request, loaded)
    values = {
        (c.activity_id, "person" if c.person_id else "role", c.person_id or c.role_id): c.value
        for c in loaded.matrix.cells
    }
    checks = _check_rows(loaded)
    flagged = {c["activity_id"] for c in checks if c["activity_id"]}
    stages = {s.pk: s for s in loaded.stages}
    rows, current = [], None
    for a in loaded.activities:
        if a.stage_id != current:
            current = a.stage_id
            rows.append({"stage": stages[a.stage_id]})
        rows.append({"activity": a, "flagged": a.pk in flagged,
                     "cells": [{"col": col, "value": values.get((a.pk, col["kind"], col["id"]), "")} for col in columns]})  # fmt: skip
    return {
        "initiative": loaded.initiative, "columns": columns, "rows": rows, "checks": checks,
        "stages": loaded.stages, "assignments": loaded.assignments, "roles": loaded.role_list,
        "people": list(Person.objects.filter(workspace=member.workspace).order_by("name").only("id", "name")),
        "can_edit": can(member, "raci.manage"), "values": RaciValue.choices, "with": request.GET.get("with", ""),
    }  # fmt: skip


@workspace_page("role.view")
@require_http_methods(["GET", "POST"])
def raci_page(request: HttpRequest, member, initiative_id: int) -> HttpResponse:
    initiative = services.get_initiative(member, initiative_id)
    url = reverse("raci", args=[member.workspace.slug, initiative.pk])
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "activity":
                services.activity_create(
                    member=member, initiative_id=initiative.pk, name=request.POST.get("name", ""),
                    stage_id=form_int(request.POST.get("stage_id"), "stage_id"),
                    skills=[s.strip() for s in request.POST.get("skills", "").split(",") if s.strip()],
                    gate_approval=request.POST.get("gate_approval") == "on",
                )  # fmt: skip
                messages.success(request, "Activity added.")
            elif action == "delete_activity":
                services.activity_delete(member=member, initiative_id=initiative.pk,
                                         activity_id=form_int(request.POST.get("activity_id"), "activity_id") or 0)  # fmt: skip
                messages.success(request, "Activity deleted.")
            elif action == "assign":
                services.assignment_create(
                    member=member, initiative_id=initiative.pk,
                    role_id=form_int(request.POST.get("role_id"), "role_id") or 0,
                    person_id=form_int(request.POST.get("person_id"), "person_id") or 0,
                )  # fmt: skip
                messages.success(request, "Role assigned.")
            elif action == "unassign":
                services.assignment_delete(member=member, initiative_id=initiative.pk,
                                           assignment_id=form_int(request.POST.get("assignment_id"), "assignment_id") or 0)  # fmt: skip
                messages.success(request, "Role taken away.")
        except (UserError, Invalid) as exc:
            messages.error(request, exc.detail)
        return redirect(with_query(url, {"with": request.POST.get("with", "")[:200]}))
    loaded = selectors.matrix(initiative=initiative)
    return render(request, "roles/raci.html", _grid_context(request, member, loaded))


@workspace_page("raci.manage")
@require_POST
def raci_cell(request: HttpRequest, member, initiative_id: int) -> JsonResponse:
    """One cell from the grid: answers the checks (HTML) and the activities they flag."""
    kind = request.POST.get("kind")
    col = form_int(request.POST.get("col"), "col")
    cell = {"activity_id": form_int(request.POST.get("activity_id"), "activity_id"), "value": request.POST.get("value") or None,
            "person_id": col if kind == "person" else None, "role_id": col if kind == "role" else None}  # fmt: skip
    try:
        services.cells_set(member=member, initiative_id=initiative_id, cells=[cell])
    except (UserError, Invalid) as exc:
        return JsonResponse(
            {"error": exc.detail, "errors": exc.as_dict()["errors"]}, status=exc.status
        )
    loaded = selectors.matrix(initiative=services.get_initiative(member, initiative_id))
    checks = _check_rows(loaded)
    html = render_to_string("roles/_checks.html", {"checks": checks}, request=request)
    return JsonResponse({"checks_html": html, "count": len(checks),
                         "flagged": sorted({c["activity_id"] for c in checks if c["activity_id"]})})  # fmt: skip


@workspace_page("role.view")
@require_GET
def raci_suggest(request: HttpRequest, member, initiative_id: int) -> HttpResponse:
    loaded = selectors.matrix(initiative=services.get_initiative(member, initiative_id))
    activity_id = form_int(request.GET.get("activity"), "activity") or 0
    services.get_activity(member, initiative_id, activity_id)
    activity = next(a for a in loaded.activities if a.pk == activity_id)
    return render(
        request,
        "roles/_suggestions.html",
        {"activity": activity, "suggestions": selectors.suggestions(loaded, activity_id)},
    )


@workspace_page("role.view")
@require_GET
def raci_map(request: HttpRequest, member, initiative_id: int, fmt: str) -> HttpResponse:
    if fmt not in ("svg", "png"):
        return HttpResponse(status=404)
    loaded = selectors.matrix(initiative=services.get_initiative(member, initiative_id))
    svg = interaction_map.render_svg(
        interaction_map.build(loaded.matrix, loaded.load),
        title=f"Who works with whom: {loaded.initiative.name}",
    )
    if fmt == "svg":
        response = HttpResponse(svg, content_type="image/svg+xml")
    else:
        response = HttpResponse(interaction_map.svg_to_png(svg), content_type="image/png")
    if request.GET.get("download"):
        response["Content-Disposition"] = (
            f'attachment; filename="interaction-map-{initiative_id}.{fmt}"'
        )
    return response
