"""REST API for change requests, impacts and sign-offs, rules, freezes, the change calendar and its
feeds, and review meetings. Thin: the services write (and check permissions), the selectors read;
reads here check change.view. Everything lives under /workspaces/{slug}/."""

import json
from datetime import datetime, timedelta
from typing import Annotated, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import BeforeValidator

from accord.core.api_support import (
    BodyId,
    BodyInt,
    DateTimeIn,
    Id,
    Page,
    PageParams,
    PatchSchema,
    StrictBool,
    paginate,
    responses,
)
from accord.core.errors import Invalid, NotFound
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import conflicts as conflict_check
from . import minutes, selectors, services
from .models import ChangeStatus, ReviewStatus, Risk

router = Router(auth=API_AUTH, tags=["changes"])
WS = "/workspaces/{slug}"
Department = Literal[
    "product", "marketing", "it", "sales", "support", "design", "analytics", "custom"
]
ImpactLevel = Literal["none", "low", "medium", "high"]


def _text_only(value):
    # pydantic would read a number as a Unix timestamp; the schema says a date-time string.
    if not isinstance(value, str | datetime):
        raise ValueError("Use an ISO 8601 date-time, e.g. 2030-03-04T20:00:00Z.")
    return value


Moment = Annotated[DateTimeIn, BeforeValidator(_text_only)]


def _viewer(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "change.view")
    return member


# ---------------------------------------------------------------- schemas


class ImpactOut(Schema):
    department: str
    required: bool = Field(description="A workspace rule asks this department to sign.")
    impact: str = Field(description='none, low, medium, high; "" while not assessed.')
    note: str
    assessed_by: str | None
    signed_at: datetime | None


class ConflictOut(Schema):
    source: str
    rule: str = Field(description="Which rule fired, in words.")
    kind: str
    id: int
    title: str
    start: datetime
    end: datetime


class SlotOut(Schema):
    start: datetime
    end: datetime


class ConflictsOut(Schema):
    conflicts: list[ConflictOut]
    free_slot: SlotOut | None = Field(
        description="The next window of the same length without conflicts."
    )


class ChangeOut(Schema):
    id: int
    title: str
    area: str
    start: datetime
    end: datetime
    risk: Risk
    status: ChangeStatus
    requester: str | None
    missing_sign_offs: list[str]
    version: int


class ChangeItemRef(Schema):
    id: int
    title: str
    roadmap_id: int


class ChangeDetailOut(ChangeOut):
    description: str
    reason: str
    systems: str
    rollback_plan: str
    impacts: list[ImpactOut]
    roadmap_items: list[ChangeItemRef]
    conflicts: ConflictsOut


class ChangeIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "title": "Move the website to the new CDN",
                    "area": "website",
                    "start": "2030-03-03T20:00:00Z",
                    "end": "2030-03-03T23:00:00Z",
                    "risk": "medium",
                }
            ]
        }
    }

    title: str = Field(min_length=1, max_length=200)
    area: str = Field(
        min_length=1, max_length=80, description="The system or area affected, e.g. website."
    )
    start: Moment
    end: Moment
    description: str = Field("", max_length=20000)
    reason: str = Field("", max_length=5000)
    systems: str = Field("", max_length=300)
    risk: Risk = Risk.MEDIUM
    rollback_plan: str = Field("", max_length=10000)
    departments: list[Department] = Field(
        default_factory=list, max_length=8, description="Departments affected."
    )
    roadmap_item_ids: list[BodyId] = Field(default_factory=list, max_length=50)


class ChangePatch(PatchSchema):
    version: BodyInt
    title: str = Field(None, max_length=200)
    area: str = Field(None, max_length=80)
    start: Moment = None
    end: Moment = None
    description: str = Field(None, max_length=20000)
    reason: str = Field(None, max_length=5000)
    systems: str = Field(None, max_length=300)
    risk: Risk = None
    rollback_plan: str = Field(None, max_length=10000)
    roadmap_item_ids: list[BodyId] = Field(None, max_length=50)


