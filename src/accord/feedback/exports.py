"""CSV and JSON exports of feedback. The CSV's columns are the import's, so an export re-imports."""

import csv
import io
import json
from collections import defaultdict

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from accord.core.csv_safety import safe_cell
from accord.workspaces.models import Workspace

from .models import Feedback, FeedbackLink

COLUMNS = [
    "id",
    "received_at",
    "source",
    "status",
    "title",
    "text",
    "customer_name",
    "customer_email",
    "company",
    "segment",
    "revenue_weight",
    "captured_by",
    "linked_ideas",
]


def export_rows(items: QuerySet[Feedback]) -> list[dict]:
    """One dict per item, with its linked ideas (two queries whatever the number of items)."""
    items = items.select_related("customer", "captured_by").defer("embedding")
    ideas: dict[int, list[dict]] = defaultdict(list)
    links = FeedbackLink.objects.filter(feedback__in=items.values("pk")).values(
        "feedback_id", "idea_id", "idea__title", "importance", "quote"
    )
    for link in links:
        ideas[link["feedback_id"]].append(
            {"idea_id": link["idea_id"], "idea": link["idea__title"],
             "importance": link["importance"], "quote": link["quote"]}
        )
    rows = []
    for fb in items.iterator(chunk_size=2000):
        c = fb.customer
        rows.append(
            {
                "id": fb.pk,
                "received_at": fb.received_at.isoformat(),
                "source": fb.source,
                "status": fb.status,
                "title": fb.title,
                "text": fb.text,
                "customer_name": c.name if c else "",
                "customer_email": c.email if c else "",
                "company": c.company if c else "",
                "segment": c.segment if c else "",
                "revenue_weight": c.revenue_weight if c else None,
                "captured_by": fb.captured_by.email if fb.captured_by else "",
                "links": ideas.get(fb.pk, []),
            }
        )
    return rows


def export_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        cells = {**row, "linked_ideas": "; ".join(f"#{i['idea_id']} {i['idea']}" for i in row["links"])}
        if cells["revenue_weight"] is None:
            cells["revenue_weight"] = ""
        writer.writerow([safe_cell(cells[col]) for col in COLUMNS])
    return out.getvalue()


def export_response(workspace: Workspace, fmt: str, items: QuerySet[Feedback]) -> HttpResponse:
    rows = export_rows(items)
    if fmt == "csv":
        response = HttpResponse(export_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        body = {"workspace": workspace.slug, "exported_at": timezone.now().isoformat(), "feedback": rows}
        response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
    filename = f"feedback-{workspace.slug}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
