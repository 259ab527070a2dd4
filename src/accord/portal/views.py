"""The portal's admin pages (workspace admins): settings and publishing, and the moderation queue."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accord.core.web import UserError, field_errors, form_version
from accord.workspaces.web import workspace_page

from . import selectors, services

MODERATION_DONE = {"approve": "approved", "reject": "rejected", "spam": "marked as spam"}


@workspace_page("portal.manage")
@require_http_methods(["GET", "POST"])
def portal_settings(request: HttpRequest, member) -> HttpResponse:
    portal = selectors.portal_settings(workspace=member.workspace)
    errors, status = {}, 200
    if request.method == "POST":
        post = request.POST
        try:
            services.portal_update(
                member=member,
                version=form_version(request),
                enabled=post.get("enabled") == "on",
                title=post.get("title", ""),
                intro=post.get("intro", ""),
                moderate_comments=post.get("moderate_comments") == "on",
                moderate_submissions=post.get("moderate_submissions") == "on",
            )
        except UserError as exc:
            errors, status = field_errors(exc), 422
            messages.error(request, exc.detail)
        else:
            messages.success(request, "Portal settings saved.")
            return redirect("portal_settings", slug=member.workspace.slug)
    ideas = list(selectors.publishable_ideas(workspace=member.workspace))
    for idea in ideas:
        idea.public_label = selectors.public_status(idea.status)[1]
    return render(
        request,
        "portal/settings.html",
        {
            "portal": portal,
            "ideas": ideas,
            "published_count": sum(1 for i in ideas if i.is_published),
            "errors": errors,
            "pending": selectors.moderation_comments(workspace=member.workspace).count()
            + selectors.moderation_submissions(workspace=member.workspace).count(),
        },
        status=status,
    )


@workspace_page("portal.manage")
@require_POST
def portal_publish(request: HttpRequest, member, idea_id: int) -> HttpResponse:
    post = request.POST
    try:
        if post.get("action") == "unpublish":
            services.idea_unpublish(member=member, idea_id=idea_id)
            messages.success(request, "Taken off the portal.")
        else:
            services.idea_publish(
                member=member,
                idea_id=idea_id,
                public_title=post.get("public_title", ""),
                public_description=post.get("public_description", ""),
            )
            messages.success(request, "Published on the portal.")
    except UserError as exc:
        messages.error(request, exc.detail)
    back = post.get("next", "")  # the idea page's panel sends its own address
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect(f"{reverse('portal_settings', args=[member.workspace.slug])}#idea-{idea_id}")


@workspace_page("portal.manage")
@require_http_methods(["GET", "POST"])
def portal_moderation(request: HttpRequest, member) -> HttpResponse:
    if request.method == "POST":
        post = request.POST
        action = post.get("action", "")
        try:
            item_id = int(post.get("id", ""))
            if post.get("kind") == "comment":
                services.comment_moderate(member=member, comment_id=item_id, action=action)
            else:
                services.submission_moderate(member=member, submission_id=item_id, action=action)
        except ValueError:
            messages.error(request, "Choose an item from the queue.")
        except UserError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, f"{MODERATION_DONE.get(action, 'Done').capitalize()}.")
        return redirect("portal_moderation", slug=member.workspace.slug)
    comments = list(selectors.moderation_comments(workspace=member.workspace))
    for comment in comments:
        comment.idea_title = selectors.title_of(comment.idea)
    return render(
        request,
        "portal/moderation.html",
        {
            "portal": selectors.portal_settings(workspace=member.workspace),
            "comments": comments,
            "submissions": list(selectors.moderation_submissions(workspace=member.workspace)),
        },
    )
