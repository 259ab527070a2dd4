"""Writes to scoring models and their criteria, agreed inputs, and Kano answers."""

import re
from collections import Counter

from django.db import transaction
from django.utils import timezone

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text, one_line
from accord.core.concurrency import save_versioned
from accord.core.errors import FieldError, Invalid
from accord.core.numbers import to_float
from accord.ideas import evidence, scoring
from accord.ideas.models import (
    Criterion,
    CriterionRole,
    Idea,
    IdeaScore,
    KanoAnswer,
    ModelKind,
    ModelRevision,
    ScoreEvent,
    ScoringModel,
)
from accord.workspaces.models import Membership
from accord.workspaces.permissions import require

from .common import get_idea, get_model
from .rescore import Scorer, rescore

MODEL_FIELDS = [
    "name",
    "kind",
    "description",
    "formula",
    "options",
    "is_default",
    "promote_threshold",
    "park_threshold",
]
KEY = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")


def _criteria_snapshot(criteria: list[Criterion]) -> list[dict]:
    return [
        {
            "key": c.key,
            "name": c.name,
            "role": c.role,
            "weight": c.weight,
            "scale_min": c.scale_min,
            "scale_max": c.scale_max,
            "allowed": c.allowed,
            "source": c.source,
            "saturation": c.saturation,
        }
        for c in criteria
    ]


def _clean_criteria(kind: str, rows: list[dict] | None) -> list[Criterion]:
    """Criteria as given (or the preset's), validated: unique keys, sane scales, weights >= 0."""
    if rows is None:
        preset = scoring.PRESETS[kind]
        rows = [
            {
                "key": c.key,
                "name": c.name,
                "role": c.role,
                "weight": c.weight,
                "scale_min": c.scale_min,
                "scale_max": c.scale_max,
                "allowed": list(c.allowed) if c.allowed else None,
            }
            for c in preset.criteria
        ]
    if kind != ModelKind.KANO and not rows:
        raise Invalid.field("criteria", "A scoring model needs at least one criterion.")
    if len(rows) > 30:
        raise Invalid.field("criteria", "At most 30 criteria.")
    seen: set[str] = set()
    criteria, errors = [], []
    for i, row in enumerate(rows):
        key = str(row.get("key") or "").strip()
        where = f"criteria.{i}"
        if not KEY.match(key):
            errors.append(
                FieldError(
                    f"{where}.key",
                    f"{key!r} is not a valid key: lower-case letters, digits and _, starting with a letter.",
                )
            )
            continue
        if key in seen:
            errors.append(FieldError(f"{where}.key", f"Duplicate criterion key {key!r}."))
            continue
        seen.add(key)
        role = row.get("role") or CriterionRole.BENEFIT
        if role not in CriterionRole.values:
            errors.append(
                FieldError(f"{where}.role", f"Unknown role {role!r}; use benefit, cost or input.")
            )
        try:
            weight = to_float(row.get("weight", 1))
            scale_min, scale_max = to_float(row.get("scale_min", 1)), to_float(row.get("scale_max", 5))
        except (TypeError, ValueError):
            errors.append(FieldError(where, "Weight and scale must be numbers."))
            continue
        if weight < 0 or weight > 1_000_000:
            errors.append(FieldError(f"{where}.weight", "A weight is between 0 and 1,000,000."))
        if scale_max <= scale_min:
            errors.append(
                FieldError(f"{where}.scale_max", "The scale's maximum must be above its minimum.")
            )
        allowed = row.get("allowed")
        if allowed is not None:
            try:
                allowed = sorted({to_float(v) for v in allowed})
            except (TypeError, ValueError):
                errors.append(FieldError(f"{where}.allowed", "Allowed values must be numbers."))
                allowed = None
        source, saturation = _clean_source(row, where, errors)
        name = one_line(str(row.get("name") or key.replace("_", " ").capitalize()).strip())[:120]
        criteria.append(
            Criterion(
                key=key,
                name=name,
                description=str(row.get("description") or "")[:2000],
                role=role,
                weight=weight,
                scale_min=scale_min,
                scale_max=scale_max,
                allowed=allowed or None,
                position=i,
                source=source,
                saturation=saturation,
            )
        )
    if errors:
        raise Invalid("Some criteria are not valid.", errors)
    return criteria


