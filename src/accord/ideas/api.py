"""REST API for ideas, scoring models, scoring rounds and decisions (thin: services do the work)."""

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from accord.core.api_support import (
    BodyId,
    BodyInt,
    DateIn,
    Id,
    Number,
    Page,
    PageParams,
    QueryNumber,
    StrictBool,
    paginate,
    responses,
)
from accord.core.markdown import render_markdown
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import evidence, scoring, selectors, services
from .models import DecisionKind, IdeaStatus, ModelKind, RoundStatus

router = Router(auth=API_AUTH, tags=["ideas"])


# ---------------------------------------------------------------- schemas


class TeamRef(Schema):
    id: int
    name: str


class IdeaOut(Schema):
    id: int
    title: str
    status: IdeaStatus
    department: TeamRef | None
    product_area: str
    tags: list[str]
    submitter: str | None
    score: float | None = Field(None, description="Under the requested (or default) scoring model.")
    score_category: str | None = None
    score_undefined: str | None = Field(
        None, description="Why there is no score, when there is none."
    )
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        if isinstance(obj, dict):  # a row of selectors.idea_rows
            return obj["tags"]
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_submitter(obj) -> str | None:
        if isinstance(obj, dict):
            return obj["submitter"]
        return obj.submitter.email if obj.submitter else None


class ScoreOut(Schema):
    model_id: int
    model: str
    kind: ModelKind
    value: float | None = Field(description="The score (for Kano: the Better coefficient, 0 to 1).")
    worse: float | None = Field(
        description="Kano: the Worse (dissatisfaction) coefficient, -1 to 0; null for other kinds."
    )
    category: str
    undefined_reason: str
    inputs: dict[str, float]
    breakdown: dict[str, float]
    explanation: str
    suggestion: str | None


class DecisionOut(Schema):
    id: int
    kind: DecisionKind
    reason: str
    revisit_on: date | None
    revisit_condition: str
    score_snapshot: dict[str, Any]
    decided_by: str | None
    decided_at: datetime

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.email if obj.decided_by else None


class IdeaDetailOut(IdeaOut):
    description: str
    description_html: str
    problem: str
    scores: list[ScoreOut]
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_description_html(obj) -> str:
        return render_markdown(obj.description)

    @staticmethod
    def resolve_scores(obj) -> list:
        return obj.score_views

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(selectors.decisions(idea=obj))


class IdeaIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=20000)
    problem: str = Field("", max_length=5000)
    department_id: BodyId | None = None
    product_area: str = Field("", max_length=100)
    tags: list[str] = Field(default_factory=list, max_length=30)


class IdeaPatch(Schema):
    version: BodyInt
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=20000)
    problem: str | None = Field(None, max_length=5000)
    department_id: BodyId | None = None
    product_area: str | None = Field(None, max_length=100)
    tags: list[str] | None = Field(None, max_length=30)
    status: (
        Literal["new", "under_review", "scored", "planned", "parked", "rejected", "done"] | None
    ) = None


class IdeaFilter(Schema):
    q: str | None = Field(None, max_length=200)
    status: IdeaStatus | None = None
    tag: str | None = Field(None, max_length=60)
    department_id: Id | None = None
    submitter_id: Id | None = None
    score_min: QueryNumber | None = None
    score_max: QueryNumber | None = None
    model_id: Id | None = Field(
        None, description="Score under this model (default: the workspace's default model)."
    )
    sort: Literal[
        "score", "-score", "created", "-created", "title", "-title", "status", "-status"
    ] = "-score"
    criterion: str | None = Field(
        None, max_length=40, description="Sort by this criterion's agreed value instead."
    )


class BulkIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [{"idea_ids": [1, 2], "action": "tag", "tags": ["mobile"]}]
        }
    }

    idea_ids: list[BodyId] = Field(min_length=1, max_length=1000)
    action: Literal["tag", "untag", "status", "park"]
    tags: list[str] = Field(default_factory=list, max_length=30)
    status: (
        Literal["new", "under_review", "scored", "planned", "parked", "rejected", "done"] | None
    ) = None
    reason: str = Field("", max_length=5000)
    revisit_on: DateIn | None = None
    revisit_condition: str = Field("", max_length=300)


