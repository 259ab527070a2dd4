"""Writes to ideas: submit, edit, status, bulk actions, merge, and decisions (promote or park)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, Invalid
from accord.ideas import evidence
from accord.ideas.models import (
    Decision,
    DecisionKind,
    Idea,
    IdeaScore,
    IdeaStatus,
    KanoAnswer,
    Rating,
    ScoringModel,
)
from accord.ideas.signals import announce_status_change
from accord.workspaces.models import Membership
from accord.workspaces.permissions import can, require

from .common import department_of, get_idea, tags_named
from .rescore import rescore
from .scoring_models import kano_counts

IDEA_FIELDS = ["title", "description", "problem", "department_id", "product_area", "status"]
DECISION_STATUS = {
    DecisionKind.PROMOTE: IdeaStatus.PLANNED,
    DecisionKind.PARK: IdeaStatus.PARKED,
    DecisionKind.REJECT: IdeaStatus.REJECTED,
    DecisionKind.REOPEN: IdeaStatus.UNDER_REVIEW,
}


def _idea_snapshot(idea: Idea) -> dict:
    return {**snapshot(idea, IDEA_FIELDS), "tags": sorted(t.name for t in idea.tags.all())}


@transaction.atomic
def idea_create(
    *,
    member: Membership,
    title: str,
    description: str = "",
    problem: str = "",
    department_id: int | None = None,
    product_area: str = "",
    tags: list[str] | None = None,
) -> Idea:
    require(member, "idea.create")
    idea = Idea.objects.create(
        workspace_id=member.workspace_id,
        title=clean_text(title, "title", required=True, max_length=200),
        description=clean_text(description, "description", max_length=20000, multiline=True),
        problem=clean_text(problem, "problem", max_length=5000, multiline=True),
        department=department_of(member, department_id),
        product_area=clean_text(product_area, "product_area", max_length=100),
        submitter=member.user,
    )
    idea.tags.set(tags_named(member, tags))
    # Every idea has a (still empty) score under every model, so lists can sort and filter by score.
    IdeaScore.objects.bulk_create(
        IdeaScore(idea=idea, model=m, undefined_reason="not scored yet")
        for m in ScoringModel.objects.filter(workspace_id=member.workspace_id)
    )
    evidence.refresh(workspace_id=member.workspace_id, idea_ids=[idea.pk])
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=idea,
        after=_idea_snapshot(idea),
    )
    return idea


def _may_edit(member: Membership, idea: Idea) -> None:
    own_new = (
        idea.submitter_id == member.user_id
        and idea.status == IdeaStatus.NEW
        and can(member, "idea.create")
    )
    if not own_new:
        require(member, "idea.edit")


@transaction.atomic
def idea_update(
    *,
    member: Membership,
    idea_id: int,
    version: int,
    title: str | None = None,
    description: str | None = None,
    problem: str | None = None,
    department_id: int | None = None,
    product_area: str | None = None,
    tags: list[str] | None = None,
    status: str | None = None,
    clear_department: bool = False,
) -> Idea:
    idea = get_idea(member, idea_id)
    _may_edit(member, idea)
    if idea.status == IdeaStatus.MERGED:
        raise Conflict("This idea was merged into another; edit that one.")
    before = _idea_snapshot(idea)
    old_status = idea.status
    if title is not None:
        idea.title = clean_text(title, "title", required=True, max_length=200)
    if description is not None:
        idea.description = clean_text(description, "description", max_length=20000, multiline=True)
    if problem is not None:
        idea.problem = clean_text(problem, "problem", max_length=5000, multiline=True)
    if department_id is not None or clear_department:
        idea.department = department_of(member, department_id)
    if product_area is not None:
        idea.product_area = clean_text(product_area, "product_area", max_length=100)
    if status is not None and status != idea.status:
        require(member, "idea.edit")
        idea.status = _clean_status(status)
    save_versioned(idea, version, IDEA_FIELDS)
    announce_status_change(idea, old_status, idea.status)
    if tags is not None:
        idea.tags.set(tags_named(member, tags))
    record(
        workspace=member.workspace,
        actor=member.user,
        action="updated",
        obj=idea,
        before=before,
        after=_idea_snapshot(idea),
    )
    return idea


def _clean_status(status: str) -> str:
    if status == IdeaStatus.MERGED or status not in IdeaStatus.values:
        allowed = ", ".join(s for s in IdeaStatus.values if s != IdeaStatus.MERGED)
        raise Invalid.field(
            "status",
            f"Unknown status {status!r}; use one of {allowed} (merge ideas with the merge action).",
        )
    return status


@transaction.atomic
def idea_delete(*, member: Membership, idea_id: int) -> None:
    require(member, "idea.edit")
    idea = get_idea(member, idea_id)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=idea,
        before=_idea_snapshot(idea),
    )
    idea.delete()


@transaction.atomic
def ideas_bulk(
    *,
    member: Membership,
    idea_ids: list[int],
    action: str,
    tags: list[str] | None = None,
    status: str | None = None,
    reason: str = "",
    revisit_on: date | None = None,
    revisit_condition: str = "",
) -> int:
    """Tag, untag, set the status of, or park many ideas at once: all of them or none."""
    require(member, "idea.edit")
    ids = list(dict.fromkeys(idea_ids))
    if not ids or len(ids) > 1000:
        raise Invalid.field("idea_ids", "Choose 1 to 1000 ideas.")
    ideas = list(
        Idea.objects.filter(workspace_id=member.workspace_id, pk__in=ids).prefetch_related("tags")
    )
    if len(ideas) != len(ids):
        raise Invalid.field("idea_ids", "One or more ideas do not exist in this workspace.")
    if action in ("tag", "untag"):
        chosen = tags_named(member, tags)
        if not chosen:
            raise Invalid.field("tags", "Name at least one tag.")
        for idea in ideas:
            before = sorted(t.name for t in idea.tags.all())
            (idea.tags.add if action == "tag" else idea.tags.remove)(*chosen)
            after = sorted(t.name for t in idea.tags.all())
            record(
                workspace=member.workspace,
                actor=member.user,
                action="updated",
                obj=idea,
                before={"tags": before},
                after={"tags": after},
            )
    elif action == "status":
        new_status = _clean_status(status or "")
        for idea in ideas:
            if idea.status == IdeaStatus.MERGED:
                raise Invalid.field("idea_ids", f"Idea {idea.pk} is merged; it keeps its status.")
            record(
                workspace=member.workspace,
                actor=member.user,
                action="updated",
                obj=idea,
                before={"status": idea.status},
                after={"status": new_status},
            )
        Idea.objects.filter(pk__in=ids).update(status=new_status, updated_at=timezone.now())
        for idea in ideas:
            old_status, idea.status = idea.status, new_status
            announce_status_change(idea, old_status, new_status)
    elif action == "park":
        for idea in ideas:
            decide(
                member=member,
                idea_id=idea.pk,
                kind=DecisionKind.PARK,
                reason=reason,
                revisit_on=revisit_on,
                revisit_condition=revisit_condition,
            )
    else:
        raise Invalid.field("action", "Use one of tag, untag, status, park.")
    return len(ideas)


# ---------------------------------------------------------------- decisions


def score_snapshot(idea: Idea) -> dict:
    """Every model's score of the idea right now, kept with a decision."""
    return {
        s.model.name: {
            "value": s.value,
            "category": s.category,
            "undefined": s.undefined_reason,
            "inputs": s.inputs,
        }
        for s in idea.scores.select_related("model")
    }


