"""Panels other capabilities add to the idea page (ideas knows nothing of them).

A higher app registers an IdeaPanel in its AppConfig.ready(); the idea page renders every panel
whose context function returns a dict (None hides the panel, e.g. for a member who may not see it).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accord.ideas.models import Idea
from accord.workspaces.models import Membership

PanelContext = Callable[[HttpRequest, Membership, Idea], dict | None]


@dataclass(frozen=True)
class IdeaPanel:
    key: str  # "<app>.<name>", unique
    template: str
    context: PanelContext
    order: int = 100  # lower first


PANELS: dict[str, IdeaPanel] = {}


def register(panel: IdeaPanel) -> None:
    existing = PANELS.get(panel.key)
    if existing is not None and existing != panel:
        raise ValueError(f"Idea panel {panel.key} is registered twice.")
    PANELS[panel.key] = panel


def render_panels(request: HttpRequest, member: Membership, idea: Idea) -> list[SafeString]:
    html = []
    for panel in sorted(PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(request, member, idea)
        if context is not None:
            html.append(render_to_string(panel.template, {"idea": idea, **context}, request=request))
    return html
