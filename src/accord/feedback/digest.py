"""The feedback's part of the weekly digest (accord.notifications): new feedback on your ideas
(the ideas you submitted or watch)."""

from django.db.models import Q
from django.urls import reverse

from accord.collab.models import Watch, WatchReason
from accord.notifications.registry import DIGEST_SECTIONS, DigestLine, DigestSection

from .models import FeedbackLink


def new_feedback(context) -> list[DigestLine]:
    """Feedback linked this week to the person's ideas (one query)."""
    watched = (
        Watch.objects.filter(workspace=context.workspace, user=context.user, object_type="idea")
        .exclude(reason=WatchReason.UNWATCHED)
        .values("object_id")
    )
    links = (
        FeedbackLink.objects.filter(
            idea__workspace=context.workspace, created_at__gte=context.since, created_at__lt=context.until,
        )
        .filter(Q(idea__submitter=context.user) | Q(idea_id__in=watched))
        .select_related("idea", "feedback", "feedback__customer")
        .order_by("idea__title", "idea_id", "-created_at", "-id")[:200]
    )  # fmt: skip
    slug = context.workspace.slug
    lines = []
    for link in links:
        fb = link.feedback
        who = f" from {fb.customer.name}" if fb.customer_id and fb.customer.name else ""
        said = (link.quote or fb.title or fb.text).strip().replace("\n", " ")
        said = said if len(said) <= 120 else said[:119].rsplit(" ", 1)[0] + "\u2026"
        lines.append(DigestLine(f"{link.idea.title}: \u201c{said}\u201d{who}",
                                reverse("idea_detail", args=[slug, link.idea_id])))  # fmt: skip
    return lines


def register() -> None:
    DIGEST_SECTIONS.add(DigestSection(key="feedback.on_my_ideas", title="New feedback on your ideas",
                                      lines=new_feedback, order=30))  # fmt: skip
