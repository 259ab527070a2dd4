"""Panels that higher capabilities add to a lower one's page, which cannot import them: the RACI
checks on an initiative, the playbook runs of a launch or a change. A page renders what was
registered under its name:

    panels.register("initiative", panels.Panel(key="roles.raci", template="roles/_initiative_panel.html",
                                               context=raci_summary, order=10))
    ...
    {"panels": panels.render("initiative", request, member, initiative)}

`context(request, member, obj)` returns the template's context (the object comes as `obj`), or None
to show nothing to this member.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .registry import Registry


@dataclass(frozen=True)
class Panel:
    key: str  # "<app>.<name>", unique on its page
    template: str
    context: Callable[[HttpRequest, Any, Any], dict | None]
    order: int = 100


PAGES: dict[str, Registry[Panel]] = {}


def register(page: str, panel: Panel) -> None:
    PAGES.setdefault(page, Registry(f"Panel of the {page} page")).add(panel)


def render(page: str, request: HttpRequest, member, obj) -> list[SafeString]:
    html = []
    for panel in PAGES.get(page, Registry(page)).ordered():
        context = panel.context(request, member, obj)
        if context is not None:
            html.append(render_to_string(panel.template, {"obj": obj, **context}, request=request))
    return html