class ChangeFilter(Schema):
    status: ChangeStatus | None = None
    area: str | None = Field(None, max_length=80)


class ConflictQuery(Schema):
    area: str = Field(min_length=1, max_length=80, examples=["website"])
    start: Moment = Field(examples=["2030-03-04T20:00:00Z"])
    end: Moment = Field(
        examples=["2030-03-04T23:00:00Z"], description="After start; at most 14 days later."
    )


class ImpactIn(Schema):
    department: Department
    impact: ImpactLevel
    note: str = Field("", max_length=1000)
    sign: StrictBool = Field(True, description="Also sign off for the department.")


class TransitionIn(Schema):
    to: ChangeStatus
    reason: str = Field("", max_length=2000)


class RuleOut(Schema):
    id: int
    area: str = Field(description='"" : every change.')
    department: str


class RuleIn(Schema):
    department: Department
    area: str = Field("", max_length=80, description="Blank: every change.")


class FreezeOut(Schema):
    id: int
    name: str
    area: str
    start: datetime
    end: datetime
    reason: str
    campaign_id: int | None


class FreezeIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "name": "Spring launch",
                    "start": "2030-03-01T00:00:00Z",
                    "end": "2030-03-15T00:00:00Z",
                    "area": "website",
                }
            ]
        }
    }

    name: str = Field(min_length=1, max_length=200)
    start: Moment
    end: Moment
    area: str = Field("", max_length=80, description="Blank: every area.")
    reason: str = Field("", max_length=1000)
    campaign_id: BodyId | None = Field(
        None, description="The campaign (marketing roadmap item) it protects."
    )


class CalendarQuery(Schema):
    start: Moment = Field(examples=["2030-01-01T00:00:00Z"])
    end: Moment = Field(
        examples=["2030-04-01T00:00:00Z"], description="After start; at most 400 days later."
    )


class CalendarChangeOut(Schema):
    id: int
    title: str
    area: str
    start: datetime
    end: datetime
    status: ChangeStatus
    risk: Risk


class CalendarOut(Schema):
    changes: list[CalendarChangeOut]
    freezes: list[FreezeOut]


class ChangeFeedOut(Schema):
    id: int
    created_at: datetime


class ChangeFeedCreated(ChangeFeedOut):
    token: str = Field(description="The secret; shown once.")
    url: str = Field(description="/changes/calendar/<token>.ics: subscribe in any calendar app.")


class ReviewOut(Schema):
    id: int
    title: str
    starts_at: datetime
    status: ReviewStatus
    version: int


class AgendaOut(Schema):
    change_id: int
    title: str
    area: str
    start: datetime
    end: datetime
    risk: Risk
    status: ChangeStatus
    decision: str = Field(description='approved, rejected, deferred; "" while not decided.')
    reason: str


class AttendanceOut(Schema):
    person_id: int
    name: str
    present: bool


class ReviewDetailOut(ReviewOut):
    notes: str
    agenda: list[AgendaOut]
    attendance: list[AttendanceOut]
    minutes_markdown: str


class ReviewMeetingIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [{"title": "Weekly change review", "starts_at": "2030-03-02T10:00:00Z"}]
        }
    }

    title: str = Field(min_length=1, max_length=200)
    starts_at: Moment
    attendee_ids: list[BodyId] = Field(default_factory=list, max_length=100)


class ReviewPatch(PatchSchema):
    version: BodyInt
    title: str = Field(None, max_length=200)
    starts_at: Moment = None
    notes: str = Field(None, max_length=50000)
    status: ReviewStatus = None


class AttendIn(Schema):
    person_id: BodyId
    present: StrictBool = True


class ChangeDecisionIn(Schema):
    change_id: BodyId
    decision: Literal["approved", "rejected", "deferred"]
    reason: str = Field(min_length=1, max_length=2000)


# ---------------------------------------------------------------- serializers


