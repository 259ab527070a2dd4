"""The ideas' part of the weekly digest (accord.notifications): your pending scores (the open
rounds you have not submitted scores to, as on the home page)."""

from django.urls import reverse

from accord.notifications.registry import DIGEST_SECTIONS, DigestLine, DigestSection
from accord.workspaces.models import Membership
from accord.workspaces.permissions import can

from . import selectors


def pending_scores(context) -> list[DigestLine]:
    member = Membership.objects.filter(workspace=context.workspace, user=context.user).first()
    if member is None or not can(member, "rating.submit"):
        return []
    slug = context.workspace.slug
    return [
        DigestLine(
            f"Score \u201c{r.title}\u201d: {r.rated} of {r.idea_count} ideas scored so far",
            reverse("round", args=[slug, r.pk]),
        )
        for r in selectors.rounds_awaiting(member=member, limit=20)
    ]


def register() -> None:
    DIGEST_SECTIONS.add(
        DigestSection(
            key="ideas.pending_scores", title="Your pending scores", lines=pending_scores, order=40
        )
    )