class BulkOut(Schema):
    updated: int


class MergeIn(Schema):
    target_id: BodyId


class DecisionIn(Schema):
    kind: DecisionKind
    reason: str = Field(min_length=1, max_length=5000)
    revisit_on: DateIn | None = None
    revisit_condition: str = Field("", max_length=300)


class InputsIn(Schema):
    values: dict[str, Number | None] = Field(
        description="Criterion key -> value on its scale (null clears)."
    )


class HistoryOut(Schema):
    at: datetime
    value: float | None
    note: str


class CriterionSchema(Schema):
    key: str = Field(min_length=1, max_length=40)
    name: str = Field("", max_length=120)
    description: str = Field("", max_length=2000)
    role: Literal["benefit", "cost", "input"] = "benefit"
    weight: Number = Field(1.0, ge=0, le=1_000_000)
    scale_min: Number = Field(1, ge=-1e9, le=1e9)
    scale_max: Number = Field(5, ge=-1e9, le=1e9)
    allowed: list[Number] | None = Field(None, max_length=50)
    source: str = Field(
        "", max_length=60, description="Evidence source key (see /evidence-sources); blank = rated by people."
    )
    saturation: Number | None = Field(
        None, gt=0, le=1e12, description="Raw evidence that earns the top of the scale (default: the source's)."
    )


class ScoringModelOut(Schema):
    id: int
    name: str
    kind: ModelKind
    description: str
    formula: str
    options: dict[str, Any]
    is_default: bool
    promote_threshold: float | None
    park_threshold: float | None
    criteria: list[CriterionSchema]
    version: int

    @staticmethod
    def resolve_criteria(obj) -> list:
        return list(obj.criteria.all())


class ScoringModelIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    kind: ModelKind
    description: str = Field("", max_length=5000)
    criteria: list[CriterionSchema] | None = Field(
        None, max_length=30, description="Default: the kind's preset criteria."
    )
    formula: str = Field("", max_length=500)
    options: dict[str, str] = Field(default_factory=dict)
    promote_threshold: Number | None = None
    park_threshold: Number | None = None
    is_default: StrictBool = False


class ScoringModelPatch(Schema):
    version: BodyInt
    name: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=5000)
    criteria: list[CriterionSchema] | None = Field(None, max_length=30)
    formula: str | None = Field(None, max_length=500)
    options: dict[str, str] | None = None
    promote_threshold: Number | None = None
    park_threshold: Number | None = None
    is_default: StrictBool | None = None


class PresetOut(Schema):
    kind: str
    label: str
    description: str
    formula: str | None
    criteria: list[CriterionSchema]


class WeightChangeOut(Schema):
    criterion: str
    current_weight: float
    new_weight: float
    delta: float
    relative_change_percent: float | None


class SensitivityOut(Schema):
    score_a: float
    score_b: float
    changes: list[WeightChangeOut]


class MatrixPoint(Schema):
    idea_id: int
    title: str
    value: float
    effort: float
    quadrant: str


class MatrixOut(Schema):
    value_criterion: str
    effort_criterion: str
    midpoint_value: float
    midpoint_effort: float
    points: list[MatrixPoint]


class KanoIn(Schema):
    idea_id: BodyId
    respondent: str = Field(min_length=1, max_length=200)
    functional: Literal["like", "expect", "neutral", "live_with", "dislike"]
    dysfunctional: Literal["like", "expect", "neutral", "live_with", "dislike"]


class KanoOut(Schema):
    idea_id: int
    respondent: str
    functional: str
    dysfunctional: str
    category: str


class RoundOut(Schema):
    id: int
    title: str
    status: RoundStatus
    model_id: int
    model: str
    opened_by: str | None
    opened_at: datetime
    closed_at: datetime | None
    version: int

    @staticmethod
    def resolve_model(obj) -> str:
        return obj.model.name

    @staticmethod
    def resolve_opened_by(obj) -> str | None:
        return obj.opened_by.email if obj.opened_by else None


class RoundIn(Schema):
    title: str = Field(min_length=1, max_length=150)
    model_id: BodyId | None = Field(None, description="Default: the workspace's default model.")
    idea_ids: list[BodyId] = Field(min_length=1, max_length=500)


