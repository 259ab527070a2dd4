"""The portfolio (initiatives by stage), an initiative's page (gate, links, stage history), the
new-initiative form and the lifecycle settings. Thin: services write, selectors read."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from accord.core import panels
from accord.core.errors import UserError
from accord.core.markdown import render_markdown
from accord.core.web import field_errors, form_int, form_version
from accord.goals.models import Goal
from accord.ideas.models import Idea
from accord.roadmaps.models import RoadmapItem
from accord.workspaces.models import Person
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import lifecycle, selectors, services
from .models import InitiativeKind

PER_STAGE = 20  # cards per column on the portfolio; "Show all" opens the rest of a stage
LINK_ACTIONS = {"idea": "idea", "item": "roadmap_item", "goal": "goal"}


def _people(member):
    return list(Person.objects.filter(workspace_id=member.workspace_id).order_by("name"))


# ---------------------------------------------------------------- the portfolio


@workspace_page("initiative.view")
def portfolio(request: HttpRequest, member) -> HttpResponse:
    kind = request.GET.get("kind") or None
    if kind not in InitiativeKind.values:
        kind = None
    q = (request.GET.get("q") or "").strip()[:200] or None
    expand = (request.GET.get("stage") or "")[:40] or None
    columns = selectors.portfolio(
        workspace=member.workspace, kind=kind, q=q, per_stage=PER_STAGE, expand=expand
    )
    return render(request, "initiatives/portfolio.html", {
        "columns": columns, "kind": kind or "", "q": q or "", "kinds": InitiativeKind.choices, "expand": expand or "",
        "total": sum(c.count for c in columns),
        "can_manage": can(member, "initiative.manage"), "can_lifecycle": can(member, "lifecycle.manage"),
    })  # fmt: skip


def _new_form(request, member, values: dict, errors: dict, status: int = 200) -> HttpResponse:
    return render(request, "initiatives/new.html", {
        "values": values, "errors": errors, "general_errors": errors.get("__all__", []),
        "kinds": InitiativeKind.choices, "people": _people(member),
        "stages": selectors.stages(workspace=member.workspace),
    }, status=status)  # fmt: skip


@workspace_page("initiative.manage")
@require_http_methods(["GET", "POST"])
def initiative_new(request: HttpRequest, member) -> HttpResponse:
    if request.method == "GET":
        return _new_form(request, member, {"kind": InitiativeKind.PRODUCT}, {})
    post = request.POST
    try:
        initiative = services.initiative_create(
            member=member, name=post.get("name", ""), kind=post.get("kind") or InitiativeKind.PRODUCT,
            description=post.get("description", ""), owner_id=form_int(post.get("owner_id"), "owner_id"),
            stage_id=form_int(post.get("stage_id"), "stage_id"),
        )  # fmt: skip
    except UserError as exc:
        return _new_form(request, member, post, field_errors(exc), status=422)
    messages.success(request, f"Initiative {initiative.name} created in {initiative.stage.name}.")
    return redirect("initiative", slug=member.workspace.slug, initiative_id=initiative.pk)


# ---------------------------------------------------------------- an initiative


def _page(
    request, member, initiative_id: int, *, errors: dict | None = None, status: int = 200
) -> HttpResponse:
    data = selectors.detail(workspace=member.workspace, initiative_id=initiative_id)
    if data is None:
        raise Http404("No such initiative.")
    initiative = data["initiative"]
    me = services.person_of(member)
    my_signer = next((s for s in data["signers"] if me is not None and s.person_id == me.pk), None)
    manage = can(member, "initiative.manage")
    linked = {"ideas": {x.pk for x in data["ideas"]}, "items": {x.pk for x in data["items"]},
              "goals": {x.pk for x in data["goals"]}}  # fmt: skip
    ws = member.workspace_id
    return render(request, "initiatives/detail.html", {
        **data,
        "description_html": mark_safe(render_markdown(initiative.description)),  # noqa: S308 (sanitized)
        "errors": errors or {},
        "panels": panels.render("initiative", request, member, initiative),
        "my_signer": my_signer,
        "can_manage": manage, "can_check": can(member, "gate.check"), "can_override": can(member, "gate.override"),
        "kinds": InitiativeKind.choices,
        "people": _people(member) if manage else [],
        "asked": {s.person_id for s in data["signers"]},
        "earlier": [s for s in data["stages"] if s.position < initiative.stage.position],
        "linkable_ideas": list(Idea.objects.filter(workspace_id=ws).exclude(pk__in=linked["ideas"])
                               .exclude(status="merged").order_by("title")[:500]) if manage else [],
        "linkable_items": list(RoadmapItem.objects.filter(workspace_id=ws).exclude(pk__in=linked["items"])
                               .select_related("roadmap").order_by("roadmap__name", "title")[:500]) if manage else [],
        "linkable_goals": list(Goal.objects.filter(workspace_id=ws).exclude(pk__in=linked["goals"])
                               .order_by("title")[:500]) if manage else [],
    }, status=status)  # fmt: skip


@workspace_page("initiative.view")
def initiative_page(request: HttpRequest, member, initiative_id: int) -> HttpResponse:
    return _page(request, member, initiative_id)


def _do(request, member, initiative_id: int, action: str) -> str | None:
    """Run one form's action; returns the message to flash (None: none)."""
    post = request.POST

    def num(name):
        return form_int(post.get(name), name) or 0

    if action == "edit":
        services.initiative_update(
            member=member, initiative_id=initiative_id, version=form_version(request), name=post.get("name", ""),
            kind=post.get("kind") or InitiativeKind.PRODUCT, description=post.get("description", ""),
            owner_id=form_int(post.get("owner_id"), "owner_id"),
        )  # fmt: skip
        return "Saved."
    if action in ("link-idea", "link-item", "link-goal"):
        link = LINK_ACTIONS[action.removeprefix("link-")]
        services.initiative_link(
            member=member, initiative_id=initiative_id, link=link, object_id=num(f"{link}_id")
        )
        return None
    if action in ("unlink-idea", "unlink-item", "unlink-goal"):
        link = LINK_ACTIONS[action.removeprefix("unlink-")]
        services.initiative_unlink(
            member=member, initiative_id=initiative_id, link=link, object_id=num(f"{link}_id")
        )
        return None
    if action == "criterion-add":
        services.criterion_add(
            member=member, initiative_id=initiative_id, text=post.get("text", "")
        )
        return None
    if action in ("criterion-check", "criterion-uncheck"):
        c = services.criterion_check(member=member, criterion_id=num("criterion_id"), met=action == "criterion-check",
                                     evidence=post.get("evidence", ""))  # fmt: skip
        if c.initiative_id != initiative_id:
            raise Http404("No such criterion on this initiative.")
        return None
    if action == "criterion-delete":
        services.criterion_delete(member=member, criterion_id=num("criterion_id"))
        return None
    if action == "signer-add":
        services.signer_add(member=member, initiative_id=initiative_id, person_id=num("person_id"))
        return None
    if action == "signer-remove":
        services.signer_remove(member=member, signer_id=num("signer_id"))
        return None
    if action == "sign":
        services.gate_sign(
            member=member, initiative_id=initiative_id, comment=post.get("comment", "")
        )
        return "Gate signed."
    if action == "unsign":
        services.gate_unsign(member=member, initiative_id=initiative_id)
        return "Signature withdrawn."
    if action == "move":
        change = services.initiative_move(
            member=member, initiative_id=initiative_id, to_stage_id=num("to_stage_id"),
            evidence=post.get("evidence", ""), override=post.get("override") == "1",
            override_reason=post.get("override_reason", ""),
        )  # fmt: skip
        return f"Moved to {change.to_stage.name}." + (
            " The gate was overridden." if change.override_reason else ""
        )
    raise Http404("No such action.")