@transaction.atomic
def decide(
    *,
    member: Membership,
    idea_id: int,
    kind: str,
    reason: str,
    revisit_on: date | None = None,
    revisit_condition: str = "",
) -> Decision:
    require(member, "idea.decide")
    idea = get_idea(member, idea_id, for_update=True)
    if kind not in DecisionKind.values:
        raise Invalid.field(
            "kind", f"Unknown decision {kind!r}; use one of {', '.join(DecisionKind.values)}."
        )
    if idea.status == IdeaStatus.MERGED:
        raise Conflict("This idea was merged into another; decide on that one.")
    reason = clean_text(reason, "reason", required=True, max_length=5000, multiline=True)
    revisit_condition = clean_text(revisit_condition, "revisit_condition", max_length=300)
    if kind == DecisionKind.PARK and not (revisit_on or revisit_condition):
        raise Invalid.field("revisit_on", "Say when to look at it again: a date or a condition.")
    if revisit_on and revisit_on <= timezone.localdate():
        raise Invalid.field("revisit_on", "The revisit date must be in the future.")
    decision = Decision.objects.create(
        idea=idea,
        kind=kind,
        reason=reason,
        revisit_on=revisit_on if kind == DecisionKind.PARK else None,
        revisit_condition=revisit_condition if kind == DecisionKind.PARK else "",
        score_snapshot=score_snapshot(idea),
        decided_by=member.user,
    )
    before = {"status": idea.status}
    idea.status = DECISION_STATUS[kind]
    idea.updated_at = timezone.now()
    Idea.objects.filter(pk=idea.pk).update(
        status=idea.status, updated_at=idea.updated_at, version=idea.version + 1
    )
    idea.version += 1
    announce_status_change(idea, before["status"], idea.status)
    record(
        workspace=member.workspace,
        actor=member.user,
        action=f"decision_{kind}",
        obj=idea,
        before=before,
        after={
            "status": idea.status,
            "reason": reason,
            "revisit_on": decision.revisit_on,
            "revisit_condition": decision.revisit_condition,
        },
    )
    return decision


