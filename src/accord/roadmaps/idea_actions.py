"""What roadmaps adds to the idea page and drawer (accord.ideas.panels): "Promote to a roadmap"."""

from django.urls import reverse

from accord.ideas.models import Idea, IdeaStatus
from accord.ideas.panels import IdeaAction, register_action
from accord.workspaces.models import Membership
from accord.workspaces.permissions import can


def promote_url(member: Membership, idea: Idea) -> str | None:
    """The form that puts the idea on a roadmap (views_forms.idea_promote), for who may use it."""
    if idea.status == IdeaStatus.MERGED or not (
        can(member, "roadmap.manage") and can(member, "idea.decide")
    ):
        return None
    return reverse("idea_promote", args=[member.workspace.slug, idea.pk])


def register() -> None:
    register_action(
        IdeaAction(key="roadmaps.promote", label="Promote to a roadmap", url=promote_url, order=10)
    )
