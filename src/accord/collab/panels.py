"""The comment section of any discussable object, for the pages of the apps that own them: a panel
(accord.core.panels, or the idea page's own) or, on pages without panels, the template tag
`{% load collab %}{% discussion "roadmap item" item %}`. Both render collab/_discussion.html."""

import secrets

from accord.workspaces.permissions import can

from . import selectors
from .registry import DISCUSSABLE


def context(request, member, key: str, obj) -> dict | None:
    """What collab/_discussion.html needs; None for a member who may not see the object."""
    entry = DISCUSSABLE.get(key)
    if entry is None or member is None or not can(member, entry.view_permission):
        return None
    return {"thread": selectors.thread(member, entry, obj.pk), "kind": entry.slug, "object_id": obj.pk,
            "noun": entry.key, "slug": member.workspace.slug, "section_id": section_id(entry.key, obj.pk),
            "uid": secrets.token_hex(3)}  # fmt: skip


def section_id(key: str, object_id) -> str:
    """The HTML id of an object's comment section (a goal page also holds its key results')."""
    return f"discussion-{DISCUSSABLE[key].slug}-{object_id}"


def panel(key: str):
    """A panel context function (request, member, obj) for the pages of type `key`."""
    return lambda request, member, obj: context(request, member, key, obj)
