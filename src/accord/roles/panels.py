"""The RACI summary on an initiative's page (accord.core.panels): its checks, live from the
matrix, and the way to the grid."""

from django.urls import reverse

from accord.core import panels
from accord.workspaces.permissions import can

from . import selectors


def raci_summary(request, member, initiative) -> dict | None:
    if not can(member, "role.view"):
        return None
    loaded = selectors.matrix(initiative=initiative)
    return {
        "checks": selectors.check_rows(loaded),
        "activities": len(loaded.activities),
        "raci_url": reverse("raci", args=[member.workspace.slug, initiative.pk]),
        "map_url": reverse("raci_map", args=[member.workspace.slug, initiative.pk, "svg"]),
    }


def register() -> None:
    panels.register("initiative", panels.Panel(key="roles.raci", template="roles/_initiative_panel.html",
                                               context=raci_summary, order=10))  # fmt: skip
