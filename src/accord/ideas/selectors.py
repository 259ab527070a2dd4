"""Reads for ideas and prioritization, each in a constant number of queries."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import fmean, median, pstdev

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accord.audit.selectors import audit_entries
from accord.core.errors import FieldError, Invalid, NotFound
from accord.workspaces.models import Person, Team, Workspace

from . import moscow, scoring
from .models import (
    Criterion,
    Decision,
    DecisionKind,
    Idea,
    IdeaScore,
    IdeaStatus,
    ModelKind,
    ModelRevision,
    Participation,
    Rating,
    RoundStatus,
    ScoreEvent,
    ScoringModel,
    ScoringRound,
    Tag,
)
from .services.rescore import Scorer

SORTS = {
    "score": "score",
    "-score": "-score",
    "created": "created_at",
    "-created": "-created_at",
    "title": "title",
    "-title": "-title",
    "status": "status",
    "-status": "-status",
}
# People disagree when the standard deviation is at least a quarter of the scale's range, or when
# the scores span three quarters of it (one strong dissenter counts too).
DISAGREEMENT_STDEV = 0.25
DISAGREEMENT_RANGE = 0.75


def scoring_models(*, workspace: Workspace) -> QuerySet[ScoringModel]:
    return (
        ScoringModel.objects.filter(workspace=workspace)
        .prefetch_related("criteria")
        .order_by("-is_default", "name")
    )


def default_model(*, workspace: Workspace) -> ScoringModel | None:
    return scoring_models(workspace=workspace).filter(is_default=True).first()


def scoring_model(*, workspace: Workspace, model_id: int | None = None) -> ScoringModel:
    """The model with this id, or the workspace's default one."""
    qs = scoring_models(workspace=workspace)
    found = qs.filter(pk=model_id).first() if model_id else qs.filter(is_default=True).first()
    if found is None:
        raise NotFound(
            "No such scoring model in this workspace."
            if model_id
            else "This workspace has no scoring model yet."
        )
    return found


def ideas(
    *,
    workspace: Workspace,
    model: ScoringModel | None = None,
    q: str | None = None,
    status: str | None = None,
    tag: str | None = None,
    department_id: int | None = None,
    submitter_id: int | None = None,
    score_min: float | None = None,
    score_max: float | None = None,
    sort: str = "-score",
    criterion: str | None = None,
    include_merged: bool = False,
) -> QuerySet[Idea]:
    """Ideas with `score` (under `model`, else the default model) and `score_category` annotated."""
    qs = (
        Idea.objects.filter(workspace=workspace)
        .select_related("department", "submitter")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )
    if model is not None:
        qs = qs.filter(scores__model=model).annotate(
            score=F("scores__value"),
            score_category=F("scores__category"),
            score_undefined=F("scores__undefined_reason"),
            score_inputs=F("scores__inputs"),
        )
    if status:
        if status not in IdeaStatus.values:
            raise Invalid.field("status", f"Unknown status {status!r}.")
        qs = qs.filter(status=status)
    elif not include_merged:
        qs = qs.exclude(status=IdeaStatus.MERGED)
    if q:
        qs = qs.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(problem__icontains=q)
        )
    if tag:
        qs = qs.filter(tags__name__iexact=tag)
    if department_id:
        qs = qs.filter(department_id=department_id)
    if submitter_id:
        qs = qs.filter(submitter_id=submitter_id)
    if (score_min is not None or score_max is not None) and model is None:
        raise Invalid.field("score_min", "Filtering by score needs a scoring model.")
    _check_score_range(score_min, score_max)
    if score_min is not None:
        qs = qs.filter(score__gte=score_min)  # the chosen model's score, not any model's
    if score_max is not None:
        qs = qs.filter(score__lte=score_max)
    return qs.order_by(*_ordering(sort, model, criterion))


def _check_score_range(score_min: float | None, score_max: float | None) -> None:
    """An empty or meaningless range is refused, not answered with a silent "0 ideas"."""
    for name, bound in (("score_min", score_min), ("score_max", score_max)):
        if bound is not None and math.isnan(bound):
            raise Invalid.field(name, "Enter a number.")
    if score_min is not None and score_max is not None and score_min > score_max:
        message = (
            f"The lowest score ({scoring.format_number(score_min)}) is above the highest "
            f"({scoring.format_number(score_max)}): no idea can match."
        )
        raise Invalid(message, [FieldError("score_min", message), FieldError("score_max", message)])