def _clean_source(row: dict, where: str, errors: list[FieldError]) -> tuple[str, float | None]:
    """An evidence criterion's source (a registered key, or blank) and its saturation (> 0, or None)."""
    source = str(row.get("source") or "").strip()
    if source and source not in evidence.SOURCES:
        known = ", ".join(sorted(evidence.SOURCES)) or "none installed"
        errors.append(FieldError(f"{where}.source", f"Unknown evidence source {source!r}; use one of: {known}."))
        source = ""
    saturation = row.get("saturation")
    if saturation in (None, ""):
        return source, None
    try:
        saturation = to_float(saturation)
    except (TypeError, ValueError):
        errors.append(FieldError(f"{where}.saturation", "The saturation must be a number."))
        return source, None
    if not 0 < saturation <= 1e12:
        errors.append(FieldError(f"{where}.saturation", "The saturation must be above 0."))
        return source, None
    return source, saturation


def _check_formula(kind: str, formula: str, criteria: list[Criterion]) -> str:
    if kind != ModelKind.FORMULA:
        return ""
    formula = (formula or "").strip()
    try:
        scoring.compile_formula(formula, [c.key for c in criteria])
    except scoring.FormulaError as exc:
        raise Invalid(
            "The formula cannot be used: " + str(exc), [FieldError("formula", str(exc))]
        ) from exc
    return formula


def _clean_thresholds(promote: float | None, park: float | None) -> None:
    if promote is not None and park is not None and park > promote:
        raise Invalid.field(
            "park_threshold", "The park threshold must not be above the promote threshold."
        )


def _clean_options(kind: str, options: dict | None) -> dict:
    options = dict(options or {})
    if kind == ModelKind.ICE and options.get("variant", "average") not in ("average", "product"):
        raise Invalid.field(
            "options.variant", "ICE is either the average or the product of its three scores."
        )
    unknown = set(options) - {"variant"}
    if unknown:
        raise Invalid.field("options", f"Unknown option(s): {', '.join(sorted(unknown))}.")
    return options


def _revise(model: ScoringModel, criteria: list[Criterion], actor, note: str) -> None:
    ModelRevision.objects.create(
        model=model,
        criteria=_criteria_snapshot(criteria),
        formula=model.formula,
        options=model.options,
        note=note[:200],
        changed_by=actor,
    )


@transaction.atomic
def scoring_model_create(
    *,
    member: Membership,
    name: str,
    kind: str,
    description: str = "",
    criteria: list[dict] | None = None,
    formula: str = "",
    options: dict | None = None,
    promote_threshold: float | None = None,
    park_threshold: float | None = None,
    is_default: bool = False,
) -> ScoringModel:
    require(member, "scoring_model.manage")
    if kind not in ModelKind.values:
        raise Invalid.field(
            "kind", f"Unknown kind {kind!r}; use one of {', '.join(ModelKind.values)}."
        )
    name = clean_text(name, "name", required=True, max_length=120)
    if ScoringModel.objects.filter(workspace_id=member.workspace_id, name__iexact=name).exists():
        raise Invalid.field("name", f"A scoring model called {name!r} already exists.")
    rows = criteria if criteria is not None or kind != ModelKind.FORMULA else []
    cleaned = _clean_criteria(kind, rows)
    _clean_thresholds(promote_threshold, park_threshold)
    first = not ScoringModel.objects.filter(workspace_id=member.workspace_id).exists()
    if is_default:
        ScoringModel.objects.filter(workspace_id=member.workspace_id, is_default=True).update(
            is_default=False
        )
    model = ScoringModel.objects.create(
        workspace_id=member.workspace_id,
        name=name,
        kind=kind,
        description=clean_text(description, "description", max_length=5000, multiline=True),
        formula=_check_formula(kind, formula, cleaned),
        options=_clean_options(kind, options),
        promote_threshold=promote_threshold,
        park_threshold=park_threshold,
        is_default=is_default or first,
    )
    for c in cleaned:
        c.model = model
    Criterion.objects.bulk_create(cleaned)
    IdeaScore.objects.bulk_create(
        (
            IdeaScore(idea_id=pk, model=model, undefined_reason="not scored yet")
            for pk in Idea.objects.filter(workspace_id=member.workspace_id)
            .values_list("pk", flat=True)
            .iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )
    _revise(model, cleaned, member.user, "created")
    evidence.refresh(workspace_id=member.workspace_id, model_id=model.pk)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=model,
        object_type="scoring model",
        after={**snapshot(model, MODEL_FIELDS), "criteria": _criteria_snapshot(cleaned)},
    )
    return model


