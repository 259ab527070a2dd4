"""Every write to initiatives, their links, their gates (criteria, signers, signatures) and their
moves between lifecycle stages. Keyword-only, one transaction each, permission checked, audited.

The gate rule: an initiative moves to the NEXT stage only when every exit criterion of its current
stage is met and every signer asked has signed; an admin may override with a recorded reason.
Skipping stages forward is refused; moving back (rework) is always allowed and needs no gate.
Gate work (ticking criteria, adding signers, signing) is on the current stage's gate; the gates of
earlier stages stay as they were left, as a record.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from accord.goals.models import Goal
from accord.ideas.models import Idea
from accord.roadmaps.models import RoadmapItem
from accord.workspaces.models import Membership, Person
from accord.workspaces.permissions import can, require

from .lifecycle import ensure_stages
from .models import (
    GateCriterion,
    GateSigner,
    Initiative,
    InitiativeKind,
    LifecycleStage,
    StageChange,
    StageCriterion,
)

FIELDS = ["name", "kind", "description", "owner_id", "stage_id", "archived_at"]
MAX_GATE_CRITERIA = 50
MAX_SIGNERS = 20
# What an initiative may be linked to: the link's name -> (model, M2M field, words for messages).
LINKS = {
    "idea": (Idea, "ideas", "idea"),
    "roadmap_item": (RoadmapItem, "roadmap_items", "roadmap item"),
    "goal": (Goal, "goals", "goal"),
}
_UNSET = object()


# ---------------------------------------------------------------- lookups


def get_initiative(member: Membership, initiative_id: int, *, lock: bool = False) -> Initiative:
    qs = Initiative.objects.select_related("stage", "owner")
    if lock:
        qs = qs.select_for_update(of=("self",))
    initiative = qs.filter(pk=initiative_id, workspace_id=member.workspace_id).first()
    if initiative is None:
        raise NotFound("No such initiative in this workspace.")
    return initiative


def get_criterion(member: Membership, criterion_id: int) -> GateCriterion:
    criterion = (
        GateCriterion.objects.select_related("initiative", "stage")
        .filter(pk=criterion_id, initiative__workspace_id=member.workspace_id)
        .first()
    )
    if criterion is None:
        raise NotFound("No such gate criterion in this workspace.")
    return criterion


def get_signer(member: Membership, signer_id: int) -> GateSigner:
    signer = (
        GateSigner.objects.select_related("initiative", "stage", "person")
        .filter(pk=signer_id, initiative__workspace_id=member.workspace_id)
        .first()
    )
    if signer is None:
        raise NotFound("No such gate signer in this workspace.")
    return signer


def person_of(member: Membership) -> Person | None:
    """The member's own person in the workspace (every member has one)."""
    return (
        Person.objects.filter(workspace_id=member.workspace_id, user_id=member.user_id)
        .order_by("pk")
        .first()
    )


def _kind(value: str) -> str:
    if value not in InitiativeKind.values:
        raise Invalid.field("kind", f"Use one of {', '.join(InitiativeKind.values)}.")
    return value


def _person(member: Membership, person_id: int | None, field: str) -> int | None:
    if person_id is None:
        return None
    if not Person.objects.filter(pk=person_id, workspace_id=member.workspace_id).exists():
        raise Invalid.field(field, "No such person in this workspace.")
    return person_id


def _stage(member: Membership, stage_id: int | None, field: str = "stage_id") -> LifecycleStage:
    stages = ensure_stages(member.workspace_id)
    if stage_id is None:
        return stages[0]
    for stage in stages:
        if stage.pk == stage_id:
            return stage
    raise Invalid.field(field, "No such lifecycle stage in this workspace.")


