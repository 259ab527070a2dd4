"""What higher capabilities show on an initiative's page, which initiatives cannot import: the RACI
checks (roles), the launches (launches). Registered in their AppConfig.ready():

    panels.register(panels.InitiativePanel(key="roles.checks", template="roles/_initiative_panel.html",
                                           context=raci_summary, order=10))

`context(request, member, initiative)` returns the template's context, or None to show nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from accord.core.registry import Registry
from accord.workspaces.models import Membership

from .models import Initiative


@dataclass(frozen=True)
class InitiativePanel:
    key: str  # "<app>.<name>", unique
    template: str
    context: Callable[[HttpRequest, Membership, Initiative], dict | None]
    order: int = 100


PANELS: Registry[InitiativePanel] = Registry("Initiative panel")


def register(panel: InitiativePanel) -> None:
    PANELS.add(panel)


def render_panels(request: HttpRequest, member: Membership, initiative: Initiative) -> list[SafeString]:
    html = []
    for panel in PANELS.ordered():
        context = panel.context(request, member, initiative)
        if context is not None:
            html.append(render_to_string(panel.template, {"initiative": initiative, **context}, request=request))
    return html
