"""The roadmaps' part of the weekly digest (accord.notifications): what changed this week on the
roadmaps you watch (a roadmap is watched through the items one watches on it), in the words of
the history formatter."""

from accord.audit import history
from accord.audit.models import AuditEntry
from accord.collab.models import Watch, WatchReason
from accord.notifications.registry import DIGEST_SECTIONS, DigestLine, DigestSection

from .models import RoadmapItem

LIMIT = 100


def roadmap_changes(context) -> list[DigestLine]:
    """The week's entries on the items of the watched roadmaps, others' changes only."""
    watched = (
        Watch.objects.filter(
            workspace=context.workspace, user=context.user, object_type="roadmap item"
        )
        .exclude(reason=WatchReason.UNWATCHED)
        .values("object_id")
    )
    roadmaps = RoadmapItem.objects.filter(pk__in=watched).values("roadmap_id")
    item_ids = [
        str(i)
        for i in RoadmapItem.objects.filter(roadmap_id__in=roadmaps).values_list("pk", flat=True)
    ]
    if not item_ids:
        return []
    entries = list(
        AuditEntry.objects.filter(
            workspace=context.workspace, object_type="roadmap item", object_id__in=item_ids,
            at__gte=context.since, at__lt=context.until,
        )
        .exclude(actor=context.user)
        .order_by("at", "id")[:LIMIT]
    )  # fmt: skip
    stories = history.tell(entries, slug=context.workspace.slug)
    return [DigestLine(story.text, story.url or "") for story in stories]


def register() -> None:
    DIGEST_SECTIONS.add(DigestSection(key="roadmaps.watched", title="What changed on the roadmaps you watch",
                                      lines=roadmap_changes, order=20))  # fmt: skip
