"""Exports of a roadmap (members with roadmap.view) and the CSV import page (roadmap.manage).

/w/<slug>/roadmaps/<id>/export.svg|png|pdf|csv|json, every one an attachment download (an SVG is
never served inline). The optional filters tag, status, lane_id and team_id, and those higher apps
add (accord.core.facets, e.g. stage), narrow the items like the views do; anything else in the query
is refused with 400.
"""

from __future__ import annotations

import csv
import io
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from accord.core import facets
from accord.core.csv_safety import safe_cell
from accord.core.errors import Invalid
from accord.core.importfiles import DATE_FORMATS, DECIMALS, ENCODINGS
from accord.core.overlays import finish, form_response
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import importing, selectors
from . import render as timeline_render
from .models import ItemStatus, Lane, RoadmapKind

FORMATS = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
FILTERS = ("tag", "status", "lane_id", "team_id")
CSV_COLUMNS = [
    *importing.COLUMNS,
    "roadmap",
    "team",
    "people",
    "container",
    "blocked",
    "late",
]


def export_filters(query) -> dict:
    added = [f.key for f in facets.for_target("roadmap_item")]
    unknown = sorted(set(query) - set(FILTERS) - set(added))
    if unknown:
        names = ", ".join((*FILTERS, *added))
        raise Invalid.field(unknown[0], f"Unknown filter {unknown[0]!r}; use {names}.")
    filters: dict = {key: query[key][:60] for key in added if query.get(key)}
    if query.get("tag"):
        filters["tag"] = query["tag"][:60]
    if query.get("status"):
        if query["status"] not in ItemStatus.values:
            raise Invalid.field("status", f"Unknown status {query['status']!r}.")
        filters["status"] = query["status"]
    for key in ("lane_id", "team_id"):
        if query.get(key):
            try:
                filters[key] = int(query[key])
            except ValueError as exc:
                raise Invalid.field(key, "Give a whole number.") from exc
    return filters


def _bad_request(request: HttpRequest, exc: Invalid) -> HttpResponse:
    return render(request, "400.html", {"reason": exc.detail}, status=400)


