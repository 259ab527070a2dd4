"""The objects people discuss: every capability registers its own types, collab imports none of them.

    from accord.collab import registry as collab

    collab.register(collab.Discussable(
        key="launch",  # the object_type of the app's audit entries ("idea", "roadmap item", ...)
        model=Launch, view_permission="launch.view",
        url=collab.page_url("launch"),  # or any obj -> its page
        label=lambda obj: obj.name,
        responsible=("owner__user_id",),  # lookups from the object to user ids: one query
        order=70,
    ), page="launch")  # the comment section as a panel of the launch page

Comments and watches of a type live under its `key`; the audit entries a comment writes carry that
key too, so the object's history, the audit trail, notifications and webhooks all line up. In URLs
the key is written `slug` ("roadmap-item").
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from accord.core.registry import Registry


@dataclass(frozen=True)
class Discussable:
    key: str  # the object_type of the app's audit entries
    model: type[models.Model]  # with a `workspace` foreign key
    view_permission: str  # who may read the object (and so its comments, and watch it)
    url: Callable[[Any], str]  # obj -> its page
    label: Callable[[Any], str] = str  # obj -> how it is called ("Dark mode")
    comment_permission: str = "comment.write"  # who may comment on it
    responsible: tuple[str, ...] = ()  # lookups from the object to the user ids responsible for it
    order: int = 100

    @property
    def slug(self) -> str:
        return self.key.replace(" ", "-")


DISCUSSABLE: Registry[Discussable] = Registry("Discussable type")


def register(entry: Discussable, *, page: str = "") -> Discussable:
    """From the owning app's ready(), after its history types (the comment sentences join them).
    `page`: the accord.core.panels page that shows the comment section ("launch"); pages without
    panels use the template tag instead (panels.py)."""
    from django.db.models.signals import post_delete

    from accord.core import panels as core_panels

    from . import history, panels

    DISCUSSABLE.add(entry)
    history.extend(entry.key)
    if page:
        core_panels.register(page, core_panels.Panel(
            key="collab.discussion", template="collab/_discussion.html", context=panels.panel(entry.key), order=900,
        ))  # fmt: skip
    post_delete.connect(_forget, sender=entry.model, dispatch_uid=f"collab.forget.{entry.key}")
    return entry


def _forget(sender, instance, **kwargs) -> None:
    """A deleted object takes its comments and watches with it (the audit trail keeps the story)."""
    from .models import Comment, Watch

    for key, entry in DISCUSSABLE.items():
        if entry.model is sender:
            for model in (Comment, Watch):
                model.objects.filter(
                    workspace_id=instance.workspace_id, object_type=key, object_id=instance.pk
                ).delete()


def page_url(name: str) -> Callable[[Any], str]:
    """url for objects whose page is the route `name` with (workspace slug, id): page_url("launch")."""
    from django.urls import reverse

    return lambda obj: reverse(name, args=[obj.workspace.slug, obj.pk])


def by_slug(slug: str) -> Discussable | None:
    """The type written in a URL ("roadmap-item"), or None."""
    for entry in DISCUSSABLE.values():
        if entry.slug == slug:
            return entry
    return None


def get(key: str) -> Discussable | None:
    return DISCUSSABLE.get(key)
