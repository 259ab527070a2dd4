"""The timeline as an SVG drawn on the server, and the PNG and PDF made from it.

One renderer serves the share pages (inline in the HTML, kiosk style: large type) and the exports
(attachment downloads). It draws what the timeline screen shows: a time axis in the roadmap's time
scale, one band per lane with the bars packed in rows (labels never overlap), bars coloured as the
roadmap says (Roadmap.color_by: status, lane, team, roadmap, stage...; colours.py) with their
percent done, containers as outlined bars above their children, dependencies as
arrows (red when their dates conflict), milestones, the today line, blocked items flagged, a title
and a legend.

The SVG carries no style element and no style attribute (the Content-Security-Policy forbids
inline styles): only presentation attributes. Every text is escaped; no database id appears in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from xml.sax.saxutils import escape as _xml_escape

from . import colours as bar_colours
from .models import ItemStatus, RoadmapItem, TimeScale

FONT = "DejaVu Sans, Inter, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
DASH = "\u2013"
CHAR_EM = 0.6  # a generous average advance of DejaVu Sans, so estimated labels never overlap

# Status -> (bar fill, label colour on the bar). White text on every dark fill passes WCAG AA. The
# fills are the app's status colours (app.css --st-<status>), so a status looks the same everywhere.
STATUS_COLORS: dict[str, tuple[str, str]] = {
    ItemStatus.PLANNED: ("#52607a", "#ffffff"),
    ItemStatus.IN_PROGRESS: ("#3563c9", "#ffffff"),
    ItemStatus.AT_RISK: ("#a0630c", "#ffffff"),
    ItemStatus.DONE: ("#2d8541", "#ffffff"),
    ItemStatus.CANCELLED: ("#c5cad6", "#2c3346"),
}
INK = "#161b2e"
MUTED = "#4a5168"
GRID = "#dfe3ec"
BAND = ("#ffffff", "#f4f6fa")
DANGER = "#be2a31"
MILESTONE = "#7c3aed"
DEPENDENCY = "#7b8499"


@dataclass(frozen=True)
class Style:
    """Sizes in SVG pixels. EXPORT for files, KIOSK for a screen read from across a room."""

    width: int = 1600
    font: float = 13
    title_font: float = 22
    row: int = 28
    bar: int = 21
    lane_label: int = 210
    pad: int = 20
    max_outside_label: int = 320
    min_label_gap: int = 8
    labels_extend: bool = True  # a label outside its bar takes room in the row (False: dense)
    two_line_lanes: bool = True  # a portfolio's lanes: the roadmap's name above the lane's


EXPORT = Style()
# A big roadmap in a file: smaller type and tighter rows, so a thousand bars stay one readable
# picture (and rasterize in a couple of seconds).
EXPORT_COMPACT = Style(
    font=11, title_font=20, row=19, bar=15, lane_label=180, pad=16, max_outside_label=220,
    min_label_gap=3, labels_extend=False,
)  # fmt: skip
COMPACT_FROM = 250  # dated items


def export_style(data: dict) -> Style:
    dated = sum(1 for i in data["items"] if i.start_date and i.end_date)
    return EXPORT_COMPACT if dated >= COMPACT_FROM else EXPORT
KIOSK = Style(
    width=1880,
    font=23,
    title_font=34,
    row=48,
    bar=38,
    lane_label=300,
    pad=24,
    max_outside_label=560,
    min_label_gap=12,
)
# A tall timeline on a screen: tighter rows and one-line lane names, so it need not shrink.
KIOSK_COMPACT = replace(KIOSK, font=22, row=34, bar=29, lane_label=340, two_line_lanes=False)
KIOSK_RATIO = 2.1  # width / height of the kiosk's stage on a 16:9 screen, roughly


def _short(roadmap_name: str) -> str:
    """"Marketing roadmap" -> "Marketing": the lane label of a portfolio, on one line."""
    short = re.sub(r"\s+roadmap$", "", roadmap_name.strip(), flags=re.IGNORECASE)
    return short or roadmap_name


def _scaled(style: Style, factor: float) -> Style:
    return replace(
        style,
        font=round(style.font * factor, 1),
        row=round(style.row * factor),
        bar=round(style.bar * factor),
        lane_label=round(style.lane_label * factor),
        max_outside_label=round(style.max_outside_label * factor),
    )


def kiosk_timeline(data: dict, *, id_prefix: str) -> Rendered:
    """The share page's timeline, filling a 16:9 screen: compact when the roomy one would have
    to shrink, larger still when a short timeline would leave the screen half empty."""

    def draw(style: Style) -> Rendered:
        return render_timeline(data, style=style, show_title=False, id_prefix=id_prefix)

    rendered = draw(KIOSK)
    ratio = rendered.width / rendered.height
    if ratio < KIOSK_RATIO:
        return draw(KIOSK_COMPACT)
    for factor in (1.35, 1.15):  # room to spare: bigger type, as long as it still fits
        if ratio / factor >= KIOSK_RATIO * 0.95:
            bigger = draw(_scaled(KIOSK, factor))
            if bigger.width / bigger.height >= KIOSK_RATIO * 0.95:
                return bigger
    return rendered


@dataclass
class Rendered:
    svg: str
    width: int
    height: int
    lanes_top: int  # where the lanes start (under the header, the axis and the milestones)
    axis_top: int  # where the time axis starts
    breaks: list[int] = field(default_factory=list)  # y of each lane's bottom edge


def esc(text: object) -> str:
    return _xml_escape(str(text), {'"': "&quot;", "'": "&#x27;"})


def text_width(text: str, size: float, bold: bool = False) -> float:
    return len(text) * size * (CHAR_EM + (0.05 if bold else 0))


def fit(text: str, size: float, room: float, bold: bool = False) -> str:
    """`text` cut with an ellipsis to fit `room` pixels ('' when not even one letter fits)."""
    if text_width(text, size, bold) <= room:
        return text
    per = size * (CHAR_EM + (0.05 if bold else 0))
    keep = int(room // per) - 1
    return text[:keep].rstrip() + "…" if keep >= 1 else ""


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- the time axis


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)


def period_start(d: date, scale: str) -> date:
    if scale == TimeScale.WEEKS:
        return d - timedelta(days=d.weekday())
    if scale == TimeScale.QUARTERS:
        return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return _month_start(d)


def next_period(d: date, scale: str) -> date:
    if scale == TimeScale.WEEKS:
        return d + timedelta(days=7)
    if scale == TimeScale.QUARTERS:
        return _add_months(d, 3)
    return _add_months(d, 1)


def period_label(d: date, scale: str, first: bool) -> str:
    if scale == TimeScale.WEEKS:
        return d.strftime("%-d %b") + (f" {d.year}" if first or d.isocalendar()[1] == 1 else "")
    if scale == TimeScale.QUARTERS:
        return f"Q{(d.month - 1) // 3 + 1} {d.year}"
    return d.strftime("%b") + (f" {d.year}" if first or d.month == 1 else "")


def time_range(start: date, end: date, scale: str) -> tuple[date, date, list[date]]:
    """[first, last) snapped to whole periods of the scale (at least three), with period starts."""
    scale = scale if scale in TimeScale.values else TimeScale.MONTHS
    first = period_start(start, scale)
    periods = [first]
    cursor = next_period(first, scale)
    while cursor <= end or len(periods) < 3:
        periods.append(cursor)
        cursor = next_period(cursor, scale)
        if len(periods) > 2000:  # a runaway range: stop, the axis is unreadable anyway
            break
    return first, cursor, periods


# ---------------------------------------------------------------- layout


@dataclass
class Placed:
    item: RoadmapItem
    x0: float
    x1: float
    y: float
    row: int
    label: str
    inside: bool
    container: bool


def _pack(entries: list[tuple[float, float, object]], gap: float) -> list[int]:
    """Greedy interval packing: the row of each (start, end, _) entry, in the given order."""
    rights: list[float] = []
    rows = []
    for start, end, _ in entries:
        for n, right in enumerate(rights):
            if right + gap <= start:
                rights[n] = end
                rows.append(n)
                break
        else:
            rights.append(end)
            rows.append(len(rights) - 1)
    return rows


class _Canvas:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def text(self, x, y, content, *, size, fill=INK, weight=None, anchor=None, extra=""):
        attrs = f'x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" fill="{fill}"'
        if weight:
            attrs += f' font-weight="{weight}"'
        if anchor:
            attrs += f' text-anchor="{anchor}"'
        self.add(f"<text {attrs}{extra}>{esc(content)}</text>")

    def rect(self, x, y, w, h, *, fill, rx=0, extra=""):
        self.add(
            f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0))}" height="{_num(h)}" '
            f'fill="{fill}"' + (f' rx="{_num(rx)}"' if rx else ' shape-rendering="crispEdges"')
            + f"{extra}/>"
        )

    def line(self, x1, y1, x2, y2, *, stroke, width=1, extra=""):
        self.add(
            f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
            f'stroke="{stroke}" stroke-width="{_num(width)}" shape-rendering="crispEdges"{extra}/>'
        )  # every line is horizontal or vertical: crisp is exact, and cheap when long


def _tint(hex_color: str, amount: float) -> str:
    """Mix a #rrggbb colour with white (amount 0: unchanged, 1: white)."""
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def render_timeline(
    data: dict,
    *,
    style: Style = EXPORT,
    title: str | None = None,
    subtitle: str | None = None,
    show_title: bool = True,
    id_prefix: str = "tl",
) -> Rendered:
    """The SVG of a timeline from `selectors.timeline(...)` (roadmap, lanes, milestones, deps)."""
    s = style
    roadmap = data["roadmap"]
    today: date = data["today"]
    scale = roadmap.time_scale
    dated = [i for i in data["items"] if i.start_date and i.end_date]
    undated = len(data["items"]) - len(dated)
    milestones = list(data["milestones"])
    starts = [i.start_date for i in dated] + [m.date for m in milestones] + [today]
    ends = [i.end_date for i in dated] + [m.date for m in milestones] + [today]
    first, last, periods = time_range(min(starts), max(ends), scale)
    total_days = max((last - first).days, 1)
    plot_x0 = s.pad + s.lane_label
    plot_x1 = s.width - s.pad
    plot_w = plot_x1 - plot_x0

    def x_of(d: date) -> float:
        return plot_x0 + (d - first).days / total_days * plot_w

    c = _Canvas()
    deps = data["dependencies"]
    blocked: set[int] = deps.blocked

    # ---- header: title, subtitle, legend (the kiosk shows its own title: the legend alone)
    y = s.pad
    if not show_title:
        _legend(c, s, y + s.font, _legend_entries(data), align="left")
        axis_top = y + s.font * 2.4
    else:
        title = title if title is not None else roadmap.name
        c.text(s.pad, y + s.title_font * 0.9, fit(title, s.title_font, s.width * 0.5, True),
               size=s.title_font, weight="700")  # fmt: skip
        y += s.title_font * 1.25
        if subtitle is None:
            subtitle = (
                f"{first:%-d %b %Y} {DASH} {last - timedelta(days=1):%-d %b %Y} · by "
                f"{roadmap.get_time_scale_display().lower()} · {len(dated)} dated item"
                f"{'s' if len(dated) != 1 else ''}"
                + (f" · {undated} undated (now/next/later) not shown" if undated else "")
            )
        c.text(s.pad, y + s.font * 1.1, subtitle, size=s.font, fill=MUTED)
        _legend(c, s, s.pad + s.title_font * 0.9, _legend_entries(data))
        axis_top = y + s.font * 1.6 + s.font

    # ---- time axis: period bands and labels (thinned when they would collide)
    axis_h = s.font * 2.4
    label_room = max(
        text_width(period_label(p, scale, True), s.font, True) + s.font for p in periods[:3]
    )
    period_w = plot_w / max(len(periods), 1)
    every = max(1, int(-(-label_room // max(period_w, 1))))

    # ---- milestone strip under the axis: diamonds with labels packed in rows
    ms_font = s.font * 0.95
    ms_entries = []
    for m in milestones:
        mx = x_of(m.date) + (x_of(m.date + timedelta(days=1)) - x_of(m.date)) / 2
        label = fit(m.name, ms_font, s.max_outside_label)
        width = text_width(label, ms_font) + s.font * 0.9
        if mx + width <= plot_x1 + s.pad / 2:  # the label after the diamond, or before it
            ms_entries.append((mx - s.font * 0.5, mx + width, (m, mx, label, False)))
        else:
            ms_entries.append((mx - width, mx + s.font * 0.5, (m, mx, label, True)))
    ms_rows = _pack(ms_entries, s.min_label_gap)
    ms_row_h = s.font * 1.7
    ms_h = (max(ms_rows) + 1) * ms_row_h + s.font * 0.4 if ms_rows else 0
    lanes_top = axis_top + axis_h + ms_h

    # ---- lanes: place every dated bar
    lane_blocks: list[tuple[object, float, float, list[Placed]]] = []
    cursor_y = lanes_top
    first_pos: dict[int, Placed] = {}
    for lane in data["lanes"]:
        placed = _place_lane(lane.items, x_of, s, plot_x1)
        rows = max((p.row for p in placed), default=-1) + 1
        two_lines = s.two_line_lanes and " · " in lane.name  # a portfolio's: roadmap above lane
        height = max(rows, 2 if two_lines else 1) * s.row + s.row * 0.35
        for p in placed:
            p.y = cursor_y + s.row * 0.2 + p.row * s.row
            first_pos.setdefault(p.item.pk, p)
        lane_blocks.append((lane, cursor_y, height, placed))
        cursor_y += height
    if not data["lanes"]:
        cursor_y += s.row * 2
    lanes_bottom = cursor_y
    height = round(lanes_bottom + s.pad + s.font * 0.5)
    breaks = [round(top + h) for _lane, top, h, _ in lane_blocks]

    # ---- draw: backgrounds and grid
    c.parts.insert(0, f'<rect width="{s.width}" height="{height}" fill="#ffffff"/>')
    for n, (lane, top, h, _placed) in enumerate(lane_blocks):
        c.rect(s.pad, top, s.width - 2 * s.pad, h, fill=BAND[n % 2])
        c.line(s.pad, top + h, s.width - s.pad, top + h, stroke=GRID)
        room = s.lane_label - s.font
        label_y = top + s.row * 0.2 + s.bar / 2 + s.font * 0.36
        name = lane.name
        if " · " in lane.name:
            owner, name = lane.name.split(" · ", 1)
            if s.two_line_lanes:
                c.text(s.pad + s.font * 0.6, label_y, fit(owner, s.font * 0.85, room),
                       size=s.font * 0.85, fill=MUTED)  # fmt: skip
                label_y += s.row * 0.85
            else:
                name = f"{_short(owner)} · {name}"
        c.text(s.pad + s.font * 0.6, label_y, fit(name, s.font, room, True), size=s.font, weight="700", fill=INK)
    if not data["lanes"]:
        c.text(plot_x0 + s.font, lanes_top + s.row, "Nothing on this timeline yet.", size=s.font, fill=MUTED)
    for n, p in enumerate(periods):
        px = x_of(p)
        nx = x_of(next_period(p, scale)) if n + 1 < len(periods) else plot_x1
        if n % 2:
            c.rect(px, axis_top, nx - px, axis_h, fill="#eef0f6")
        c.line(px, axis_top, px, lanes_bottom, stroke=GRID, width=1)
        if n % every == 0:
            label = period_label(p, scale, n == 0)
            c.text(px + s.font * 0.4, axis_top + axis_h * 0.62, label, size=s.font, weight="600", fill=INK)
    c.line(plot_x0, axis_top + axis_h, plot_x1, axis_top + axis_h, stroke="#b9c0cf", width=1.5)
    c.line(plot_x0, lanes_top, plot_x0, lanes_bottom, stroke="#b9c0cf", width=1.5)

    # ---- milestones: dashed line through the lanes, diamond and label in the strip
    for (_start, _end, (m, mx, label, before)), row in zip(ms_entries, ms_rows, strict=True):
        my = axis_top + axis_h + s.font * 0.3 + row * ms_row_h + ms_row_h / 2
        c.line(mx, my, mx, lanes_bottom, stroke=MILESTONE, width=1.5, extra=' stroke-dasharray="5 4"')
        r = s.font * 0.45
        c.add(
            f'<path d="M{_num(mx)} {_num(my - r)} L{_num(mx + r)} {_num(my)} L{_num(mx)} '
            f'{_num(my + r)} L{_num(mx - r)} {_num(my)} Z" fill="{MILESTONE}"><title>'
            f"{esc(m.name)} · {m.date:%-d %b %Y}</title></path>"
        )
        c.text(mx - r - s.font * 0.35 if before else mx + r + s.font * 0.35, my + ms_font * 0.36,
               label, size=ms_font, weight="600", fill="#5b21b6", anchor="end" if before else None)  # fmt: skip

    # ---- dependencies under the bars
    c.add(
        f'<defs><marker id="{id_prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 Z" fill="{DEPENDENCY}"/>'
        f'</marker><marker id="{id_prefix}-arrow-bad" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 Z" '
        f'fill="{DANGER}"/></marker></defs>'
    )
    for dep in deps.dependencies:
        a, b = first_pos.get(dep.predecessor_id), first_pos.get(dep.successor_id)
        if a is None or b is None:
            continue
        bad = dep.pk in deps.violated
        ax = a.x1 if dep.kind == "finish_to_start" else a.x0
        ay, by, bx = a.y + s.bar / 2, b.y + s.bar / 2, b.x0
        color, marker = (DANGER, "arrow-bad") if bad else (DEPENDENCY, "arrow")
        # An elbow: out of the predecessor, down (or up) just before the successor, into it.
        # Axis-aligned segments drawn crisp: exact, and cheap to rasterize when they are long.
        if dep.kind == "finish_to_start":
            mid = bx - s.font * 0.7 if bx - s.font * 0.7 >= ax + 4 else ax + s.font * 0.5
        else:
            mid = min(ax, bx) - s.font * 0.7
        c.add(
            f'<path d="M{_num(ax)} {_num(ay)} H{_num(mid)} V{_num(by)} H{_num(bx - 1)}" '
            f'fill="none" stroke="{color}" stroke-width="{2 if bad else 1.5}" '
            f'stroke-opacity="{0.95 if bad else 0.75}" shape-rendering="crispEdges"'
            + (' stroke-dasharray="6 4"' if bad else "")
            + f' marker-end="url(#{id_prefix}-{marker})"/>'
        )

    # ---- bars
    for lane, _top, _h, placed in lane_blocks:
        for p in placed:
            _bar(c, s, p, p.item.pk in blocked, _fill(data, p.item, lane.key))

    # ---- today line on top of everything
    tx = x_of(today) + (x_of(today + timedelta(days=1)) - x_of(today)) / 2
    c.line(tx, axis_top + axis_h, tx, lanes_bottom, stroke=DANGER, width=2.2)
    chip = "Today"
    cw = text_width(chip, s.font * 0.85, True) + s.font
    c.rect(tx - cw / 2, axis_top + axis_h - s.font * 0.7, cw, s.font * 1.4, fill=DANGER, rx=s.font * 0.35)
    c.text(tx, axis_top + axis_h + s.font * 0.3, chip, size=s.font * 0.85, weight="700", fill="#ffffff", anchor="middle")

    label = esc(f"Timeline of {title}")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{s.width}" height="{height}" '
        f'viewBox="0 0 {s.width} {height}" role="img" aria-label="{label}" '
        f'font-family="{esc(FONT)}" preserveAspectRatio="xMidYMin meet">'
        f"<title>{label}</title>" + "".join(c.parts) + "</svg>"
    )
    return Rendered(svg=svg, width=s.width, height=height, lanes_top=round(lanes_top),
                    axis_top=round(axis_top), breaks=breaks)  # fmt: skip


def _fill(data: dict, item, lane_key: str) -> tuple[str, str]:
    """(fill, text colour) of a bar: the roadmap's colouring (data["colours"], colours.plan), or
    by status when the data carries none."""
    plan = data.get("colours")
    if plan is None or plan["by"] == "status":
        return STATUS_COLORS.get(item.status, STATUS_COLORS[ItemStatus.PLANNED])
    return bar_colours.fill(bar_colours.colour_of(plan, item, lane_key))


def _legend_entries(data: dict) -> list[tuple[object, str]]:
    """The colours' legend (status swatches by default), then blocked, milestone and today."""
    plan = data.get("colours")
    if plan is None or plan["by"] == "status":
        entries: list[tuple[object, str]] = [(v, str(label)) for v, label in ItemStatus.choices]
    else:
        entries = [(bar_colours.fill(e["c"])[0], str(e["n"])) for e in plan["legend"]]
    return [*entries, ("blocked", "Blocked"), ("milestone", "Milestone"), ("today", "Today")]


def _legend(c: _Canvas, s: Style, y: float, entries: list, align: str = "right") -> None:
    """Colour swatches, blocked, milestone and today (right-aligned on the title line). Entries that
    would not fit beside the title (half the width) are summed up as "+ n more"."""
    size = s.font * 0.95
    widths = [size * 1.6 + text_width(label, size) + size * 1.2 for _, label in entries]
    room = s.width / 2 - s.pad if align == "right" else s.width - 2 * s.pad
    if sum(widths) > room:
        marks, colours = entries[-3:], entries[:-3]
        more = size * 1.2 + text_width(f"+ {len(colours)} more", size)
        keep = len(colours)
        while keep and sum(widths[:keep]) + sum(widths[-3:]) + more > room:
            keep -= 1
        entries = [*colours[:keep], ("more", f"+ {len(colours) - keep} more"), *marks]
        widths = [*widths[:keep], more, *widths[-3:]]
    x = s.width - s.pad - sum(widths) if align == "right" else s.pad
    base = y - size * 0.2
    for (kind, label), w in zip(entries, widths, strict=True):
        sw = size * 1.1
        top = base - sw * 0.85
        if kind == "more":
            c.text(x, base, label, size=size, fill=MUTED)
            x += w
            continue
        if kind in STATUS_COLORS:
            c.rect(x, top, sw, sw, fill=STATUS_COLORS[kind][0], rx=3)
        elif isinstance(kind, str) and kind.startswith("#"):  # a colour of the roadmap's colouring
            c.rect(x, top, sw, sw, fill=kind, rx=3)
        elif kind == "blocked":
            c.rect(x, top, sw, sw, fill="#ffffff", rx=3, extra=f' stroke="{DANGER}" stroke-width="2.5"')
        elif kind == "milestone":
            r, mx, my = sw / 2, x + sw / 2, top + sw / 2
            c.add(
                f'<path d="M{_num(mx)} {_num(my - r)} L{_num(mx + r)} {_num(my)} L{_num(mx)} '
                f'{_num(my + r)} L{_num(mx - r)} {_num(my)} Z" fill="{MILESTONE}"/>'
            )
        else:
            c.rect(x + sw / 2 - 1.2, top - 1, 2.4, sw + 2, fill=DANGER)
        c.text(x + size * 1.6, base, label, size=size, fill=INK)
        x += w


def _place_lane(items: list[RoadmapItem], x_of, s: Style, plot_x1: float) -> list[Placed]:
    """Bars of one lane in rows: loose items packed together, each container above its children."""
    dated = [i for i in items if i.start_date and i.end_date]
    ids = {i.pk for i in dated}
    children: dict[int, list[RoadmapItem]] = {}
    for it in dated:
        if it.parent_id in ids:
            children.setdefault(it.parent_id, []).append(it)
    top = sorted(
        (i for i in dated if i.parent_id not in ids), key=lambda i: (i.start_date, i.end_date, i.pk)
    )

    def extent(it: RoadmapItem) -> tuple[float, float, str, bool]:
        x0, x1 = x_of(it.start_date), x_of(it.end_date + timedelta(days=1))
        x1 = max(x1, x0 + 4)
        if not s.labels_extend:
            return x0, x1, "", True  # labelled after packing (_label_rows)
        bold = it.pk in children
        size = s.font
        room_inside = x1 - x0 - s.font * 1.1
        if text_width(it.title, size, bold) <= room_inside:
            return x0, x1, it.title, True
        room = min(s.max_outside_label, plot_x1 - x1 - s.font * 0.5)
        label = fit(it.title, size, room, bold)
        if not label and room_inside > s.font * 2:
            return x0, x1, fit(it.title, size, room_inside, bold), True
        return x0, x1 + (s.font * 0.5 + text_width(label, size, bold) if label else 0), label, False

    def descendants(it: RoadmapItem) -> list[RoadmapItem]:
        out: list[RoadmapItem] = []
        for child in sorted(children.get(it.pk, []), key=lambda i: (i.start_date, i.pk)):
            out.append(child)
            out.extend(descendants(child))
        return out

    placed: list[Placed] = []
    loose = [i for i in top if i.pk not in children]
    entries = []
    for it in loose:
        x0, right, label, inside = extent(it)
        entries.append((x0, right, (it, label, inside)))
    rows = _pack(entries, s.min_label_gap)
    for (x0, _right, (it, label, inside)), row in zip(entries, rows, strict=True):
        x1 = max(x_of(it.end_date + timedelta(days=1)), x0 + 4)
        placed.append(Placed(it, x0, x1, 0, row, label, inside, False))
    next_row = max(rows, default=-1) + 1
    for container in (i for i in top if i.pk in children):
        group = [container, *descendants(container)]
        x0, right, label, inside = extent(container)
        x1 = max(x_of(container.end_date + timedelta(days=1)), x0 + 4)
        placed.append(Placed(container, x0, x1, 0, next_row, label, inside, True))
        entries = []
        for it in group[1:]:
            cx0, cright, clabel, cinside = extent(it)
            entries.append((cx0, cright, (it, clabel, cinside)))
        child_rows = _pack(entries, s.min_label_gap)
        for (cx0, _r, (it, clabel, cinside)), row in zip(entries, child_rows, strict=True):
            cx1 = max(x_of(it.end_date + timedelta(days=1)), cx0 + 4)
            placed.append(
                Placed(it, cx0, cx1, 0, next_row + 1 + row, clabel, cinside, it.pk in children)
            )
        next_row += 1 + (max(child_rows, default=-1) + 1)
    if not s.labels_extend:
        _label_rows(placed, s, plot_x1, children)
    return placed


def _label_rows(placed: list[Placed], s: Style, plot_x1: float, containers) -> None:
    """Dense layout: bars were packed by their own extent; each label goes inside its bar, or
    after it as far as the next bar of the row, or (cut short) inside, or is left to the tooltip."""
    rows: dict[int, list[Placed]] = {}
    for p in placed:
        rows.setdefault(p.row, []).append(p)
    for row in rows.values():
        row.sort(key=lambda p: p.x0)
        for n, p in enumerate(row):
            bold = p.item.pk in containers
            title = p.item.title
            inside = p.x1 - p.x0 - s.font * 1.1
            after = (row[n + 1].x0 if n + 1 < len(row) else plot_x1) - p.x1 - s.font
            after = min(after, s.max_outside_label)
            if text_width(title, s.font, bold) <= inside:
                p.label, p.inside = title, True
            elif after >= max(inside, s.font * 4):
                p.label, p.inside = fit(title, s.font, after, bold), False
            else:
                p.label, p.inside = (fit(title, s.font, inside, bold), True) if inside > s.font * 2 else ("", True)


def _bar(c: _Canvas, s: Style, p: Placed, is_blocked: bool, colour: tuple[str, str]) -> None:
    it = p.item
    fill, on_fill = colour
    w = p.x1 - p.x0
    rx = min(s.bar * 0.28, w / 2)
    tip = (
        f"<title>{esc(it.title)} · {it.get_status_display()} · {it.percent_done}% · "
        f"{it.start_date:%-d %b %Y} {DASH} {it.end_date:%-d %b %Y}"
        + (" · blocked by a dependency" if is_blocked else "")
        + "</title>"
    )
    text_y = p.y + s.bar / 2 + s.font * 0.36
    if p.container:
        c.add(
            f'<rect x="{_num(p.x0)}" y="{_num(p.y)}" width="{_num(w)}" height="{_num(s.bar)}" '
            f'rx="{_num(rx)}" fill="{_tint(fill, 0.84)}" stroke="{fill}" stroke-width="2">{tip}</rect>'
        )
        c.rect(p.x0, p.y, w, s.bar * 0.2, fill=fill, rx=min(rx, s.bar * 0.1))
        label_fill = INK
    else:
        c.add(
            f'<rect x="{_num(p.x0)}" y="{_num(p.y)}" width="{_num(w)}" height="{_num(s.bar)}" '
            f'rx="{_num(rx)}" fill="{fill}">{tip}</rect>'
        )
        if it.percent_done:  # the part done in a darker shade (white labels stay legible on it)
            c.rect(p.x0, p.y, w * it.percent_done / 100, s.bar, fill="#000000", rx=rx,
                   extra=' fill-opacity="0.22"')  # fmt: skip
        label_fill = on_fill
    if is_blocked:
        c.add(
            f'<rect x="{_num(p.x0 - 1.5)}" y="{_num(p.y - 1.5)}" width="{_num(w + 3)}" '
            f'height="{_num(s.bar + 3)}" rx="{_num(rx + 1)}" fill="none" stroke="{DANGER}" '
            f'stroke-width="3"/>'
        )
        r = s.bar * 0.36
        cx, cy = p.x0, p.y
        c.add(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" fill="{DANGER}"/>')
        c.text(cx, cy + r * 0.55, "!", size=r * 1.5, weight="800", fill="#ffffff", anchor="middle")
    if not p.label:
        return
    deco = ' text-decoration="line-through"' if it.status == ItemStatus.CANCELLED else ""
    weight = "700" if p.container else "600"
    if p.inside:
        c.text(p.x0 + s.font * 0.55, text_y, p.label, size=s.font, fill=label_fill, weight=weight, extra=deco)
    else:
        c.text(p.x1 + s.font * 0.5, text_y, p.label, size=s.font, fill=INK, weight=weight, extra=deco)


# ---------------------------------------------------------------- PNG and PDF


def svg_to_png(svg: str, *, zoom: float = 1.0) -> bytes:
    """Rasterize with resvg (a Rust wheel, no system library): system fonts, white background."""
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, background="white", zoom=zoom))


PNG_PIXEL_BUDGET = 12_000_000  # 2x for ordinary roadmaps, 1x for very tall ones


def png_zoom(rendered: Rendered) -> float:
    return 2.0 if rendered.width * rendered.height * 4 <= PNG_PIXEL_BUDGET else 1.0


def timeline_png(rendered: Rendered) -> bytes:
    return svg_to_png(rendered.svg, zoom=png_zoom(rendered))


def timeline_pdf(rendered: Rendered) -> bytes:
    """A landscape A4 vector PDF of the timeline with real text (see pdf.py); a tall one is cut
    at lane edges into pages that each repeat the time axis."""
    from .pdf import svg_pdf

    return svg_pdf(
        rendered.svg, width=rendered.width, height=rendered.height, axis_top=rendered.axis_top,
        lanes_top=rendered.lanes_top, breaks=rendered.breaks,
    )  # fmt: skip
