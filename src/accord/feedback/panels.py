"""The evidence panel on the idea page (registered with accord.ideas.panels)."""

from django.http import HttpRequest

from accord.ideas.models import Idea
from accord.ideas.panels import IdeaPanel
from accord.ideas.panels import register as register_panel
from accord.workspaces.models import Membership
from accord.workspaces.permissions import can

from . import selectors
from .models import Importance


def evidence_context(request: HttpRequest, member: Membership, idea: Idea) -> dict | None:
    if not can(member, "feedback.view"):
        return None
    return {
        "evidence": selectors.idea_evidence(workspace=member.workspace, idea=idea),
        "importances": Importance.choices,
        "can_link": can(member, "feedback_link.create"),
    }


def register() -> None:
    register_panel(
        IdeaPanel(key="feedback.evidence", template="feedback/_idea_evidence.html",
                  context=evidence_context, order=10, tab="evidence")
    )
