"""The timeline as a vector PDF with real (selectable, searchable) text, drawn from the SVG of
render.py with fpdf2.

render.py writes a small SVG vocabulary, and this module draws exactly that: rect (rx, fill,
fill-opacity, stroke), line (stroke-dasharray), path (M L H V Z; filled, or stroked with an arrow
marker at its end), circle and text (size, weight, anchor, line-through); title elements are
tooltips and are left out. The pages are A4 landscape; a tall timeline is cut at lane edges into
pages that each repeat the time axis, and every element is drawn on the pages its band reaches.

Fonts: DejaVu Sans (regular and bold) sets the text; a character DejaVu lacks is taken, glyph by
glyph, from the first fallback that has it (Noto Sans CJK for Chinese, Japanese and Korean, Noto
Color Emoji for emoji: Debian's fonts-noto-cjk and fonts-noto-color-emoji, which `make
system-deps` installs). Fallback fonts are embedded (subset) only when a text needs them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree as ET
from fpdf import FPDF

SVG = "{http://www.w3.org/2000/svg}"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
REGULAR = ("DejaVuSans.ttf",)
BOLD = ("DejaVuSans-Bold.ttf",)
# (file names to look for, their bold, the face in a collection): tried in this order for a
# character DejaVu lacks.
FALLBACKS = (
    (("NotoSansCJK-Regular.ttc",), ("NotoSansCJK-Bold.ttc",), 2),  # 2: the SC face
    (("NotoColorEmoji.ttf",), (), 0),
    (("DroidSansFallbackFull.ttf", "DroidSansFallback.ttf"), (), 0),
    (("NotoSansSymbols2-Regular.ttf", "Symbola.ttf", "Symbola_hint.ttf"), (), 0),
)
PAGE_W, PAGE_H, MARGIN = 841.89, 595.28, 18.0  # A4 landscape, in points
JOINERS = {0x200D, 0xFE0E, 0xFE0F} | set(range(0x1F3FB, 0x1F400))  # stay with the glyph before


@functools.cache
def _find(names: tuple[str, ...]) -> Path | None:
    for folder in FONT_DIRS:
        if not folder.is_dir():
            continue
        for name in names:
            found = next(folder.rglob(name), None)
            if found is not None:
                return found
    return None


@functools.cache
def _codepoints(path: Path, face: int) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() == ".ttc":
        font = TTCollection(str(path), lazy=True).fonts[face]
    else:
        font = TTFont(str(path), lazy=True)
    return frozenset(font.getBestCmap() or {})


@dataclass
class _Font:
    family: str
    path: Path
    bold: Path | None
    face: int
    added: set[str] = field(default_factory=set)  # the styles added to the PDF


class _Fonts:
    """Which font draws which characters; fonts are added to the PDF on first use."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        regular, bold = _find(REGULAR), _find(BOLD)
        self.core = regular is None  # no DejaVu at all: the PDF's own Helvetica (Latin-1 only)
        if not self.core:
            pdf.add_font("main", "", str(regular))
            pdf.add_font("main", "B", str(bold or regular))
        self.fallbacks = [
            _Font(f"fallback{n}", path, _find(bold) if bold else None, face)
            for n, (names, bold, face) in enumerate(FALLBACKS)
            if (path := _find(names)) is not None
        ]
        self.main_cmap = set() if self.core else set(pdf.fonts["main"].cmap)

    def runs(self, text: str, bold: bool) -> list[tuple[str, str, str]]:
        """(family, style, text) runs: each character in the first font that has it."""
        if self.core:
            return [("helvetica", "B" if bold else "", text.encode("latin-1", "replace").decode("latin-1"))]
        style = "B" if bold else ""
        runs: list[tuple[str, str, str]] = []
        for ch in text:
            code = ord(ch)
            if code in JOINERS and runs:
                family = runs[-1][0]
            elif code in self.main_cmap or ch.isspace():
                family = "main"
            else:
                family = next(
                    (f.family for f in self.fallbacks if code in _codepoints(f.path, f.face)),
                    "main",
                )
            if runs and runs[-1][0] == family:
                runs[-1] = (family, style, runs[-1][2] + ch)
            else:
                runs.append((family, style, ch))
        for family, run_style, _text in runs:
            self._add(family, run_style)
        return runs

    def _add(self, family: str, style: str) -> None:
        """A fallback's face, on first use (bold: the regular face when the font has no bold)."""
        for f in self.fallbacks:
            if f.family == family and style not in f.added:
                path = f.bold if style == "B" and f.bold else f.path
                self.pdf.add_font(family, style, str(path), collection_font_number=f.face)
                f.added.add(style)


# ---------------------------------------------------------------- the SVG, as drawing operations


@dataclass
class _Op:
    tag: str
    attrs: dict[str, str]
    text: str
    y0: float
    y1: float


