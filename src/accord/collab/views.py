"""The comment section's endpoints: htmx posts that answer with the re-rendered section (plain form
posts are redirected back to the object's page), the people to mention, and my watches. Thin: the
services write and check permissions, the selectors read."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from accord.core.web import UserError, field_errors, page_of
from accord.workspaces.web import workspace_page

from . import panels, selectors, services
from .models import Comment


def _section(
    request: HttpRequest, member, kind: str, object_id: int, *, errors=None, body="", status=200
):
    """The section again (htmx), or back to the object's page (a plain form post)."""
    entry, obj = services.target(member, kind, object_id)
    if not request.htmx:
        if errors:
            messages.error(request, " ".join(m for ms in errors.values() for m in ms))
        return redirect(f"{entry.url(obj).split('#')[0]}#{panels.section_id(entry.key, obj.pk)}")
    context = panels.context(request, member, entry.key, obj)
    html = render_to_string(
        "collab/_discussion.html",
        {
            "obj": obj,
            **context,
            "errors": errors or {},
            "problems": (errors or {}).get("__all__", []),
            "body": body,
        },
        request=request,
    )
    return HttpResponse(html, status=status)


@workspace_page()
@require_GET
def discussion(request: HttpRequest, member, kind: str, object_id: int) -> HttpResponse:
    return _section(request, member, kind, object_id)


@workspace_page()
@require_POST
def comment_add(request: HttpRequest, member, kind: str, object_id: int) -> HttpResponse:
    body = request.POST.get("body", "")
    try:
        services.comment_add(member=member, kind=kind, object_id=object_id, body=body)
    except UserError as exc:
        return _section(
            request, member, kind, object_id, errors=field_errors(exc), body=body, status=422
        )
    return _section(request, member, kind, object_id)


def _comment_target(member, comment_id: int) -> Comment:
    comment = Comment.objects.filter(workspace_id=member.workspace_id, pk=comment_id).first()
    if comment is None:
        raise Http404("No such comment in this workspace.")
    return comment


@workspace_page()
@require_POST
def comment_edit(request: HttpRequest, member, comment_id: int) -> HttpResponse:
    comment = _comment_target(member, comment_id)
    try:
        services.comment_edit(
            member=member, comment_id=comment_id, body=request.POST.get("body", "")
        )
    except UserError as exc:
        return _section(
            request,
            member,
            comment.object_type,
            comment.object_id,
            errors=field_errors(exc),
            status=422,
        )
    return _section(request, member, comment.object_type, comment.object_id)


@workspace_page()
@require_POST
def comment_delete(request: HttpRequest, member, comment_id: int) -> HttpResponse:
    comment = _comment_target(member, comment_id)
    services.comment_delete(member=member, comment_id=comment_id)
    return _section(request, member, comment.object_type, comment.object_id)


@workspace_page()
@require_POST
def watch(request: HttpRequest, member, kind: str, object_id: int) -> HttpResponse:
    if request.POST.get("watch") == "0":
        services.unwatch(member=member, kind=kind, object_id=object_id)
    else:
        services.watch(member=member, kind=kind, object_id=object_id)
    return _section(request, member, kind, object_id)


@workspace_page()
@require_GET
def people(request: HttpRequest, member, kind: str, object_id: int) -> JsonResponse:
    """The members one may mention on this object whose name or e-mail starts with ?q=."""
    entry, _obj = services.target(member, kind, object_id)
    found = selectors.mentionable(member, entry, request.GET.get("q", "")[:100])
    return JsonResponse(
        {"people": [{"id": p["user_id"], "name": p["name"], "email": p["email"]} for p in found]}
    )


@workspace_page()
@require_GET
def my_watches(request: HttpRequest, member) -> HttpResponse:
    page = page_of(request, selectors.my_watches(member))
    return render(
        request,
        "collab/watching.html",
        {"page": page, "rows": selectors.labelled(member, list(page))},
    )