def idea_count(
    *,
    workspace: Workspace,
    model: ScoringModel | None = None,
    score_min: float | None = None,
    score_max: float | None = None,
    sort: str = "-score",
    criterion: str | None = None,
    **filters,
) -> int:
    """How many ideas `ideas()` lists with these arguments, in one cheap query.

    Every idea has exactly one score under each model of its workspace (idea_create and
    scoring_model_create write it; only deleting the idea or the model removes it), so joining the
    scores of `model` neither drops nor repeats an idea: without a score filter the count skips
    that join, which cost more than all the rest of the list on 100,000 ideas. The sort does not
    change a count.
    """
    if score_min is None and score_max is None:
        model = None
    return ideas(
        workspace=workspace,
        model=model,
        score_min=score_min,
        score_max=score_max,
        sort="-created",
        **filters,
    ).count()


def _ordering(sort: str, model: ScoringModel | None, criterion: str | None) -> list:
    if criterion:
        if model is None or criterion not in {c.key for c in model.criteria.all()}:
            raise Invalid.field("criterion", f"Unknown criterion {criterion!r} for this model.")
        from django.db.models import FloatField
        from django.db.models.fields.json import KT
        from django.db.models.functions import Cast

        # The annotated inputs of the chosen model; cast so PostgreSQL sorts numbers, not text.
        value = Cast(KT(f"score_inputs__{criterion}"), FloatField())
        return [
            value.desc(nulls_last=True) if sort.startswith("-") else value.asc(nulls_last=True),
            "-id",
        ]
    if sort not in SORTS:
        raise Invalid.field("sort", f"Unknown sort {sort!r}; use one of {', '.join(SORTS)}.")
    if sort.lstrip("-") == "score":
        if model is None:
            return ["-created_at", "-id"]
        return [
            F("score").desc(nulls_last=True)
            if sort.startswith("-")
            else F("score").asc(nulls_last=True),
            "-id",
        ]
    return [SORTS[sort], "-id"]


IDEA_ROW_FIELDS = (
    "id", "title", "status", "department_id", "department__name", "product_area",
    "submitter__email", "merged_into_id", "created_at", "updated_at", "version",
)  # fmt: skip
SCORE_ROW_FIELDS = ("score", "score_category", "score_undefined")


def idea_rows(ideas: QuerySet[Idea]) -> list[dict]:
    """The ideas of a (sliced) `ideas()` queryset as dicts in the API's shape (IdeaOut), with their
    tags by name: two queries and no model instances, much faster for a page of a long list."""
    scored = "score" in ideas.query.annotations
    fields = IDEA_ROW_FIELDS + (SCORE_ROW_FIELDS if scored else ())
    rows = list(ideas.prefetch_related(None).values(*fields))
    if not rows:
        return rows
    tags_of: dict[int, list[str]] = defaultdict(list)
    links = (
        Idea.tags.through.objects.filter(idea_id__in=[row["id"] for row in rows])
        .order_by("tag__name")
        .values_list("idea_id", "tag__name")
    )
    for idea_id, name in links:
        tags_of[idea_id].append(name)
    for row in rows:
        department_name = row.pop("department__name")
        row["department"] = (
            {"id": row["department_id"], "name": department_name} if row["department_id"] else None
        )
        row["submitter"] = row.pop("submitter__email")
        row["tags"] = tags_of[row["id"]]
        if not scored:
            row.update(dict.fromkeys(SCORE_ROW_FIELDS))
    return rows


def tags(*, workspace: Workspace) -> QuerySet[Tag]:
    return Tag.objects.filter(workspace=workspace).order_by("name")


def idea(*, workspace: Workspace, idea_id: int) -> Idea:
    found = (
        Idea.objects.filter(workspace=workspace, pk=idea_id)
        .select_related("department", "submitter", "merged_into")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .first()
    )
    if found is None:
        raise NotFound("No such idea in this workspace.")
    return found


@dataclass
class ScoreView:
    model: ScoringModel
    value: float | None
    category: str
    undefined_reason: str
    inputs: dict
    breakdown: dict[str, float]
    explanation: str
    suggestion: str | None
    criteria: list[Criterion]
    worse: float | None = None  # Kano: the Worse coefficient beside Better (the value)


def idea_scores(*, idea: Idea) -> list[ScoreView]:
    """Each model's score of the idea with its per-criterion breakdown and formula (transparency)."""
    views = []
    for s in (
        IdeaScore.objects.filter(idea=idea)
        .select_related("model")
        .prefetch_related("model__criteria")
        .order_by("-model__is_default", "model__name")
    ):
        criteria = list(s.model.criteria.all())
        result = Scorer(s.model, criteria).score(s.inputs or {})
        views.append(
            ScoreView(
                model=s.model,
                value=s.value,
                category=s.category,
                undefined_reason=s.undefined_reason,
                inputs=s.inputs or {},
                breakdown=result.breakdown,
                explanation=result.explanation,
                suggestion=suggestion(s.model, s.value),
                criteria=criteria,
                worse=result.worse,
            )
        )
    return views


