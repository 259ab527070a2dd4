"""The links back: an idea's page and a roadmap item's page show the post-mortem action item they
came from (the ideas panels registry and the roadmaps item-panel extension)."""

from accord.ideas import panels as idea_panels
from accord.roadmaps import extensions
from accord.workspaces.permissions import can

from . import selectors


def _idea_context(request, member, idea) -> dict | None:
    if not can(member, "playbook.view"):
        return None
    items = selectors.action_items_of_idea(idea=idea)
    return {"action_items": items} if items else None


def _item_context(member, item) -> dict | None:
    if not can(member, "playbook.view"):
        return None
    items = selectors.action_items_of_roadmap_item(item=item)
    return {"action_items": items} if items else None


def register() -> None:
    idea_panels.register(
        idea_panels.IdeaPanel(
            key="playbooks.postmortem",
            template="playbooks/_from_postmortem.html",
            context=_idea_context,
            order=60,
        )
    )
    extensions.register_item_panel(
        extensions.ItemPanel(
            key="playbooks.postmortem",
            template="playbooks/_from_postmortem.html",
            context=_item_context,
        )
    )
