"""What a feed can follow. The feeds app knows only the workspace; higher capabilities register
their own scopes at start-up (the roadmaps app registers "roadmap"):

    scopes.register(scopes.FeedScope(
        key="roadmap", label="Roadmap", view_permission="roadmap.view",
        entries=lambda workspace_id, object_id: Q(...),   # the AuditEntry rows that belong to it
        object=lambda workspace_id, object_id: Roadmap or None,
        url=lambda obj: reverse("roadmap", args=[...]),  # its page
    ))

`entries` must be a filter the database answers in one query (subqueries are fine), whatever
the number of objects; the feed adds the workspace itself.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse

from accord.core.registry import Registry


@dataclass(frozen=True)
class FeedScope:
    key: str  # FeedToken.scope
    label: str  # "Roadmap": the feed's title is "<label>: <object>"
    entries: Callable[[int, int | None], Q]
    object: Callable[[int, int | None], Any]  # None: gone, the feed is a 404
    view_permission: str
    url: Callable[[Any], str]  # the object's page (a path)
    needs_object: bool = True  # False: the scope is the whole workspace (no object id)


SCOPES: Registry[FeedScope] = Registry("Feed scope")


def register(scope: FeedScope) -> None:
    SCOPES.add(scope)


def get(key: str) -> FeedScope | None:
    return SCOPES.get(key)


def _workspace(workspace_id: int, _object_id: int | None):
    from accord.workspaces.models import Workspace

    return Workspace.objects.filter(pk=workspace_id).first()


WORKSPACE = FeedScope(
    key="workspace",
    label="Activity",
    entries=lambda _workspace_id, _object_id: Q(),  # all of it: every member sees the audit trail
    object=_workspace,
    view_permission="audit.view",
    url=lambda ws: reverse("audit", args=[ws.slug]),
    needs_object=False,
)
