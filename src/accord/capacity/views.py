"""Server-rendered capacity pages: load and capacity, a scenario (solve, progress, the plan and its
reasons, apply), the comparison of two plans. Thin: forms go to the services."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accord.core.errors import Invalid
from accord.core.importfiles import DECIMALS, ENCODINGS
from accord.core.web import UserError, field_errors, form_date, form_int, form_number
from accord.ideas.models import ScoringModel
from accord.roadmaps.models import Roadmap
from accord.workspaces.models import TeamKind
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import capacity_csv, selectors, services
from .models import (
    Application,
    CapacityUnit,
    ConstraintKind,
    GroupKind,
    PlanningPeriodKind,
    PlanRun,
    RunStatus,
    ShareScope,
    unit_word,
)


def _errors_to_messages(request, exc: UserError) -> None:
    errs = field_errors(exc)
    text = "; ".join(m for msgs in errs.values() for m in msgs) or exc.detail
    messages.error(request, text)


def _num(request, name: str, default=None):
    raw = request.POST.get(name, "")
    if raw.strip() == "":
        if default is None:
            raise Invalid.field(name, "A number is required.")
        return default
    return form_number(raw, name, decimal=request.member.workspace.decimal_separator)


@workspace_page("capacity.view")
@require_GET
def capacity_home(request: HttpRequest, member) -> HttpResponse:
    load = selectors.load(workspace=member.workspace)
    _with_units(load)
    return render(request, "capacity/home.html", {
        "load": load, "scenarios": selectors.scenarios(workspace=member.workspace),
        "efforts": selectors.efforts(workspace=member.workspace), "ideas": _ideas(member),
        "can_manage": can(member, "capacity.manage"), "period_kinds": PlanningPeriodKind.choices,
        "unit_choices": CapacityUnit.choices,
        "file_options": {"encodings": ENCODINGS, "decimals": DECIMALS},
        "models": ScoringModel.objects.filter(workspace=member.workspace).order_by("-is_default", "name"),
    })  # fmt: skip


def _with_units(load: dict) -> None:
    """Each team of the load knows the word of its unit (templates cannot look it up)."""
    for t in load["teams"]:
        t.unit_word = unit_word(load["units"].get(t.pk))


def _ideas(member):
    from accord.ideas.models import Idea

    return (
        Idea.objects.filter(workspace=member.workspace)
        .exclude(status__in=["merged", "rejected", "done"])
        .order_by("title")
        .only("id", "title")
    )


@workspace_page("capacity.manage")
@require_POST
def capacity_action(request: HttpRequest, member, action: str) -> HttpResponse:
    home = reverse("capacity", args=[member.workspace.slug])
    post = request.POST
    try:
        if action == "set":
            services.capacity_set(
                member=member, team_id=form_int(post.get("team_id"), "team_id"), period_id=form_int(post.get("period_id"), "period_id"),
                people=_num(request, "people"), days_per_person=_num(request, "days_per_person"), holidays=_num(request, "holidays", 0.0),
            )  # fmt: skip
            messages.success(request, "Capacity saved.")
        elif action == "unit":
            team, unit = services.team_unit_set(member=member, team_id=form_int(post.get("team_id"), "team_id"),
                                                unit=post.get("unit", ""))  # fmt: skip
            messages.success(request, f"{team.name} now plans in {unit_word(unit)}.")
        elif action == "period":
            services.period_create(member=member, name=post.get("name", ""), kind=post.get("kind", "quarter"),
                                   start_date=form_date(post.get("start_date"), "start_date"), end_date=form_date(post.get("end_date"), "end_date"))  # fmt: skip
            messages.success(request, "Period added.")
        elif action == "import":
            upload = request.FILES.get("file")
            if upload is None:
                raise Invalid.field("file", "Choose a CSV file.")
            n = capacity_csv.capacity_import(
                member=member,
                data=upload.read(),
                encoding=post.get("encoding", "auto"),
                decimal=post.get("decimal") or None,
            )
            messages.success(request, f"Imported {n} capacity row(s).")
        elif action == "effort":
            services.effort_set(member=member, idea_id=form_int(post.get("idea_id"), "idea_id"), team_id=form_int(post.get("team_id"), "team_id"),
                                person_days=_num(request, "person_days"), periods=form_int(post.get("periods"), "periods", 1))  # fmt: skip
            messages.success(request, "Effort saved.")
        elif action == "effort-delete":
            services.effort_delete(
                member=member, effort_id=form_int(post.get("effort_id"), "effort_id")
            )
            messages.success(request, "Effort removed.")
        elif action == "scenario":
            s = services.scenario_create(member=member, name=post.get("name", ""), scoring_model_id=form_int(post.get("scoring_model_id"), "scoring_model_id"),
                                         discount=_num(request, "discount", 0.0), time_limit=_num(request, "time_limit", 10.0))  # fmt: skip
            return redirect("capacity_scenario", member.workspace.slug, s.pk)
    except UserError as exc:
        _errors_to_messages(request, exc)
    return redirect(home)


def _scenario_context(member, scenario_id: int) -> dict:
    scenario = services.get_scenario(member, scenario_id)
    run = selectors.latest_run(scenario)
    load = selectors.load(workspace=member.workspace)
    _with_units(load)
    changes = list(scenario.capacity_changes.select_related("team", "period"))
    for c in changes:
        c.unit_word = unit_word(load["units"].get(c.team_id))
    planned_rows = []
    if run and run.result:
        planned_rows = _load_rows(run.result)
    return {
        "scenario": scenario, "run": run, "result": run.result if run else {}, "load_rows": planned_rows,
        "changes": changes,
        "constraints": [(c, services.describe_constraint(c)) for c in scenario.constraints.select_related("idea", "other_idea", "period", "team", "goal", "tag")],
        "periods": load["periods"], "teams": load["teams"], "ideas": selectors.idea_choices(workspace=member.workspace),
        "constraint_kinds": ConstraintKind.choices, "group_kinds": GroupKind.choices, "departments": TeamKind.choices,
        "share_scopes": ShareScope.choices,
        "roadmaps": Roadmap.objects.filter(workspace=member.workspace).exclude(kind="portfolio").order_by("name"),
        "scenarios": [s for s in selectors.scenarios(workspace=member.workspace) if s.pk != scenario.pk and s.latest],
        "applications": Application.objects.filter(run__scenario=scenario).select_related("roadmap").order_by("-applied_at")[:5],
        "can_manage": can(member, "capacity.manage"), "running": bool(run and run.status in (RunStatus.QUEUED, RunStatus.RUNNING)),
    }  # fmt: skip


def _load_rows(result: dict) -> list[dict]:
    names = [p["name"] for p in result["periods"]]
    rows: dict[str, dict] = {}
    for cell in result["load"]:
        row = rows.setdefault(
            cell["team"],
            {
                "team": cell["team_name"],
                "word": unit_word(cell.get("unit")),
                "cells": {n: None for n in names},
            },
        )
        cap = cell["capacity"]
        row["cells"][cell["period"]] = {**cell, "percent": round(100 * cell["allocated"] / cap) if cap else 0,
                                        "extra": round(cap - cell["base_capacity"], 1)}  # fmt: skip
    return [
        {"team": r["team"], "word": r["word"], "cells": [r["cells"][n] for n in names]}
        for r in sorted(rows.values(), key=lambda r: r["team"])
    ]


@workspace_page("capacity.view")
@require_GET
def scenario_page(request: HttpRequest, member, scenario_id: int) -> HttpResponse:
    return render(request, "capacity/scenario.html", _scenario_context(member, scenario_id))


@workspace_page("capacity.view")
@require_GET
def run_status(request: HttpRequest, member, run_id: int) -> HttpResponse:
    """The progress panel htmx polls while a solve runs; when it is over the page reloads."""
    run = services.get_run(member, run_id)
    response = render(
        request,
        "capacity/_progress.html",
        {"run": run, "scenario": run.scenario, "can_manage": can(member, "capacity.manage")},
    )
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        response["HX-Refresh"] = "true"
    return response


@workspace_page("capacity.manage")
@require_POST
def scenario_action(request: HttpRequest, member, scenario_id: int, action: str) -> HttpResponse:
    slug = member.workspace.slug
    post = request.POST
    target = reverse("capacity_scenario", args=[slug, scenario_id])
    try:
        if action == "solve":
            services.solve(member=member, scenario_id=scenario_id)
            messages.success(
                request, "Solve requested: the plan shows here when the optimizer is done."
            )
        elif action == "copy":
            copy = services.scenario_copy(
                member=member, scenario_id=scenario_id, name=post.get("name", "")
            )
            messages.success(request, f"Copied to “{copy.name}”.")
            return redirect("capacity_scenario", slug, copy.pk)
        elif action == "capacity":
            services.capacity_change_set(member=member, scenario_id=scenario_id, team_id=form_int(post.get("team_id"), "team_id"),
                                         period_id=form_int(post.get("period_id"), "period_id"), people=_num(request, "people", 0.0),
                                         person_days=_num(request, "person_days", 0.0))  # fmt: skip
            messages.success(request, "Capacity changed in this scenario.")
        elif action == "constraint":
            services.constraint_add(
                member=member, scenario_id=scenario_id, kind=post.get("kind", ""), idea_id=form_int(post.get("idea_id"), "idea_id"),
                other_idea_id=form_int(post.get("other_idea_id"), "other_idea_id"), period_id=form_int(post.get("period_id"), "period_id"),
                team_id=form_int(post.get("team_id"), "team_id"), group_kind=post.get("group_kind", ""), department=post.get("department", ""),
                tag=post.get("tag", ""), share=_num(request, "share") if post.get("share") else None,
                weight=_num(request, "weight") if post.get("weight") else None, scope=post.get("scope") or "horizon",
            )  # fmt: skip
            messages.success(request, "Constraint added.")
        elif action == "constraint-delete":
            services.get_scenario(member, scenario_id)
            services.constraint_delete(
                member=member, constraint_id=form_int(post.get("constraint_id"), "constraint_id")
            )
            messages.success(request, "Constraint removed.")
        elif action == "cancel":
            services.cancel(member=member, run_id=form_int(post.get("run_id"), "run_id"))
            messages.success(request, "Cancelled.")
        elif action == "apply":
            app = services.apply(
                member=member,
                run_id=form_int(post.get("run_id"), "run_id"),
                roadmap_id=form_int(post.get("roadmap_id"), "roadmap_id"),
            )
            c = app.changes
            text = f"Applied to {app.roadmap.name}: {len(c['created'])} item(s) created, {len(c['moved'])} moved."
            if c["skipped"]:
                text += (
                    " Not overwritten (changed by hand since the solve): "
                    + ", ".join(s["title"] for s in c["skipped"])
                    + "."
                )
            messages.success(request, text)
        elif action == "undo":
            app = services.undo(
                member=member, application_id=form_int(post.get("application_id"), "application_id")
            )
            left = app.changes.get("left_on_undo", [])
            messages.success(
                request,
                "Undone."
                + (
                    " Left as they are (changed since): "
                    + ", ".join(x["title"] for x in left)
                    + "."
                    if left
                    else ""
                ),
            )
        elif action == "delete":
            services.scenario_delete(member=member, scenario_id=scenario_id)
            messages.success(request, "Scenario deleted.")
            return redirect("capacity", slug)
    except UserError as exc:
        _errors_to_messages(request, exc)
    return redirect(target)


@workspace_page("capacity.view")
@require_GET
def compare_page(request: HttpRequest, member) -> HttpResponse:
    a = form_int(request.GET.get("a"), "a")
    b = form_int(request.GET.get("b"), "b")
    runs = (
        PlanRun.objects.filter(workspace=member.workspace, status=RunStatus.DONE)
        .select_related("scenario")
        .defer("result")
    )
    context = {"runs": runs, "a_id": a, "b_id": b}
    if a and b:
        data = selectors.compare(services.get_run(member, a), services.get_run(member, b))
        names = [p["name"] for p in data["a"].result["periods"]]
        context.update(
            data=data,
            periods=names,
            load_a=_load_rows(data["a"].result),
            load_b=_load_rows(data["b"].result),
        )
    return render(request, "capacity/compare.html", context)
