"""The goals' part of the weekly digest (accord.notifications): progress this week on the goals
you own or watch (the measurements recorded on their key results)."""

from django.db.models import Q
from django.urls import reverse

from accord.audit.history import number
from accord.collab.models import Watch, WatchReason
from accord.notifications.registry import DIGEST_SECTIONS, DigestLine, DigestSection

from .models import Measurement


def goal_progress(context) -> list[DigestLine]:
    """Measurements recorded this week on the person's goals (one query)."""
    watched = (
        Watch.objects.filter(workspace=context.workspace, user=context.user, object_type="goal")
        .exclude(reason=WatchReason.UNWATCHED)
        .values("object_id")
    )
    rows = (
        Measurement.objects.filter(
            key_result__workspace=context.workspace, created_at__gte=context.since, created_at__lt=context.until,
        )
        .filter(Q(key_result__goal__owner__user=context.user) | Q(key_result__goal_id__in=watched))
        .select_related("key_result", "key_result__goal")
        .order_by("key_result__goal__title", "key_result__name", "date", "id")[:200]
    )  # fmt: skip
    slug = context.workspace.slug
    return [
        DigestLine(
            f"{m.key_result.goal.title}: {m.key_result.name} is at {number(m.value)} "
            f"(target {number(m.key_result.target)}) on {m.date:%b} {m.date.day}",
            reverse("goal", args=[slug, m.key_result.goal_id]),
        )
        for m in rows
    ]


def register() -> None:
    DIGEST_SECTIONS.add(DigestSection(key="goals.progress", title="Goal progress",
                                      lines=goal_progress, order=50))  # fmt: skip