@workspace_page("initiative.view")
@require_POST
def initiative_action(
    request: HttpRequest, member, initiative_id: int, action: str
) -> HttpResponse:
    """Every form of an initiative's page."""
    slug = member.workspace.slug
    if action == "delete":
        services.initiative_delete(member=member, initiative_id=initiative_id)
        messages.success(request, "Initiative deleted.")
        return redirect("initiatives", slug=slug)
    try:
        note = _do(request, member, initiative_id, action)
    except UserError as exc:
        says = (
            [exc.detail] if action == "move" or not exc.errors else [e.message for e in exc.errors]
        )
        return _page(request, member, initiative_id, errors={action: says}, status=exc.status)
    if note:
        messages.success(request, note)
    anchor = request.POST.get("anchor", "")
    return redirect(
        f"/w/{slug}/initiatives/{initiative_id}" + (f"#{anchor}" if anchor.isidentifier() else "")
    )


# ---------------------------------------------------------------- the lifecycle (admins)


def _lifecycle(request, member, errors=None, status=200) -> HttpResponse:
    return render(request, "initiatives/lifecycle.html", {
        "stages": selectors.stages_with_templates(workspace=member.workspace),
        "errors": errors or {}, "can_edit": can(member, "lifecycle.manage"),
    }, status=status)  # fmt: skip


@workspace_page("initiative.view")
def lifecycle_page(request: HttpRequest, member) -> HttpResponse:
    return _lifecycle(request, member)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@workspace_page("lifecycle.manage")
@require_POST
def lifecycle_action(request: HttpRequest, member, action: str) -> HttpResponse:
    post = request.POST
    try:
        if action == "add":
            stage = lifecycle.stage_create(member=member, name=post.get("name", ""), color=post.get("color") or "#475569",
                                           criteria=_lines(post.get("criteria", "")))  # fmt: skip
            messages.success(request, f"Stage {stage.name} added.")
        elif action == "edit":
            stage_id = form_int(post.get("stage_id"), "stage_id") or 0
            lifecycle.stage_update(member=member, stage_id=stage_id, version=form_version(request),
                                   name=post.get("name", ""), color=post.get("color", ""),
                                   criteria=_lines(post.get("criteria", "")))  # fmt: skip
            messages.success(request, "Stage saved.")
        elif action in ("up", "down"):
            stage = lifecycle.get_stage(member, form_int(post.get("stage_id"), "stage_id") or 0)
            last = len(selectors.stages(workspace=member.workspace)) - 1
            position = min(last, max(0, stage.position + (-1 if action == "up" else 1)))
            lifecycle.stage_update(
                member=member, stage_id=stage.pk, version=stage.version, position=position
            )
        elif action == "delete":
            lifecycle.stage_delete(
                member=member, stage_id=form_int(post.get("stage_id"), "stage_id") or 0
            )
            messages.success(request, "Stage removed.")
        else:
            raise Http404("No such action.")
    except UserError as exc:
        return _lifecycle(request, member, errors={"stage": [e.message for e in exc.errors] or [exc.detail],
                                                   "stage_id": post.get("stage_id", "")}, status=exc.status)  # fmt: skip
    return redirect("lifecycle", slug=member.workspace.slug)
