"""Server-rendered glossary pages: the terms A-Z (search, filters, review queue), a term's page,
the propose/edit form (a dialog or a page), agree/flag/review/delete, CSV import and export.

Thin: forms go to the services; errors show on the form that was sent (field errors by name).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.audit.selectors import audit_entries
from accord.core.importfiles import ENCODINGS
from accord.core.overlays import finish, form_response
from accord.core.web import UserError, field_errors, form_int, form_version
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import selectors, services
from .marking import AUDIENCE_LABELS, AUDIENCES, reader_audiences
from .models import Term, TermStatus

IMPORT_MAX_BYTES = 2 * 1024 * 1024


def _errors(exc: UserError) -> dict[str, list[str]]:
    errors = field_errors(exc)
    errors["form"] = errors.pop("__all__", [])
    return {k: v for k, v in errors.items() if v}


def _audiences(mine: set[str]) -> list[tuple[str, str, bool]]:
    return [(a, AUDIENCE_LABELS[a], a in mine) for a in AUDIENCES]


@workspace_page("glossary.view")
@require_GET
def glossary(request: HttpRequest, member) -> HttpResponse:
    """Every term A-Z with the definitions for the reader's departments; filters and search."""
    q = request.GET.get("q", "").strip()[:120]
    status = request.GET.get("status", "")
    status = status if status in TermStatus.values else ""
    review = request.GET.get("review") == "1"
    terms = list(
        selectors.terms(
            workspace=member.workspace,
            q=q or None,
            status=status or None,
            needs_review=True if review else None,
        )
    )
    mine = reader_audiences(member)
    for t in terms:
        defs = [(a, AUDIENCE_LABELS[a], t.definitions[a]) for a in AUDIENCES if a in t.definitions]
        t.shown = [d for d in defs if d[0] in mine] or defs
        t.others = len(defs) - len(t.shown)
    return render(request, "glossary/list.html", {
        "terms": terms, "q": q, "status": status, "review": review,
        "counts": selectors.counts(workspace=member.workspace),
        "mine": [AUDIENCE_LABELS[a] for a in AUDIENCES if a in mine],
        "can_propose": can(member, "glossary.propose"), "can_manage": can(member, "glossary.manage"),
        "encodings": ENCODINGS, "filtered": bool(q or status or review),
    })  # fmt: skip


def _term_or_404(member, term_id: int) -> Term:
    term = selectors.term(workspace=member.workspace, term_id=term_id)
    if term is None:
        services.get_term(member, term_id)  # NotFound -> 404
    return term


def _is_owner(member, term: Term) -> bool:
    return bool(term.owner_id and term.owner.user_id == member.user_id)


@workspace_page("glossary.view")
@require_GET
def term_detail(request: HttpRequest, member, term_id: int) -> HttpResponse:
    term = _term_or_404(member, term_id)
    mine = reader_audiences(member)
    owner_or_admin = _is_owner(member, term) or can(member, "glossary.agree_any")
    may_edit = can(member, "glossary.manage") or (
        can(member, "glossary.propose")
        and (term.proposed_by_id == member.user_id or _is_owner(member, term))
    )
    return render(request, "glossary/detail.html", {
        "term": term,
        "definitions": [(a, AUDIENCE_LABELS[a], term.definitions[a], a in mine) for a in AUDIENCES if a in term.definitions],
        "suspected": [(AUDIENCE_LABELS[a], AUDIENCE_LABELS[b]) for a, b in term.suspected],
        "may_edit": may_edit, "may_agree": owner_or_admin and term.status == TermStatus.DRAFT and not term.flagged,
        "may_review": owner_or_admin and term.needs_review, "may_flag": can(member, "glossary.propose"),
        "may_delete": can(member, "glossary.manage"),
        "history": audit_entries(workspace=member.workspace, object_type="glossary term", object_id=term.pk)[:20],
    })  # fmt: skip


def _form_values(post) -> dict:
    return {
        "name": post.get("name", ""),
        "synonyms": [
            s.strip() for s in post.get("synonyms", "").replace("\r", "").split("\n") if s.strip()
        ],
        "definitions": {
            a: post.get(f"def_{a}", "") for a in AUDIENCES if post.get(f"def_{a}", "").strip()
        },
        "examples": post.get("examples", ""),
        "owner_id": form_int(post.get("owner_id"), "owner_id"),
        "related_ids": [form_int(v, "related_ids") for v in post.getlist("related_ids") if v],
    }