def _linkables(member: Membership, link: str, ids: list[int], field: str) -> list[int]:
    model, _attr, noun = LINKS[link]
    ids = sorted(set(ids))
    found = set(
        model.objects.filter(workspace_id=member.workspace_id, pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    if len(found) != len(ids):
        raise Invalid.field(field, f"No such {noun} in this workspace.")
    return ids


def _state(initiative: Initiative) -> dict:
    return {
        **snapshot(initiative, FIELDS),
        "idea_ids": sorted(initiative.ideas.values_list("pk", flat=True)),
        "roadmap_item_ids": sorted(initiative.roadmap_items.values_list("pk", flat=True)),
        "goal_ids": sorted(initiative.goals.values_list("pk", flat=True)),
    }


def _copy_gate(initiative: Initiative, stage: LifecycleStage) -> None:
    """The stage's template criteria onto the initiative's gate for it, unless it has that gate."""
    if GateCriterion.objects.filter(initiative=initiative, stage=stage).exists():
        return
    GateCriterion.objects.bulk_create(
        GateCriterion(initiative=initiative, stage=stage, text=c.text, position=c.position)
        for c in StageCriterion.objects.filter(stage=stage)
    )


def _touch(initiative: Initiative) -> None:
    Initiative.objects.filter(pk=initiative.pk).update(updated_at=timezone.now())


# ---------------------------------------------------------------- initiatives


@transaction.atomic
def initiative_create(
    *,
    member: Membership,
    name: str,
    kind: str = InitiativeKind.PRODUCT,
    description: str = "",
    owner_id: int | None = None,
    stage_id: int | None = None,
    idea_ids: list[int] | None = None,
    roadmap_item_ids: list[int] | None = None,
    goal_ids: list[int] | None = None,
) -> Initiative:
    """A new initiative, in the given stage (the first by default), its gate copied from the stage."""
    require(member, "initiative.manage")
    initiative = Initiative(
        workspace_id=member.workspace_id,
        name=clean_text(name, "name", required=True, max_length=200),
        kind=_kind(kind),
        description=clean_text(description, "description", max_length=20000, multiline=True),
        owner_id=_person(member, owner_id, "owner_id"),
        stage=_stage(member, stage_id),
    )
    links = {
        "ideas": _linkables(member, "idea", idea_ids or [], "idea_ids"),
        "roadmap_items": _linkables(
            member, "roadmap_item", roadmap_item_ids or [], "roadmap_item_ids"
        ),
        "goals": _linkables(member, "goal", goal_ids or [], "goal_ids"),
    }
    initiative.save()
    for attr, ids in links.items():
        getattr(initiative, attr).set(ids)
    _copy_gate(initiative, initiative.stage)
    StageChange.objects.create(
        initiative=initiative, from_stage=None, to_stage=initiative.stage, by=member.user
    )
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=initiative,
        after=_state(initiative),
    )
    return initiative


@transaction.atomic
def initiative_update(
    *,
    member: Membership,
    initiative_id: int,
    version: int,
    name: str | None = None,
    kind: str | None = None,
    description: str | None = None,
    owner_id: int | object | None = _UNSET,
    archived: bool | None = None,
) -> Initiative:
    """Only what is given changes; owner_id may be cleared with None. The stage changes by a move."""
    require(member, "initiative.manage")
    initiative = get_initiative(member, initiative_id)
    before = _state(initiative)
    if name is not None:
        initiative.name = clean_text(name, "name", required=True, max_length=200)
    if kind is not None:
        initiative.kind = _kind(kind)
    if description is not None:
        initiative.description = clean_text(
            description, "description", max_length=20000, multiline=True
        )
    if owner_id is not _UNSET:
        initiative.owner_id = _person(member, owner_id, "owner_id")
    if archived is not None:
        initiative.archived_at = (initiative.archived_at or timezone.now()) if archived else None
    save_versioned(initiative, version, ["name", "kind", "description", "owner_id", "archived_at"])
    record(workspace=member.workspace, actor=member.user, action="updated", obj=initiative,
           before=before, after=_state(initiative))  # fmt: skip
    return initiative


@transaction.atomic
def initiative_delete(*, member: Membership, initiative_id: int) -> None:
    require(member, "initiative.manage")
    initiative = get_initiative(member, initiative_id)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=initiative,
        before=_state(initiative),
    )
    initiative.delete()


