"""Chart geometry computed on the server, drawn as inline SVG by the templates (no chart library, CSP-safe)."""

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 560, 400, 44


@dataclass
class Point:
    x: float
    y: float
    label: str
    url_id: int | None = None
    css: str = ""


def _scale(value: float, lo: float, hi: float, out_lo: float, out_hi: float) -> float:
    if hi == lo:
        return (out_lo + out_hi) / 2
    return out_lo + (value - lo) / (hi - lo) * (out_hi - out_lo)


def matrix_chart(data: dict) -> dict:
    """The value/effort 2x2: effort on x (low left), value on y (high top), quadrant lines at the midpoints."""
    value_c, effort_c = data["value"], data["effort"]
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    points = []
    for p in data["points"]:
        points.append(
            Point(
                x=round(
                    _scale(p["effort"], effort_c.scale_min, effort_c.scale_max, PAD, PAD + inner_w),
                    1,
                ),
                y=round(
                    _scale(p["value"], value_c.scale_min, value_c.scale_max, PAD + inner_h, PAD), 1
                ),
                label=p["idea"].title,
                url_id=p["idea"].pk,
                css=(p["quadrant"] or "").replace(" ", "-"),
            )
        )
    mid_x = round(
        _scale(data["midpoint_effort"], effort_c.scale_min, effort_c.scale_max, PAD, PAD + inner_w),
        1,
    )
    mid_y = round(
        _scale(data["midpoint_value"], value_c.scale_min, value_c.scale_max, PAD + inner_h, PAD), 1
    )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "pad": PAD,
        "right": WIDTH - PAD,
        "bottom": HEIGHT - PAD,
        "mid_x": mid_x,
        "mid_y": mid_y,
        "points": points,
        "value_label": value_c.name,
        "effort_label": effort_c.name,
        "quadrants": [
            {"label": "Quick wins", "x": PAD + 8, "y": PAD + 16},
            {"label": "Big bets", "x": WIDTH - PAD - 8, "y": PAD + 16, "end": True},
            {"label": "Fill-ins", "x": PAD + 8, "y": HEIGHT - PAD - 8},
            {"label": "Money pits", "x": WIDTH - PAD - 8, "y": HEIGHT - PAD - 8, "end": True},
        ],
        "rows": data["points"],
    }


def history_chart(points: list, width: int = 560, height: int = 140, pad: int = 24) -> dict | None:
    """A step line of an idea's score over time (each point is a change of inputs or of the model)."""
    values = [p.value for p in points if p.value is not None]
    if len(values) < 1:
        return None
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    n = len(points)
    coords = []
    for i, p in enumerate(points):
        if p.value is None:
            continue
        x = pad if n == 1 else pad + i * (width - 2 * pad) / (n - 1)
        coords.append(
            Point(
                x=round(x, 1),
                y=round(_scale(p.value, lo, hi, height - pad, pad), 1),
                label=f"{p.value:g} · {p.note}",
            )
        )
    return {
        "width": width,
        "height": height,
        "points": coords,
        "polyline": " ".join(f"{c.x},{c.y}" for c in coords),
        "lo": lo,
        "hi": hi,
    }


def heat_level(stats, criterion) -> str:
    """A CSS class for the disagreement heat map: how wide the spread is relative to the scale."""
    if stats is None or len(stats.ratings) < 2:
        return "heat-none"
    scale = (criterion.scale_max - criterion.scale_min) or 1
    spread = (stats.stdev or 0) / scale
    if stats.disagreement:
        return "heat-4"
    if spread >= 0.15:
        return "heat-3"
    if spread >= 0.08:
        return "heat-2"
    return "heat-1"


def heatmap(data: dict) -> list[dict]:
    """Rows of (idea, cells with mean, spread and heat class) for the disagreement heat map."""
    rows = []
    for idea in data["ideas"]:
        cells = []
        for criterion in data["criteria"]:
            stats = data["cells"].get((idea.pk, criterion.pk))
            cells.append(
                {"criterion": criterion, "stats": stats, "heat": heat_level(stats, criterion)}
            )
        rows.append(
            {
                "idea": idea,
                "cells": cells,
                "disagreements": sum(1 for c in cells if c["stats"] and c["stats"].disagreement),
            }
        )
    return rows
