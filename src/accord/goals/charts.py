"""Key-result charts drawn on the server as SVG: the same markup inline on the page, in the SVG
download and (through resvg) in the PNG. Every text is escaped; no script, no external reference.

A trend chart shows the target (a line, or a band for a range), the planned path from the baseline
at the period's start to the target at its end, the actual values (downsampled on the server) and
the projection of the recent trend to the end date.
"""

from datetime import date
from html import escape

from accord.roadmaps.render import FONT, svg_to_png

from .progress import STATUS_LABELS
from .selectors import KeyResultView

STATUS_COLORS = {"on_track": "#1f8a5b", "at_risk": "#c27c0e", "off_track": "#c8323c", "no_data": "#8a94a6"}
INK, MUTED, GRID, TARGET = "#1d2433", "#667085", "#e4e7ec", "#3b5bdb"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def fmt_value(value: float | None, unit: str, currency: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == "percent":
        return f"{text} %"
    if unit == "currency":
        return f"{currency} {text}".strip()
    return text


class _Scale:
    def __init__(self, start: date, end: date, lo: float, hi: float, box: tuple[float, float, float, float]):
        if hi == lo:
            lo, hi = lo - 1, hi + 1
        pad = (hi - lo) * 0.08
        self.lo, self.hi = lo - pad, hi + pad
        self.start, self.days = start, max((end - start).days, 1)
        self.x0, self.y0, self.x1, self.y1 = box

    def x(self, d: date) -> float:
        return self.x0 + (d - self.start).days / self.days * (self.x1 - self.x0)

    def y(self, v: float) -> float:
        return self.y1 - (v - self.lo) / (self.hi - self.lo) * (self.y1 - self.y0)


def _polyline(s: _Scale, series: list[tuple[date, float]]) -> str:
    """The points of a polyline, one format per point: the scoreboard draws thousands of them."""
    kx, ky = (s.x1 - s.x0) / s.days, (s.y1 - s.y0) / (s.hi - s.lo)
    start = s.start.toordinal()
    return " ".join(
        f"{s.x0 + (d.toordinal() - start) * kx:.1f},{s.y1 - (val - s.lo) * ky:.1f}" for d, val in series
    )


def _bounds(v: KeyResultView) -> tuple[float, float]:
    kr = v.kr
    values = [kr.baseline, kr.target, *(p[1] for p in v.series)]
    if kr.target_min is not None:
        values.append(kr.target_min)
    if v.projection:
        values.append(v.projection[1])
    return min(values), max(values)


def trend_svg(v: KeyResultView, start: date, end: date, *, width: int = 640, height: int = 240,
              title: bool = False) -> str:  # fmt: skip
    """The full chart of a goal's page (and its exports)."""
    kr = v.kr
    top = 34 if title else 12
    left, right, bottom = 64, 16, 30
    lo, hi = _bounds(v)
    s = _Scale(start, end, lo, hi, (left, top, width - right, height - bottom))
    color = STATUS_COLORS[v.status]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" font-family="{escape(FONT)}" role="img" aria-label="{escape(_summary(v))}">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if title:
        out.append(f'<text x="{left}" y="20" font-size="14" font-weight="700" fill="{INK}">{escape(kr.name)}</text>')
        out.append(
            f'<text x="{width - right}" y="20" font-size="12" text-anchor="end" fill="{color}" '
            f'font-weight="700">{escape(STATUS_LABELS[v.status])}</text>'
        )
    for i in range(5):  # horizontal grid with values
        value = s.lo + (s.hi - s.lo) * i / 4
        y = s.y(value)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{_n(y)}" y2="{_n(y)}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{left - 8}" y="{_n(y + 4)}" font-size="11" text-anchor="end" fill="{MUTED}">'
            f"{escape(fmt_value(value, kr.unit, kr.currency))}</text>"
        )
    out.extend(_month_ticks(s, height - bottom))
    if kr.direction == "range" and kr.target_min is not None:
        y_hi, y_lo = s.y(kr.target), s.y(kr.target_min)
        out.append(
            f'<rect x="{left}" y="{_n(y_hi)}" width="{width - right - left}" height="{_n(y_lo - y_hi)}" '
            f'fill="{TARGET}" fill-opacity="0.08" stroke="{TARGET}" stroke-dasharray="5 4" stroke-opacity="0.6"/>'
        )
    else:
        y = s.y(kr.target)
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_n(y)}" y2="{_n(y)}" stroke="{TARGET}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        out.append(
            f'<line x1="{_n(s.x(start))}" y1="{_n(s.y(kr.baseline))}" x2="{_n(s.x(end))}" y2="{_n(y)}" '
            f'stroke="{TARGET}" stroke-opacity="0.35" stroke-dasharray="2 4"/>'
        )
        out.append(
            f'<text x="{width - right - 4}" y="{_n(y - 6)}" font-size="11" text-anchor="end" fill="{TARGET}" '
            f'font-weight="600">Target {escape(fmt_value(kr.target, kr.unit, kr.currency))}</text>'
        )
    if v.series:
        pts = _polyline(s, v.series)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2.25" stroke-linejoin="round"/>')
        last_d, last_v = v.series[-1]
        out.append(f'<circle cx="{_n(s.x(last_d))}" cy="{_n(s.y(last_v))}" r="4" fill="{color}"/>')
        if v.projection:
            pd, pv = v.projection
            out.append(
                f'<line x1="{_n(s.x(last_d))}" y1="{_n(s.y(last_v))}" x2="{_n(s.x(pd))}" y2="{_n(s.y(pv))}" '
                f'stroke="{color}" stroke-width="1.75" stroke-dasharray="4 4"/>'
            )
    else:
        out.append(
            f'<text x="{(left + width - right) / 2}" y="{(top + height - bottom) / 2}" font-size="13" '
            f'text-anchor="middle" fill="{MUTED}">No measurements yet</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _month_ticks(s: _Scale, y: float) -> list[str]:
    out = []
    d = date(s.start.year, s.start.month, 1)
    months = []
    while d <= s.start.fromordinal(s.start.toordinal() + s.days):
        if d >= s.start:
            months.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    step = max(1, len(months) // 8)
    for m in months[::step]:
        x = s.x(m)
        out.append(f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(y)}" y2="{_n(y + 4)}" stroke="{MUTED}"/>')
        label = m.strftime("%b") if m.month != 1 else m.strftime("%b %Y")
        out.append(f'<text x="{_n(x)}" y="{_n(y + 16)}" font-size="11" text-anchor="middle" fill="{MUTED}">{label}</text>')
    return out


def sparkline_svg(v: KeyResultView, start: date, end: date, *, width: int = 160, height: int = 40) -> str:
    """The scoreboard's small chart: actual line, target line (or band), projection."""
    kr = v.kr
    lo, hi = _bounds(v)
    s = _Scale(start, end, lo, hi, (2, 4, width - 2, height - 4))
    color = STATUS_COLORS[v.status]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="gl-spark" aria-hidden="true" focusable="false">']
    if kr.direction == "range" and kr.target_min is not None:
        out.append(
            f'<rect x="2" y="{_n(s.y(kr.target))}" width="{width - 4}" height="{_n(s.y(kr.target_min) - s.y(kr.target))}" '
            f'fill="{TARGET}" fill-opacity="0.1"/>'
        )
    else:
        y = s.y(kr.target)
        out.append(f'<line x1="2" x2="{width - 2}" y1="{_n(y)}" y2="{_n(y)}" stroke="{TARGET}" stroke-dasharray="4 3"/>')
    if v.series:
        pts = _polyline(s, v.series)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{color}" stroke-width="2" stroke-linejoin="round"/>')
        if v.projection:
            (ld, lv), (pd, pv) = v.series[-1], v.projection
            out.append(
                f'<line x1="{_n(s.x(ld))}" y1="{_n(s.y(lv))}" x2="{_n(s.x(pd))}" y2="{_n(s.y(pv))}" '
                f'stroke="{color}" stroke-dasharray="3 3"/>'
            )
    out.append("</svg>")
    return "".join(out)


def _summary(v: KeyResultView) -> str:
    kr = v.kr
    latest = fmt_value(v.latest[1], kr.unit, kr.currency) if v.latest else "no value yet"
    return (
        f"{kr.name}: {latest}, target {fmt_value(kr.target, kr.unit, kr.currency)}, "
        f"{STATUS_LABELS[v.status].lower()}"
    )


def trend_png(svg: str) -> bytes:
    return svg_to_png(svg, zoom=2.0)