# ---------------------------------------------------------------- merge


@transaction.atomic
def idea_merge(*, member: Membership, source_id: int, target_id: int) -> Idea:
    """Merge a duplicate into the survivor: tags, scores, ratings and answers move; the duplicate points to it."""
    require(member, "idea.decide")
    if source_id == target_id:
        raise Invalid.field("target_id", "An idea cannot be merged into itself.")
    source = get_idea(member, source_id, for_update=True)
    target = get_idea(member, target_id, for_update=True)
    if IdeaStatus.MERGED in (source.status, target.status):
        raise Conflict("One of these ideas is already merged.")
    target.tags.add(*source.tags.all())
    # Inputs the survivor lacks come from the duplicate; the survivor's own inputs win.
    source_scores = {s.model_id: s for s in source.scores.all()}
    touched_models = []
    for target_score in target.scores.all():
        donor = source_scores.get(target_score.model_id)
        if donor and donor.inputs:
            merged = {**donor.inputs, **target_score.inputs}
            if merged != target_score.inputs:
                IdeaScore.objects.filter(pk=target_score.pk).update(inputs=merged)
                touched_models.append(target_score.model)
    taken = set(
        Rating.objects.filter(idea=target).values_list("round_id", "criterion_id", "rater_id")
    )
    for rating in Rating.objects.filter(idea=source):
        if (rating.round_id, rating.criterion_id, rating.rater_id) not in taken:
            Rating.objects.filter(pk=rating.pk).update(idea=target)
    taken_answers = set(
        KanoAnswer.objects.filter(idea=target).values_list("model_id", "respondent")
    )
    for answer in KanoAnswer.objects.filter(idea=source).select_related("model"):
        if (answer.model_id, answer.respondent) not in taken_answers:
            KanoAnswer.objects.filter(pk=answer.pk).update(idea=target)
            IdeaScore.objects.filter(idea=target, model=answer.model).update(
                inputs=kano_counts(answer.model, target)
            )
            touched_models.append(answer.model)
    for round_ in source.scoring_rounds.all():
        round_.ideas.add(target)
    Idea.objects.filter(merged_into=source).update(merged_into=target)
    Idea.objects.filter(pk=source.pk).update(
        status=IdeaStatus.MERGED,
        merged_into=target,
        updated_at=timezone.now(),
        version=source.version + 1,
    )
    for model in {m.pk: m for m in touched_models}.values():
        rescore(model, [target.pk])
    announce_status_change(source, source.status, IdeaStatus.MERGED)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="merged",
        obj=source,
        before={"status": source.status},
        after={"status": IdeaStatus.MERGED, "merged_into": target.pk},
    )
    record(
        workspace=member.workspace,
        actor=member.user,
        action="merged_in",
        obj=target,
        after={"merged_from": source.pk},
    )
    target.refresh_from_db()
    return target
