"""Every write to change requests, impacts and sign-offs, rules, freezes, review meetings and
calendar feeds. Keyword-only, one transaction each, permission checked, audit entry written."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Forbidden, Invalid, NotFound
from accord.core.tokens import hash_token, new_token
from accord.roadmaps.models import RoadmapItem, RoadmapKind
from accord.workspaces.models import Membership, Person, TeamKind
from accord.workspaces.permissions import can, require

from .conflicts import MAX_WINDOW
from .models import (
    RISK_RANK,
    AgendaItem,
    Attendance,
    Change,
    ChangeCalendarFeed,
    ChangeImpact,
    ChangeReview,
    ChangeStatus,
    Decision,
    Freeze,
    Impact,
    ReviewStatus,
    Risk,
    SignOffRule,
)

CHANGE_FIELDS = [
    "title",
    "description",
    "reason",
    "area",
    "systems",
    "start",
    "end",
    "risk",
    "rollback_plan",
    "status",
]
EDITABLE = (ChangeStatus.DRAFT, ChangeStatus.IN_REVIEW)
MAX_FREEZE = 366  # days
S = ChangeStatus
# (from, to) -> who may: "requester" (the requester, or an approver) or "approver" (change.approve)
TRANSITIONS = {
    (S.DRAFT, S.IN_REVIEW): "requester",
    (S.IN_REVIEW, S.DRAFT): "requester",
    (S.IN_REVIEW, S.APPROVED): "approver",
    (S.IN_REVIEW, S.REJECTED): "approver",
    (S.APPROVED, S.REJECTED): "approver",
    (S.APPROVED, S.SCHEDULED): "requester",
    (S.SCHEDULED, S.DONE): "requester",
    (S.SCHEDULED, S.ROLLED_BACK): "requester",
}


# ---------------------------------------------------------------- lookups and checks


def get_change(member: Membership, change_id: int, *, lock: bool = False) -> Change:
    qs = Change.objects.select_for_update() if lock else Change.objects
    change = qs.filter(pk=change_id, workspace_id=member.workspace_id).first()
    if change is None:
        raise NotFound("No such change in this workspace.")
    return change


def get_review(member: Membership, review_id: int) -> ChangeReview:
    review = ChangeReview.objects.filter(pk=review_id, workspace_id=member.workspace_id).first()
    if review is None:
        raise NotFound("No such review meeting in this workspace.")
    return review


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values or value == "":
        raise Invalid.field(field, f"Use one of {', '.join(v for v in choices.values if v)}.")
    return value


def _department(value: str, field: str = "department") -> str:
    return _choice(value, TeamKind, field)


def clean_area(value: str, field: str = "area", required: bool = True) -> str:
    return clean_text(value, field, required=required, max_length=80).lower()


def _window(
    start: datetime | None, end: datetime | None, longest, label: str
) -> tuple[datetime, datetime]:
    if start is None:
        raise Invalid.field("start", "Give the start of the window.")
    if end is None:
        raise Invalid.field("end", "Give the end of the window.")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise Invalid.field(
            "start" if timezone.is_naive(start) else "end", "Give a time zone (e.g. Z or +02:00)."
        )
    if end <= start:
        raise Invalid.field("end", "The end of the window is before (or at) its start.")
    if end - start > longest:
        raise Invalid.field("end", f"A {label} lasts at most {longest.days} days.")
    return start, end


def my_departments(member: Membership) -> set[str]:
    """The kinds of the teams of the member's person in this workspace."""
    return set(
        Person.objects.filter(workspace_id=member.workspace_id, user_id=member.user_id)
        .values_list("teams__kind", flat=True)
        .exclude(teams__kind=None)
    )


def my_person(member: Membership) -> Person | None:
    return (
        Person.objects.filter(workspace_id=member.workspace_id, user_id=member.user_id)
        .order_by("pk")
        .first()
    )


def _items(member: Membership, item_ids: list[int]) -> list[RoadmapItem]:
    items = list(RoadmapItem.objects.filter(workspace_id=member.workspace_id, pk__in=set(item_ids)))
    if len(items) != len(set(item_ids)):
        raise Invalid.field("roadmap_item_ids", "No such roadmap item in this workspace.")
    return items


def _may_edit(member: Membership, change: Change) -> None:
    if not (can(member, "change.approve") or change.requester_id == member.user_id):
        raise Forbidden("Only the requester or an editor may change this request.")


