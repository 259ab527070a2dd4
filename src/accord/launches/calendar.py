"""The iCalendar feed of a workspace's launches: one all-day event per launch (its window), in the
shape of the roadmap feeds (accord.roadmaps.calendar: the same TEXT escaping, stable UIDs,
DTEND exclusive, SEQUENCE from the version)."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from accord.roadmaps.calendar import text

from .selectors import LaunchView

PRODID = "-//Accord//Launch calendar//EN"


def launches_calendar(
    workspace, views: list[LaunchView], *, host: str, now: datetime | None = None
) -> bytes:
    stamp = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", text(f"{workspace.name} launches"))
    cal.add("x-wr-timezone", "UTC")
    for v in views:
        launch = v.launch
        event = Event()
        event.add("uid", f"accord-launch-{launch.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("last-modified", launch.updated_at.astimezone(UTC).replace(microsecond=0))
        event.add("dtstart", launch.launch_date)
        event.add("dtend", launch.last_day + timedelta(days=1))
        event.add("summary", text(f"Launch: {launch.name}"))
        release = launch.release
        parts = [
            f"{launch.get_tier_display()} · checklist {v.readiness.percent}% done"
            + (f" · {v.readiness.overdue} overdue" if v.readiness.overdue else "")
            + (f" · {v.readiness.blocked} blocked" if v.readiness.blocked else ""),
            f"Release: {release.title} (ends {release.end_date.isoformat()})"
            if release and release.end_date
            else "",
            f"The release slipped {v.slip.days} days past the launch date." if v.slip else "",
            "Campaigns: " + ", ".join(c.title for c in v.campaigns) if v.campaigns else "",
            launch.description[:2000],
        ]
        event.add("description", text("\n".join(p for p in parts if p)))
        event.add("categories", ["Launch"])
        event.add("status", "TENTATIVE" if v.slip else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        event.add("sequence", max(launch.version - 1, 0))
        cal.add_component(event)
    return cal.to_ical()