@transaction.atomic
def initiative_link(
    *, member: Membership, initiative_id: int, link: str, object_id: int
) -> Initiative:
    """Group an idea, a roadmap item or a goal under the initiative."""
    require(member, "initiative.manage")
    initiative = get_initiative(member, initiative_id)
    model, attr, noun = LINKS[link]
    obj = model.objects.filter(pk=object_id, workspace_id=member.workspace_id).first()
    if obj is None:
        raise Invalid.field(f"{link}_id", f"No such {noun} in this workspace.")
    related = getattr(initiative, attr)
    if related.filter(pk=obj.pk).exists():
        raise Conflict(f"This {noun} is already part of this initiative.")
    related.add(obj)
    _touch(initiative)
    record(workspace=member.workspace, actor=member.user, action="linked", obj=initiative,
           after={link: obj.pk, "title": getattr(obj, "title", str(obj))})  # fmt: skip
    return initiative


@transaction.atomic
def initiative_unlink(*, member: Membership, initiative_id: int, link: str, object_id: int) -> None:
    require(member, "initiative.manage")
    initiative = get_initiative(member, initiative_id)
    _model, attr, noun = LINKS[link]
    related = getattr(initiative, attr)
    obj = related.filter(pk=object_id).first()
    if obj is None:
        raise NotFound(f"This {noun} is not part of this initiative.")
    related.remove(obj)
    _touch(initiative)
    record(workspace=member.workspace, actor=member.user, action="unlinked", obj=initiative,
           before={link: obj.pk, "title": getattr(obj, "title", str(obj))})  # fmt: skip


# ---------------------------------------------------------------- the gate: criteria


def _current(criterion_or_signer, verb: str) -> None:
    initiative = criterion_or_signer.initiative
    if criterion_or_signer.stage_id != initiative.stage_id:
        raise Conflict(
            f"This belongs to the gate of {criterion_or_signer.stage.name}; {initiative.name} is in another "
            f"stage now, so it can no longer be {verb}."
        )


@transaction.atomic
def criterion_add(*, member: Membership, initiative_id: int, text: str) -> GateCriterion:
    """Add an exit criterion to the gate of the initiative's current stage."""
    require(member, "initiative.manage")
    initiative = get_initiative(member, initiative_id)
    text = clean_text(text, "text", required=True, max_length=300)
    gate = GateCriterion.objects.filter(initiative=initiative, stage_id=initiative.stage_id)
    count = gate.count()
    if count >= MAX_GATE_CRITERIA:
        raise Invalid.field("text", f"A gate has at most {MAX_GATE_CRITERIA} criteria.")
    criterion = GateCriterion.objects.create(initiative=initiative, stage_id=initiative.stage_id, text=text,
                                             position=count)  # fmt: skip
    _touch(initiative)
    record(workspace=member.workspace, actor=member.user, action="created", obj=criterion, object_type="gate criterion",
           after={"text": text, "initiative": initiative.pk, "stage_id": initiative.stage_id})  # fmt: skip
    return criterion


@transaction.atomic
def criterion_update(*, member: Membership, criterion_id: int, text: str) -> GateCriterion:
    require(member, "initiative.manage")
    criterion = get_criterion(member, criterion_id)
    _current(criterion, "changed")
    before = criterion.text
    criterion.text = clean_text(text, "text", required=True, max_length=300)
    criterion.save(update_fields=["text"])
    _touch(criterion.initiative)
    record(workspace=member.workspace, actor=member.user, action="updated", obj=criterion, object_type="gate criterion",
           before={"text": before}, after={"text": criterion.text})  # fmt: skip
    return criterion


@transaction.atomic
def criterion_delete(*, member: Membership, criterion_id: int) -> None:
    require(member, "initiative.manage")
    criterion = get_criterion(member, criterion_id)
    _current(criterion, "removed")
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=criterion, object_type="gate criterion",
           before={"text": criterion.text, "initiative": criterion.initiative_id})  # fmt: skip
    _touch(criterion.initiative)
    criterion.delete()


