"""The iCalendar feed of a roadmap: its milestones and dated items as all-day events.

Built with the icalendar package, in the shape the common calendar exports have (see
shared/data/formats/ical): VERSION, PRODID, CALSCALE, METHOD:PUBLISH and X-WR-CALNAME on the
calendar; UID, DTSTAMP, DTSTART/DTEND as dates (DTEND exclusive, RFC 5545), SUMMARY, DESCRIPTION,
STATUS, TRANSP and SEQUENCE on each event. UIDs are stable (the same object keeps its UID across
fetches, so calendar apps update instead of duplicating). No URL property: the feed links nowhere.

Every text goes through `text()`: a TEXT value (RFC 5545 3.3.11) with its line breaks as \\n
(\\r\\n and a bare \\r too: TEXT knows one kind of break) and ; , \\ escaped, control characters
dropped. The X-WR-* properties are TEXT as well (icalendar would write them raw).
"""

import re
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event, vText

from . import selectors
from .models import ItemStatus, Roadmap

PRODID = "-//Accord//Roadmap calendar//EN"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # CTL of RFC 5545 but HTAB (and LF, kept)


def text(value: str) -> vText:
    """Any text as an escaped TEXT value: one line break (\\n), no control character."""
    return vText(_CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")))


def _description(*parts: str) -> vText:
    return text("\n".join(p for p in parts if p))


def roadmap_calendar(roadmap: Roadmap, *, host: str, now: datetime | None = None) -> bytes:
    """The VCALENDAR of the roadmap (a portfolio: of the roadmaps it includes) as bytes (CRLF)."""
    stamp = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", text(f"{roadmap.name} (roadmap)"))
    if roadmap.description:
        cal.add("x-wr-caldesc", text(roadmap.description[:1000]))
    cal.add("x-wr-timezone", "UTC")

    for m in selectors.milestones(roadmap=roadmap):
        event = Event()
        event.add("uid", f"accord-milestone-{m.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", m.date)
        event.add("dtend", m.date + timedelta(days=1))
        event.add("summary", text(f"Milestone: {m.name}"))
        event.add(
            "description",
            _description("Milestone" + ("" if m.roadmap_id else " (all roadmaps)"), m.description),
        )
        event.add("categories", ["Milestone"])
        event.add("status", "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        event.add("sequence", max(m.version - 1, 0))
        cal.add_component(event)

    for it in selectors.items(roadmap=roadmap).filter(
        start_date__isnull=False, end_date__isnull=False
    ):
        event = Event()
        event.add("uid", f"accord-item-{it.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("last-modified", it.updated_at.astimezone(UTC).replace(microsecond=0))
        event.add("dtstart", it.start_date)
        event.add("dtend", it.end_date + timedelta(days=1))
        event.add("summary", text(it.title))
        tags = ", ".join(t.name for t in it.tags.all())
        event.add(
            "description",
            _description(
                f"{it.get_status_display()} · {it.percent_done}% done",
                f"Roadmap: {it.roadmap.name}" + (f" · Lane: {it.lane.name}" if it.lane else ""),
                f"Team: {it.team.name}" if it.team else "",
                f"Tags: {tags}" if tags else "",
                it.description[:2000],
            ),
        )
        event.add("categories", ["Roadmap item"])
        event.add("status", "CANCELLED" if it.status == ItemStatus.CANCELLED else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        event.add("sequence", max(it.version - 1, 0))
        cal.add_component(event)
    return cal.to_ical()
