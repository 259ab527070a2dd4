"""REST API for initiatives, the lifecycle (stages and gate templates), gates and stage moves.

Thin: the services write (and check initiative.manage / gate.check / gate.sign / gate.override /
lifecycle.manage), the selectors read; reads here check initiative.view. Under /workspaces/{slug}/.
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from accord.core.api_support import (
    BodyId,
    BodyInt,
    Id,
    Page,
    PageParams,
    PatchSchema,
    StrictBool,
    paginate,
    responses,
)
from accord.core.errors import NotFound
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import lifecycle, selectors, services
from .models import InitiativeKind

router = Router(auth=API_AUTH, tags=["initiatives"])

WS = "/workspaces/{slug}"


def _viewer(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "initiative.view")
    return member


# ---------------------------------------------------------------- schemas


class Ref(Schema):
    id: int
    name: str


class LifecycleStageOut(Schema):
    id: int
    key: str = Field(description="Stable name for filters, e.g. 'build'.")
    name: str
    description: str
    color: str
    position: int
    criteria: list[str] = Field(
        description="The gate template: exit criteria copied onto initiatives entering it."
    )
    version: int


class LifecycleStageIn(Schema):
    model_config = {"json_schema_extra": {"examples": [{"name": "Beta", "color": "#0369a1", "position": 3,
                                                        "criteria": ["Ten customers use it weekly"]}]}}  # fmt: skip
    name: str = Field(min_length=1, max_length=80)
    color: str = Field("#475569", pattern=r"^#[0-9a-fA-F]{6}$")
    description: str = Field("", max_length=2000)
    position: BodyInt | None = Field(
        None, ge=0, le=100, description="0 is first; the end by default."
    )
    criteria: list[str] = Field(default_factory=list, max_length=lifecycle.MAX_CRITERIA)


class LifecycleStagePatch(PatchSchema):
    version: BodyInt
    name: str = Field(None, min_length=1, max_length=80)
    color: str = Field(None, pattern=r"^#[0-9a-fA-F]{6}$")
    description: str = Field(None, max_length=2000)
    position: BodyInt = Field(None, ge=0, le=100, description="Move the stage: 0 is first.")
    criteria: list[str] = Field(
        None, max_length=lifecycle.MAX_CRITERIA, description="Replaces the gate template."
    )


class GateReadinessOut(Schema):
    criteria: int
    met: int
    signers: int
    signed: int
    ready: bool = Field(description="Every criterion met and every signer signed: it may move on.")
    text: str = Field(description='e.g. "3/5 criteria, 1/2 signed"')


class InitiativeOut(Schema):
    id: int
    name: str
    kind: InitiativeKind
    description: str
    stage: Ref
    stage_since: datetime
    owner: Ref | None
    archived: bool
    readiness: GateReadinessOut = Field(description="Of the gate of its current stage.")
    version: int


class CriterionOut(Schema):
    id: int
    text: str
    met: bool
    met_at: datetime | None
    met_by: str | None
    evidence: str


class SignerOut(Schema):
    id: int
    person: Ref
    signed_at: datetime | None
    comment: str
    own_gate: bool = Field(description="The initiative's owner signed their own gate.")


class StageChangeOut(Schema):
    at: datetime
    from_stage: Ref | None
    to_stage: Ref
    by: str | None
    evidence: str
    override_reason: str


class LinkedOut(Schema):
    id: int
    title: str


class InitiativeDetailOut(InitiativeOut):
    next_stage: Ref | None
    criteria: list[CriterionOut] = Field(
        description="The exit criteria of the current stage's gate."
    )
    signers: list[SignerOut] = Field(description="Who must sign the current stage's gate.")
    history: list[StageChangeOut] = Field(description="Stage changes, newest first.")
    ideas: list[LinkedOut]
    roadmap_items: list[LinkedOut]
    goals: list[LinkedOut]


class InitiativeIn(Schema):
    model_config = {
        "json_schema_extra": {"examples": [{"name": "Lumen Insights 2.0", "kind": "release"}]}
    }
    name: str = Field(min_length=1, max_length=200)
    kind: InitiativeKind = InitiativeKind.PRODUCT
    description: str = Field("", max_length=20000, description="Why it exists (Markdown).")
    owner_id: BodyId | None = Field(None, description="A person of the workspace.")
    stage_id: BodyId | None = Field(
        None, description="The first stage of the lifecycle by default."
    )
    idea_ids: list[BodyId] = Field(default_factory=list, max_length=500)
    roadmap_item_ids: list[BodyId] = Field(default_factory=list, max_length=500)
    goal_ids: list[BodyId] = Field(default_factory=list, max_length=500)


class InitiativePatch(PatchSchema):
    version: BodyInt
    name: str = Field(None, min_length=1, max_length=200)
    kind: InitiativeKind = None
    description: str = Field(None, max_length=20000)
    owner_id: BodyId | None = Field(None, description="null: nobody owns it.")
    archived: StrictBool = None


class InitiativeFilter(Schema):
    kind: InitiativeKind | None = None
    stage_id: Id | None = None
    q: str | None = Field(None, max_length=200, description="Part of the name.")
    archived: bool = Field(False, description="true: the archived ones instead.")


class StageMoveIn(Schema):
    model_config = {
        "json_schema_extra": {"examples": [{"to_stage_id": 3, "evidence": "Beta feedback: 4.5/5"}]}
    }
    to_stage_id: BodyId = Field(description="The next stage (its gate met), or any earlier stage.")
    evidence: str = Field("", max_length=5000)
    override: StrictBool = Field(
        False, description="Admins: move past an unmet gate (needs override_reason)."
    )
    override_reason: str = Field("", max_length=2000)


class CriterionIn(Schema):
    text: str = Field(min_length=1, max_length=300)


class CheckIn(Schema):
    evidence: str = Field("", max_length=500, description="A link or a sentence.")


class SignerIn(Schema):
    person_id: BodyId


class SignIn(Schema):
    comment: str = Field("", max_length=500)


class IdeaLinkIn(Schema):
    idea_id: BodyId


class ItemLinkIn(Schema):
    item_id: BodyId


class GoalLinkIn(Schema):
    goal_id: BodyId


class CardOut(Schema):
    id: int
    name: str
    kind: InitiativeKind
    owner: Ref | None
    readiness: GateReadinessOut
    ideas: int
    roadmap_items: int
    goals: int


class StageColumnOut(Schema):
    stage: LifecycleStageOut
    count: int
    initiatives: list[CardOut]


# ---------------------------------------------------------------- serializers


def _ref(obj, name: str = "name") -> dict | None:
    return {"id": obj.pk, "name": getattr(obj, name)} if obj is not None else None


def _readiness(r: selectors.Readiness) -> dict:
    return {"criteria": r.criteria, "met": r.met, "signers": r.signers, "signed": r.signed, "ready": r.ready,
            "text": r.text}  # fmt: skip


def _stage_out(stage) -> dict:
    return {"id": stage.pk, "key": stage.key, "name": stage.name, "description": stage.description,
            "color": stage.color, "position": stage.position, "criteria": [c.text for c in stage.criteria.all()],
            "version": stage.version}  # fmt: skip


def _initiative_out(i, readiness: selectors.Readiness) -> dict:
    return {
        "id": i.pk, "name": i.name, "kind": i.kind, "description": i.description, "stage": _ref(i.stage),
        "stage_since": i.stage_since, "owner": _ref(i.owner), "archived": i.archived_at is not None,
        "readiness": _readiness(readiness), "version": i.version,
    }  # fmt: skip


def _detail(member, initiative_id: int) -> dict:
    data = selectors.detail(workspace=member.workspace, initiative_id=initiative_id)
    if data is None:
        raise NotFound("No such initiative in this workspace.")
    i = data["initiative"]
    return {
        **_initiative_out(i, data["readiness"]),
        "next_stage": _ref(data["next_stage"]),
        "criteria": [
            {"id": c.pk, "text": c.text, "met": c.met_at is not None, "met_at": c.met_at,
             "met_by": c.met_by.email if c.met_by_id else None, "evidence": c.evidence}
            for c in data["criteria"]
        ],
        "signers": [
            {"id": s.pk, "person": _ref(s.person), "signed_at": s.signed_at, "comment": s.comment, "own_gate": s.own_gate}
            for s in data["signers"]
        ],
        "history": [
            {"at": h.at, "from_stage": _ref(h.from_stage), "to_stage": _ref(h.to_stage),
             "by": h.by.email if h.by_id else None, "evidence": h.evidence, "override_reason": h.override_reason}
            for h in data["history"]
        ],
        "ideas": [{"id": x.pk, "title": x.title} for x in data["ideas"]],
        "roadmap_items": [{"id": x.pk, "title": x.title} for x in data["items"]],
        "goals": [{"id": x.pk, "title": x.title} for x in data["goals"]],
    }  # fmt: skip


def _stages(member) -> list[dict]:
    return [_stage_out(s) for s in selectors.stages_with_templates(workspace=member.workspace)]


def _stage_detail(member, stage_id: int) -> dict:
    return next(s for s in _stages(member) if s["id"] == stage_id)


# ---------------------------------------------------------------- lifecycle stages


@router.get(f"{WS}/lifecycle-stages", response=responses(200, list[LifecycleStageOut]),
            summary="The lifecycle: stages in order, each with its gate template")  # fmt: skip
def list_stages(request: HttpRequest, slug: str):
    return _stages(_viewer(request, slug))


@router.post(
    f"{WS}/lifecycle-stages", response=responses(201, LifecycleStageOut), summary="Add a stage (admins)"
)
def create_stage(request: HttpRequest, slug: str, data: LifecycleStageIn):
    member = member_for(request, slug)
    stage = lifecycle.stage_create(member=member, **data.dict())
    return Status(201, _stage_detail(member, stage.pk))


@router.patch(f"{WS}/lifecycle-stages/{{stage_id}}", response=responses(200, LifecycleStageOut),
              summary="Rename, recolour, move a stage or replace its gate template (admins)")  # fmt: skip
def update_stage(request: HttpRequest, slug: str, stage_id: Id, data: LifecycleStagePatch):
    member = member_for(request, slug)
    lifecycle.stage_update(member=member, stage_id=stage_id, **data.dict(exclude_unset=True))
    return _stage_detail(member, stage_id)


@router.delete(f"{WS}/lifecycle-stages/{{stage_id}}", response=responses(204),
               summary="Remove a stage no initiative is in or has been through (admins)")  # fmt: skip
def delete_stage(request: HttpRequest, slug: str, stage_id: Id):
    lifecycle.stage_delete(member=member_for(request, slug), stage_id=stage_id)
    return Status(204, None)


# ---------------------------------------------------------------- initiatives


@router.get(f"{WS}/initiatives", response=responses(200, Page[InitiativeOut]),
            summary="List initiatives with their stage and gate readiness")  # fmt: skip
def list_initiatives(
    request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[InitiativeFilter]
):
    member = _viewer(request, slug)
    result = paginate(selectors.initiatives(workspace=member.workspace, **filters.dict()), page)
    ready = selectors.readiness([i.pk for i in result["items"]])
    result["items"] = [_initiative_out(i, ready[i.pk]) for i in result["items"]]
    return result


@router.get(f"{WS}/initiative-portfolio", response=responses(200, list[StageColumnOut]),
            summary="The portfolio: initiatives by stage, with gate readiness")  # fmt: skip
def portfolio(request: HttpRequest, slug: str, kind: InitiativeKind | None = None):
    member = _viewer(request, slug)
    columns = selectors.portfolio(workspace=member.workspace, kind=kind)
    templates = {s.pk: s for s in selectors.stages_with_templates(workspace=member.workspace)}
    return [
        {
            "stage": _stage_out(templates[c.stage.pk]), "count": c.count,
            "initiatives": [
                {"id": i.pk, "name": i.name, "kind": i.kind, "owner": _ref(i.owner),
                 "readiness": _readiness(i.readiness), "ideas": i.n_ideas, "roadmap_items": i.n_items,
                 "goals": i.n_goals}
                for i in c.cards
            ],
        }
        for c in columns
    ]  # fmt: skip


@router.post(
    f"{WS}/initiatives",
    response=responses(201, InitiativeDetailOut),
    summary="Create an initiative",
)
def create_initiative(request: HttpRequest, slug: str, data: InitiativeIn):
    member = member_for(request, slug)
    initiative = services.initiative_create(member=member, **data.dict())
    return Status(201, _detail(member, initiative.pk))


@router.get(f"{WS}/initiatives/{{initiative_id}}", response=responses(200, InitiativeDetailOut),
            summary="An initiative: its gate, stage history and what it groups")  # fmt: skip
def get_initiative(request: HttpRequest, slug: str, initiative_id: Id):
    return _detail(_viewer(request, slug), initiative_id)


@router.patch(f"{WS}/initiatives/{{initiative_id}}", response=responses(200, InitiativeDetailOut),
              summary="Change an initiative (its stage changes by a move)")  # fmt: skip
def update_initiative(request: HttpRequest, slug: str, initiative_id: Id, data: InitiativePatch):
    member = member_for(request, slug)
    services.initiative_update(
        member=member, initiative_id=initiative_id, **data.dict(exclude_unset=True)
    )
    return _detail(member, initiative_id)


@router.delete(
    f"{WS}/initiatives/{{initiative_id}}", response=responses(204), summary="Delete an initiative"
)
def delete_initiative(request: HttpRequest, slug: str, initiative_id: Id):
    services.initiative_delete(member=member_for(request, slug), initiative_id=initiative_id)
    return Status(204, None)


@router.post(f"{WS}/initiatives/{{initiative_id}}/move", response=responses(200, InitiativeDetailOut),
             summary="Move to the next stage (gate met, or an admin's override with a reason) or back")  # fmt: skip
def move_initiative(request: HttpRequest, slug: str, initiative_id: Id, data: StageMoveIn):
    member = member_for(request, slug)
    services.initiative_move(member=member, initiative_id=initiative_id, **data.dict())
    return _detail(member, initiative_id)


# ---------------------------------------------------------------- links


def _link(request, slug, initiative_id, link, object_id):
    member = member_for(request, slug)
    services.initiative_link(
        member=member, initiative_id=initiative_id, link=link, object_id=object_id
    )
    return Status(201, _detail(member, initiative_id))


def _unlink(request, slug, initiative_id, link, object_id):
    services.initiative_unlink(member=member_for(request, slug), initiative_id=initiative_id, link=link,
                               object_id=object_id)  # fmt: skip
    return Status(204, None)


@router.post(f"{WS}/initiatives/{{initiative_id}}/ideas", response=responses(201, InitiativeDetailOut),
             summary="Group an idea under the initiative")  # fmt: skip
def link_idea(request: HttpRequest, slug: str, initiative_id: Id, data: IdeaLinkIn):
    return _link(request, slug, initiative_id, "idea", data.idea_id)


@router.delete(f"{WS}/initiatives/{{initiative_id}}/ideas/{{idea_id}}", response=responses(204),
               summary="Take an idea out of the initiative")  # fmt: skip
def unlink_idea(request: HttpRequest, slug: str, initiative_id: Id, idea_id: Id):
    return _unlink(request, slug, initiative_id, "idea", idea_id)


@router.post(f"{WS}/initiatives/{{initiative_id}}/items", response=responses(201, InitiativeDetailOut),
             summary="Group a roadmap item under the initiative")  # fmt: skip
def link_item(request: HttpRequest, slug: str, initiative_id: Id, data: ItemLinkIn):
    return _link(request, slug, initiative_id, "roadmap_item", data.item_id)


@router.delete(f"{WS}/initiatives/{{initiative_id}}/items/{{item_id}}", response=responses(204),
               summary="Take a roadmap item out of the initiative")  # fmt: skip
def unlink_item(request: HttpRequest, slug: str, initiative_id: Id, item_id: Id):
    return _unlink(request, slug, initiative_id, "roadmap_item", item_id)


@router.post(f"{WS}/initiatives/{{initiative_id}}/goals", response=responses(201, InitiativeDetailOut),
             summary="Group a goal under the initiative")  # fmt: skip
def link_goal(request: HttpRequest, slug: str, initiative_id: Id, data: GoalLinkIn):
    return _link(request, slug, initiative_id, "goal", data.goal_id)


@router.delete(f"{WS}/initiatives/{{initiative_id}}/goals/{{goal_id}}", response=responses(204),
               summary="Take a goal out of the initiative")  # fmt: skip
def unlink_goal(request: HttpRequest, slug: str, initiative_id: Id, goal_id: Id):
    return _unlink(request, slug, initiative_id, "goal", goal_id)


# ---------------------------------------------------------------- the gate


@router.post(f"{WS}/initiatives/{{initiative_id}}/gate/criteria", response=responses(201, InitiativeDetailOut),
             summary="Add an exit criterion to the current stage's gate")  # fmt: skip
def add_criterion(request: HttpRequest, slug: str, initiative_id: Id, data: CriterionIn):
    member = member_for(request, slug)
    services.criterion_add(member=member, initiative_id=initiative_id, text=data.text)
    return Status(201, _detail(member, initiative_id))


@router.patch(f"{WS}/gate-criteria/{{gate_criterion_id}}", response=responses(200, InitiativeDetailOut),
              summary="Reword an exit criterion (answers its initiative)")  # fmt: skip
def update_criterion(request: HttpRequest, slug: str, gate_criterion_id: Id, data: CriterionIn):
    member = member_for(request, slug)
    c = services.criterion_update(member=member, criterion_id=gate_criterion_id, text=data.text)
    return _detail(member, c.initiative_id)


@router.delete(
    f"{WS}/gate-criteria/{{gate_criterion_id}}",
    response=responses(204),
    summary="Remove an exit criterion",
)
def delete_criterion(request: HttpRequest, slug: str, gate_criterion_id: Id):
    services.criterion_delete(member=member_for(request, slug), criterion_id=gate_criterion_id)
    return Status(204, None)


@router.post(f"{WS}/gate-criteria/{{gate_criterion_id}}/check", response=responses(200, InitiativeDetailOut),
             summary="Tick an exit criterion as met, with evidence")  # fmt: skip
def check_criterion(request: HttpRequest, slug: str, gate_criterion_id: Id, data: CheckIn):
    member = member_for(request, slug)
    c = services.criterion_check(
        member=member, criterion_id=gate_criterion_id, met=True, evidence=data.evidence
    )
    return _detail(member, c.initiative_id)


@router.delete(f"{WS}/gate-criteria/{{gate_criterion_id}}/check", response=responses(200, InitiativeDetailOut),
               summary="Untick an exit criterion")  # fmt: skip
def uncheck_criterion(request: HttpRequest, slug: str, gate_criterion_id: Id):
    member = member_for(request, slug)
    c = services.criterion_check(member=member, criterion_id=gate_criterion_id, met=False)
    return _detail(member, c.initiative_id)


@router.post(f"{WS}/initiatives/{{initiative_id}}/gate/signers", response=responses(201, InitiativeDetailOut),
             summary="Ask a person to sign the current stage's gate")  # fmt: skip
def add_signer(request: HttpRequest, slug: str, initiative_id: Id, data: SignerIn):
    member = member_for(request, slug)
    services.signer_add(member=member, initiative_id=initiative_id, person_id=data.person_id)
    return Status(201, _detail(member, initiative_id))


@router.delete(f"{WS}/gate-signers/{{gate_signer_id}}", response=responses(204),
               summary="No longer ask a person to sign a gate")  # fmt: skip
def remove_signer(request: HttpRequest, slug: str, gate_signer_id: Id):
    services.signer_remove(member=member_for(request, slug), signer_id=gate_signer_id)
    return Status(204, None)


@router.post(f"{WS}/initiatives/{{initiative_id}}/gate/signature", response=responses(201, InitiativeDetailOut),
             summary="Sign the current stage's gate (only someone asked to sign it may)")  # fmt: skip
def sign_gate(request: HttpRequest, slug: str, initiative_id: Id, data: SignIn):
    member = member_for(request, slug)
    services.gate_sign(member=member, initiative_id=initiative_id, comment=data.comment)
    return Status(201, _detail(member, initiative_id))


@router.delete(f"{WS}/initiatives/{{initiative_id}}/gate/signature", response=responses(200, InitiativeDetailOut),
               summary="Withdraw my signature from the current stage's gate")  # fmt: skip
def unsign_gate(request: HttpRequest, slug: str, initiative_id: Id):
    member = member_for(request, slug)
    services.gate_unsign(member=member, initiative_id=initiative_id)
    return _detail(member, initiative_id)
