"""The workspace's lifecycle: its stages in order and each stage's gate template (exit criteria).

Every workspace starts with DEFAULT_STAGES (seeded on creation by a signal, for older workspaces
by migration 0003, and lazily by `ensure_stages` should a workspace still have none). Admins rename,
recolour, reorder, add and remove stages; a stage is removed only when no initiative is in it and
none has ever been (the stage history keeps the stages it names).
"""

import re

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, FieldError, Invalid, NotFound
from accord.workspaces.models import Membership
from accord.workspaces.permissions import require

from .models import (
    DEFAULT_CRITERIA,
    DEFAULT_STAGES,
    Initiative,
    LifecycleStage,
    StageChange,
    StageCriterion,
)

STAGE_FIELDS = ["name", "key", "description", "color", "position"]
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_STAGES = 20
MAX_CRITERIA = 30


def ensure_stages(workspace_id: int) -> list[LifecycleStage]:
    """The workspace's stages in order; the default lifecycle first if it has none (idempotent)."""
    stages = list(LifecycleStage.objects.filter(workspace_id=workspace_id))
    if stages:
        return stages
    try:
        with transaction.atomic():
            for position, (key, name, color) in enumerate(DEFAULT_STAGES):
                stage = LifecycleStage.objects.create(
                    workspace_id=workspace_id, key=key, name=name, color=color, position=position
                )
                StageCriterion.objects.bulk_create(
                    StageCriterion(stage=stage, text=text, position=i)
                    for i, text in enumerate(DEFAULT_CRITERIA.get(key, []))
                )
    except IntegrityError:  # seeded at the same moment by another request
        pass
    return list(LifecycleStage.objects.filter(workspace_id=workspace_id))


def seed_on_workspace_created(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        ensure_stages(instance.pk)


def get_stage(member: Membership, stage_id: int) -> LifecycleStage:
    stage = LifecycleStage.objects.filter(pk=stage_id, workspace_id=member.workspace_id).first()
    if stage is None:
        raise NotFound("No such lifecycle stage in this workspace.")
    return stage


def _color(value: str) -> str:
    value = (value or "").strip()
    if not COLOR.match(value):
        raise Invalid.field("color", "Use a colour like #0f766e.")
    return value.lower()


def _unique_name(member: Membership, name: str, exclude: int | None = None) -> str:
    name = clean_text(name, "name", required=True, max_length=80)
    clash = LifecycleStage.objects.filter(workspace_id=member.workspace_id, name__iexact=name)
    if clash.exclude(pk=exclude).exists():
        raise Conflict(
            "A stage of that name exists already.",
            [FieldError("name", "A stage of that name exists already.")],
        )
    return name


def _criteria_texts(criteria: list[str]) -> list[str]:
    if len(criteria) > MAX_CRITERIA:
        raise Invalid.field("criteria", f"At most {MAX_CRITERIA} criteria per stage.")
    texts = []
    for i, text in enumerate(criteria):
        texts.append(clean_text(text, f"criteria.{i}", required=True, max_length=300))
    return texts


def _state(stage: LifecycleStage) -> dict:
    return {**snapshot(stage, STAGE_FIELDS), "criteria": [c.text for c in stage.criteria.all()]}


def _renumber(workspace_id: int, ordered: list[LifecycleStage]) -> None:
    for position, stage in enumerate(ordered):
        if stage.position != position:
            stage.position = position
            LifecycleStage.objects.filter(pk=stage.pk).update(position=position)


def _place(member: Membership, stage: LifecycleStage, position: int | None) -> None:
    others = [s for s in ensure_stages(member.workspace_id) if s.pk != stage.pk]
    if position is None:
        position = len(others)
    if not 0 <= position <= len(others):
        raise Invalid.field("position", f"Use a position from 0 to {len(others)}.")
    others.insert(position, stage)
    _renumber(member.workspace_id, others)


@transaction.atomic
def stage_create(
    *,
    member: Membership,
    name: str,
    color: str = "#475569",
    description: str = "",
    position: int | None = None,
    criteria: list[str] | None = None,
) -> LifecycleStage:
    require(member, "lifecycle.manage")
    existing = ensure_stages(member.workspace_id)
    if len(existing) >= MAX_STAGES:
        raise Invalid.field("name", f"A lifecycle has at most {MAX_STAGES} stages.")
    name = _unique_name(member, name)
    base = slugify(name)[:34] or "stage"
    key, n = base, 2
    taken = {s.key for s in existing}
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    stage = LifecycleStage(
        workspace_id=member.workspace_id, name=name, key=key, color=_color(color),
        description=clean_text(description, "description", max_length=2000, multiline=True),
        position=len(existing),
    )  # fmt: skip
    texts = _criteria_texts(criteria or [])
    stage.save()
    StageCriterion.objects.bulk_create(
        StageCriterion(stage=stage, text=t, position=i) for i, t in enumerate(texts)
    )
    _place(member, stage, position)
    stage.refresh_from_db()
    record(workspace=member.workspace, actor=member.user, action="created", obj=stage,
           object_type="lifecycle stage", after=_state(stage))  # fmt: skip
    return stage


@transaction.atomic
def stage_update(
    *,
    member: Membership,
    stage_id: int,
    version: int,
    name: str | None = None,
    color: str | None = None,
    description: str | None = None,
    position: int | None = None,
    criteria: list[str] | None = None,
) -> LifecycleStage:
    """Only what is given changes; `criteria` replaces the stage's gate template (initiatives keep
    the copies they already hold); `position` moves the stage (0 is first)."""
    require(member, "lifecycle.manage")
    stage = get_stage(member, stage_id)
    before = _state(stage)
    if name is not None:
        stage.name = _unique_name(member, name, exclude=stage.pk)
    if color is not None:
        stage.color = _color(color)
    if description is not None:
        stage.description = clean_text(description, "description", max_length=2000, multiline=True)
    texts = _criteria_texts(criteria) if criteria is not None else None
    save_versioned(stage, version, ["name", "color", "description"])
    if position is not None:
        _place(member, stage, position)
    if texts is not None:
        stage.criteria.all().delete()
        StageCriterion.objects.bulk_create(
            StageCriterion(stage=stage, text=t, position=i) for i, t in enumerate(texts)
        )
    stage.refresh_from_db()
    record(workspace=member.workspace, actor=member.user, action="updated", obj=stage,
           object_type="lifecycle stage", before=before, after=_state(stage))  # fmt: skip
    return stage


@transaction.atomic
def stage_delete(*, member: Membership, stage_id: int) -> None:
    require(member, "lifecycle.manage")
    stage = get_stage(member, stage_id)
    in_it = Initiative.objects.filter(stage=stage).count()
    if in_it:
        raise Conflict(
            f"{in_it} initiative{'s are' if in_it != 1 else ' is'} in {stage.name}; move "
            f"{'them' if in_it != 1 else 'it'} to another stage first."
        )
    if StageChange.objects.filter(to_stage=stage).exists():
        raise Conflict(
            f"Initiatives have been through {stage.name} and their history names it; rename it instead."
        )
    if LifecycleStage.objects.filter(workspace_id=member.workspace_id).count() <= 1:
        raise Conflict("A lifecycle needs at least one stage.")
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=stage,
           object_type="lifecycle stage", before=_state(stage))  # fmt: skip
    stage.delete()
    _renumber(
        member.workspace_id, list(LifecycleStage.objects.filter(workspace_id=member.workspace_id))
    )
