"""Reads for changes, the change calendar, freezes, rules and review meetings (constant queries)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from .conflicts import MAX_WINDOW, Report, check
from .models import (
    ACTIVE,
    AgendaItem,
    Attendance,
    Change,
    ChangeCalendarFeed,
    ChangeImpact,
    ChangeReview,
    ChangeStatus,
    Freeze,
    SignOffRule,
)


def changes(*, workspace, status: str | None = None, area: str | None = None) -> QuerySet[Change]:
    qs = (
        Change.objects.filter(workspace=workspace)
        .select_related("requester")
        .prefetch_related("impacts")
    )
    if status:
        qs = qs.filter(status=status)
    if area:
        qs = qs.filter(area=area.strip().lower())
    return qs.order_by("start", "id")


def change(*, workspace, change_id: int) -> Change | None:
    return (
        Change.objects.filter(workspace=workspace, pk=change_id)
        .select_related("requester")
        .prefetch_related(
            Prefetch("impacts", ChangeImpact.objects.select_related("assessed_by")),
            "roadmap_items__roadmap",
            Prefetch(
                "agenda_items",
                AgendaItem.objects.select_related("review", "decided_by").order_by(
                    "-review__starts_at"
                ),
            ),
        )
        .first()
    )


def conflicts(change: Change) -> Report:
    if change.status not in ACTIVE:
        return Report(conflicts=[], free_slot=None)
    return check(
        change.workspace_id, change.area, change.start, change.end, exclude_change_id=change.pk
    )


@dataclass
class Calendar:
    start: datetime
    end: datetime
    changes: list[Change]
    freezes: list[Freeze]


def calendar(*, workspace, start: datetime, end: datetime, include_closed: bool = True) -> Calendar:
    """Changes and freezes overlapping [start, end): two queries (changes by the (workspace, start) index)."""
    qs = Change.objects.filter(
        workspace=workspace, start__gte=start - MAX_WINDOW, start__lt=end, end__gt=start
    )
    if not include_closed:
        qs = qs.filter(status__in=ACTIVE)
    chs = list(
        qs.only(
            "id", "title", "area", "start", "end", "status", "risk", "version", "updated_at"
        ).order_by("start", "id")
    )
    frz = list(
        Freeze.objects.filter(workspace=workspace, start__lt=end, end__gt=start).order_by(
            "start", "id"
        )
    )
    return Calendar(start=start, end=end, changes=chs, freezes=frz)


CALENDAR_FIELDS = ("id", "title", "area", "start", "end", "status", "risk")
FREEZE_FIELDS = ("id", "name", "area", "start", "end", "reason", "campaign_id")


def calendar_rows(*, workspace, start: datetime, end: datetime) -> dict:
    """The calendar as plain rows for the API (no model instances: a quarter is thousands of changes)."""
    rows = (
        Change.objects.filter(
            workspace=workspace, start__gte=start - MAX_WINDOW, start__lt=end, end__gt=start
        )
        .order_by("start", "id")
        .values(*CALENDAR_FIELDS)
    )
    frz = Freeze.objects.filter(workspace=workspace, start__lt=end, end__gt=start).order_by(
        "start", "id"
    )
    return {"changes": list(rows), "freezes": list(frz.values(*FREEZE_FIELDS))}


def freezes(*, workspace) -> QuerySet[Freeze]:
    return (
        Freeze.objects.filter(workspace=workspace)
        .select_related("campaign", "declared_by")
        .order_by("start", "id")
    )


def rules(*, workspace) -> QuerySet[SignOffRule]:
    return SignOffRule.objects.filter(workspace=workspace).order_by("area", "department")


def reviews(*, workspace) -> QuerySet[ChangeReview]:
    return ChangeReview.objects.filter(workspace=workspace).order_by("-starts_at", "-id")


def review(*, workspace, review_id: int) -> ChangeReview | None:
    return (
        ChangeReview.objects.filter(workspace=workspace, pk=review_id)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "agenda",
                AgendaItem.objects.select_related("change", "decided_by").prefetch_related(
                    "change__impacts"
                ),
            ),
            Prefetch("attendance", Attendance.objects.select_related("person")),
        )
        .first()
    )


def feeds(*, workspace) -> QuerySet[ChangeCalendarFeed]:
    return ChangeCalendarFeed.objects.filter(workspace=workspace, revoked_at__isnull=True)


def waiting_for(*, workspace, departments: set[str]) -> list[ChangeImpact]:
    """Sign-offs my departments owe: required, unsigned, on changes in draft or in review (one query)."""
    if not departments:
        return []
    return list(
        ChangeImpact.objects.filter(
            change__workspace=workspace, department__in=departments, signed_at__isnull=True,
            change__status__in=[ChangeStatus.DRAFT, ChangeStatus.IN_REVIEW],
        )
        .select_related("change")
        .order_by("change__start", "change_id")[:20]
    )  # fmt: skip
