"""Exports of a roadmap (svg, png, pdf, csv, json) and its iCalendar feed."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.test import Client
from icalendar import Calendar
from PIL import Image

from accord.roadmaps import services
from accord.roadmaps.models import RoadmapItem

from .sharing_setup import fresh_cache_fixture, plan_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ICAL_EXAMPLES = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "formats" / "ical"
FORMATS = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "json": "application/json",
}


def signed_in(cast, role="viewer"):
    client = Client()
    client.force_login(cast.members[role].user)
    return client


def url(plan, fmt, query=""):
    return f"/w/acme/roadmaps/{plan['roadmap'].pk}/export.{fmt}{query}"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_is_an_attachment_for_a_viewer(cast, plan, fmt):
    response = signed_in(cast).get(url(plan, fmt))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(FORMATS[fmt])
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f'.{fmt}"' in disposition
    assert "launch-plan-" in disposition


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_outsiders_get_404_and_anonymous_visitors_the_sign_in_page(cast, plan, fmt):
    outsider = Client()
    outsider.force_login(cast.outsider.user)
    assert outsider.get(url(plan, fmt)).status_code == 404
    anonymous = Client().get(url(plan, fmt))
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous["Location"]


def test_a_roadmap_of_another_workspace_is_404_also_through_my_own_workspace(cast, plan):
    foreign = services.roadmap_create(member=cast.outsider, name="Theirs")
    response = signed_in(cast).get(f"/w/acme/roadmaps/{foreign.pk}/export.json")
    assert response.status_code == 404


def test_unknown_formats_and_filters_are_refused(cast, plan):
    client = signed_in(cast)
    assert client.get(url(plan, "exe")).status_code == 404
    assert client.get(url(plan, "csv", "?sort=title")).status_code == 400
    assert client.get(url(plan, "csv", "?status=bogus")).status_code == 400
    assert client.get(url(plan, "csv", "?lane_id=abc")).status_code == 400
    filtered = client.get(url(plan, "json", "?status=in_progress")).json()
    assert [i["title"] for i in filtered["items"]] == ["Alpha engine"]


def test_the_svg_is_a_download_never_inline_and_runs_nothing(cast, plan):
    response = signed_in(cast).get(url(plan, "svg"))
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    root = ET.fromstring(body)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<script" not in body and "style=" not in body and "href" not in body
    for text in ("Launch plan", "Alpha engine", "Beta rollout", "Go live", "Build", "Today"):
        assert text in body


def test_svg_text_is_escaped(cast, plan):
    services.item_create(
        member=plan["editor"], roadmap_id=plan["roadmap"].pk, title='<script>alert("x")</script>',
        start_date=date.today(), end_date=date.today() + timedelta(days=2),
    )  # fmt: skip
    body = signed_in(cast).get(url(plan, "svg")).content.decode()
    assert "<script>" not in body and "&lt;script&gt;" in body
    ET.fromstring(body)


def test_png_and_pdf_render_the_timeline(cast, plan):
    client = signed_in(cast)
    png = client.get(url(plan, "png")).content
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width >= 1600 and image.height > 200
    # Not a blank picture: bars in the status colours are there.
    colors = {c for _n, c in image.convert("RGB").getcolors(1 << 20)}
    assert (0x35, 0x63, 0xC9) in colors  # in progress (app.css --st-in_progress)
    pdf = client.get(url(plan, "pdf")).content
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1


def test_a_tall_timeline_pdf_has_several_pages(cast, plan):
    editor, rm = plan["editor"], plan["roadmap"]
    lanes = [services.lane_create(member=editor, roadmap_id=rm.pk, name=f"Lane {n}") for n in range(30)]
    for n, lane in enumerate(lanes):
        services.item_create(
            member=editor, roadmap_id=rm.pk, lane_id=lane.pk, title=f"Work {n}",
            start_date=date.today(), end_date=date.today() + timedelta(days=n + 1),
        )  # fmt: skip
    pdf = signed_in(cast).get(url(plan, "pdf")).content
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2


def test_csv_has_the_import_columns_and_neutralizes_formulas(cast, plan):
    editor, rm = plan["editor"], plan["roadmap"]
    services.item_create(
        member=editor, roadmap_id=rm.pk, title="=HYPERLINK(\"http://evil\",\"x\")",
        description="+cmd|' /C calc'!A0", bucket="now", tags=["@risk", "-minus"],
    )  # fmt: skip
    response = signed_in(cast).get(url(plan, "csv"))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0])[:9] == [
        "title", "start_date", "end_date", "bucket", "lane", "status", "percent_done", "tags",
        "description",
    ]  # fmt: skip
    by_title = {r["title"]: r for r in rows}
    assert by_title["Alpha engine"]["status"] == "in_progress"
    assert by_title["Alpha engine"]["lane"] == "Build" and by_title["Alpha engine"]["tags"] == "core"
    assert by_title["Beta rollout"]["blocked"] in ("", "yes")
    evil = by_title["'=HYPERLINK(\"http://evil\",\"x\")"]
    assert evil["description"].startswith("'+")
    assert evil["tags"].startswith("'")  # "-minus, @risk" starts with "-"
    for row in rows:
        for value in row.values():
            assert not value or value[0] not in "=+-@\t\r", value


def test_json_has_items_lanes_milestones_and_dependencies(cast, plan):
    data = signed_in(cast).get(url(plan, "json")).json()
    assert data["roadmap"]["name"] == "Launch plan"
    assert {lane["name"] for lane in data["lanes"]} == {"Build", "Ship"}
    titles = {i["title"]: i for i in data["items"]}
    assert set(titles) == {"Alpha engine", "Beta rollout", "Gamma someday"}
    assert titles["Alpha engine"]["tags"] == ["core"] and titles["Alpha engine"]["percent_done"] == 40
    assert titles["Gamma someday"]["bucket"] == "later" and titles["Gamma someday"]["start_date"] is None
    assert [m["name"] for m in data["milestones"]] == ["Go live"]
    [dep] = data["dependencies"]
    assert dep["predecessor_id"] == titles["Alpha engine"]["id"]
    assert dep["successor_id"] == titles["Beta rollout"]["id"]
    assert "Covert acquisition" not in json.dumps(data)


# ---------------------------------------------------------------- iCalendar


def feed(plan):
    return services.calendar_feed_create(member=plan["editor"], roadmap_id=plan["roadmap"].pk)


def test_the_calendar_feed_parses_back_with_icalendar(client, plan):
    _feed, raw = feed(plan)
    response = client.get(f"/calendar/{raw}.ics")  # no login
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Referrer-Policy"] == "no-referrer"
    cal = Calendar.from_ical(response.content)
    assert str(cal["VERSION"]) == "2.0" and "Accord" in str(cal["PRODID"])
    assert str(cal["X-WR-CALNAME"]) == "Launch plan (roadmap)"
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Alpha engine", "Beta rollout", "Milestone: Go live"}  # dated only
    alpha = RoadmapItem.objects.get(pk=plan["items"]["alpha"].pk)
    ev = events["Alpha engine"]
    assert ev.decoded("DTSTART") == alpha.start_date  # a date: an all-day event
    assert not hasattr(ev.decoded("DTSTART"), "hour")
    assert ev.decoded("DTEND") == alpha.end_date + timedelta(days=1)  # exclusive end
    assert "In progress · 40% done" in str(ev["DESCRIPTION"])
    for event in events.values():
        assert event.get("UID") and event.get("DTSTAMP") and event.get("SUMMARY")
        assert "URL" not in event
        assert event.decoded("DTSTAMP").tzinfo is not None
    # Stable UIDs: a second fetch names the same events the same way.
    again = Calendar.from_ical(client.get(f"/calendar/{raw}.ics").content)
    assert sorted(str(e["UID"]) for e in again.walk("VEVENT")) == sorted(
        str(e["UID"]) for e in events.values()
    )
    assert raw not in response.content.decode()


def test_a_revoked_or_unknown_feed_is_404(client, plan):
    the_feed, raw = feed(plan)
    unknown = client.get("/calendar/cal_nothing.ics")
    services.calendar_feed_revoke(member=plan["editor"], feed_id=the_feed.pk)
    revoked = client.get(f"/calendar/{raw}.ics")
    assert unknown.status_code == revoked.status_code == 404
    assert unknown.content == revoked.content


def test_the_feed_is_shaped_like_real_calendar_files(client, plan):
    """The shared samples (Google, Thunderbird, icalendar's own) parse, and the feed follows
    their conventions: CRLF lines folded at 75 octets, the calendar properties of a published
    holiday calendar, and the event properties of its all-day events."""
    examples = sorted(ICAL_EXAMPLES.glob("*.ics"))
    if not examples:
        pytest.skip(f"no sample calendars at {ICAL_EXAMPLES}")
    for path in examples:
        Calendar.from_ical(path.read_bytes())  # the parser we check the feed with reads them all
    _feed, raw = feed(plan)
    body = client.get(f"/calendar/{raw}.ics").content
    sample = (ICAL_EXAMPLES / "icalendar_tests_calendars_example.ics").read_bytes()
    assert b"\r\n" in sample and body.count(b"\r\n") == body.count(b"\n")  # CRLF only
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.rstrip().endswith(b"END:VCALENDAR")
    ours, theirs = Calendar.from_ical(body), Calendar.from_ical(sample)
    assert set(theirs.keys()) <= set(ours.keys())  # VERSION PRODID CALSCALE METHOD X-WR-*
    assert str(ours["METHOD"]) == str(theirs["METHOD"]) == "PUBLISH"
    their_event = set(theirs.walk("VEVENT")[0].keys()) - {"LOCATION"}
    for event in ours.walk("VEVENT"):
        assert their_event <= set(event.keys()), their_event - set(event.keys())
    # All-day events: a DATE value, as in the sample (DTSTART:20220101 is a DATE there too).
    assert re.search(rb"DTSTART;VALUE=DATE:\d{8}\r\n", body)
    assert theirs.walk("VEVENT")[0].decoded("DTSTART") == date(2022, 1, 1)


def test_a_long_description_is_folded_and_unicode_survives(client, plan):
    services.item_update(
        member=plan["editor"], item_id=plan["items"]["alpha"].pk,
        version=RoadmapItem.objects.get(pk=plan["items"]["alpha"].pk).version,
        title="Überblick \u2013 日本語 ✓", description="word " * 100,
    )  # fmt: skip
    _feed, raw = feed(plan)
    body = client.get(f"/calendar/{raw}.ics").content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(body).walk("VEVENT")}
    assert "Überblick \u2013 日本語 ✓" in events
    assert ("word " * 100).strip() in str(events["Überblick \u2013 日本語 ✓"]["DESCRIPTION"])


# ---------------------------------------------------------------- PDF text and wide character coverage

WIDE = "路线图 发布 ロードマップ 🚀🎉"


def pdf_tool(tool: str, pdf: bytes, *args: str) -> str:
    """Run a poppler tool (Debian poppler-utils, installed by `make system-deps`) on the PDF."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run(
            [tool, *args, f.name, *(["-"] if tool == "pdftotext" else [])],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout  # fmt: skip


def test_the_pdf_is_vector_with_searchable_text(cast, plan):
    pdf = signed_in(cast).get(url(plan, "pdf")).content
    assert b"/Subtype /Image" not in pdf and b"/DCTDecode" not in pdf  # no picture of a timeline
    text = pdf_tool("pdftotext", pdf)
    for name in ("Launch plan", "Alpha engine", "Beta rollout", "Go live", "Build", "Ship", "Today"):
        assert name in text, name
    assert "Covert acquisition" not in text


def test_a_tall_pdf_shows_every_item_once_and_the_axis_on_every_page(cast, plan):
    editor, rm = plan["editor"], plan["roadmap"]
    for n in range(30):
        lane = services.lane_create(member=editor, roadmap_id=rm.pk, name=f"Lane {n}")
        services.item_create(
            member=editor, roadmap_id=rm.pk, lane_id=lane.pk, title=f"Work {n}",
            start_date=date.today(), end_date=date.today() + timedelta(days=n + 1),
        )  # fmt: skip
    pdf = signed_in(cast).get(url(plan, "pdf")).content
    pages = [p for p in pdf_tool("pdftotext", pdf).split("\f") if p.strip()]
    assert len(pages) >= 2
    # Each bar on exactly one page (a cut never duplicates or drops a label) ...
    shown = sorted(int(n) for page in pages for n in re.findall(r"\bWork (\d+)\b", page))
    assert shown == list(range(30))
    for page in pages:  # ... and the time axis, with its today chip, on every page
        assert "Today" in page


def test_cjk_and_emoji_are_drawn_in_the_pdf_with_fallback_fonts(cast, plan):
    services.item_update(
        member=plan["editor"], item_id=plan["items"]["alpha"].pk, title=f"Alpha\n{WIDE}\tend",
        version=RoadmapItem.objects.get(pk=plan["items"]["alpha"].pk).version,
    )  # fmt: skip
    pdf = signed_in(cast).get(url(plan, "pdf")).content
    text = pdf_tool("pdftotext", pdf)
    assert "路线图 发布 ロードマップ" in text and "Alpha" in text and "end" in text
    fonts = pdf_tool("pdffonts", pdf)
    assert "DejaVuSans" in fonts and "NotoSansCJK" in fonts  # Latin from DejaVu, CJK from Noto
    assert "Type 3" in fonts  # the colour emoji


def _glyph(text: str) -> Image.Image:
    from accord.roadmaps.render import FONT, svg_to_png

    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="80" height="60" font-family="{FONT}">'
        f'<text x="10" y="45" font-size="40" fill="#000000">{text}</text></svg>'
    )
    return Image.open(io.BytesIO(svg_to_png(svg))).convert("RGB")


def test_cjk_and_emoji_are_drawn_in_the_png_not_as_empty_boxes():
    missing = _glyph("\u0378")  # an unassigned code point: the empty box of a missing glyph
    assert missing.tobytes() != _glyph(" ").tobytes()  # (it is drawn: a box, not nothing)
    for char in "路线ロ":
        assert _glyph(char).tobytes() != missing.tobytes(), char
    assert _glyph("路").tobytes() != _glyph("线").tobytes()
    rocket = _glyph("🚀")
    coloured = sum(n for n, c in rocket.getcolors(1 << 16) if max(c) - min(c) > 60)
    assert coloured > 50  # pixels of a colour emoji, not black ink
