"""Portal votes as evidence for scoring: "portal.votes", the number of verified votes on an idea."""

from django.db.models import Count

from accord.ideas import evidence

KEY = "portal.votes"


def vote_counts(workspace_id: int, idea_ids: list[int] | None) -> dict[int, float]:
    from .models import Vote

    votes = Vote.objects.filter(workspace_id=workspace_id, verified_at__isnull=False)
    if idea_ids is not None:
        votes = votes.filter(idea_id__in=idea_ids)
    rows = votes.values("idea_id").annotate(n=Count("id")).values_list("idea_id", "n")
    return {idea_id: float(n) for idea_id, n in rows}


def register_source() -> None:
    evidence.register(
        evidence.EvidenceSource(
            key=KEY,
            label="Portal votes",
            saturation=50.0,
            compute=vote_counts,
            unit="votes",
        )
    )


def refresh(*, workspace_id: int, idea_id: int) -> None:
    """Called inside the transaction that counted or removed a vote."""
    evidence.refresh(workspace_id=workspace_id, keys={KEY}, idea_ids=[idea_id])
