"""The minutes of a review meeting, as Markdown and as a vector PDF (fpdf2, with the fonts of the
roadmap PDF: real, selectable text; DejaVu Sans with fallbacks for other scripts)."""

from django.utils import timezone
from fpdf import FPDF

from accord.roadmaps.pdf import _Fonts  # the font chooser of the roadmap PDF (fallback glyphs)
from accord.workspaces.models import TeamKind

from .models import ChangeReview, Decision


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _md(value: str) -> str:
    """One line of user text, safe inside Markdown (no headings, lists or links from it)."""
    return (
        " ".join(value.split())
        .replace("\\", "\\\\")
        .replace("[", "\\[")
        .replace("]", "\\]")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("#", "\\#")
    )


def outline(review: ChangeReview) -> list[tuple[str, str]]:
    """The minutes as (kind, text) lines: title, heading, line, item. Both formats draw this."""
    present = [a.person.name for a in review.attendance.all() if a.present]
    absent = [a.person.name for a in review.attendance.all() if not a.present]
    lines = [
        ("title", f"Minutes: {review.title}"),
        ("line", f"{_when(review.starts_at)} · {review.get_status_display()}"),
    ]
    lines.append(("heading", "Attendance"))
    lines.append(("item", "Present: " + (", ".join(present) or "nobody recorded")))
    if absent:
        lines.append(("item", "Absent: " + ", ".join(absent)))
    lines.append(("heading", "Decisions"))
    if not review.agenda.all():
        lines.append(("line", "No change was on the agenda."))
    for n, item in enumerate(review.agenda.all(), 1):
        c = item.change
        decision = Decision(item.decision).label if item.decision else "Not decided"
        lines.append(("subheading", f"{n}. {c.title}"))
        lines.append(
            (
                "item",
                f"Window: {_when(c.start)} \N{EN DASH} {_when(c.end)} · Area: {c.area} · {c.get_risk_display()} risk",
            )
        )
        signs = [f"{TeamKind(i.department).label}: {i.get_impact_display().lower()}{' (signed)' if i.signed_at else ''}"
                 for i in c.impacts.all()]  # fmt: skip
        if signs:
            lines.append(("item", "Impact: " + "; ".join(signs)))
        lines.append(
            ("item", f"Decision: {decision}" + (f" — {item.reason}" if item.reason else ""))
        )
    if review.notes.strip():
        lines.append(("heading", "Notes"))
        lines.extend(("line", p) for p in review.notes.strip().splitlines() if p.strip())
    return lines


def markdown(review: ChangeReview) -> str:
    out = []
    for kind, value in outline(review):
        if kind == "title":
            out.append(f"# {_md(value)}\n")
        elif kind == "heading":
            out.append(f"\n## {_md(value)}\n")
        elif kind == "subheading":
            out.append(f"\n### {_md(value)}\n")
        elif kind == "item":
            out.append(f"- {_md(value)}")
        else:
            out.append(f"{_md(value)}\n")
    return "\n".join(out).strip() + "\n"


SIZES = {
    "title": (16, True),
    "heading": (13, True),
    "subheading": (11, True),
    "item": (10, False),
    "line": (10, False),
}


def pdf(review: ChangeReview) -> bytes:
    doc = FPDF(orientation="portrait", unit="pt", format="A4")
    doc.set_margins(48, 48, 48)
    doc.set_auto_page_break(True, margin=48)
    doc.set_title(f"Minutes: {review.title}")
    doc.set_creator("Accord")
    fonts = _Fonts(doc)
    doc.add_page()
    for kind, value in outline(review):
        size, bold = SIZES[kind]
        if kind in ("heading", "subheading"):
            doc.ln(size * 0.6)
        text = ("• " if kind == "item" else "") + value
        runs = fonts.runs(text, bold)
        if len(runs) == 1:
            family, style, chunk = runs[0]
            doc.set_font(family, style, size)
            doc.multi_cell(0, size * 1.4, chunk, new_x="LMARGIN", new_y="NEXT")
        else:  # mixed scripts: run by run on one flowing line
            for family, style, chunk in runs:
                doc.set_font(family, style, size)
                doc.write(size * 1.4, chunk)
            doc.ln(size * 1.4)
    return bytes(doc.output())