class CellOut(Schema):
    idea_id: int
    criterion: str
    mine: float | None
    count: int
    mean: float | None
    median: float | None
    stdev: float | None
    min: float | None
    max: float | None
    disagreement: bool
    by_department: dict[str, float]


class ParticipantOut(Schema):
    rater: str
    submitted_at: datetime | None


class RoundDetailOut(RoundOut):
    idea_ids: list[int]
    criteria: list[str]
    participants: list[ParticipantOut]
    cells: list[CellOut]

    @staticmethod
    def resolve_criteria(obj) -> list[str]:
        return obj.criterion_keys

    @staticmethod
    def resolve_participants(obj) -> list[dict]:
        return obj.participant_rows


class RatingsIn(Schema):
    values: dict[str, Number | None]


class RatingsOut(Schema):
    saved: int


class ParkedOut(Schema):
    idea: IdeaOut
    reason: str
    revisit_on: date | None
    revisit_condition: str
    parked_at: datetime | None
    due: bool


# ---------------------------------------------------------------- helpers


def _score_outs(idea) -> list[dict]:
    return [
        {
            "model_id": v.model.pk,
            "model": v.model.name,
            "kind": v.model.kind,
            "value": v.value,
            "worse": v.worse,
            "category": v.category,
            "undefined_reason": v.undefined_reason,
            "inputs": v.inputs,
            "breakdown": v.breakdown,
            "explanation": v.explanation,
            "suggestion": v.suggestion,
        }
        for v in selectors.idea_scores(idea=idea)
    ]


def _detail(workspace, idea_id: int):
    """The idea with every model's score (default model first), for IdeaDetailOut."""
    idea = selectors.idea(workspace=workspace, idea_id=idea_id)
    idea.score_views = _score_outs(idea)
    default = idea.score_views[0] if idea.score_views else None
    idea.score = default["value"] if default else None
    idea.score_category = default["category"] if default else None
    idea.score_undefined = default["undefined_reason"] if default else None
    return idea


def _model_or_default(workspace, model_id: int | None):
    if model_id:
        return selectors.scoring_model(workspace=workspace, model_id=model_id)
    return selectors.default_model(workspace=workspace)


# ---------------------------------------------------------------- ideas


@router.get(
    "/workspaces/{slug}/ideas",
    response=responses(200, Page[IdeaOut]),
    summary="List ideas (search, filter, sort by score)",
)
def list_ideas(
    request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[IdeaFilter]
):
    member = member_for(request, slug)
    require(member, "idea.view")
    params = filters.dict()
    model = _model_or_default(member.workspace, params.pop("model_id"))
    ideas = selectors.ideas(workspace=member.workspace, model=model, **params)
    # Rows, not model instances: the list pages through up to 100,000 ideas (see `accord bench`).
    return {
        "items": selectors.idea_rows(ideas[page.offset : page.offset + page.limit]),
        "count": selectors.idea_count(workspace=member.workspace, model=model, **params),
        "limit": page.limit,
        "offset": page.offset,
    }


@router.post(
    "/workspaces/{slug}/ideas", response=responses(201, IdeaDetailOut), summary="Submit an idea"
)
def create_idea(request: HttpRequest, slug: str, data: IdeaIn):
    member = member_for(request, slug)
    idea = services.idea_create(member=member, **data.dict())
    return Status(201, _detail(member.workspace, idea.pk))


# Before /ideas/{idea_id}: otherwise "bulk" would be taken for an idea id.
@router.post(
    "/workspaces/{slug}/ideas/bulk",
    response=responses(200, BulkOut),
    summary="Tag, set status of, or park many ideas (all or none)",
)
def bulk_ideas(request: HttpRequest, slug: str, data: BulkIn):
    updated = services.ideas_bulk(member=member_for(request, slug), **data.dict())
    return {"updated": updated}


@router.get(
    "/workspaces/{slug}/ideas/{idea_id}",
    response=responses(200, IdeaDetailOut),
    summary="Get an idea with its scores and decisions",
)
def get_idea(request: HttpRequest, slug: str, idea_id: Id):
    member = member_for(request, slug)
    require(member, "idea.view")
    return _detail(member.workspace, idea_id)


