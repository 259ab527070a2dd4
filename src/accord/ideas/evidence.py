"""Evidence criteria: a criterion whose input comes from data (linked feedback, votes, goals), not ratings.

Higher capabilities register an EvidenceSource at start-up (ideas knows nothing of them); their services
call `refresh` inside their transaction whenever the data behind a source changes. The raw value maps
onto the criterion's scale against a fixed saturation, so scores stay absolute: adding evidence to one
idea never changes another idea's score.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from accord.ideas.models import Criterion, IdeaScore, ModelKind, ScoreEvent

# (workspace id, idea ids or None for every idea) -> raw value per idea id; missing ids count 0.
Compute = Callable[[int, list[int] | None], dict[int, float]]


@dataclass(frozen=True)
class EvidenceSource:
    key: str  # "<app>.<name>", e.g. "feedback.linked"
    label: str  # shown in the criterion editor and on the score breakdown
    saturation: float  # default raw value that earns the top of the criterion's scale
    compute: Compute
    unit: str = ""  # what one raw unit is, e.g. "items", "customers", "votes"


SOURCES: dict[str, EvidenceSource] = {}


def register(source: EvidenceSource) -> None:
    if source.saturation <= 0:
        raise ValueError(f"Evidence source {source.key}: saturation must be positive.")
    existing = SOURCES.get(source.key)
    if existing is not None and existing.compute is not source.compute:
        raise ValueError(f"Evidence source {source.key} is registered twice.")
    SOURCES[source.key] = source


def choices() -> list[tuple[str, str]]:
    return sorted(((s.key, s.label) for s in SOURCES.values()), key=lambda kv: kv[1])


def scaled(criterion: Criterion, raw: float) -> float:
    """The criterion's input for a raw value: linear up to the saturation, snapped to allowed steps."""
    source = SOURCES.get(criterion.source)
    saturation = criterion.saturation or (source.saturation if source else 1.0)
    share = min(max(raw, 0.0) / saturation, 1.0)
    value = criterion.scale_min + (criterion.scale_max - criterion.scale_min) * share
    if criterion.allowed:
        value = min(criterion.allowed, key=lambda step: (abs(step - value), step))
    return round(value, 4)


def refresh(
    *,
    workspace_id: int,
    keys: Iterable[str] | None = None,
    idea_ids: Iterable[int] | None = None,
    model_id: int | None = None,
) -> int:
    """Recompute evidence inputs (of these sources, ideas, model) and rescore what changed. Returns the
    number of idea scores that changed."""
    from accord.ideas.services.rescore import rescore  # services import this module

    criteria = Criterion.objects.filter(model__workspace_id=workspace_id).exclude(source="")
    criteria = criteria.exclude(model__kind=ModelKind.KANO).select_related("model")
    if keys is not None:
        criteria = criteria.filter(source__in=list(keys))
    if model_id is not None:
        criteria = criteria.filter(model_id=model_id)
    criteria = [c for c in criteria if c.source in SOURCES]
    if not criteria:
        return 0
    ids = None if idea_ids is None else sorted(set(idea_ids))
    if ids == []:
        return 0
    raw: dict[str, dict[int, float]] = {}
    by_model: dict[int, list[Criterion]] = defaultdict(list)
    for c in criteria:
        if c.source not in raw:
            raw[c.source] = SOURCES[c.source].compute(workspace_id, ids)
        by_model[c.model_id].append(c)
    changed_total = 0
    for model_criteria in by_model.values():
        model = model_criteria[0].model
        scores = IdeaScore.objects.select_for_update().filter(model=model)
        if ids is not None:
            scores = scores.filter(idea_id__in=ids)
        changed = []
        for score in scores.only("id", "idea_id", "inputs"):
            inputs = dict(score.inputs)
            for c in model_criteria:
                inputs[c.key] = scaled(c, raw[c.source].get(score.idea_id, 0.0))
            if inputs != score.inputs:
                score.inputs = inputs
                changed.append(score)
        if not changed:
            continue
        IdeaScore.objects.bulk_update(changed, ["inputs"], batch_size=2000)
        changed_ids = [s.idea_id for s in changed]
        rescore(model, changed_ids)
        labels = ", ".join(sorted({SOURCES[c.source].label.lower() for c in model_criteria}))
        values = dict(
            IdeaScore.objects.filter(model=model, idea_id__in=changed_ids).values_list("idea_id", "value")
        )
        ScoreEvent.objects.bulk_create(
            [
                ScoreEvent(
                    idea_id=s.idea_id,
                    model=model,
                    inputs=s.inputs,
                    value=values.get(s.idea_id),
                    note=f"evidence changed ({labels})"[:200],
                )
                for s in changed
            ],
            batch_size=2000,
        )
        changed_total += len(changed)
    return changed_total
