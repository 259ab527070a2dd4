"""Bar colours (colours.py): one palette for the timeline and the exports, the colour dimensions a
higher app registers (extensions.ColourSource) mapped onto it, and the legend of the exports."""

import re
from datetime import date
from types import SimpleNamespace

import pytest

from accord.roadmaps import colours, extensions, render
from accord.roadmaps.models import Roadmap, RoadmapItem
from accord.roadmaps.selectors import DependencyState, LaneRow

from .test_palette import palette_accent


def test_the_palette_is_the_app_css_palette():
    assert [palette_accent(n) for n in range(8)] == [c.lower() for c in colours.PALETTE]


def test_each_colour_takes_the_nearest_palette_colour_no_other_took():
    assert colours.nearest_distinct(list(colours.PALETTE)) == list(range(8))
    # two teals: the closer one gets the teal, the other the next nearest free colour
    taken = colours.nearest_distinct(["#0f766e", "#0369a1", "#17796c"])
    assert taken[2] == 1 and len(set(taken)) == 3
    # past eight values the palette is used again; a broken colour is grey, not a failure
    assert len(set(colours.nearest_distinct(["#000000"] * 9))) == 8
    assert colours.nearest_distinct(["not a colour"]) == [7]


@pytest.fixture
def mood(monkeypatch):
    """A colour dimension as a higher app registers it (a fake one, in place of initiatives')."""
    sources = dict(extensions.COLOUR_SOURCES)
    monkeypatch.setattr(extensions, "COLOUR_SOURCES", sources)
    extensions.register_colours(
        extensions.ColourSource(
            mode="stage",
            label="Stage",
            none_label="No mood",
            legend=lambda ws: [("calm", "Calm", "#2d8541"), ("busy", "Busy", "#c0502f")],
            values=lambda ws, ids: {1: "busy", 2: "calm"},
        )
    )
    return sources


def _item(pk, title, **kw):
    return RoadmapItem(pk=pk, title=title, start_date=date(2030, 1, 1), end_date=date(2030, 1, 20),
                       status="planned", percent_done=0, roadmap_id=1, **kw)  # fmt: skip


def _data(roadmap, items, teams=None):
    lanes = [LaneRow("lane-none", "All", None, list(items))]
    return {
        "roadmap": roadmap,
        "items": items,
        "lanes": lanes,
        "milestones": [],
        "dependencies": DependencyState(dependencies=[]),
        "today": date(2030, 1, 5),
        "colours": colours.plan(roadmap, items, lanes, teams),
    }


def test_a_registered_dimension_colours_bars_legend_and_exports(mood):
    roadmap = Roadmap(pk=1, name="Product", workspace_id=1, color_by="stage")
    items = [_item(1, "Busy bar"), _item(2, "Calm bar"), _item(3, "Lone bar")]
    data = _data(roadmap, items)
    assert ("stage", "Stage") in colours.choices()
    assert data["colours"]["legend"] == [
        {"c": 3, "n": "Calm"}, {"c": 5, "n": "Busy"}, {"c": "muted", "n": "No mood"},
    ]  # fmt: skip
    assert [colours.colour_of(data["colours"], i) for i in items] == [5, 3, "muted"]
    svg = render.render_timeline(data).svg
    fill = lambda title: re.search(rf'fill="(#\w+)"><title>{title} ·', svg).group(1)  # noqa: E731
    assert (fill("Busy bar"), fill("Calm bar"), fill("Lone bar")) == (
        colours.PALETTE[5], colours.PALETTE[3], colours.MUTED_FILL,
    )  # fmt: skip
    assert ">Calm</text>" in svg and ">No mood</text>" in svg and ">Planned</text>" not in svg


def test_without_its_source_a_dimension_colours_by_status(monkeypatch):
    monkeypatch.setattr(extensions, "COLOUR_SOURCES", {})
    roadmap = Roadmap(pk=1, name="Product", workspace_id=1, color_by="stage")
    assert "stage" not in dict(colours.choices())
    data = _data(roadmap, [_item(1, "A bar")])
    assert data["colours"]["by"] == "status"
    assert ">Planned</text>" in render.render_timeline(data).svg


def test_a_long_legend_sums_up_what_does_not_fit_beside_the_title():
    teams = [SimpleNamespace(pk=n, name=f"Platform team number {n}") for n in range(1, 13)]
    roadmap = Roadmap(pk=1, name="Product", workspace_id=1, color_by="team")
    items = [_item(n, f"Bar {n}", team_id=n) for n in range(1, 13)]
    data = _data(roadmap, items, teams)
    svg = render.render_timeline(data).svg
    more = re.search(r">\+ (\d+) more</text>", svg)
    shown = re.findall(r">Platform team number (\d+)</text>", svg)
    assert more and shown and len(shown) + int(more.group(1)) == 12
    assert ">Today</text>" in svg  # the marks stay
    # the status legend of an ordinary roadmap fits whole
    plain = _data(Roadmap(pk=1, name="Product", workspace_id=1), items[:1])
    assert "more</text>" not in render.render_timeline(plain).svg
