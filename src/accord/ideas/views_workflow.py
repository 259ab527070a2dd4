"""The idea drawer and the ideas workflow shortcuts (thin, like views.py: services do the work).

- The drawer: an idea opened from the table, the board or the parking lot shows over the list
  (accord.core.overlays); the full page stays at the idea's own address.
- "Score in a round" on the ideas table's bulk bar opens a scoring round on the ticked ideas.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accord.core.markdown import render_markdown
from accord.core.overlays import drawer_response
from accord.core.web import UserError, form_int, int_list, with_query
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import panels, selectors, services
from .models import IdeaStatus


@workspace_page("idea.view")
def idea_drawer(request: HttpRequest, member, idea_id: int) -> HttpResponse:
    idea = selectors.idea(workspace=member.workspace, idea_id=idea_id)
    if idea.merged_into_id:  # as the page does: the survivor, with a word about the duplicate
        merged_from = idea
        idea = selectors.idea(workspace=member.workspace, idea_id=idea.merged_into_id)
    else:
        merged_from = None
    scores = selectors.idea_scores(idea=idea)
    page_url = reverse("idea_detail", args=[member.workspace.slug, idea.pk])
    return drawer_response(
        request,
        "ideas/_drawer.html",
        {
            "idea": idea,
            "merged_from": merged_from,
            "description_html": render_markdown(idea.description),
            "scores": scores,
            "default_score": scores[0] if scores else None,
            "decision": selectors.decisions(idea=idea).first(),
            "idea_actions": panels.actions_for(member, idea),
            "can_edit": can(member, "idea.edit")
            or (idea.submitter_id == member.user_id and idea.status == IdeaStatus.NEW),
        },
        page_url=page_url,
    )


def round_from_selection(request: HttpRequest, member) -> HttpResponse:
    """The bulk bar's "Score in a round": a round with the chosen model on the ticked ideas."""
    post = request.POST
    back = with_query(reverse("ideas", args=[member.workspace.slug]), post.get("query", ""))
    try:
        scoring_round = services.round_open(
            member=member,
            model_id=form_int(post.get("round_model_id"), "round_model_id", 0),
            title=post.get("round_title", ""),
            idea_ids=int_list(post.getlist("idea_ids")),
        )
    except UserError as exc:
        messages.error(request, f"No round opened: {exc.detail}")
        return redirect(back)
    count = scoring_round.ideas.count()
    messages.success(
        request, f"Round opened on {count} idea{'s' if count != 1 else ''}: stakeholders can score now."
    )
    return redirect("round", slug=member.workspace.slug, round_id=scoring_round.pk)