def _f(attrs: dict, name: str, default: float = 0.0) -> float:
    try:
        return float(attrs.get(name, default))
    except ValueError:
        return default


_PATH = re.compile(r"([MLHVZ])\s*([-\d.]*)\s*([-\d.]*)", re.IGNORECASE)


def _points(d: str) -> tuple[list[tuple[float, float]], bool]:
    points: list[tuple[float, float]] = []
    closed = False
    x = y = 0.0
    for cmd, a, b in _PATH.findall(d):
        cmd = cmd.upper()
        if cmd in "ML":
            x, y = float(a), float(b)
        elif cmd == "H":
            x = float(a)
        elif cmd == "V":
            y = float(a)
        else:
            closed = True
            continue
        points.append((x, y))
    return points, closed


def _ops(svg: str) -> tuple[list[_Op], dict[str, str], str]:
    """The drawing operations in paint order (with their vertical extent), the arrow markers'
    colours by id, and the SVG's title."""
    root = ET.fromstring(svg)
    markers = {
        m.get("id", ""): (m.find(f"{SVG}path").get("fill", "#000000"))
        for m in root.iter(f"{SVG}marker")
        if m.find(f"{SVG}path") is not None
    }
    title = root.findtext(f"{SVG}title") or ""
    ops: list[_Op] = []
    for el in root:
        tag = el.tag.removeprefix(SVG)
        a = dict(el.attrib)
        if tag == "rect":
            y = _f(a, "y")
            ops.append(_Op(tag, a, "", y, y + _f(a, "height")))
        elif tag == "line":
            y1, y2 = _f(a, "y1"), _f(a, "y2")
            ops.append(_Op(tag, a, "", min(y1, y2), max(y1, y2)))
        elif tag == "path":
            ys = [p[1] for p in _points(a.get("d", ""))[0]] or [0.0]
            ops.append(_Op(tag, a, "", min(ys) - 6, max(ys) + 6))
        elif tag == "circle":
            cy, r = _f(a, "cy"), _f(a, "r")
            ops.append(_Op(tag, a, "", cy - r, cy + r))
        elif tag == "text":
            y, size = _f(a, "y"), _f(a, "font-size", 12)
            middle = y - size * 0.35  # a text belongs to the band its middle is in
            ops.append(_Op(tag, a, el.text or "", middle, middle))
    return ops, markers, title


def _rgb(color: str) -> tuple[int, int, int] | None:
    if not color or color == "none" or not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        return None
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