def suggestion(model: ScoringModel, value: float | None) -> str | None:
    """What the model's thresholds suggest; a person decides."""
    if value is None:
        return None
    if model.promote_threshold is not None and value >= model.promote_threshold:
        return DecisionKind.PROMOTE
    if model.park_threshold is not None and value < model.park_threshold:
        return DecisionKind.PARK
    return None


def decisions(*, idea: Idea) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(idea=idea)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")
    )


# ---------------------------------------------------------------- history and sensitivity


@dataclass
class HistoryPoint:
    at: object
    value: float | None
    note: str


def score_history(*, idea: Idea, model: ScoringModel) -> list[HistoryPoint]:
    """The idea's score over time: each change of its inputs, and each change of the model's criteria,
    replayed with the inputs and criteria in force at that moment."""
    events = list(ScoreEvent.objects.filter(idea=idea, model=model).order_by("at", "id"))
    revisions = list(ModelRevision.objects.filter(model=model).order_by("at", "id"))
    timeline = sorted(
        [(e.at, 0, e) for e in events] + [(r.at, 1, r) for r in revisions],
        key=lambda t: (t[0], t[1]),
    )
    points: list[HistoryPoint] = []
    inputs, revision = None, None
    for at, kind, item in timeline:
        if kind == 1:
            revision = item
            if inputs is None:
                continue  # the model changed before this idea had any inputs: nothing to show yet
            note = "model created" if item.note == "created" else f"model changed: {item.note}"
        else:
            inputs, note = item.inputs, item.note
        value = (
            _score_with_revision(model, revision, inputs).value
            if revision is not None
            else item.value
        )
        points.append(HistoryPoint(at, value, note))
    return points


def _score_with_revision(
    model: ScoringModel, revision: ModelRevision, inputs: dict
) -> scoring.ScoreResult:
    criteria = [Criterion(**{k: v for k, v in c.items()}) for c in revision.criteria]
    frozen = ScoringModel(kind=model.kind, formula=revision.formula, options=revision.options)
    return Scorer(frozen, criteria).score(inputs)


def sensitivity(*, model: ScoringModel, idea_a: Idea, idea_b: Idea) -> dict:
    """Which single weight change would swap these two ideas' ranks, and by how much (weighted models)."""
    if model.kind != ModelKind.WEIGHTED:
        raise Invalid.field(
            "model_id", "Sensitivity to weights applies to weighted-scoring models."
        )
    scores = {
        s.idea_id: s for s in IdeaScore.objects.filter(model=model, idea__in=[idea_a, idea_b])
    }
    a, b = scores.get(idea_a.pk), scores.get(idea_b.pk)
    if not a or not b or a.value is None or b.value is None:
        raise Invalid.field("idea_b", "Both ideas need a score under this model.")
    scorer = Scorer(model, list(model.criteria.all()))
    changes = scoring.weight_swap(scorer.specs, a.inputs, b.inputs)
    return {"score_a": a.value, "score_b": b.value, "changes": changes}


# ---------------------------------------------------------------- rounds and consensus


def rounds(*, workspace: Workspace, status: str | None = None) -> QuerySet[ScoringRound]:
    qs = ScoringRound.objects.filter(workspace=workspace).select_related("model", "opened_by")
    if status:
        if status not in RoundStatus.values:
            raise Invalid.field("status", f"Unknown round status {status!r}.")
        qs = qs.filter(status=status)
    return qs.order_by("-opened_at", "-id")


def scoring_round(*, workspace: Workspace, round_id: int) -> ScoringRound:
    found = rounds(workspace=workspace).filter(pk=round_id).first()
    if found is None:
        raise NotFound("No such scoring round in this workspace.")
    return found


@dataclass
class CellStats:
    """One idea x criterion: the visible ratings and their consensus and spread."""

    ratings: list[float] = field(default_factory=list)
    mean: float | None = None
    median: float | None = None
    stdev: float | None = None
    min: float | None = None
    max: float | None = None
    disagreement: bool = False
    by_department: dict[str, float] = field(default_factory=dict)