def _state(change: Change) -> dict:
    return {
        **snapshot(change, CHANGE_FIELDS),
        "roadmap_items": sorted(i.pk for i in change.roadmap_items.all()),
    }


def _apply_rules(change: Change) -> None:
    """Make sure every department a rule names for the change's area has a required impact row."""
    wanted = set(
        SignOffRule.objects.filter(
            workspace_id=change.workspace_id, area__in=["", change.area]
        ).values_list("department", flat=True)
    )
    have = {i.department: i for i in change.impacts.all()}
    for dept in wanted:
        if dept in have:
            if not have[dept].required:
                ChangeImpact.objects.filter(pk=have[dept].pk).update(required=True)
        else:
            ChangeImpact.objects.create(change=change, department=dept, required=True)


def missing_signoffs(change: Change) -> list[str]:
    return [i.department for i in change.impacts.all() if i.required and i.signed_at is None]


# ---------------------------------------------------------------- change requests


@transaction.atomic
def change_create(
    *,
    member: Membership,
    title: str,
    area: str,
    start: datetime | None,
    end: datetime | None,
    description: str = "",
    reason: str = "",
    systems: str = "",
    risk: str = Risk.MEDIUM,
    rollback_plan: str = "",
    departments: list[str] | None = None,
    roadmap_item_ids: list[int] | None = None,
) -> Change:
    require(member, "change.create")
    change = Change(
        workspace_id=member.workspace_id,
        title=clean_text(title, "title", required=True, max_length=200),
        description=clean_text(description, "description", max_length=20000, multiline=True),
        reason=clean_text(reason, "reason", max_length=5000, multiline=True),
        area=clean_area(area),
        systems=clean_text(systems, "systems", max_length=300),
        risk=_choice(risk, Risk, "risk"),
        rollback_plan=clean_text(rollback_plan, "rollback_plan", max_length=10000, multiline=True),
        requester=member.user,
    )
    change.start, change.end = _window(start, end, MAX_WINDOW, "change window")
    depts = {_department(d, "departments") for d in departments or []}
    items = _items(member, roadmap_item_ids or [])
    change.save()
    change.roadmap_items.set(items)
    ChangeImpact.objects.bulk_create(
        ChangeImpact(change=change, department=d) for d in sorted(depts)
    )
    _apply_rules(change)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=change,
        after=_state(change),
    )
    return change


@transaction.atomic
def change_update(*, member: Membership, change_id: int, version: int, **fields) -> Change:
    """Only what is given changes (title, description, reason, area, systems, start, end, risk,
    rollback_plan, roadmap_item_ids); while the change is a draft or in review."""
    require(member, "change.create")
    change = get_change(member, change_id, lock=True)
    _may_edit(member, change)
    if change.status not in EDITABLE:
        raise Invalid.field(
            "status", f"A change that is {change.get_status_display().lower()} cannot be edited."
        )
    before = _state(change)
    texts = {"title": (200, False, True), "description": (20000, True, False), "reason": (5000, True, False),
             "systems": (300, False, False), "rollback_plan": (10000, True, False)}  # fmt: skip
    for name, (length, multiline, required) in texts.items():
        if fields.get(name) is not None:
            setattr(
                change,
                name,
                clean_text(
                    fields[name], name, required=required, max_length=length, multiline=multiline
                ),
            )
    if fields.get("area") is not None:
        change.area = clean_area(fields["area"])
    if fields.get("risk") is not None:
        change.risk = _choice(fields["risk"], Risk, "risk")
    if fields.get("start") is not None or fields.get("end") is not None:
        change.start, change.end = _window(
            fields.get("start") or change.start,
            fields.get("end") or change.end,
            MAX_WINDOW,
            "change window",
        )
    if fields.get("roadmap_item_ids") is not None:
        change.roadmap_items.set(_items(member, fields["roadmap_item_ids"]))
    save_versioned(
        change,
        version,
        ["title", "description", "reason", "systems", "area", "risk", "start", "end"],
    )
    _apply_rules(change)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="updated",
        obj=change,
        before=before,
        after=_state(change),
    )
    return change


def _next_planned_review(workspace_id: int) -> ChangeReview | None:
    return (
        ChangeReview.objects.filter(
            workspace_id=workspace_id, status=ReviewStatus.PLANNED, starts_at__gte=timezone.now()
        )
        .order_by("starts_at", "pk")
        .first()
    )


