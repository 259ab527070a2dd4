"""The colours of a roadmap's bars (Roadmap.color_by): by status, lane, team, roadmap, or a dimension
a higher app registers (extensions.ColourSource, e.g. initiatives: the lifecycle stage).

One plan serves the timeline (its bars, undated chips and legend), the share pages and the
SVG/PNG/PDF exports, so a bar has one colour everywhere. Bars take the eight colours of the palette
(app.css .rm-c-0 ... .rm-c-7, whose accents are PALETTE; white text on each passes WCAG AA) and a
grey for "none" (.rm-c-muted). A registered dimension gives each value a colour of its own (a
stage's colour); its bars take the nearest palette colour, one per value while there are eight or
fewer, so two stages never share a colour and a stage keeps its colour whatever the filters.
"""

from __future__ import annotations

import re

from . import extensions
from .models import ColorBy, ItemStatus

# The accents of app.css .rm-c-0 ... .rm-c-7 (a test keeps them equal), and of .rm-c-muted's fill.
PALETTE = ("#3563c9", "#17796c", "#6a48c0", "#2d8541", "#a0630c", "#c0502f", "#b13d76", "#52607a")
MUTED_FILL, MUTED_INK = "#c5cad6", "#2c3346"
# Status -> palette index, whose accent is the status colour (--st-<status>); cancelled is grey.
STATUS_COLORS = {"planned": 7, "in_progress": 0, "at_risk": 4, "done": 3, "cancelled": "muted"}
BUILT_IN = ("status", "lane", "team", "roadmap")
HEX = re.compile(r"#[0-9a-fA-F]{6}")


def choices() -> list[tuple[str, str]]:
    """The "Colour bars by" options: the built-in ones and the registered dimensions."""
    return [(c.value, c.label) for c in ColorBy if c in BUILT_IN or c in extensions.COLOUR_SOURCES]


def effective(color_by: str) -> str:
    """A dimension whose source is not registered (its app is not installed): by status."""
    return color_by if color_by in BUILT_IN or color_by in extensions.COLOUR_SOURCES else "status"


def _rgb(value: str) -> tuple[int, int, int]:
    value = value if HEX.fullmatch(value or "") else PALETTE[-1]
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _distance(a: str, b: str) -> float:
    """Red-mean weighted RGB distance: close to how far apart two colours look, and cheap."""
    (r1, g1, b1), (r2, g2, b2) = _rgb(a), _rgb(b)
    mean = (r1 + r2) / 2
    dr, dg, db = r1 - r2, g1 - g2, b1 - b2
    return (2 + mean / 256) * dr * dr + 4 * dg * dg + (2 + (255 - mean) / 256) * db * db


def nearest_distinct(colours: list[str]) -> list[int]:
    """The palette index of each colour: the closest pairs first, each palette colour taken once
    (past eight colours, the palette is used again)."""
    out: list[int] = [0] * len(colours)
    pending = set(range(len(colours)))
    while pending:
        free = set(range(len(PALETTE)))
        pairs = sorted(
            (_distance(colours[i], PALETTE[p]), i, p) for i in pending for p in range(len(PALETTE))
        )
        for _d, i, p in pairs:
            if i in pending and p in free:
                out[i] = p
                pending.discard(i)
                free.discard(p)
                if not free:
                    break
    return out


def fill(colour: int | str) -> tuple[str, str]:
    """(bar fill, text on it) of a palette index or "muted", for the SVG renderer."""
    return (PALETTE[colour], "#ffffff") if isinstance(colour, int) else (MUTED_FILL, MUTED_INK)


def _roadmap_name(item) -> str:
    name = getattr(item, "roadmap_name", None)  # a views.Row; a RoadmapItem has its roadmap
    return name if name is not None else item.roadmap.name


def plan(roadmap, items: list, lanes: list, teams: list | None = None) -> dict:
    """How the bars of `items` (views.Row or RoadmapItem) drawn in `lanes` (LaneRow) are coloured:
    {"by", "label", "maps", "legend": [{"c": palette index or "muted", "n": name}]}. At most two
    queries: the workspace's teams (by team, when `teams` is not given) or the source's."""
    by = effective(roadmap.color_by)
    maps: dict[str, dict] = {"status": STATUS_COLORS}
    if by == "status":
        legend = [(STATUS_COLORS[s], label) for s, label in ItemStatus.choices]
    elif by == "lane":
        maps["lane"] = {row.key: n % len(PALETTE) for n, row in enumerate(lanes)}
        legend = [(maps["lane"][row.key], row.name) for row in lanes]
    elif by == "team":
        if teams is None:
            from accord.workspaces.models import Team

            teams = list(Team.objects.filter(workspace_id=roadmap.workspace_id).order_by("name"))
        maps["team"] = {str(t.pk): n % len(PALETTE) for n, t in enumerate(teams)}
        used = {i.team_id for i in items if i.team_id}
        legend = [(maps["team"][str(t.pk)], t.name) for t in teams if t.pk in used]
        if any(not i.team_id for i in items):
            legend.append(("muted", "No team"))
    elif by == "roadmap":
        shown = sorted(
            {(_roadmap_name(i), i.roadmap_id) for i in items} | {(roadmap.name, roadmap.pk)}
        )
        maps["roadmap"] = {str(rid): n % len(PALETTE) for n, (_name, rid) in enumerate(shown)}
        legend = [
            (maps["roadmap"][str(rid)], name)
            for name, rid in sorted({(_roadmap_name(i), i.roadmap_id) for i in items})
        ]
    else:
        source = extensions.COLOUR_SOURCES[by]
        values = source.legend(roadmap.workspace_id)
        index = dict(
            zip(
                [key for key, _n, _c in values],
                nearest_distinct([colour for _k, _n, colour in values]),
                strict=True,
            )
        )
        of = source.values(roadmap.workspace_id, [i.pk for i in items]) if items else {}
        maps["item"] = {str(i.pk): index.get(of.get(i.pk), "muted") for i in items}
        used = set(of.values())
        legend = [(index[key], name) for key, name, _c in values if key in used]
        if any(i.pk not in of for i in items):
            legend.append(("muted", source.none_label))
    label = dict(ColorBy.choices)[by]
    return {"by": by, "label": label, "maps": maps, "legend": [{"c": c, "n": n} for c, n in legend]}


def colour_of(colours: dict, item, lane_key: str = "") -> int | str:
    """The palette index ("muted": grey) of one bar, drawn in the lane `lane_key`."""
    by, maps = colours["by"], colours["maps"]
    if by == "status":
        return maps["status"].get(item.status, "muted")
    if by == "lane":
        return maps["lane"].get(lane_key, "muted")
    if by == "team":
        return maps["team"].get(str(item.team_id), "muted") if item.team_id else "muted"
    if by == "roadmap":
        return maps["roadmap"].get(str(item.roadmap_id), "muted")
    return maps["item"].get(str(item.pk), "muted")
