"""The portal panel on the idea page (registered with accord.ideas.panels): is the idea on the
portal, how many customers voted and commented, and (for admins) publish or unpublish it."""

from django.http import HttpRequest

from accord.core.errors import NotFound
from accord.ideas.models import Idea, IdeaStatus
from accord.ideas.panels import IdeaPanel
from accord.ideas.panels import register as register_panel
from accord.workspaces.models import Membership
from accord.workspaces.permissions import can

from . import selectors


def portal_context(request: HttpRequest, member: Membership, idea: Idea) -> dict | None:
    if not can(member, "portal.view") or idea.status == IdeaStatus.MERGED:
        return None
    portal = selectors.portal_settings(workspace=member.workspace)
    try:
        published = selectors.published_idea(workspace_id=member.workspace_id, idea_id=idea.pk)
    except NotFound:
        published = None
    if published is None and not portal.enabled:
        return None  # nothing to say about a portal that is off
    return {
        "portal": portal,
        "published": published,
        "can_manage": can(member, "portal.manage"),
        "public_label": selectors.public_status(idea.status)[1],
    }


def register() -> None:
    register_panel(
        IdeaPanel(key="portal.votes", template="portal/_idea_panel.html", context=portal_context, order=20,
                  tab="evidence")
    )