@transaction.atomic
def scoring_model_update(
    *,
    member: Membership,
    model_id: int,
    version: int,
    name: str | None = None,
    description: str | None = None,
    criteria: list[dict] | None = None,
    formula: str | None = None,
    options: dict | None = None,
    promote_threshold: float | None = None,
    park_threshold: float | None = None,
    is_default: bool | None = None,
    clear_thresholds: bool = False,
) -> ScoringModel:
    """Change a model; a change to criteria, weights, formula or options rescores every idea at once."""
    require(member, "scoring_model.manage")
    model = get_model(member, model_id)
    old_criteria = list(model.criteria.all())
    before = {**snapshot(model, MODEL_FIELDS), "criteria": _criteria_snapshot(old_criteria)}
    if name is not None:
        model.name = clean_text(name, "name", required=True, max_length=120)
        if (
            ScoringModel.objects.filter(workspace_id=member.workspace_id, name__iexact=model.name)
            .exclude(pk=model.pk)
            .exists()
        ):
            raise Invalid.field("name", f"A scoring model called {model.name!r} already exists.")
    if description is not None:
        model.description = clean_text(description, "description", max_length=5000, multiline=True)
    new_criteria = _clean_criteria(model.kind, criteria) if criteria is not None else old_criteria
    if formula is not None or criteria is not None:
        model.formula = _check_formula(
            model.kind, formula if formula is not None else model.formula, new_criteria
        )
    if options is not None:
        model.options = _clean_options(model.kind, options)
    if clear_thresholds:
        model.promote_threshold = model.park_threshold = None
    if promote_threshold is not None:
        model.promote_threshold = promote_threshold
    if park_threshold is not None:
        model.park_threshold = park_threshold
    _clean_thresholds(model.promote_threshold, model.park_threshold)
    if is_default:
        ScoringModel.objects.filter(workspace_id=member.workspace_id, is_default=True).exclude(
            pk=model.pk
        ).update(is_default=False)
        model.is_default = True
    elif is_default is False and model.is_default:
        raise Invalid.field("is_default", "Make another model the default instead.")
    save_versioned(model, version, [f for f in MODEL_FIELDS if f != "kind"])
    if criteria is not None:
        _replace_criteria(model, old_criteria, new_criteria)
    after_criteria = list(model.criteria.all())
    after = {**snapshot(model, MODEL_FIELDS), "criteria": _criteria_snapshot(after_criteria)}
    if (after["criteria"], after["formula"], after["options"]) != (
        before["criteria"],
        before["formula"],
        before["options"],
    ):
        _revise(model, after_criteria, member.user, "criteria, weights or formula changed")
        rescore(model)
        evidence.refresh(workspace_id=member.workspace_id, model_id=model.pk)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="updated",
        obj=model,
        object_type="scoring model",
        before=before,
        after=after,
    )
    return model


def _replace_criteria(model: ScoringModel, old: list[Criterion], new: list[Criterion]) -> None:
    """Keep criteria whose key stays (their ratings survive); add new ones; drop the rest."""
    by_key = {c.key: c for c in old}
    keep = []
    for c in new:
        existing = by_key.pop(c.key, None)
        if existing:
            for f in (
                "name",
                "description",
                "role",
                "weight",
                "scale_min",
                "scale_max",
                "allowed",
                "position",
                "source",
                "saturation",
            ):
                setattr(existing, f, getattr(c, f))
            keep.append(existing)
        else:
            c.model = model
            c.save()
    if keep:
        Criterion.objects.bulk_update(
            keep,
            [
                "name",
                "description",
                "role",
                "weight",
                "scale_min",
                "scale_max",
                "allowed",
                "position",
                "source",
                "saturation",
            ],
        )
    if by_key:
        Criterion.objects.filter(pk__in=[c.pk for c in by_key.values()]).delete()


@transaction.atomic
def scoring_model_delete(*, member: Membership, model_id: int) -> None:
    require(member, "scoring_model.manage")
    model = get_model(member, model_id)
    if model.is_default:
        raise Invalid.field(
            "is_default", "The default model cannot be deleted; make another one the default first."
        )
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=model,
        object_type="scoring model",
        before=snapshot(model, MODEL_FIELDS),
    )
    model.delete()


# ---------------------------------------------------------------- agreed inputs


