"""The initiatives' part of the weekly digest (accord.notifications): your pending sign-offs (the
gates of the current stage you are asked to sign)."""

from django.db.models import F
from django.urls import reverse

from accord.notifications.registry import DIGEST_SECTIONS, DigestLine, DigestSection

from .models import GateSigner


def pending_signoffs(context) -> list[DigestLine]:
    """Unsigned gates of the initiatives' current stages that name the person (one query)."""
    rows = (
        GateSigner.objects.filter(
            person__user=context.user, person__workspace=context.workspace, signed_at__isnull=True,
            initiative__archived_at__isnull=True, stage_id=F("initiative__stage_id"),
        )
        .select_related("initiative", "stage")
        .order_by("initiative__name", "id")
    )  # fmt: skip
    slug = context.workspace.slug
    return [
        DigestLine(
            f"Sign the {s.stage.name} gate of \u201c{s.initiative.name}\u201d",
            reverse("initiative", args=[slug, s.initiative_id]),
        )
        for s in rows
    ]


def register() -> None:
    DIGEST_SECTIONS.add(DigestSection(key="initiatives.signoffs", title="Your pending sign-offs",
                                      lines=pending_signoffs, order=45))  # fmt: skip
