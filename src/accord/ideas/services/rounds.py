"""Scoring rounds: stakeholders score independently; closing a round agrees the inputs (the mean)."""

from statistics import fmean

from django.db import transaction
from django.utils import timezone

from accord.audit.services import record
from accord.core.cleaning import clean_text
from accord.core.errors import Conflict, Invalid, NotFound
from accord.ideas.models import (
    Criterion,
    Idea,
    ModelKind,
    Participation,
    Rating,
    RoundStatus,
    ScoringRound,
)
from accord.workspaces.models import Membership
from accord.workspaces.permissions import require

from .common import get_model
from .scoring_models import apply_inputs, clean_inputs, mark_scored


def get_round(member: Membership, round_id: int, *, for_update: bool = False) -> ScoringRound:
    qs = ScoringRound.objects.select_related("model")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=round_id, workspace_id=member.workspace_id)
    except ScoringRound.DoesNotExist as exc:
        raise NotFound("No such scoring round in this workspace.") from exc


@transaction.atomic
def round_open(
    *, member: Membership, model_id: int, title: str, idea_ids: list[int]
) -> ScoringRound:
    require(member, "round.manage")
    model = get_model(member, model_id)
    if model.kind == ModelKind.KANO:
        raise Invalid.field(
            "model_id", "Kano models are scored with questionnaire answers, not rounds."
        )
    ids = list(dict.fromkeys(idea_ids))
    if not 1 <= len(ids) <= 500:
        raise Invalid.field("idea_ids", "Choose 1 to 500 ideas for the round.")
    ideas = list(
        Idea.objects.filter(workspace_id=member.workspace_id, pk__in=ids).exclude(status="merged")
    )
    if len(ideas) != len(ids):
        raise Invalid.field(
            "idea_ids", "One or more ideas do not exist in this workspace (or are merged)."
        )
    scoring_round = ScoringRound.objects.create(
        workspace_id=member.workspace_id,
        model=model,
        title=clean_text(title, "title", required=True, max_length=150),
        opened_by=member.user,
    )
    scoring_round.ideas.set(ideas)
    Idea.objects.filter(pk__in=ids, status="new").update(
        status="under_review", updated_at=timezone.now()
    )
    record(
        workspace=member.workspace,
        actor=member.user,
        action="opened",
        obj=scoring_round,
        object_type="scoring round",
        after={"model": model.name, "ideas": len(ids)},
    )
    return scoring_round


def _open_round_for(member: Membership, round_id: int) -> ScoringRound:
    scoring_round = get_round(member, round_id)
    if scoring_round.status != RoundStatus.OPEN:
        raise Conflict("This scoring round is closed.")
    return scoring_round


@transaction.atomic
def ratings_save(*, member: Membership, round_id: int, idea_id: int, values: dict) -> list[Rating]:
    """Save the caller's own scores for one idea (criterion key -> value; None removes a score)."""
    require(member, "rating.submit")
    scoring_round = _open_round_for(member, round_id)
    participation, _ = Participation.objects.get_or_create(round=scoring_round, rater=member.user)
    if participation.submitted_at:
        raise Conflict("You already submitted your scores for this round.")
    if not scoring_round.ideas.filter(pk=idea_id).exists():
        raise NotFound("This idea is not part of the round.")
    criteria = list(scoring_round.model.criteria.all())
    cleaned = clean_inputs(scoring_round.model, criteria, values)
    by_key = {c.key: c for c in criteria}
    saved = []
    for key, value in cleaned.items():
        if value is None:
            Rating.objects.filter(
                round=scoring_round, idea_id=idea_id, criterion=by_key[key], rater=member.user
            ).delete()
            continue
        rating, _ = Rating.objects.update_or_create(
            round=scoring_round,
            idea_id=idea_id,
            criterion=by_key[key],
            rater=member.user,
            defaults={"value": value, "updated_at": timezone.now()},
        )
        saved.append(rating)
    return saved


@transaction.atomic
def ratings_submit(*, member: Membership, round_id: int) -> Participation:
    """The caller is done: their scores become visible to others and count towards the consensus."""
    require(member, "rating.submit")
    scoring_round = _open_round_for(member, round_id)
    participation, _ = Participation.objects.get_or_create(round=scoring_round, rater=member.user)
    if participation.submitted_at:
        raise Conflict("You already submitted your scores for this round.")
    if not Rating.objects.filter(round=scoring_round, rater=member.user).exists():
        raise Invalid.field("ratings", "Score at least one idea before submitting.")
    participation.submitted_at = timezone.now()
    participation.save(update_fields=["submitted_at"])
    count = Rating.objects.filter(round=scoring_round, rater=member.user).count()
    record(
        workspace=member.workspace,
        actor=member.user,
        action="submitted",
        obj=scoring_round,
        object_type="scoring round",
        after={"ratings": count},
    )
    return participation


def consensus_value(values: list[float], allowed: list[float] | None) -> float:
    """The agreed value: the mean; on a scale of fixed steps (Fibonacci, RICE impact) the step nearest the mean."""
    mean = fmean(values)
    if allowed:
        return min(allowed, key=lambda step: (abs(step - mean), step))
    return round(mean, 4)


@transaction.atomic
def round_close(*, member: Membership, round_id: int) -> ScoringRound:
    """Agree each idea's inputs as the mean of the submitted scores, rescore, and close the round."""
    require(member, "round.manage")
    scoring_round = get_round(member, round_id, for_update=True)
    if scoring_round.status != RoundStatus.OPEN:
        raise Conflict("This scoring round is already closed.")
    submitted = Participation.objects.filter(
        round=scoring_round, submitted_at__isnull=False
    ).values_list("rater_id", flat=True)
    keys = dict(
        Criterion.objects.filter(model=scoring_round.model, source="").values_list("pk", "key")
    )
    by_idea: dict[int, dict[str, list[float]]] = {}
    for idea_id, criterion_id, value in Rating.objects.filter(
        round=scoring_round, rater_id__in=list(submitted), criterion_id__in=list(keys)
    ).values_list("idea_id", "criterion_id", "value"):
        by_idea.setdefault(idea_id, {}).setdefault(keys[criterion_id], []).append(value)
    model = scoring_round.model
    criteria = list(model.criteria.all())
    allowed = {c.key: c.allowed for c in criteria}
    for idea in scoring_round.ideas.filter(pk__in=list(by_idea)):
        agreed = {
            key: consensus_value(values, allowed.get(key))
            for key, values in by_idea[idea.pk].items()
        }
        apply_inputs(model, idea, agreed, f"round “{scoring_round.title}” closed")
        mark_scored(idea)
    scoring_round.status = RoundStatus.CLOSED
    scoring_round.closed_at = timezone.now()
    ScoringRound.objects.filter(pk=scoring_round.pk).update(
        status=scoring_round.status,
        closed_at=scoring_round.closed_at,
        version=scoring_round.version + 1,
    )
    record(
        workspace=member.workspace,
        actor=member.user,
        action="closed",
        obj=scoring_round,
        object_type="scoring round",
        after={"ideas_scored": len(by_idea), "raters": len(submitted)},
    )
    return scoring_round