def _move(member: Membership, change: Change, to: str, reason: str) -> None:
    """Move the change to `to` (the caller checked who may); records who did it and why."""
    key = (change.status, to)
    if key not in TRANSITIONS:
        raise Invalid.field(
            "to",
            f"A change that is {change.get_status_display().lower()} cannot become {ChangeStatus(to).label.lower()}.",
        )
    if to == S.APPROVED:
        missing = missing_signoffs(change)
        if missing:
            names = ", ".join(TeamKind(d).label for d in missing)
            raise Invalid.field("sign_offs", f"Missing the sign-off of: {names}.")
    before = change.status
    change.status = to
    change.updated_at = timezone.now()
    change.version += 1
    change.save(update_fields=["status", "updated_at", "version"])
    record(
        workspace=member.workspace, actor=member.user, action="moved", obj=change,
        before={"status": before}, after={"status": to, **({"reason": reason} if reason else {})},
    )  # fmt: skip
    if to == S.IN_REVIEW:
        review = _next_planned_review(member.workspace_id)
        if review is not None:
            _add_to_agenda(review, [change])


@transaction.atomic
def change_transition(*, member: Membership, change_id: int, to: str, reason: str = "") -> Change:
    require(member, "change.create")
    to = _choice(to, ChangeStatus, "to")
    reason = clean_text(reason, "reason", max_length=2000, multiline=True)
    change = get_change(member, change_id, lock=True)
    who = TRANSITIONS.get((change.status, to))
    if who == "approver":
        require(member, "change.approve")
    elif who == "requester":
        _may_edit(member, change)
    if to == S.REJECTED and not reason:
        raise Invalid.field("reason", "Say why the change is rejected.")
    _move(member, change, to, reason)
    return change


@transaction.atomic
def impact_assess(
    *,
    member: Membership,
    change_id: int,
    department: str,
    impact: str,
    note: str = "",
    sign: bool = True,
) -> ChangeImpact:
    """A department's impact (none/low/medium/high, with a note); with sign=True also its sign-off.
    Only a member of one of that department's teams may speak for it."""
    require(member, "change.create")
    department = _department(department)
    impact = _choice(impact, Impact, "impact")
    note = clean_text(note, "note", max_length=1000, multiline=True)
    change = get_change(member, change_id, lock=True)
    if change.status not in EDITABLE:
        raise Invalid.field(
            "status",
            f"A change that is {change.get_status_display().lower()} takes no more sign-offs.",
        )
    if department not in my_departments(member):
        raise Invalid.field(
            "department",
            f"You are not in a {TeamKind(department).label} team, so you cannot assess or sign for it.",
        )
    row, _ = ChangeImpact.objects.get_or_create(change=change, department=department)
    before = {"impact": row.impact, "note": row.note, "signed": row.signed_at is not None}
    row.impact, row.note, row.assessed_by = impact, note, my_person(member)
    row.signed_at = timezone.now() if sign else None
    row.save()
    record(
        workspace=member.workspace, actor=member.user, action="signed" if sign else "assessed", obj=change,
        before=before, after={"department": department, "impact": impact, "note": note, "signed": sign},
    )  # fmt: skip
    return row


# ---------------------------------------------------------------- rules


@transaction.atomic
def rule_create(*, member: Membership, department: str, area: str = "") -> SignOffRule:
    require(member, "change.rules")
    department = _department(department)
    area = clean_area(area, required=False)
    if SignOffRule.objects.filter(
        workspace_id=member.workspace_id, area=area, department=department
    ).exists():
        raise Invalid.field("department", "This rule exists already.")
    rule = SignOffRule.objects.create(
        workspace_id=member.workspace_id, area=area, department=department
    )
    for change in (
        Change.objects.filter(workspace_id=member.workspace_id, status__in=EDITABLE)
        .filter(**({"area": area} if area else {}))
        .prefetch_related("impacts")
    ):
        _apply_rules(change)
    record(workspace=member.workspace, actor=member.user, action="created", obj=rule, object_type="sign-off rule",
           object_label=f"{TeamKind(department).label} signs changes on {area or 'any area'}",
           after={"area": area, "department": department})  # fmt: skip
    return rule


@transaction.atomic
def rule_delete(*, member: Membership, rule_id: int) -> None:
    require(member, "change.rules")
    rule = SignOffRule.objects.filter(pk=rule_id, workspace_id=member.workspace_id).first()
    if rule is None:
        raise NotFound("No such sign-off rule in this workspace.")
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=rule, object_type="sign-off rule",
           object_label=f"{TeamKind(rule.department).label} signs changes on {rule.area or 'any area'}",
           before={"area": rule.area, "department": rule.department})  # fmt: skip
    rule.delete()


