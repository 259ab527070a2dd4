"""The "roadmap" Atom feed scope (registered with accord.feeds.scopes): what happens to a roadmap,
its items, lanes, milestones, dependencies, saved views and calendar feeds. A portfolio's feed also
follows the roadmaps it includes.

Audit entries name their object by type and id only, so the feed matches them with one subquery per
kind of object (ids as text, like AuditEntry.object_id). Items come from their snapshots, which keep
the roadmap of every item that was ever on it, deleted or moved away since.
"""

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.urls import reverse

from accord.feeds import scopes

from .models import CalendarFeed, Dependency, ItemSnapshot, Lane, Milestone, Roadmap, SavedView


def _as_text(rows: QuerySet, field: str = "pk") -> QuerySet:
    return rows.annotate(_id_text=Cast(field, CharField())).values("_id_text")


def entries(workspace_id: int, roadmap_id: int | None) -> Q:
    shown = Roadmap.objects.filter(
        Q(pk=roadmap_id) | Q(portfolios=roadmap_id), workspace_id=workspace_id
    ).values("pk")
    return (
        Q(object_type="roadmap", object_id__in=_as_text(Roadmap.objects.filter(pk__in=shown)))
        | Q(object_type="roadmap item", object_id__in=_as_text(ItemSnapshot.objects.filter(roadmap_id__in=shown), "item_id"))
        | Q(object_type="lane", object_id__in=_as_text(Lane.objects.filter(roadmap_id__in=shown)))
        | Q(object_type="milestone", object_id__in=_as_text(Milestone.objects.filter(roadmap_id__in=shown)))
        | Q(object_type="dependency", object_id__in=_as_text(Dependency.objects.filter(
            Q(predecessor__roadmap_id__in=shown) | Q(successor__roadmap_id__in=shown))))
        | Q(object_type="saved view", object_id__in=_as_text(SavedView.objects.filter(roadmap_id__in=shown)))
        | Q(object_type="calendar feed", object_id__in=_as_text(CalendarFeed.objects.filter(roadmap_id__in=shown)))
    )  # fmt: skip


def _roadmap(workspace_id: int, roadmap_id: int | None) -> Roadmap | None:
    if roadmap_id is None:
        return None
    return (
        Roadmap.objects.filter(pk=roadmap_id, workspace_id=workspace_id)
        .select_related("workspace")
        .first()
    )


def register() -> None:
    scopes.register(scopes.FeedScope(
        key="roadmap", label="Roadmap", entries=entries, object=_roadmap, view_permission="roadmap.view",
        url=lambda rm: reverse("roadmap", args=[rm.workspace.slug, rm.pk]),
    ))  # fmt: skip