@transaction.atomic
def criterion_check(
    *, member: Membership, criterion_id: int, met: bool = True, evidence: str = ""
) -> GateCriterion:
    """Tick (met=True, with optional evidence: a link or a sentence) or untick a criterion."""
    require(member, "gate.check")
    criterion = get_criterion(member, criterion_id)
    _current(criterion, "ticked" if met else "unticked")
    evidence = clean_text(evidence, "evidence", max_length=500)
    if met:
        if criterion.met_at is not None:
            raise Conflict("This criterion is met already.")
        criterion.met_at, criterion.met_by_id, criterion.evidence = (
            timezone.now(),
            member.user_id,
            evidence,
        )
    else:
        if criterion.met_at is None:
            raise Conflict("This criterion is not met yet.")
        criterion.met_at, criterion.met_by_id, criterion.evidence = None, None, ""
    criterion.save(update_fields=["met_at", "met_by", "evidence"])
    _touch(criterion.initiative)
    record(workspace=member.workspace, actor=member.user, action="met" if met else "unmet", obj=criterion,
           object_type="gate criterion",
           after={"text": criterion.text, "initiative": criterion.initiative_id, "evidence": evidence})  # fmt: skip
    return criterion


# ---------------------------------------------------------------- the gate: signers and signatures


@transaction.atomic
def signer_add(*, member: Membership, initiative_id: int, person_id: int) -> GateSigner:
    """Ask a person to sign the gate of the initiative's current stage."""
    require(member, "initiative.manage")
    initiative = get_initiative(member, initiative_id)
    _person(member, person_id, "person_id")
    gate = GateSigner.objects.filter(initiative=initiative, stage_id=initiative.stage_id)
    if gate.filter(person_id=person_id).exists():
        raise Conflict("This person is already asked to sign this gate.",
                       [FieldError("person_id", "already asked to sign this gate")])  # fmt: skip
    if gate.count() >= MAX_SIGNERS:
        raise Invalid.field("person_id", f"A gate has at most {MAX_SIGNERS} signers.")
    signer = GateSigner.objects.create(
        initiative=initiative, stage_id=initiative.stage_id, person_id=person_id
    )
    _touch(initiative)
    record(workspace=member.workspace, actor=member.user, action="asked", obj=signer, object_type="gate signer",
           after={"person_id": person_id, "initiative": initiative.pk, "stage_id": initiative.stage_id})  # fmt: skip
    return signer


@transaction.atomic
def signer_remove(*, member: Membership, signer_id: int) -> None:
    require(member, "initiative.manage")
    signer = get_signer(member, signer_id)
    _current(signer, "changed")
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=signer, object_type="gate signer",
           before={"person_id": signer.person_id, "initiative": signer.initiative_id,
                   "signed_at": signer.signed_at})  # fmt: skip
    _touch(signer.initiative)
    signer.delete()


def _my_signer(member: Membership, initiative: Initiative) -> GateSigner:
    person = person_of(member)
    signer = None
    if person is not None:
        signer = GateSigner.objects.filter(
            initiative=initiative, stage_id=initiative.stage_id, person=person
        ).first()
    if signer is None:
        raise Forbidden(
            f"You are not asked to sign the {initiative.stage.name} gate of {initiative.name}."
        )
    return signer


@transaction.atomic
def gate_sign(*, member: Membership, initiative_id: int, comment: str = "") -> GateSigner:
    """Sign the gate of the initiative's current stage: only someone asked to sign it may. The
    initiative's owner signing their own gate is allowed but recorded (own_gate) for the checks."""
    require(member, "gate.sign")
    initiative = get_initiative(member, initiative_id)
    signer = _my_signer(member, initiative)
    comment = clean_text(comment, "comment", max_length=500)
    if signer.signed_at is not None:
        raise Conflict("You have signed this gate already.")
    signer.signed_at, signer.signed_by_id, signer.comment = timezone.now(), member.user_id, comment
    signer.own_gate = initiative.owner_id is not None and signer.person_id == initiative.owner_id
    signer.save(update_fields=["signed_at", "signed_by", "comment", "own_gate"])
    _touch(initiative)
    record(workspace=member.workspace, actor=member.user, action="signed", obj=initiative,
           after={"stage_id": initiative.stage_id, "person_id": signer.person_id, "comment": comment,
                  "own_gate": signer.own_gate})  # fmt: skip
    return signer