# ---------------------------------------------------------------- freezes


def _may_freeze(member: Membership, campaign: RoadmapItem | None) -> None:
    """Editors and up; or whoever owns the campaign (a person on a marketing roadmap's item)."""
    if can(member, "freeze.manage"):
        return
    require(member, "change.create")
    person = my_person(member)
    if campaign is None or person is None or not campaign.people.filter(pk=person.pk).exists():
        raise Forbidden(
            "Freeze windows are declared by editors, or by the owner of the campaign they protect."
        )


@transaction.atomic
def freeze_create(
    *,
    member: Membership,
    name: str,
    start: datetime | None,
    end: datetime | None,
    area: str = "",
    reason: str = "",
    campaign_id: int | None = None,
) -> Freeze:
    require(member, "change.view")
    campaign = None
    if campaign_id is not None:
        campaign = RoadmapItem.objects.filter(
            pk=campaign_id, workspace_id=member.workspace_id, roadmap__kind=RoadmapKind.MARKETING
        ).first()
        if campaign is None:
            raise Invalid.field(
                "campaign_id",
                "No such campaign (an item of a marketing roadmap) in this workspace.",
            )
    _may_freeze(member, campaign)
    freeze = Freeze(
        workspace_id=member.workspace_id,
        name=clean_text(name, "name", required=True, max_length=200),
        area=clean_area(area, required=False),
        reason=clean_text(reason, "reason", max_length=1000, multiline=True),
        campaign=campaign,
        declared_by=member.user,
    )
    freeze.start, freeze.end = _window(start, end, timedelta(days=MAX_FREEZE), "freeze window")
    freeze.save()
    record(workspace=member.workspace, actor=member.user, action="created", obj=freeze,
           after=snapshot(freeze, ["name", "area", "start", "end", "reason", "campaign_id"]))  # fmt: skip
    return freeze


@transaction.atomic
def freeze_delete(*, member: Membership, freeze_id: int) -> None:
    require(member, "change.create")
    freeze = Freeze.objects.filter(pk=freeze_id, workspace_id=member.workspace_id).first()
    if freeze is None:
        raise NotFound("No such freeze window in this workspace.")
    if not (can(member, "freeze.manage") or freeze.declared_by_id == member.user_id):
        raise Forbidden("Only whoever declared the freeze, or an editor, may lift it.")
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=freeze,
           before=snapshot(freeze, ["name", "area", "start", "end"]))  # fmt: skip
    freeze.delete()


# ---------------------------------------------------------------- review meetings


def pending_changes(workspace_id: int) -> list[Change]:
    """The changes waiting for a decision, by window and then risk (high first)."""
    changes = list(Change.objects.filter(workspace_id=workspace_id, status=S.IN_REVIEW))
    return sorted(changes, key=lambda c: (c.start, RISK_RANK[c.risk], c.pk))


def _add_to_agenda(review: ChangeReview, changes: list[Change]) -> int:
    on = set(review.agenda.values_list("change_id", flat=True))
    new = [c for c in changes if c.pk not in on]
    start = review.agenda.count()
    AgendaItem.objects.bulk_create(
        AgendaItem(review=review, change=c, position=start + n) for n, c in enumerate(new)
    )
    return len(new)


@transaction.atomic
def review_create(
    *,
    member: Membership,
    title: str,
    starts_at: datetime | None,
    attendee_ids: list[int] | None = None,
) -> ChangeReview:
    require(member, "change_review.manage")
    if starts_at is None or timezone.is_naive(starts_at):
        raise Invalid.field("starts_at", "Give the meeting's date and time with a time zone.")
    people = list(
        Person.objects.filter(workspace_id=member.workspace_id, pk__in=set(attendee_ids or []))
    )
    if len(people) != len(set(attendee_ids or [])):
        raise Invalid.field("attendee_ids", "No such person in this workspace.")
    review = ChangeReview.objects.create(
        workspace_id=member.workspace_id,
        title=clean_text(title, "title", required=True, max_length=200),
        starts_at=starts_at,
        created_by=member.user,
    )
    _add_to_agenda(review, pending_changes(member.workspace_id))
    Attendance.objects.bulk_create(
        Attendance(review=review, person=p, present=False) for p in people
    )
    record(workspace=member.workspace, actor=member.user, action="created", obj=review, object_type="change review",
           after=snapshot(review, ["title", "starts_at"]))  # fmt: skip
    return review


