"""The iCalendar feed of a workspace's change calendar: change windows and freeze windows as timed
events, written like the roadmap feed (accord.roadmaps.calendar: the same TEXT escaping, stable UIDs,
SEQUENCE from the version)."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from accord.roadmaps.calendar import text

from . import selectors
from .models import ChangeStatus

PRODID = "-//Accord//Change calendar//EN"
PAST, AHEAD = timedelta(days=90), timedelta(days=366)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def change_calendar(workspace, *, host: str, now: datetime | None = None) -> bytes:
    now = now or timezone.now()
    stamp = _utc(now)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", text(f"{workspace.name} (changes)"))
    cal.add("x-wr-timezone", "UTC")
    data = selectors.calendar(workspace=workspace, start=now - PAST, end=now + AHEAD)
    for c in data.changes:
        event = Event()
        event.add("uid", f"accord-change-{c.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("last-modified", _utc(c.updated_at))
        event.add("dtstart", _utc(c.start))
        event.add("dtend", _utc(c.end))
        event.add("summary", text(f"Change: {c.title}"))
        event.add(
            "description",
            text(f"{c.get_status_display()} · {c.get_risk_display()} risk · Area: {c.area}"),
        )
        event.add("categories", ["Change"])
        cancelled = c.status in (ChangeStatus.REJECTED, ChangeStatus.ROLLED_BACK)
        event.add(
            "status",
            "CANCELLED"
            if cancelled
            else "CONFIRMED"
            if c.status != ChangeStatus.DRAFT
            else "TENTATIVE",
        )
        event.add("transp", "OPAQUE")
        event.add("sequence", max(c.version - 1, 0))
        cal.add_component(event)
    for f in data.freezes:
        event = Event()
        event.add("uid", f"accord-freeze-{f.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(f.start))
        event.add("dtend", _utc(f.end))
        event.add("summary", text(f"Freeze: {f.name}"))
        event.add(
            "description",
            text("\n".join(p for p in (f"Area: {f.area or 'every area'}", f.reason) if p)),
        )
        event.add("categories", ["Freeze"])
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
