"""Web pages of feedback similarity (thin: selectors do the work). The idea page and the feedback
page embed these fragments through the include points of the feedback app; linking goes through
the feedback app's own link views."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accord.feedback import selectors as feedback_selectors
from accord.feedback.models import Importance
from accord.ideas import selectors as idea_selectors
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import selectors


@workspace_page("feedback.view")
def related_for_idea(request: HttpRequest, member, idea_id: int) -> HttpResponse:
    """The "related feedback not yet linked" list on the idea page (htmx fragment)."""
    idea = idea_selectors.idea(workspace=member.workspace, idea_id=idea_id)
    return render(
        request,
        "similarity/_related.html",
        {
            "idea": idea,
            "related": selectors.related_for_idea(idea=idea, limit=8),
            "status": selectors.index_status(workspace_id=member.workspace_id),
            "can_link": can(member, "feedback_link.create"),
        },
    )


@workspace_page("feedback.view")
def similar_for_feedback(request: HttpRequest, member, feedback_id: int) -> HttpResponse:
    """"Probably a duplicate of" and "probably about this idea" on a feedback page (htmx fragment)."""
    fb = feedback_selectors.feedback(workspace=member.workspace, feedback_id=feedback_id)
    return render(
        request,
        "similarity/_similar.html",
        {
            "fb": fb,
            "duplicates": selectors.duplicates_of(feedback=fb),
            "likely_ideas": selectors.likely_ideas(feedback=fb),
            "embedded": selectors.is_indexed(fb),
            "can_link": can(member, "feedback_link.create"),
            "importance": Importance.IMPORTANT,
        },
    )


@workspace_page("feedback.view")
def themes(request: HttpRequest, member) -> HttpResponse:
    """What customers talk about that no idea covers yet: groups of similar unlinked feedback."""
    return render(
        request,
        "similarity/themes.html",
        {
            "themes": selectors.themes(workspace_id=member.workspace_id),
            "status": selectors.index_status(workspace_id=member.workspace_id),
        },
    )


@workspace_page("feedback.view")
def index_status(request: HttpRequest, member) -> HttpResponse:
    """The embedding progress bar; it polls itself while items are waiting (htmx fragment)."""
    return render(
        request,
        "similarity/_index_status.html",
        {"status": selectors.index_status(workspace_id=member.workspace_id)},
    )