def clean_inputs(
    model: ScoringModel, criteria: list[Criterion], values: dict
) -> dict[str, float | None]:
    """Values per criterion key, each on its criterion's scale; None clears a value. Names the bad field."""
    by_key = {c.key: c for c in criteria}
    specs = {s.key: s for s in Scorer(model, criteria).specs}
    cleaned: dict[str, float | None] = {}
    errors = []
    for key, value in values.items():
        if key not in by_key:
            errors.append(
                FieldError(
                    f"values.{key}",
                    f"Unknown criterion {key!r}; this model has {', '.join(by_key) or 'no criteria'}.",
                )
            )
            continue
        if by_key[key].source:
            errors.append(
                FieldError(f"values.{key}", f"{by_key[key].name} is filled from evidence, not rated.")
            )
            continue
        if value is None:
            cleaned[key] = None
            continue
        try:
            number = to_float(value)
            scoring.validate_value(specs[key], number)
        except (TypeError, ValueError) as exc:
            errors.append(
                FieldError(
                    f"values.{key}",
                    str(exc) if isinstance(exc, ValueError) and str(exc) else "Must be a number.",
                )
            )
            continue
        cleaned[key] = number
    if errors:
        raise Invalid("Some scores are not valid.", errors)
    return cleaned


def apply_inputs(
    model: ScoringModel, idea: Idea, changes: dict[str, float | None], note: str
) -> IdeaScore:
    """Merge agreed inputs into the idea's score under the model, rescore it, and add a history point."""
    score, _ = IdeaScore.objects.select_for_update().get_or_create(idea=idea, model=model)
    inputs = {**score.inputs, **changes}
    inputs = {k: v for k, v in inputs.items() if v is not None}
    IdeaScore.objects.filter(pk=score.pk).update(inputs=inputs)
    rescore(model, [idea.pk])
    score.refresh_from_db()
    ScoreEvent.objects.create(
        idea=idea, model=model, inputs=inputs, value=score.value, note=note[:200]
    )
    return score


@transaction.atomic
def idea_set_inputs(*, member: Membership, idea_id: int, model_id: int, values: dict) -> IdeaScore:
    """An editor records agreed values directly (without a round), e.g. from a meeting."""
    require(member, "idea.edit")
    idea = get_idea(member, idea_id)
    model = get_model(member, model_id)
    if model.kind == ModelKind.KANO:
        raise Invalid.field(
            "model_id", "Kano scores come from questionnaire answers; add answers instead."
        )
    criteria = list(model.criteria.all())
    changes = clean_inputs(model, criteria, values)
    before = (
        IdeaScore.objects.filter(idea=idea, model=model).values_list("inputs", flat=True).first()
        or {}
    )
    score = apply_inputs(model, idea, changes, f"set by {member.user.display_name}")
    mark_scored(idea)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="scored",
        obj=idea,
        # The model only in `after`: the entry keeps what changed, and the model never does.
        before={"inputs": before},
        after={"model": model.name, "inputs": score.inputs, "score": score.value},
    )
    return score


def mark_scored(idea: Idea) -> None:
    from accord.ideas.models import IdeaStatus

    if idea.status in (IdeaStatus.NEW, IdeaStatus.UNDER_REVIEW):
        Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.SCORED, updated_at=timezone.now())


# ---------------------------------------------------------------- Kano


def kano_counts(model: ScoringModel, idea: Idea) -> dict[str, int]:
    pairs = KanoAnswer.objects.filter(model=model, idea=idea).values_list(
        "functional", "dysfunctional"
    )
    return dict(Counter(scoring.kano_classify(f, d) for f, d in pairs))


@transaction.atomic
def kano_answer_set(
    *,
    member: Membership,
    model_id: int,
    idea_id: int,
    respondent: str,
    functional: str,
    dysfunctional: str,
) -> KanoAnswer:
    """Record (or replace) one respondent's pair of answers; the idea's Kano result follows."""
    require(member, "rating.submit")
    model = get_model(member, model_id)
    if model.kind != ModelKind.KANO:
        raise Invalid.field("model_id", "This is not a Kano model.")
    idea = get_idea(member, idea_id)
    respondent = clean_text(respondent, "respondent", required=True, max_length=200)
    for field, value in (("functional", functional), ("dysfunctional", dysfunctional)):
        if value not in scoring.KANO_ANSWERS:
            raise Invalid.field(field, f"Answer with one of {', '.join(scoring.KANO_ANSWERS)}.")
    answer, _ = KanoAnswer.objects.update_or_create(
        model=model,
        idea=idea,
        respondent=respondent,
        defaults={"functional": functional, "dysfunctional": dysfunctional},
    )
    counts = kano_counts(model, idea)
    IdeaScore.objects.filter(idea=idea, model=model).update(inputs={})
    apply_inputs(model, idea, counts, f"Kano answer from {respondent}")
    record(
        workspace=member.workspace,
        actor=member.user,
        action="kano_answer",
        obj=idea,
        after={
            "model": model.name,
            "respondent": respondent,
            "functional": functional,
            "dysfunctional": dysfunctional,
            "category": scoring.kano_classify(functional, dysfunctional),
        },
    )
    return answer