def _report(report: conflict_check.Report) -> dict:
    return {
        "conflicts": [
            {
                "source": b.source,
                "rule": b.rule,
                "kind": b.kind,
                "id": b.id,
                "title": b.title,
                "start": b.start,
                "end": b.end,
            }
            for b in report.conflicts
        ],
        "free_slot": {"start": report.free_slot[0], "end": report.free_slot[1]}
        if report.free_slot
        else None,
    }


def _change_out(c) -> dict:
    return {
        "id": c.pk, "title": c.title, "area": c.area, "start": c.start, "end": c.end, "risk": c.risk,
        "status": c.status, "requester": c.requester.email if c.requester_id else None,
        "missing_sign_offs": services.missing_signoffs(c), "version": c.version,
    }  # fmt: skip


def _change_detail(member, change_id: int) -> dict:
    c = selectors.change(workspace=member.workspace, change_id=change_id)
    if c is None:
        raise NotFound("No such change in this workspace.")
    return {
        **_change_out(c),
        "description": c.description, "reason": c.reason, "systems": c.systems, "rollback_plan": c.rollback_plan,
        "impacts": [
            {"department": i.department, "required": i.required, "impact": i.impact, "note": i.note,
             "assessed_by": i.assessed_by.name if i.assessed_by_id else None, "signed_at": i.signed_at}
            for i in c.impacts.all()
        ],
        "roadmap_items": [{"id": i.pk, "title": i.title, "roadmap_id": i.roadmap_id} for i in c.roadmap_items.all()],
        "conflicts": _report(selectors.conflicts(c)),
    }  # fmt: skip


def _review_detail(member, review_id: int) -> dict:
    r = selectors.review(workspace=member.workspace, review_id=review_id)
    if r is None:
        raise NotFound("No such review meeting in this workspace.")
    return {
        "id": r.pk, "title": r.title, "starts_at": r.starts_at, "status": r.status, "version": r.version, "notes": r.notes,
        "agenda": [
            {"change_id": a.change_id, "title": a.change.title, "area": a.change.area, "start": a.change.start,
             "end": a.change.end, "risk": a.change.risk, "status": a.change.status, "decision": a.decision, "reason": a.reason}
            for a in r.agenda.all()
        ],
        "attendance": [{"person_id": a.person_id, "name": a.person.name, "present": a.present} for a in r.attendance.all()],
        "minutes_markdown": minutes.markdown(r),
    }  # fmt: skip


# ---------------------------------------------------------------- changes


@router.get(
    f"{WS}/changes", response=responses(200, Page[ChangeOut]), summary="List change requests"
)
def list_changes(
    request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[ChangeFilter]
):
    member = _viewer(request, slug)
    return paginate(
        selectors.changes(workspace=member.workspace, **filters.dict()), page, _change_out
    )


@router.post(
    f"{WS}/changes", response=responses(201, ChangeDetailOut), summary="File a change request"
)
def create_change(request: HttpRequest, slug: str, data: ChangeIn):
    member = member_for(request, slug)
    change = services.change_create(member=member, **data.dict())
    return Status(201, _change_detail(member, change.pk))


@router.get(f"{WS}/change-conflicts", response=responses(200, ConflictsOut),
            summary="Check a window before filing: its conflicts and the next free slot")  # fmt: skip
def check_conflicts(request: HttpRequest, slug: str, query: Query[ConflictQuery]):
    member = _viewer(request, slug)
    if query.end <= query.start:
        raise Invalid.field("end", "The end of the window is before (or at) its start.")
    if query.end - query.start > conflict_check.MAX_WINDOW:
        raise Invalid.field(
            "end", f"A change window lasts at most {conflict_check.MAX_WINDOW.days} days."
        )
    area = services.clean_area(query.area)
    return _report(conflict_check.check(member.workspace_id, area, query.start, query.end))


@router.get(f"{WS}/changes/{{change_id}}", response=responses(200, ChangeDetailOut),
            summary="A change with its impacts, sign-offs and conflicts")  # fmt: skip
def get_change(request: HttpRequest, slug: str, change_id: Id):
    return _change_detail(_viewer(request, slug), change_id)