@router.patch(
    "/workspaces/{slug}/ideas/{idea_id}",
    response=responses(200, IdeaDetailOut),
    summary="Edit an idea or set its status",
)
def update_idea(request: HttpRequest, slug: str, idea_id: Id, data: IdeaPatch):
    member = member_for(request, slug)
    fields = data.dict(exclude_unset=True)
    services.idea_update(
        member=member,
        idea_id=idea_id,
        clear_department="department_id" in fields and fields["department_id"] is None,
        **{**data.dict(), "department_id": fields.get("department_id")},
    )
    return _detail(member.workspace, idea_id)


@router.delete(
    "/workspaces/{slug}/ideas/{idea_id}", response=responses(204), summary="Delete an idea"
)
def delete_idea(request: HttpRequest, slug: str, idea_id: Id):
    services.idea_delete(member=member_for(request, slug), idea_id=idea_id)
    return Status(204, None)


@router.post(
    "/workspaces/{slug}/ideas/{idea_id}/merge",
    response=responses(200, IdeaDetailOut),
    summary="Merge this duplicate into another idea",
)
def merge_idea(request: HttpRequest, slug: str, idea_id: Id, data: MergeIn):
    member = member_for(request, slug)
    target = services.idea_merge(member=member, source_id=idea_id, target_id=data.target_id)
    return _detail(member.workspace, target.pk)


@router.post(
    "/workspaces/{slug}/ideas/{idea_id}/decisions",
    response=responses(201, DecisionOut),
    summary="Promote, park, reject or reopen an idea",
)
def decide_idea(request: HttpRequest, slug: str, idea_id: Id, data: DecisionIn):
    decision = services.decide(member=member_for(request, slug), idea_id=idea_id, **data.dict())
    return Status(201, decision)


@router.put(
    "/workspaces/{slug}/ideas/{idea_id}/scores/{model_id}",
    response=responses(200, ScoreOut),
    summary="Set agreed criterion values directly",
)
def set_scores(request: HttpRequest, slug: str, idea_id: Id, model_id: Id, data: InputsIn):
    member = member_for(request, slug)
    services.idea_set_inputs(member=member, idea_id=idea_id, model_id=model_id, values=data.values)
    idea = selectors.idea(workspace=member.workspace, idea_id=idea_id)
    return next(s for s in _score_outs(idea) if s["model_id"] == model_id)


@router.get(
    "/workspaces/{slug}/ideas/{idea_id}/scores/{model_id}/history",
    response=responses(200, list[HistoryOut]),
    summary="An idea's score over time",
)
def score_history(request: HttpRequest, slug: str, idea_id: Id, model_id: Id):
    member = member_for(request, slug)
    require(member, "idea.view")
    idea = selectors.idea(workspace=member.workspace, idea_id=idea_id)
    model = selectors.scoring_model(workspace=member.workspace, model_id=model_id)
    return selectors.score_history(idea=idea, model=model)


@router.get(
    "/workspaces/{slug}/parking-lot",
    response=responses(200, list[ParkedOut]),
    summary="Parked ideas, those due for review first",
)
def parking_lot(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "idea.view")
    return [
        {
            "idea": r["idea"],
            "reason": r["decision"].reason if r["decision"] else "",
            "revisit_on": r["decision"].revisit_on if r["decision"] else None,
            "revisit_condition": r["decision"].revisit_condition if r["decision"] else "",
            "parked_at": r["decision"].decided_at if r["decision"] else None,
            "due": r["due"],
        }
        for r in selectors.parking_lot(workspace=member.workspace)
    ]


# ---------------------------------------------------------------- scoring models


@router.get(
    "/scoring-presets",
    response=responses(200, list[PresetOut]),
    summary="The kinds of scoring model and their default criteria",
)
def list_presets(request: HttpRequest):
    return [
        {
            "kind": p.kind,
            "label": p.label,
            "description": p.description,
            "formula": p.formula,
            "criteria": [
                c.__dict__ | {"allowed": list(c.allowed) if c.allowed else None} for c in p.criteria
            ],
        }
        for p in scoring.PRESETS.values()
    ]


