"""Panels and actions other capabilities add to the idea page (ideas knows nothing of them).

A higher app registers an IdeaPanel in its AppConfig.ready(); the idea page renders every panel
whose context function returns a dict (None hides the panel, e.g. for a member who may not see it),
in the tab it names ("overview", "scores", "evidence", "decisions" or "history").

An IdeaAction is a button on the idea page and in its drawer that opens a form in a dialog (e.g.
roadmaps' "Promote to a roadmap"); its url function returns None where the member may not use it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accord.core.registry import Registry
from accord.ideas.models import Idea
from accord.workspaces.models import Membership

PanelContext = Callable[[HttpRequest, Membership, Idea], dict | None]


@dataclass(frozen=True)
class IdeaPanel:
    key: str  # "<app>.<name>", unique
    template: str
    context: PanelContext
    order: int = 100  # lower first
    tab: str = "overview"  # the tab of the idea page it shows in


@dataclass(frozen=True)
class IdeaAction:
    key: str  # "<app>.<name>", unique
    label: str
    url: Callable[[Membership, Idea], str | None]  # the form's address; None hides the button
    order: int = 100


PANELS: Registry[IdeaPanel] = Registry("Idea panel")
ACTIONS: Registry[IdeaAction] = Registry("Idea action")


def register(panel: IdeaPanel) -> None:
    PANELS.add(panel)


def register_action(action: IdeaAction) -> None:
    ACTIONS.add(action)


def render_panels(
    request: HttpRequest, member: Membership, idea: Idea
) -> dict[str, list[SafeString]]:
    """The panels this member sees, by tab."""
    html: dict[str, list[SafeString]] = {}
    for panel in PANELS.ordered():
        context = panel.context(request, member, idea)
        if context is not None:
            html.setdefault(panel.tab, []).append(
                render_to_string(panel.template, {"idea": idea, **context}, request=request)
            )
    return html


def actions_for(member: Membership, idea: Idea) -> list[dict]:
    """[{"key", "label", "url"}] of the actions this member may take on the idea."""
    found = []
    for action in ACTIONS.ordered():
        url = action.url(member, idea)
        if url:
            found.append({"key": action.key, "label": action.label, "url": url})
    return found