def visible_raters(scoring_round: ScoringRound, viewer) -> set[int]:
    """Whose ratings the viewer may see: their own, and (once they submitted, or the round closed) the submitted ones."""
    submitted = dict(
        Participation.objects.filter(round=scoring_round).values_list("rater_id", "submitted_at")
    )
    viewer_done = scoring_round.status == RoundStatus.CLOSED or bool(submitted.get(viewer.pk))
    visible = {viewer.pk}
    if viewer_done:
        visible |= {rater for rater, at in submitted.items() if at}
    return visible


def consensus(*, scoring_round: ScoringRound, viewer) -> dict:
    """Per idea and criterion: mean, median, spread and a disagreement flag; per department means.

    Only ratings the viewer may see count, so nobody is anchored by others' scores before submitting.
    """
    # Evidence criteria are filled from data; nobody rates them in a round.
    criteria = [c for c in scoring_round.model.criteria.all() if not c.source]
    ideas_in_round = list(scoring_round.ideas.order_by("title"))
    raters = visible_raters(scoring_round, viewer)
    departments = _departments_of(scoring_round.workspace_id, raters)
    cells: dict[tuple[int, int], CellStats] = defaultdict(CellStats)
    per_dept: dict[tuple[int, int], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    mine: dict[tuple[int, int], float] = {}
    for idea_id, criterion_id, rater_id, value in Rating.objects.filter(
        round=scoring_round, rater_id__in=raters, criterion_id__in=[c.pk for c in criteria]
    ).values_list("idea_id", "criterion_id", "rater_id", "value"):
        cells[(idea_id, criterion_id)].ratings.append(value)
        per_dept[(idea_id, criterion_id)][departments.get(rater_id, "No team")].append(value)
        if rater_id == viewer.pk:
            mine[(idea_id, criterion_id)] = value
    by_id = {c.pk: c for c in criteria}
    for key, cell in cells.items():
        values = cell.ratings
        criterion = by_id[key[1]]
        cell.mean, cell.median = round(fmean(values), 2), median(values)
        cell.stdev = round(pstdev(values), 2) if len(values) > 1 else 0.0
        cell.min, cell.max = min(values), max(values)
        scale = (criterion.scale_max - criterion.scale_min) or 1
        cell.disagreement = len(values) > 1 and (
            cell.stdev / scale >= DISAGREEMENT_STDEV or (cell.max - cell.min) / scale >= DISAGREEMENT_RANGE
        )
        cell.by_department = {dept: round(fmean(v), 2) for dept, v in sorted(per_dept[key].items())}
    participation = list(
        Participation.objects.filter(round=scoring_round)
        .select_related("rater")
        .order_by("rater__name", "rater__email")
    )
    return {
        "criteria": criteria,
        "ideas": ideas_in_round,
        "cells": cells,
        "mine": mine,
        "participants": participation,
        "visible_raters": raters,
        "departments": sorted({d for dept in per_dept.values() for d in dept}),
    }


def _departments_of(workspace_id: int, user_ids: set[int]) -> dict[int, str]:
    """A rater's department: the first team (by name) of their person in the workspace."""
    result: dict[int, str] = {}
    people = Person.objects.filter(
        workspace_id=workspace_id, user_id__in=user_ids
    ).prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
    for person in people:
        teams = list(person.teams.all())
        if teams:
            result[person.user_id] = teams[0].name
    return result


# ---------------------------------------------------------------- parking lot, matrix, MoSCoW


def parking_lot(*, workspace: Workspace, today: date | None = None) -> list[dict]:
    """Parked ideas with the reason, the revisit trigger and whether the revisit date has come."""
    today = today or timezone.localdate()
    parked = list(
        Idea.objects.filter(workspace=workspace, status=IdeaStatus.PARKED).prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(kind=DecisionKind.PARK)
                .select_related("decided_by")
                .order_by("-decided_at", "-id"),
            )
        )
    )
    rows = []
    for parked_idea in parked:
        decision = next(iter(parked_idea.decisions.all()), None)
        due = bool(decision and decision.revisit_on and decision.revisit_on <= today)
        rows.append({"idea": parked_idea, "decision": decision, "due": due})
    rows.sort(
        key=lambda r: (
            not r["due"],
            r["decision"].revisit_on or date.max if r["decision"] else date.max,
            r["idea"].title,
        )
    )
    return rows