class EvidenceSourceOut(Schema):
    key: str
    label: str
    saturation: float
    unit: str


@router.get(
    "/evidence-sources",
    response=responses(200, list[EvidenceSourceOut]),
    summary="Evidence a criterion can be filled from (linked feedback, votes, goals...)",
)
def list_evidence_sources(request: HttpRequest):
    return [evidence.SOURCES[key] for key, _ in evidence.choices()]


@router.get(
    "/workspaces/{slug}/scoring-models",
    response=responses(200, list[ScoringModelOut]),
    summary="List scoring models",
)
def list_models(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "scoring_model.view")
    return list(selectors.scoring_models(workspace=member.workspace))


@router.post(
    "/workspaces/{slug}/scoring-models",
    response=responses(201, ScoringModelOut),
    summary="Create a scoring model",
)
def create_model(request: HttpRequest, slug: str, data: ScoringModelIn):
    member = member_for(request, slug)
    model = services.scoring_model_create(member=member, **data.dict())
    return Status(201, selectors.scoring_model(workspace=member.workspace, model_id=model.pk))


@router.get(
    "/workspaces/{slug}/scoring-models/{model_id}",
    response=responses(200, ScoringModelOut),
    summary="Get a scoring model",
)
def get_model(request: HttpRequest, slug: str, model_id: Id):
    member = member_for(request, slug)
    require(member, "scoring_model.view")
    return selectors.scoring_model(workspace=member.workspace, model_id=model_id)


@router.patch(
    "/workspaces/{slug}/scoring-models/{model_id}",
    response=responses(200, ScoringModelOut),
    summary="Change a model (criteria and weights rescore every idea)",
)
def update_model(request: HttpRequest, slug: str, model_id: Id, data: ScoringModelPatch):
    member = member_for(request, slug)
    services.scoring_model_update(member=member, model_id=model_id, **data.dict())
    return selectors.scoring_model(workspace=member.workspace, model_id=model_id)


@router.delete(
    "/workspaces/{slug}/scoring-models/{model_id}",
    response=responses(204),
    summary="Delete a scoring model",
)
def delete_model(request: HttpRequest, slug: str, model_id: Id):
    services.scoring_model_delete(member=member_for(request, slug), model_id=model_id)
    return Status(204, None)


@router.get(
    "/workspaces/{slug}/scoring-models/{model_id}/sensitivity",
    response=responses(200, SensitivityOut),
    summary="Which single weight change would swap two ideas' ranks",
)
def sensitivity(request: HttpRequest, slug: str, model_id: Id, idea_a: Id, idea_b: Id):
    member = member_for(request, slug)
    require(member, "scoring_model.view")
    model = selectors.scoring_model(workspace=member.workspace, model_id=model_id)
    a = selectors.idea(workspace=member.workspace, idea_id=idea_a)
    b = selectors.idea(workspace=member.workspace, idea_id=idea_b)
    return selectors.sensitivity(model=model, idea_a=a, idea_b=b)


@router.get(
    "/workspaces/{slug}/scoring-models/{model_id}/matrix",
    response=responses(200, MatrixOut),
    summary="Value vs effort points and quadrants",
)
def matrix(request: HttpRequest, slug: str, model_id: Id):
    member = member_for(request, slug)
    require(member, "scoring_model.view")
    model = selectors.scoring_model(workspace=member.workspace, model_id=model_id)
    data = selectors.value_effort_matrix(workspace=member.workspace, model=model)
    return {
        "value_criterion": data["value"].key,
        "effort_criterion": data["effort"].key,
        "midpoint_value": data["midpoint_value"],
        "midpoint_effort": data["midpoint_effort"],
        "points": [
            {
                "idea_id": p["idea"].pk,
                "title": p["idea"].title,
                "value": p["value"],
                "effort": p["effort"],
                "quadrant": p["quadrant"],
            }
            for p in data["points"]
        ],
    }