@router.patch(
    f"{WS}/changes/{{change_id}}",
    response=responses(200, ChangeDetailOut),
    summary="Edit a change (draft or in review)",
)
def patch_change(request: HttpRequest, slug: str, change_id: Id, data: ChangePatch):
    member = member_for(request, slug)
    services.change_update(member=member, change_id=change_id, **data.dict(exclude_unset=True))
    return _change_detail(member, change_id)


@router.post(f"{WS}/changes/{{change_id}}/impacts", response=responses(200, ChangeDetailOut),
             summary="Assess a department's impact and sign off for it (members of that department)")  # fmt: skip
def assess_impact(request: HttpRequest, slug: str, change_id: Id, data: ImpactIn):
    member = member_for(request, slug)
    services.impact_assess(member=member, change_id=change_id, **data.dict())
    return _change_detail(member, change_id)


@router.post(f"{WS}/changes/{{change_id}}/transitions", response=responses(200, ChangeDetailOut),
             summary="Move a change: submit, approve, reject, schedule, done, rolled back")  # fmt: skip
def transition_change(request: HttpRequest, slug: str, change_id: Id, data: TransitionIn):
    member = member_for(request, slug)
    services.change_transition(member=member, change_id=change_id, to=data.to, reason=data.reason)
    return _change_detail(member, change_id)


# ---------------------------------------------------------------- rules


@router.get(
    f"{WS}/change-rules",
    response=responses(200, list[RuleOut]),
    summary="Which departments sign which changes",
)
def list_rules(request: HttpRequest, slug: str):
    return list(selectors.rules(workspace=_viewer(request, slug).workspace))


@router.post(
    f"{WS}/change-rules",
    response=responses(201, RuleOut),
    summary="Require a department's sign-off for an area",
)
def create_rule(request: HttpRequest, slug: str, data: RuleIn):
    return Status(201, services.rule_create(member=member_for(request, slug), **data.dict()))


@router.delete(
    f"{WS}/change-rules/{{change_rule_id}}",
    response=responses(204),
    summary="Delete a sign-off rule",
)
def delete_rule(request: HttpRequest, slug: str, change_rule_id: Id):
    services.rule_delete(member=member_for(request, slug), rule_id=change_rule_id)
    return Status(204, None)


# ---------------------------------------------------------------- freezes and the calendar


@router.get(
    f"{WS}/freezes", response=responses(200, Page[FreezeOut]), summary="List freeze windows"
)
def list_freezes(request: HttpRequest, slug: str, page: Query[PageParams]):
    return paginate(selectors.freezes(workspace=_viewer(request, slug).workspace), page)


@router.post(f"{WS}/freezes", response=responses(201, FreezeOut),
             summary="Declare a freeze window (editors, or the owner of the campaign it protects)")  # fmt: skip
def create_freeze(request: HttpRequest, slug: str, data: FreezeIn):
    return Status(201, services.freeze_create(member=member_for(request, slug), **data.dict()))


@router.delete(
    f"{WS}/freezes/{{freeze_id}}", response=responses(204), summary="Lift a freeze window"
)
def delete_freeze(request: HttpRequest, slug: str, freeze_id: Id):
    services.freeze_delete(member=member_for(request, slug), freeze_id=freeze_id)
    return Status(204, None)


@router.get(
    f"{WS}/change-calendar",
    response=responses(200, CalendarOut),
    summary="Changes and freezes in a time range",
)
def change_calendar(request: HttpRequest, slug: str, query: Query[CalendarQuery]):
    member = _viewer(request, slug)
    if query.end <= query.start:
        raise Invalid.field("end", "The end of the range is before (or at) its start.")
    if query.end - query.start > timedelta(days=400):
        raise Invalid.field("end", "Ask for at most 400 days at a time.")
    # A quarter is thousands of changes: plain rows, written straight to JSON (the schema above
    # documents them; validating each row through the response schema cost ten times the query).
    rows = selectors.calendar_rows(workspace=member.workspace, start=query.start, end=query.end)
    return HttpResponse(json.dumps(rows, cls=DjangoJSONEncoder), content_type="application/json")