def _term_form(request: HttpRequest, member, term: Term | None) -> HttpResponse:
    errors: dict = {}
    if term is None:
        values = {"synonyms_text": "", "related": []}
    else:
        values = {
            "name": term.name, "synonyms_text": "\n".join(term.synonyms), "examples": term.examples,
            "owner_id": str(term.owner_id or ""), "related": [str(r.pk) for r in term.related.all()],
            **{f"def_{a}": term.definitions.get(a, "") for a in AUDIENCES},
        }  # fmt: skip
    if request.method == "POST":
        post = request.POST
        values = {
            **post.dict(),
            "synonyms_text": post.get("synonyms", ""),
            "related": post.getlist("related_ids"),
        }
        try:
            fields = _form_values(post)
            if term is None:
                saved = services.term_create(member=member, **fields)
                messages.success(
                    request,
                    f"“{saved.name}” proposed. Its owner agrees it when the definitions are right.",
                )
            else:
                saved = services.term_update(
                    member=member, term_id=term.pk, version=form_version(request), **fields
                )
                messages.success(request, f"“{saved.name}” saved.")
        except UserError as exc:
            errors = _errors(exc)
        else:
            return finish(request, reverse("glossary_term", args=[member.workspace.slug, saved.pk]))
    others = (
        selectors.terms(workspace=member.workspace)
        .select_related(None)
        .prefetch_related(None)
        .only("id", "name")
    )
    if term is not None:
        others = others.exclude(pk=term.pk)
    mine = reader_audiences(member)
    return form_response(
        request,
        "glossary/_form.html",
        {
            "term": term,
            "values": values,
            "errors": errors,
            "people": selectors.people(workspace=member.workspace),
            "others": list(others),
            "audiences": [
                (a, AUDIENCE_LABELS[a], values.get(f"def_{a}", ""), a in mine) for a in AUDIENCES
            ],
        },
        title="Propose a term" if term is None else f"Edit “{term.name}”",
        intro="One word, what it means for each department that uses it. Leave out the departments it does not concern.",
        back_url=reverse("glossary", args=[member.workspace.slug])
        if term is None
        else reverse("glossary_term", args=[member.workspace.slug, term.pk]),
        back_label="Glossary",
        status=422 if errors else 200,
    )


@workspace_page("glossary.propose")
@require_http_methods(["GET", "POST"])
def term_new(request: HttpRequest, member) -> HttpResponse:
    return _term_form(request, member, None)


@workspace_page("glossary.propose")
@require_http_methods(["GET", "POST"])
def term_edit(request: HttpRequest, member, term_id: int) -> HttpResponse:
    term = _term_or_404(member, term_id)
    if not (
        can(member, "glossary.manage")
        or term.proposed_by_id == member.user_id
        or _is_owner(member, term)
    ):
        raise PermissionDenied("Contributors edit the terms they proposed or own.")
    return _term_form(request, member, term)


@workspace_page("glossary.view")
@require_POST
def term_action(request: HttpRequest, member, term_id: int, action: str) -> HttpResponse:
    """agree, flag, review, delete: a button or small form on the term's page."""
    slug = member.workspace.slug
    term_url = reverse("glossary_term", args=[slug, term_id])
    try:
        if action == "agree":
            term = services.term_agree(
                member=member, term_id=term_id, version=form_version(request)
            )
            messages.success(
                request, f"“{term.name}” is agreed: everyone now reads these definitions."
            )
        elif action == "flag":
            services.term_flag(member=member, term_id=term_id, note=request.POST.get("note", ""))
            messages.success(request, "Flagged for review; the owner sees it in the review queue.")
        elif action == "review":
            services.term_review(member=member, term_id=term_id, note=request.POST.get("note", ""))
            messages.success(request, "Marked reviewed.")
        elif action == "delete":
            term = services.get_term(member, term_id)
            services.term_delete(member=member, term_id=term_id)
            messages.success(request, f"“{term.name}” deleted.")
            return redirect("glossary", slug)
        else:
            return HttpResponse("Unknown action.", status=404)
    except UserError as exc:
        for message in [exc.detail]:
            messages.error(request, message)
    return redirect(term_url)


@workspace_page("glossary.manage")
@require_POST
def terms_import(request: HttpRequest, member) -> HttpResponse:
    upload = request.FILES.get("file")
    slug = member.workspace.slug
    if upload is None:
        messages.error(request, "Choose a CSV file to import.")
        return redirect("glossary", slug)
    if upload.size > IMPORT_MAX_BYTES:
        messages.error(request, "The file is larger than 2 MB; split it.")
        return redirect("glossary", slug)
    try:
        created = services.terms_import(
            member=member, data=upload.read(), encoding=request.POST.get("encoding", "auto")
        )
    except UserError as exc:
        messages.error(request, f"Nothing was imported. {exc.detail}")
    else:
        messages.success(
            request, f"{len(created)} term{'s' * (len(created) != 1)} imported as drafts."
        )
    return redirect("glossary", slug)


@workspace_page("glossary.view")
@require_GET
def terms_export(request: HttpRequest, member) -> HttpResponse:
    response = HttpResponse(
        services.csv_text(selectors.terms(workspace=member.workspace)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="glossary-{member.workspace.slug}.csv"'
    return response