@transaction.atomic
def gate_unsign(*, member: Membership, initiative_id: int) -> GateSigner:
    """Withdraw one's signature from the current stage's gate."""
    require(member, "gate.sign")
    initiative = get_initiative(member, initiative_id)
    signer = _my_signer(member, initiative)
    if signer.signed_at is None:
        raise Conflict("You have not signed this gate.")
    signer.signed_at, signer.signed_by_id, signer.comment, signer.own_gate = None, None, "", False
    signer.save(update_fields=["signed_at", "signed_by", "comment", "own_gate"])
    _touch(initiative)
    record(workspace=member.workspace, actor=member.user, action="unsigned", obj=initiative,
           before={"stage_id": initiative.stage_id, "person_id": signer.person_id})  # fmt: skip
    return signer


# ---------------------------------------------------------------- moving between stages


def gate_gaps(initiative: Initiative) -> list[FieldError]:
    """What stands between the initiative and its next stage: unmet criteria, missing signatures."""
    unmet = list(
        GateCriterion.objects.filter(
            initiative=initiative, stage_id=initiative.stage_id, met_at__isnull=True
        ).values_list("text", flat=True)
    )
    unsigned = list(
        GateSigner.objects.filter(
            initiative=initiative, stage_id=initiative.stage_id, signed_at__isnull=True
        ).values_list("person__name", flat=True)
    )
    gaps = []
    if unmet:
        gaps.append(FieldError("criteria", "Not met: " + "; ".join(unmet) + "."))
    if unsigned:
        gaps.append(FieldError("signers", "Not signed by: " + ", ".join(unsigned) + "."))
    return gaps


@transaction.atomic
def initiative_move(
    *,
    member: Membership,
    initiative_id: int,
    to_stage_id: int,
    evidence: str = "",
    override: bool = False,
    override_reason: str = "",
) -> StageChange:
    """Move to the next stage (its gate met, or an admin's override with a reason), or back to any
    earlier stage. Skipping a stage forward is refused."""
    require(member, "initiative.manage")
    initiative = get_initiative(member, initiative_id, lock=True)
    stages = ensure_stages(member.workspace_id)
    order = {s.pk: i for i, s in enumerate(stages)}
    if to_stage_id not in order:
        raise Invalid.field("to_stage_id", "No such lifecycle stage in this workspace.")
    evidence = clean_text(evidence, "evidence", max_length=5000, multiline=True)
    reason = clean_text(override_reason, "override_reason", max_length=2000, multiline=True)
    here, there = order[initiative.stage_id], order[to_stage_id]
    target = stages[there]
    if there == here:
        raise Invalid.field("to_stage_id", f"{initiative.name} is in {target.name} already.")
    if there > here + 1:
        nxt = stages[here + 1]
        raise Invalid.field(
            "to_stage_id",
            f"Stages cannot be skipped: {initiative.name} moves from {initiative.stage.name} to {nxt.name} "
            f"first (its gate met), not straight to {target.name}.",
        )
    if reason and not override:
        raise Invalid.field(
            "override",
            "An override reason is given: set override to true (admins only) or leave it out.",
        )
    overridden = ""
    if there == here + 1:
        gaps = gate_gaps(initiative)
        if override:
            if not can(member, "gate.override"):
                raise Forbidden("Only an admin may move an initiative past its gate.")
            if not reason:
                raise Invalid.field(
                    "override_reason", "An override needs its reason, for the record."
                )
            overridden = reason if gaps else ""
            if not gaps:
                reason = ""
        elif gaps:
            raise Conflict(
                f"The {initiative.stage.name} gate of {initiative.name} is not met yet. "
                + " ".join(g.message for g in gaps),
                gaps,
            )
    elif override:
        raise Invalid.field("override", "Moving back needs no override.")
    change = StageChange.objects.create(
        initiative=initiative, from_stage=initiative.stage, to_stage=target, by=member.user,
        evidence=evidence, override_reason=overridden,
    )  # fmt: skip
    before_stage = initiative.stage_id
    now = timezone.now()
    Initiative.objects.filter(pk=initiative.pk).update(
        stage=target, stage_since=now, updated_at=now, version=F("version") + 1
    )
    initiative.stage, initiative.stage_since = target, now
    _copy_gate(initiative, target)
    record(workspace=member.workspace, actor=member.user, action="moved", obj=initiative,
           before={"stage_id": before_stage},
           after={"stage_id": target.pk, "evidence": evidence, "override_reason": overridden})  # fmt: skip
    return change
