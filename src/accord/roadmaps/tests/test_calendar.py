"""The iCalendar feed carries any text: line breaks, ; , and \\ are escaped (RFC 5545 3.3.11)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from accord.ideas.models import Tag
from accord.roadmaps import services
from accord.roadmaps.calendar import roadmap_calendar
from accord.roadmaps.models import Lane, Milestone, Roadmap, RoadmapItem
from accord.workspaces.models import Team
from accord.workspaces.services import team_create

pytestmark = pytest.mark.django_db

# Every kind of line break, the characters TEXT escapes, a tab, and lines that would start a new
# component if a break went through unescaped.
NASTY = "one\ntwo\r\nthree\rBEGIN:VEVENT\nUID:evil; a, b \\ c\tend"
# What a calendar can hold: TEXT knows one line break (\n), so \r\n and a bare \r become \n.
HELD = "one\ntwo\nthree\nBEGIN:VEVENT\nUID:evil; a, b \\ c\tend"


def nasty(label: str) -> str:
    return f"{label} {NASTY}"


def held(label: str) -> str:
    return f"{label} {HELD}"


@pytest.fixture
def nasty_plan(cast):
    """A roadmap, a portfolio including it, and every text the feeds write set to NASTY (through
    the ORM: imports and older rows may hold any text, whatever a form accepts today)."""
    editor = cast.members["editor"]
    today = timezone.localdate()
    rm = services.roadmap_create(member=editor, name="Plain", lanes=["Lane"])
    team = team_create(member=cast.members["admin"], name="Team")
    item = services.item_create(
        member=editor, roadmap_id=rm.pk, title="Item", lane_id=rm.lanes.get().pk,
        team_id=team.pk, tags=["tag"], start_date=today, end_date=today + timedelta(days=3),
    )  # fmt: skip
    own = services.milestone_create(member=editor, name="Own", date_=today, roadmap_id=rm.pk)
    shared = services.milestone_create(member=editor, name="Shared", date_=today)
    portfolio = services.roadmap_create(
        member=editor, name="Portfolio", kind="portfolio", includes=[rm.pk]
    )
    Roadmap.objects.filter(pk=rm.pk).update(name=nasty("Roadmap"), description=nasty("About"))
    Roadmap.objects.filter(pk=portfolio.pk).update(
        name=nasty("Portfolio"), description=nasty("All")
    )
    RoadmapItem.objects.filter(pk=item.pk).update(title=nasty("Title"), description=nasty("Desc"))
    Lane.objects.filter(roadmap=rm).update(name=nasty("Lane"))
    Team.objects.filter(pk=team.pk).update(name=nasty("Team"))
    Tag.objects.filter(roadmap_items=item).update(name=nasty("Tag"))
    Milestone.objects.filter(pk=own.pk).update(name=nasty("Own"), description=nasty("Why"))
    Milestone.objects.filter(pk=shared.pk).update(name=nasty("Shared"), description=nasty("All"))
    return {"roadmap": rm, "portfolio": portfolio, "item": item, "own": own, "shared": shared}


def x_text(cal: Calendar, name: str) -> str:
    """An X- property read back as TEXT (icalendar leaves unknown properties escaped)."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], str(cal[name]))


@pytest.mark.parametrize("which", ["roadmap", "portfolio"])
def test_every_text_of_every_feed_round_trips_and_injects_nothing(client, cast, nasty_plan, which):
    roadmap = nasty_plan[which]
    _feed, raw = services.calendar_feed_create(member=cast.members["editor"], roadmap_id=roadmap.pk)
    response = client.get(f"/calendar/{raw}.ics")
    assert response.status_code == 200
    body = response.content
    # Nothing but CRLF ends a line, and every line holds one property: no bare CR, no injected line.
    assert b"\r" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == lines.count(b"END:VEVENT") == 3
    assert not any(line.startswith(b"UID:evil") for line in lines)
    cal = Calendar.from_ical(body)
    label = "Roadmap" if which == "roadmap" else "Portfolio"
    assert x_text(cal, "X-WR-CALNAME") == f"{held(label)} (roadmap)"
    assert x_text(cal, "X-WR-CALDESC") == held("About" if which == "roadmap" else "All")
    events = {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert len(events) == 3
    item = events[f"accord-item-{nasty_plan['item'].pk}"]
    assert str(item["SUMMARY"]) == held("Title")
    assert str(item["DESCRIPTION"]) == "\n".join(
        [
            "Planned · 0% done",
            f"Roadmap: {held('Roadmap')} · Lane: {held('Lane')}",
            f"Team: {held('Team')}",
            f"Tags: {held('Tag')}",
            held("Desc"),
        ]
    )
    own = events[f"accord-milestone-{nasty_plan['own'].pk}"]
    assert str(own["SUMMARY"]) == f"Milestone: {held('Own')}"
    assert str(own["DESCRIPTION"]) == f"Milestone\n{held('Why')}"
    shared = events[f"accord-milestone-{nasty_plan['shared'].pk}"]
    assert str(shared["SUMMARY"]) == f"Milestone: {held('Shared')}"
    assert str(shared["DESCRIPTION"]) == f"Milestone (all roadmaps)\n{held('All')}"


def test_control_characters_are_dropped_not_written(nasty_plan):
    RoadmapItem.objects.filter(pk=nasty_plan["item"].pk).update(title="Bell\x07 form\x0c feed\x7f")
    Roadmap.objects.filter(pk=nasty_plan["roadmap"].pk).update(description="esc\x1b[31m")
    body = roadmap_calendar(Roadmap.objects.get(pk=nasty_plan["roadmap"].pk), host="test")
    assert not any(ch in body for ch in b"\x07\x0c\x1b\x7f")  # (PostgreSQL stores no NUL)
    cal = Calendar.from_ical(body)
    assert x_text(cal, "X-WR-CALDESC") == "esc[31m"
    titles = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert "Bell form feed" in titles
