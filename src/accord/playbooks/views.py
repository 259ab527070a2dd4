"""Server-rendered pages: playbooks (versions, diffs, one-click runs), runs, post-mortems.

Thin: forms go to the services; errors show on the page that was sent (field errors by name).
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.audit.selectors import audit_entries
from accord.core.markdown import render_markdown
from accord.core.web import UserError, field_errors, form_date, form_int, form_version
from accord.roadmaps.models import Roadmap
from accord.workspaces.models import Person
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import (
    owner_roles,
    selectors,
    services,
    subjects,
)
from . import (
    postmortems as pm_services,
)
from . import (
    steps as checklist,
)
from .models import PlaybookKind

BLANK_STEP_ROWS = 3


def _md(text: str):
    return mark_safe(render_markdown(text))  # noqa: S308 (sanitized)


def _base(member) -> dict:
    return {
        "kinds": PlaybookKind.choices,
        "roles": owner_roles.choices(),
        "subject_kinds": [(k.kind, k.label) for k in subjects.KINDS.values()],
        "can_manage": can(member, "playbook.manage"),
        "can_run": can(member, "playbook.run"),
        "can_write": can(member, "postmortem.write"),
    }


# ---------------------------------------------------------------- playbooks


@workspace_page("playbook.view")
@require_GET
def playbook_list(request: HttpRequest, member) -> HttpResponse:
    pbs = list(selectors.playbooks(workspace=member.workspace))
    current = selectors.current_versions(pbs)
    for pb in pbs:
        pb.current = current[pb.pk]
    runs = list(selectors.runs(workspace=member.workspace, state="open")[:20])
    for r in runs:
        r.percent = selectors.percent(r.step_done, r.step_total)
    return render(request, "playbooks/list.html", {**_base(member), "playbooks": pbs, "runs": runs})


def _steps_from(post) -> list[dict]:
    rows = zip(
        post.getlist("step_title"), post.getlist("step_role"), post.getlist("step_owner_title"),
        post.getlist("step_minutes"), post.getlist("step_required"), post.getlist("step_condition"), strict=False,
    )  # fmt: skip
    out = []
    for i, (title, role, owner_title, minutes, required, condition) in enumerate(rows):
        if not title.strip():
            continue
        out.append({
            "title": title, "owner_role": role, "owner_title": owner_title,
            "expected_minutes": form_int(minutes, f"steps.{i}.expected_minutes", 60),
            "required": required != "optional", "condition": condition,
        })  # fmt: skip
    return out


def _form(request, member, playbook=None, values=None, errors=None, status=200):
    steps = (values or {}).get("steps")
    if steps is None:
        steps = list(playbook["current"].steps) if playbook else []
    rows = [*steps, *({} for _ in range(BLANK_STEP_ROWS))]
    return render(
        request, "playbooks/form.html",
        {**_base(member), "data": playbook, "values": values or {}, "rows": rows, "errors": errors or {},
         "step_errors": [m for f, ms in (errors or {}).items() if f.startswith("steps") for m in ms],
         "general_errors": [*(errors or {}).get("__all__", []), *(errors or {}).get("version", [])]},
        status=status,
    )  # fmt: skip


@workspace_page("playbook.manage")
@require_http_methods(["GET", "POST"])
def playbook_new(request: HttpRequest, member) -> HttpResponse:
    if request.method == "GET":
        return _form(request, member, values={"kind": request.GET.get("kind", "launch")})
    post = request.POST
    values = {
        "name": post.get("name", ""),
        "kind": post.get("kind", ""),
        "body": post.get("body", ""),
    }
    try:
        values["steps"] = _steps_from(post)
        pb = services.playbook_create(member=member, **values)
    except UserError as exc:
        return _form(request, member, values=values, errors=field_errors(exc), status=422)
    messages.success(request, f"Playbook “{pb.name}” created (version 1).")
    return redirect("playbook", slug=member.workspace.slug, playbook_id=pb.pk)


@workspace_page("playbook.manage")
@require_http_methods(["GET", "POST"])
def playbook_edit(request: HttpRequest, member, playbook_id: int) -> HttpResponse:
    data = selectors.playbook(workspace=member.workspace, playbook_id=playbook_id)
    if data is None:
        raise Http404("No such playbook.")
    if request.method == "GET":
        cur = data["current"]
        return _form(
            request, member, data, values={"name": cur.name, "kind": cur.kind, "body": cur.body}
        )
    post = request.POST
    values = {
        "name": post.get("name", ""),
        "kind": post.get("kind", ""),
        "body": post.get("body", ""),
        "note": post.get("note", ""),
    }
    try:
        values["steps"] = _steps_from(post)
        new = services.playbook_update(
            member=member, playbook_id=playbook_id, version=form_version(request), **values
        )
    except UserError as exc:
        return _form(
            request,
            member,
            data,
            values=values,
            errors=field_errors(exc),
            status=422 if exc.status == 422 else 409,
        )
    messages.success(
        request, f"Saved as version {new.number}. Runs already started keep their version."
    )
    return redirect("playbook", slug=member.workspace.slug, playbook_id=playbook_id)


def _playbook_page(request, member, playbook_id: int, errors=None, status=200):
    data = selectors.playbook(workspace=member.workspace, playbook_id=playbook_id)
    if data is None:
        raise Http404("No such playbook.")
    cur = data["current"]
    step_rows = [
        {
            **s,
            "role_label": owner_roles.label(s["owner_role"]),
            "duration": checklist.duration_label(s["expected_minutes"]),
        }
        for s in cur.steps
    ]
    all_runs = [r for row in data["versions"] for r in row.runs]
    for r in all_runs:
        r.percent = selectors.percent(r.step_done, r.step_total)
    return render(
        request, "playbooks/detail.html",
        {**_base(member), **data, "pb": data["playbook"], "body_html": _md(cur.body), "step_rows": step_rows,
         "errors": errors or {}, "values": request.POST if errors else {}, "runs": sorted(all_runs, key=lambda r: r.started_at, reverse=True),
         "total_minutes": checklist.duration_label(sum(s["expected_minutes"] for s in cur.steps) or 1),
         "audit": audit_entries(workspace=member.workspace, object_type="playbook", object_id=playbook_id)[:20]},
        status=status,
    )  # fmt: skip


@workspace_page("playbook.view")
@require_GET
def playbook_detail(request: HttpRequest, member, playbook_id: int) -> HttpResponse:
    return _playbook_page(request, member, playbook_id)


def _fields_from(text: str) -> dict:
    out = {}
    for part in (text or "").replace("\n", ",").split(","):
        if part.strip():
            if "=" not in part:
                raise pm_services.Invalid.field(
                    "fields",
                    f"Write fields as name=value, e.g. tier=1 (not “{part.strip()[:40]}”).",
                )
            name, value = (p.strip() for p in part.split("=", 1))
            try:
                out[name] = int(value) if value.lstrip("-").isdigit() else value
            except ValueError:
                out[name] = value
    return out


@workspace_page("playbook.run")
@require_POST
def playbook_start(request: HttpRequest, member, playbook_id: int) -> HttpResponse:
    """Start a run in one click (subject, target date and fields are optional)."""
    post = request.POST
    try:
        run = services.run_start(
            member=member, playbook_id=playbook_id, subject_kind=post.get("subject_kind", ""), subject_ref=post.get("subject_ref", ""),
            title=post.get("title", ""), target_date=form_date(post.get("target_date"), "target_date"),
            fields=_fields_from(post.get("fields", "")),
        )  # fmt: skip
    except UserError as exc:
        return _playbook_page(request, member, playbook_id, errors=field_errors(exc), status=422)
    messages.success(request, f"Run started on version {run.playbook_version.number}.")
    return redirect("playbook_run", slug=member.workspace.slug, run_id=run.pk)


@workspace_page("playbook.view")
@require_GET
def playbook_diff(request: HttpRequest, member, playbook_id: int) -> HttpResponse:
    data = selectors.playbook(workspace=member.workspace, playbook_id=playbook_id)
    if data is None:
        raise Http404("No such playbook.")
    latest = data["playbook"].version
    a = form_int(request.GET.get("from"), "from", max(latest - 1, 1))
    b = form_int(request.GET.get("to"), "to", latest)
    old = selectors.version(workspace=member.workspace, playbook_id=playbook_id, number=a)
    new = selectors.version(workspace=member.workspace, playbook_id=playbook_id, number=b)
    if old is None or new is None:
        raise Http404("No such version.")
    diff = checklist.diff(old.steps, new.steps, old.body, new.body)
    lines = [
        {
            "text": line,
            "kind": "add"
            if line.startswith("+")
            else "del"
            if line.startswith("-")
            else "hunk"
            if line.startswith("@@")
            else "",
        }
        for line in diff["text_diff"]
    ]
    return render(
        request,
        "playbooks/diff.html",
        {
            **_base(member),
            **data,
            "pb": data["playbook"],
            "old": old,
            "new": new,
            "diff": diff,
            "lines": lines,
        },
    )


# ---------------------------------------------------------------- runs


def _person_id(member):
    return (
        Person.objects.filter(workspace_id=member.workspace_id, user_id=member.user_id)
        .values_list("pk", flat=True)
        .first()
    )


@workspace_page("playbook.view")
@require_GET
def run_detail(request: HttpRequest, member, run_id: int) -> HttpResponse:
    run = selectors.run(workspace=member.workspace, run_id=run_id)
    if run is None:
        raise Http404("No such run.")
    person_id = _person_id(member)
    views = selectors.run_steps(run, person_id=person_id)
    editor_or_starter = member.has_role("editor") or run.started_by_id == member.user_id
    for v in views:
        v.may_check = can(member, "playbook.run") and (editor_or_starter or v.mine)
    return render(
        request, "playbooks/run.html",
        {**_base(member), "run": run, "steps": views, "percent": selectors.percent(run.step_done, run.step_total),
         "subject_kind_label": subjects.label_of(run.subject_kind), "now": timezone.now(),
         "is_latest": run.playbook_version.number == run.playbook.version,
         "audit": audit_entries(workspace=member.workspace, object_type="playbook run", object_id=run_id)[:30]},
    )  # fmt: skip


@workspace_page("playbook.run")
@require_POST
def run_step(request: HttpRequest, member, run_id: int, step_id: int) -> HttpResponse:
    post = request.POST
    try:
        kwargs = {}
        if "done" in post:
            kwargs["done"] = post["done"] == "1"
        if post.get("due_date"):
            kwargs["due_date"] = form_date(post.get("due_date"), "due_date")
        services.step_update(member=member, run_id=run_id, step_id=step_id, **kwargs)
    except UserError as exc:
        messages.error(request, exc.detail)
    return redirect(f"/w/{member.workspace.slug}/playbooks/runs/{run_id}#step-{step_id}")


# ---------------------------------------------------------------- post-mortems


@workspace_page("playbook.view")
@require_GET
def postmortem_list(request: HttpRequest, member) -> HttpResponse:
    posts = list(selectors.postmortems(workspace=member.workspace))
    for p in posts:
        p.rate = selectors.closure_rate(p.action_done, p.action_total)
    return render(request, "playbooks/postmortems.html", {**_base(member), "posts": posts})


@workspace_page("postmortem.write")
@require_http_methods(["GET", "POST"])
def postmortem_new(request: HttpRequest, member) -> HttpResponse:
    values, errors, status = (
        {
            "subject_kind": request.GET.get("subject_kind", "incident"),
            "subject_ref": request.GET.get("subject_ref", ""),
        },
        {},
        200,
    )
    if request.method == "POST":
        post = request.POST
        values = {
            k: post.get(k, "") for k in ("subject_kind", "subject_ref", "title", *pm_services.TEXTS)
        }
        try:
            created = pm_services.postmortem_create(
                member=member,
                **values,
                occurred_on=form_date(post.get("occurred_on"), "occurred_on"),
            )
        except UserError as exc:
            errors, status = field_errors(exc), 422
        else:
            messages.success(request, "Post-mortem started. Add the timeline and the action items.")
            return redirect("postmortem", slug=member.workspace.slug, postmortem_id=created.pk)
    return render(
        request, "playbooks/postmortem_new.html",
        {**_base(member), "values": values, "errors": errors, "prompts": pm_services.PROMPTS,
         "general_errors": errors.get("__all__", [])}, status=status,
    )  # fmt: skip


def _postmortem_page(request, member, postmortem_id: int, errors=None, status=200):
    post = selectors.postmortem(workspace=member.workspace, postmortem_id=postmortem_id)
    if post is None:
        raise Http404("No such post-mortem.")
    today = timezone.localdate()
    items = selectors.action_items(post)
    for a in items:
        a.overdue = a.done_at is None and a.due_date is not None and a.due_date < today
    sections = [(name, label, _md(getattr(post, name)), pm_services.PROMPTS[name]) for name, label in (
        ("summary", "What happened"), ("impact", "Impact"), ("went_well", "What went well"),
        ("went_badly", "What did not go well"), ("contributing_factors", "Contributing factors"))]  # fmt: skip
    return render(
        request, "playbooks/postmortem.html",
        {**_base(member), "post": post, "items": items, "sections": sections, "rate": selectors.closure_rate(post.action_done, post.action_total),
         "timeline": [{"at": timezone.datetime.fromisoformat(e["at"]), "text": e["text"]} for e in post.timeline],
         "people": list(Person.objects.filter(workspace=member.workspace).only("id", "name")),
         "roadmaps": list(Roadmap.objects.filter(workspace=member.workspace).only("id", "name")),
         "can_roadmap": can(member, "roadmap.manage"), "can_idea": can(member, "idea.create"),
         "can_delete": can(member, "postmortem.manage"), "blame": pm_services.blame_hints(post),
         "errors": errors or {}, "values": request.POST if errors else {},
         "audit": audit_entries(workspace=member.workspace, object_type="post-mortem", object_id=postmortem_id)[:20]},
        status=status,
    )  # fmt: skip


@workspace_page("playbook.view")
@require_GET
def postmortem_detail(request: HttpRequest, member, postmortem_id: int) -> HttpResponse:
    return _postmortem_page(request, member, postmortem_id)


@workspace_page("postmortem.write")
@require_POST
def postmortem_action(
    request: HttpRequest, member, postmortem_id: int, action: str
) -> HttpResponse:
    """Every form of a post-mortem's page: edit, timeline entry, action items (add, done, convert), delete."""
    post, slug = request.POST, member.workspace.slug
    anchor = ""
    try:
        if action == "edit":
            pm_services.postmortem_update(
                member=member, postmortem_id=postmortem_id, version=form_version(request), title=post.get("title", ""),
                occurred_on=form_date(post.get("occurred_on"), "occurred_on"),
                **{k: post.get(k, "") for k in pm_services.TEXTS},
            )  # fmt: skip
        elif action == "timeline":
            current = pm_services.get_postmortem(member, postmortem_id)
            at = (post.get("at") or "").strip()
            entry = {"at": at, "text": post.get("text", "")}
            pm_services.postmortem_update(
                member=member,
                postmortem_id=postmortem_id,
                version=form_version(request),
                timeline=[*current.timeline, entry],
            )
            anchor = "timeline"
        elif action == "add-item":
            pm_services.action_item_create(
                member=member, postmortem_id=postmortem_id, title=post.get("item_title", ""),
                owner_id=form_int(post.get("owner_id"), "owner_id"), due_date=form_date(post.get("due_date"), "due_date"),
            )  # fmt: skip
            anchor = "actions"
        elif action in ("done", "reopen"):
            item_id = form_int(post.get("item_id"), "item_id") or 0
            pm_services.action_item_update(
                member=member,
                postmortem_id=postmortem_id,
                action_item_id=item_id,
                version=form_version(request),
                done=action == "done",
            )
            anchor = f"action-{item_id}"
        elif action in ("to-idea", "to-roadmap"):
            item_id = form_int(post.get("item_id"), "item_id") or 0
            item = pm_services.action_item_convert(
                member=member, postmortem_id=postmortem_id, action_item_id=item_id,
                to="idea" if action == "to-idea" else "roadmap_item", roadmap_id=form_int(post.get("roadmap_id"), "roadmap_id"),
            )  # fmt: skip
            messages.success(
                request,
                "The action item is now an idea."
                if item.idea_id
                else "The action item is now on the roadmap.",
            )
            anchor = f"action-{item_id}"
        elif action == "delete":
            pm_services.postmortem_delete(member=member, postmortem_id=postmortem_id)
            messages.success(request, "Post-mortem deleted.")
            return redirect("postmortems", slug=slug)
        else:
            raise Http404("No such action.")
    except UserError as exc:
        errors = {action: [e.message for e in exc.errors] or [exc.detail]}
        return _postmortem_page(request, member, postmortem_id, errors=errors, status=exc.status)
    return redirect(f"/w/{slug}/postmortems/{postmortem_id}" + (f"#{anchor}" if anchor else ""))