@router.post(
    "/workspaces/{slug}/scoring-models/{model_id}/kano-answers",
    response=responses(200, KanoOut),
    summary="Record a respondent's Kano answers for an idea",
)
def kano_answer(request: HttpRequest, slug: str, model_id: Id, data: KanoIn):
    answer = services.kano_answer_set(
        member=member_for(request, slug), model_id=model_id, **data.dict()
    )
    return {
        "idea_id": answer.idea_id,
        "respondent": answer.respondent,
        "functional": answer.functional,
        "dysfunctional": answer.dysfunctional,
        "category": scoring.kano_classify(answer.functional, answer.dysfunctional),
    }


# ---------------------------------------------------------------- rounds


def _round_detail(member, round_id: int):
    """The round with the consensus the caller may see, for RoundDetailOut."""
    scoring_round = selectors.scoring_round(workspace=member.workspace, round_id=round_id)
    data = selectors.consensus(scoring_round=scoring_round, viewer=member.user)
    keys = {c.pk: c.key for c in data["criteria"]}
    cells = [
        {
            "idea_id": idea_id,
            "criterion": keys[criterion_id],
            "mine": data["mine"].get((idea_id, criterion_id)),
            "count": len(cell.ratings),
            "mean": cell.mean,
            "median": cell.median,
            "stdev": cell.stdev,
            "min": cell.min,
            "max": cell.max,
            "disagreement": cell.disagreement,
            "by_department": cell.by_department,
        }
        for (idea_id, criterion_id), cell in sorted(data["cells"].items())
    ]
    scoring_round.idea_ids = [i.pk for i in data["ideas"]]
    scoring_round.criterion_keys = [c.key for c in data["criteria"]]
    scoring_round.participant_rows = [{"rater": p.rater.email, "submitted_at": p.submitted_at} for p in data["participants"]]
    scoring_round.cells = cells
    return scoring_round


@router.get(
    "/workspaces/{slug}/rounds",
    response=responses(200, Page[RoundOut]),
    summary="List scoring rounds",
)
def list_rounds(
    request: HttpRequest, slug: str, page: Query[PageParams], status: RoundStatus | None = None
):
    member = member_for(request, slug)
    require(member, "idea.view")
    return paginate(selectors.rounds(workspace=member.workspace, status=status), page)


@router.post(
    "/workspaces/{slug}/rounds",
    response=responses(201, RoundDetailOut),
    summary="Open a scoring round",
)
def open_round(request: HttpRequest, slug: str, data: RoundIn):
    member = member_for(request, slug)
    require(member, "round.manage")
    model = selectors.scoring_model(workspace=member.workspace, model_id=data.model_id)
    scoring_round = services.round_open(
        member=member, model_id=model.pk, title=data.title, idea_ids=data.idea_ids
    )
    return Status(201, _round_detail(member, scoring_round.pk))


@router.get(
    "/workspaces/{slug}/rounds/{round_id}",
    response=responses(200, RoundDetailOut),
    summary="A round with the consensus you may see",
)
def get_round(request: HttpRequest, slug: str, round_id: Id):
    member = member_for(request, slug)
    require(member, "idea.view")
    return _round_detail(member, round_id)


@router.put(
    "/workspaces/{slug}/rounds/{round_id}/ratings/{idea_id}",
    response=responses(200, RatingsOut),
    summary="Save your scores for one idea",
)
def save_ratings(request: HttpRequest, slug: str, round_id: Id, idea_id: Id, data: RatingsIn):
    saved = services.ratings_save(
        member=member_for(request, slug), round_id=round_id, idea_id=idea_id, values=data.values
    )
    return {"saved": len(saved)}


@router.post(
    "/workspaces/{slug}/rounds/{round_id}/submit",
    response=responses(200, RoundDetailOut),
    summary="Submit your scores (others see them from now on)",
)
def submit_ratings(request: HttpRequest, slug: str, round_id: Id):
    member = member_for(request, slug)
    services.ratings_submit(member=member, round_id=round_id)
    return _round_detail(member, round_id)


@router.post(
    "/workspaces/{slug}/rounds/{round_id}/close",
    response=responses(200, RoundDetailOut),
    summary="Close the round: agree inputs and rescore",
)
def close_round(request: HttpRequest, slug: str, round_id: Id):
    member = member_for(request, slug)
    services.round_close(member=member, round_id=round_id)
    return _round_detail(member, round_id)