class _Painter:
    def __init__(self, pdf: FPDF, fonts: _Fonts, markers: dict[str, str], scale: float):
        self.pdf, self.fonts, self.markers, self.k = pdf, fonts, markers, scale
        self.dx = self.dy = 0.0

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return self.dx + x * self.k, self.dy + y * self.k

    def paint(self, op: _Op) -> None:
        getattr(self, f"_{op.tag}")(op)

    def _stroke(self, a: dict) -> bool:
        color = _rgb(a.get("stroke", "none"))
        if color is None:
            return False
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(_f(a, "stroke-width", 1) * self.k)
        dash = [float(v) for v in re.findall(r"[\d.]+", a.get("stroke-dasharray", ""))]
        if len(dash) >= 2:
            self.pdf.set_dash_pattern(dash[0] * self.k, dash[1] * self.k)
        else:
            self.pdf.set_dash_pattern()
        return True

    def _style(self, a: dict) -> str:
        fill = _rgb(a.get("fill", "#000000"))
        if fill is not None:
            self.pdf.set_fill_color(*fill)
        stroke = self._stroke(a)
        return ("F" if fill else "") + ("D" if stroke else "")

    def _rect(self, op: _Op) -> None:
        a = op.attrs
        style = self._style(a)
        if not style:
            return
        x, y = self.xy(_f(a, "x"), _f(a, "y"))
        w, h, r = _f(a, "width") * self.k, _f(a, "height") * self.k, _f(a, "rx") * self.k
        with self.pdf.local_context(fill_opacity=_f(a, "fill-opacity", 1)):
            self.pdf.rect(x, y, w, h, style=style, round_corners=r > 0, corner_radius=r)

    def _line(self, op: _Op) -> None:
        a = op.attrs
        if self._stroke(a):
            self.pdf.line(*self.xy(_f(a, "x1"), _f(a, "y1")), *self.xy(_f(a, "x2"), _f(a, "y2")))

    def _circle(self, op: _Op) -> None:
        a = op.attrs
        style = self._style(a)
        cx, cy = self.xy(_f(a, "cx"), _f(a, "cy"))
        r = _f(a, "r") * self.k
        if style:
            self.pdf.ellipse(cx - r, cy - r, 2 * r, 2 * r, style=style)

    def _path(self, op: _Op) -> None:
        a = op.attrs
        points, closed = _points(a.get("d", ""))
        if len(points) < 2:
            return
        page_points = [self.xy(x, y) for x, y in points]
        if closed:
            style = self._style(a)
            if style:
                self.pdf.polygon(page_points, style=style)
            return
        if not self._stroke(a):
            return
        with self.pdf.local_context(stroke_opacity=_f(a, "stroke-opacity", 1)):
            self.pdf.polyline(page_points)
        marker = re.fullmatch(r"url\(#(.+)\)", a.get("marker-end", ""))
        if marker and marker[1] in self.markers:
            self._arrow(points, _f(a, "stroke-width", 1), self.markers[marker[1]])

    def _arrow(self, points: list[tuple[float, float]], width: float, color: str) -> None:
        """The marker of render.py: a triangle 7 stroke widths long, its tip (refX 9 of 10) on the
        end of the path, pointing along the last segment."""
        (x0, y0), (x1, y1) = points[-2], points[-1]
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 or 1.0
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        unit = 0.7 * width  # marker units: 7 stroke widths for 10 viewBox units

        def at(mx: float, my: float) -> tuple[float, float]:  # marker coordinates -> page
            along, across = (mx - 9) * unit, (my - 5) * unit
            return self.xy(x1 + along * ux - across * uy, y1 + along * uy + across * ux)

        fill = _rgb(color) or (0, 0, 0)
        self.pdf.set_fill_color(*fill)
        self.pdf.polygon([at(0, 0), at(10, 5), at(0, 10)], style="F")

    def _text(self, op: _Op) -> None:
        a = op.attrs
        content = re.sub(r"[ \t\r\n]+", " ", op.text).strip()  # as SVG shows it (xml:space default)
        if not content:
            return
        size = _f(a, "font-size", 12) * self.k
        bold = a.get("font-weight", "400") not in ("400", "normal", "")
        runs = self.fonts.runs(content, bold)
        widths = []
        for family, style, text in runs:
            self.pdf.set_font(family, style, size)
            widths.append(self.pdf.get_string_width(text))
        total = sum(widths)
        x, y = self.xy(_f(a, "x"), _f(a, "y"))
        x -= {"middle": total / 2, "end": total}.get(a.get("text-anchor", ""), 0)
        self.pdf.set_text_color(*(_rgb(a.get("fill", "#000000")) or (0, 0, 0)))
        start = x
        for (family, style, text), width in zip(runs, widths, strict=True):
            self.pdf.set_font(family, style, size)
            self.pdf.text(x, y, text)
            x += width
        if a.get("text-decoration") == "line-through":
            self.pdf.set_draw_color(*(_rgb(a.get("fill", "#000000")) or (0, 0, 0)))
            self.pdf.set_line_width(size * 0.07)
            self.pdf.set_dash_pattern()
            self.pdf.line(start, y - size * 0.3, x, y - size * 0.3)


def svg_pdf(svg: str, *, width: float, height: float, axis_top: float, lanes_top: float,
            breaks: list[int]) -> bytes:  # fmt: skip
    """The PDF of a timeline SVG `width` x `height` (SVG units): its axis band is axis_top to
    lanes_top, and `breaks` are the y of the lane edges, where pages are best cut."""
    ops, markers, title = _ops(svg)
    pdf = FPDF(orientation="L", unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creator("Accord")
    if title:
        pdf.set_title(title)
    fonts = _Fonts(pdf)
    k = (PAGE_W - 2 * MARGIN) / width
    room = (PAGE_H - 2 * MARGIN) / k  # SVG units a page holds
    axis = (axis_top, lanes_top)
    cuts = sorted(set(breaks) | {round(height)})
    painter = _Painter(pdf, fonts, markers, k)
    top = 0.0
    first = True
    while top < height - 0.5:
        bands: list[tuple[float, float]] = [] if first else [axis]
        space = room - (0 if first else lanes_top - axis_top)
        limit = top + space
        if limit >= height:
            cut = height
        else:
            fitting = [b for b in cuts if top < b <= limit]
            cut = fitting[-1] if fitting and fitting[-1] - top > space / 3 else limit
        bands.append((top, cut))
        pdf.add_page()
        dst = MARGIN
        for y0, y1 in bands:
            painter.dx, painter.dy = MARGIN, dst - y0 * k
            with pdf.rect_clip(MARGIN, dst, width * k, (y1 - y0) * k):
                for op in ops:
                    # A text is drawn once, in the band of its middle; a shape in every band it reaches.
                    inside = y0 <= op.y0 < y1 if op.tag == "text" else op.y0 <= y1 and op.y1 >= y0
                    if inside:
                        painter.paint(op)
            dst += (y1 - y0) * k
        top, first = cut, False
    return bytes(pdf.output())