@transaction.atomic
def review_update(
    *, member: Membership, review_id: int, version: int, title: str | None = None, starts_at: datetime | None = None,
    notes: str | None = None, status: str | None = None,
) -> ChangeReview:  # fmt: skip
    require(member, "change_review.manage")
    review = get_review(member, review_id)
    before = snapshot(review, ["title", "starts_at", "notes", "status"])
    if title is not None:
        review.title = clean_text(title, "title", required=True, max_length=200)
    if starts_at is not None:
        if timezone.is_naive(starts_at):
            raise Invalid.field("starts_at", "Give a time zone.")
        review.starts_at = starts_at
    if notes is not None:
        review.notes = clean_text(notes, "notes", max_length=50000, multiline=True)
    if status is not None:
        review.status = _choice(status, ReviewStatus, "status")
    save_versioned(review, version, ["title", "starts_at", "notes", "status"])
    record(workspace=member.workspace, actor=member.user, action="updated", obj=review, object_type="change review", before=before,
           after=snapshot(review, ["title", "starts_at", "notes", "status"]))  # fmt: skip
    return review


@transaction.atomic
def review_refresh(*, member: Membership, review_id: int) -> int:
    """Add the changes that became pending since the agenda was made; returns how many."""
    require(member, "change_review.manage")
    review = get_review(member, review_id)
    return _add_to_agenda(review, pending_changes(member.workspace_id))


@transaction.atomic
def review_attend(
    *, member: Membership, review_id: int, person_id: int, present: bool
) -> Attendance:
    require(member, "change_review.manage")
    review = get_review(member, review_id)
    person = Person.objects.filter(pk=person_id, workspace_id=member.workspace_id).first()
    if person is None:
        raise Invalid.field("person_id", "No such person in this workspace.")
    row, _ = Attendance.objects.update_or_create(
        review=review, person=person, defaults={"present": present}
    )
    record(workspace=member.workspace, actor=member.user, action="attended", obj=review, object_type="change review",
           after={"person": person.pk, "person_name": person.name, "present": present})  # fmt: skip
    return row


@transaction.atomic
def review_decide(
    *, member: Membership, review_id: int, change_id: int, decision: str, reason: str
) -> AgendaItem:
    """Record the meeting's decision on one change (with the reason); approve and reject move the change."""
    require(member, "change_review.manage")
    decision = _choice(decision, Decision, "decision")
    reason = clean_text(reason, "reason", required=True, max_length=2000, multiline=True)
    review = get_review(member, review_id)
    item = (
        AgendaItem.objects.select_related("change")
        .filter(review=review, change_id=change_id)
        .first()
    )
    if item is None:
        raise Invalid.field("change_id", "This change is not on the meeting's agenda.")
    change = get_change(member, change_id, lock=True)
    if decision in (Decision.APPROVED, Decision.REJECTED) and change.status != decision:
        require(member, "change.approve")
        _move(member, change, decision, reason)
    item.decision, item.reason = decision, reason
    item.decided_by, item.decided_at = member.user, timezone.now()
    item.save()
    record(workspace=member.workspace, actor=member.user, action="decided", obj=review, object_type="change review",
           after={"change": change.pk, "change_title": change.title, "decision": decision, "reason": reason})  # fmt: skip
    return item


# ---------------------------------------------------------------- calendar feeds


@transaction.atomic
def feed_create(*, member: Membership) -> tuple[ChangeCalendarFeed, str]:
    require(member, "change_feed.manage")
    raw, digest = new_token("chg")
    feed = ChangeCalendarFeed.objects.create(
        workspace_id=member.workspace_id, token_hash=digest, created_by=member.user
    )
    record(workspace=member.workspace, actor=member.user, action="created", obj=feed, object_type="change calendar feed",
           object_label="Change calendar")  # fmt: skip
    return feed, raw


@transaction.atomic
def feed_revoke(*, member: Membership, feed_id: int) -> None:
    require(member, "change_feed.manage")
    feed = ChangeCalendarFeed.objects.filter(
        pk=feed_id, workspace_id=member.workspace_id, revoked_at__isnull=True
    ).first()
    if feed is None:
        raise NotFound("No such calendar feed in this workspace.")
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    record(workspace=member.workspace, actor=member.user, action="revoked", obj=feed, object_type="change calendar feed",
           object_label="Change calendar")  # fmt: skip


def feed_resolve(token: str) -> ChangeCalendarFeed:
    feed = (
        ChangeCalendarFeed.objects.select_related("workspace")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise NotFound("This calendar feed does not exist or was revoked.")
    return feed