@router.get(f"{WS}/change-calendar-feeds", response=responses(200, list[ChangeFeedOut]),
            summary="The change calendar's active iCalendar feeds (never their secrets)")  # fmt: skip
def list_feeds(request: HttpRequest, slug: str):
    return list(selectors.feeds(workspace=_viewer(request, slug).workspace))


@router.post(f"{WS}/change-calendar-feeds", response=responses(201, ChangeFeedCreated),
             summary="Create an iCalendar feed of the change calendar (the token is shown once)")  # fmt: skip
def create_feed(request: HttpRequest, slug: str):
    feed, raw = services.feed_create(member=member_for(request, slug))
    feed.token, feed.url = raw, f"/changes/calendar/{raw}.ics"
    return Status(201, feed)


@router.delete(
    f"{WS}/change-calendar-feeds/{{change_feed_id}}",
    response=responses(204),
    summary="Revoke a change calendar feed",
)
def revoke_feed(request: HttpRequest, slug: str, change_feed_id: Id):
    services.feed_revoke(member=member_for(request, slug), feed_id=change_feed_id)
    return Status(204, None)


# ---------------------------------------------------------------- review meetings


@router.get(
    f"{WS}/change-reviews", response=responses(200, Page[ReviewOut]), summary="List review meetings"
)
def list_reviews(request: HttpRequest, slug: str, page: Query[PageParams]):
    return paginate(selectors.reviews(workspace=_viewer(request, slug).workspace), page)


@router.post(f"{WS}/change-reviews", response=responses(201, ReviewDetailOut),
             summary="Plan a review meeting; its agenda is the pending changes by window and risk")  # fmt: skip
def create_review(request: HttpRequest, slug: str, data: ReviewMeetingIn):
    member = member_for(request, slug)
    review = services.review_create(member=member, **data.dict())
    return Status(201, _review_detail(member, review.pk))


@router.get(f"{WS}/change-reviews/{{change_review_id}}", response=responses(200, ReviewDetailOut),
            summary="A review meeting: agenda, attendance, decisions, minutes (Markdown)")  # fmt: skip
def get_review(request: HttpRequest, slug: str, change_review_id: Id):
    return _review_detail(_viewer(request, slug), change_review_id)


@router.patch(
    f"{WS}/change-reviews/{{change_review_id}}",
    response=responses(200, ReviewDetailOut),
    summary="Edit a review meeting",
)
def patch_review(request: HttpRequest, slug: str, change_review_id: Id, data: ReviewPatch):
    member = member_for(request, slug)
    services.review_update(
        member=member, review_id=change_review_id, **data.dict(exclude_unset=True)
    )
    return _review_detail(member, change_review_id)


@router.post(f"{WS}/change-reviews/{{change_review_id}}/agenda", response=responses(200, ReviewDetailOut),
             summary="Add the changes that became pending to the agenda")  # fmt: skip
def refresh_agenda(request: HttpRequest, slug: str, change_review_id: Id):
    member = member_for(request, slug)
    services.review_refresh(member=member, review_id=change_review_id)
    return _review_detail(member, change_review_id)


@router.post(f"{WS}/change-reviews/{{change_review_id}}/attendance", response=responses(200, ReviewDetailOut),
             summary="Record whether a person attended")  # fmt: skip
def attend(request: HttpRequest, slug: str, change_review_id: Id, data: AttendIn):
    member = member_for(request, slug)
    services.review_attend(member=member, review_id=change_review_id, **data.dict())
    return _review_detail(member, change_review_id)


@router.post(f"{WS}/change-reviews/{{change_review_id}}/decisions", response=responses(200, ReviewDetailOut),
             summary="Record the decision on a change of the agenda, with its reason")  # fmt: skip
def decide(request: HttpRequest, slug: str, change_review_id: Id, data: ChangeDecisionIn):
    member = member_for(request, slug)
    services.review_decide(member=member, review_id=change_review_id, **data.dict())
    return _review_detail(member, change_review_id)