def _attachment(body: bytes | str, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=FORMATS[fmt])
    filename = f"{slugify(name) or 'roadmap'}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    if fmt == "svg":
        # Opened directly anyway, the file may run nothing and load nothing.
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@workspace_page("roadmap.view")
@require_GET
def roadmap_export(request: HttpRequest, member, roadmap_id: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("No such export format.")
    roadmap = selectors.roadmap(workspace=member.workspace, roadmap_id=roadmap_id)
    try:
        filters = export_filters(request.GET)
        data = selectors.timeline(roadmap=roadmap, filters=filters)
    except Invalid as exc:
        return _bad_request(request, exc)
    if fmt in ("svg", "png", "pdf"):
        rendered = timeline_render.render_timeline(
            data, style=timeline_render.export_style(data)
        )
        if fmt == "svg":
            body: bytes | str = '<?xml version="1.0" encoding="UTF-8"?>\n' + rendered.svg
        elif fmt == "png":
            body = timeline_render.timeline_png(rendered)
        else:
            body = timeline_render.timeline_pdf(rendered)
    elif fmt == "csv":
        body = export_csv(data)
    else:
        body = json.dumps(export_json(data, filters), ensure_ascii=False, indent=1)
    return _attachment(body, fmt, roadmap.name)


def export_csv(data: dict) -> bytes:
    """The items, one row each, in the import's columns first (an export imports back exactly:
    tags quoted when they hold a separator, cells neutralized reversibly); every cell a
    spreadsheet would run as a formula is neutralized."""
    blocked, late = data["dependencies"].blocked, data["dependencies"].late
    titles = {it.pk: it.title for it in data["items"]}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for it in data["items"]:
        row = {
            "title": it.title,
            "start_date": it.start_date.isoformat() if it.start_date else "",
            "end_date": it.end_date.isoformat() if it.end_date else "",
            "bucket": it.bucket,
            "lane": it.lane.name if it.lane else "",
            "status": it.status,
            "percent_done": it.percent_done,
            "tags": importing.join_tags([t.name for t in it.tags.all()]),
            "description": it.description,
            "roadmap": it.roadmap.name,
            "team": it.team.name if it.team else "",
            "people": ", ".join(p.name for p in it.people.all()),
            "container": titles.get(it.parent_id, ""),
            "blocked": "yes" if it.pk in blocked else "",
            "late": "yes" if it.pk in late else "",
        }
        writer.writerow([safe_cell(row[c], reversible=True) for c in CSV_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_json(data: dict, filters: dict) -> dict:
    roadmap = data["roadmap"]
    deps = data["dependencies"]
    lanes = Lane.objects.filter(
        roadmap_id__in=[roadmap.pk, *selectors.roadmap_ids_shown(roadmap)]
    ).order_by("roadmap_id", "position", "id")
    return {
        "roadmap": {
            "id": roadmap.pk,
            "name": roadmap.name,
            "kind": roadmap.kind,
            "description": roadmap.description,
            "time_scale": roadmap.time_scale,
            "lane_mode": roadmap.lane_mode,
            "includes": [r.pk for r in roadmap.includes.all()]
            if roadmap.kind == RoadmapKind.PORTFOLIO
            else [],
        },
        "exported_at": timezone.now().isoformat(),
        "filters": filters,
        "lanes": [
            {"id": lane.pk, "roadmap_id": lane.roadmap_id, "name": lane.name, "position": lane.position}
            for lane in lanes
        ],
        "items": [
            {
                "id": it.pk,
                "roadmap_id": it.roadmap_id,
                "title": it.title,
                "description": it.description,
                "lane_id": it.lane_id,
                "lane": it.lane.name if it.lane else None,
                "parent_id": it.parent_id,
                "start_date": it.start_date.isoformat() if it.start_date else None,
                "end_date": it.end_date.isoformat() if it.end_date else None,
                "bucket": it.bucket or None,
                "status": it.status,
                "percent_done": it.percent_done,
                "tags": [t.name for t in it.tags.all()],
                "team": it.team.name if it.team else None,
                "people": [p.name for p in it.people.all()],
                "blocked": it.pk in deps.blocked,
                "late": it.pk in deps.late,
                "version": it.version,
            }
            for it in data["items"]
        ],
        "milestones": [
            {
                "id": m.pk,
                "roadmap_id": m.roadmap_id,
                "name": m.name,
                "date": m.date.isoformat(),
                "description": m.description,
            }
            for m in data["milestones"]
        ],
        "dependencies": [
            {
                "id": d.pk,
                "predecessor_id": d.predecessor_id,
                "successor_id": d.successor_id,
                "kind": d.kind,
                "violated": d.pk in deps.violated,
            }
            for d in deps.dependencies
        ],
    }


# ---------------------------------------------------------------- CSV import


@workspace_page("roadmap.view")
@require_http_methods(["GET", "POST"])
def roadmap_import(request: HttpRequest, member, roadmap_id: int) -> HttpResponse:
    roadmap = selectors.roadmap(workspace=member.workspace, roadmap_id=roadmap_id)
    if not can(member, "roadmap.manage"):
        raise PermissionDenied(f"Your role ({member.role}) may not import items.")
    report, status = None, 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise importing.ImportFailed(
                    [importing.RowError(0, "file", "Choose a CSV file to upload.")]
                )
            if upload.size is not None and upload.size > importing.MAX_BYTES:
                raise importing.ImportFailed([importing.too_big()])
            result = importing.import_items(
                member=member, roadmap_id=roadmap.pk, data=upload.read(importing.MAX_BYTES + 1),
                encoding=request.POST.get("encoding") or "auto", decimal=request.POST.get("decimal") or None,
                date_format=request.POST.get("date_format") or "iso",
            )  # fmt: skip
        except importing.ImportFailed as exc:
            report, status = exc, 422
        else:
            note = f"Imported {result.created} item{'s' if result.created != 1 else ''}"
            if result.lanes_created:
                note += f" and created the lane{'s' if len(result.lanes_created) != 1 else ''} "
                note += ", ".join(result.lanes_created)
            messages.success(request, note + ".")
            return finish(request, reverse("roadmap", args=[member.workspace.slug, roadmap.pk]))
    return form_response(
        request,
        "roadmaps/_import.html",
        {
            "roadmap": roadmap,
            "report": report,
            "columns": importing.COLUMNS,
            "max_mb": importing.MAX_BYTES // (1024 * 1024),
            "statuses": ItemStatus.values,
            "file_options": {"encodings": ENCODINGS, "decimals": DECIMALS, "date_formats": DATE_FORMATS},
            "chosen": {k: request.POST.get(k, "") for k in ("encoding", "decimal", "date_format")},
        },
        title=f"Import items into {roadmap.name}",
        intro="From a CSV file: every row is checked first; when one has a problem, nothing is imported.",
        back_url=reverse("roadmap", args=[member.workspace.slug, roadmap.pk]),
        back_label=roadmap.name,
        status=status,
    )