def value_effort_matrix(*, workspace: Workspace, model: ScoringModel) -> dict:
    """Points for the 2x2 chart: value and effort inputs of each scored idea, with its quadrant."""
    if model.kind != ModelKind.VALUE_EFFORT:
        raise Invalid.field("model_id", "The matrix needs a value-vs-effort model.")
    criteria = {c.role: c for c in model.criteria.all()}
    value_c, effort_c = criteria.get("benefit"), criteria.get("cost")
    if not value_c or not effort_c:
        raise Invalid.field(
            "model_id", "The model needs one benefit (value) and one cost (effort) criterion."
        )
    points = []
    for s in (
        IdeaScore.objects.filter(model=model, value__isnull=False)
        .exclude(idea__status=IdeaStatus.MERGED)
        .select_related("idea")
    ):
        v, e = s.inputs.get(value_c.key), s.inputs.get(effort_c.key)
        if v is not None and e is not None:
            points.append({"idea": s.idea, "value": v, "effort": e, "quadrant": s.category})
    return {
        "points": points,
        "value": value_c,
        "effort": effort_c,
        "midpoint_value": (value_c.scale_min + value_c.scale_max) / 2,
        "midpoint_effort": (effort_c.scale_min + effort_c.scale_max) / 2,
    }


def moscow_balance(*, model: ScoringModel) -> moscow.EffortBalance:
    """Must-have effort against the effort planned for this time (DSDM's 60 % rule; see moscow.py)."""
    if model.kind != ModelKind.MOSCOW:
        raise Invalid.field("model_id", "The effort balance needs a MoSCoW model.")
    keys = {c.key for c in model.criteria.all()}
    roles = {c.role: c.key for c in model.criteria.all()}
    effort_key = "effort" if "effort" in keys else roles.get("cost")
    inputs = (
        IdeaScore.objects.filter(model=model)
        .exclude(idea__status=IdeaStatus.MERGED)
        .values_list("inputs", flat=True)
    )
    return moscow.effort_balance(
        (values.get("category"), values.get(effort_key)) for values in inputs if values
    )


# ---------------------------------------------------------------- the home: what needs me now


def rounds_awaiting(*, member, limit: int = 6) -> list[ScoringRound]:
    """Open rounds the member has not submitted scores to, oldest first, each with `idea_count`
    and `rated` (how many of its ideas the member has scored so far). Two queries: the counts of
    the member's ratings apart, as a correlated subquery per joined row would make PostgreSQL
    estimate the query dear enough to JIT-compile it (hundreds of milliseconds)."""
    submitted = Participation.objects.filter(round=OuterRef("pk"), rater_id=member.user_id, submitted_at__isnull=False)
    rounds = list(
        ScoringRound.objects.filter(workspace_id=member.workspace_id, status=RoundStatus.OPEN)
        .exclude(Exists(submitted))
        .annotate(idea_count=Count("ideas"))
        .select_related("model")
        .order_by("opened_at", "id")[:limit]
    )
    if rounds:
        # Per round (on the round's index): an IN list of rounds would have SQLite read all of a
        # rater's ratings through the rater's index instead.
        mine = (
            Rating.objects.filter(round=OuterRef("pk"), rater_id=member.user_id)
            .order_by().values("round").annotate(n=Count("idea", distinct=True)).values("n")
        )  # fmt: skip
        rated = dict(
            ScoringRound.objects.filter(pk__in=[r.pk for r in rounds]).annotate(n=Subquery(mine)).values_list("pk", "n")
        )
        for r in rounds:
            r.rated = rated.get(r.pk) or 0
    return rounds


def followed_among(*, member, candidates: list[int] | None, sources) -> set[int]:
    """Which of the candidate ideas the member follows (each source, a function of the member and
    the candidates, names those it knows of; None as candidates: any). One query per source."""
    found: set[int] = set()
    for source in sources:
        found.update(int(i) for i in source(member, candidates))
    return found


def follows_any(*, member, sources) -> bool:
    """Whether the member follows any idea at all. At most one (LIMIT 1) query per source."""
    return any(source(member, None).exists() for source in sources)


def recent_idea_changes(*, workspace, since, by_others_than: int, limit: int = 500) -> list[tuple[int, int]]:
    """(entry id, idea id) of the latest audit entries on ideas since a moment, by someone else,
    newest first: what the home then keeps of those on the ideas a member follows. Bounded by
    recent activity, not by how many ideas anyone follows. One query."""
    entries = audit_entries(workspace=workspace, object_type="idea", since=since).exclude(actor_id=by_others_than)
    return [(pk, int(idea)) for pk, idea in entries.values_list("pk", "object_id")[:limit] if idea.isdigit()]


def audit_entries_by_id(*, workspace, ids: list[int]) -> list:
    """These audit entries, in the order given. One query."""
    found = {e.pk: e for e in audit_entries(workspace=workspace).filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def unscored_count(*, workspace) -> int:
    return Idea.objects.filter(workspace=workspace, status__in=[IdeaStatus.NEW, IdeaStatus.UNDER_REVIEW]).count()
