import csv

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date

from accord.core.csv_safety import safe_cell
from accord.core.web import page_of
from accord.workspaces.selectors import members
from accord.workspaces.web import workspace_page

from .selectors import audit_entries, audit_facets


def _filters(request: HttpRequest) -> dict:
    get = request.GET
    since, until = parse_date(get.get("since", "") or ""), parse_date(get.get("until", "") or "")
    actor = get.get("actor", "")
    return {
        "object_type": get.get("object_type") or None,
        "object_id": get.get("object_id") or None,
        "action": get.get("action") or None,
        "actor_id": int(actor) if actor.isdigit() else None,
        "since": since,
        "until": until,
        "q": (get.get("q") or "").strip() or None,
    }


@workspace_page("audit.view")
def audit_trail(request: HttpRequest, member) -> HttpResponse:
    filters = _filters(request)
    entries = audit_entries(workspace=member.workspace, **filters).select_related("actor")
    page = page_of(request, entries)
    template = "audit/_entries.html" if request.htmx else "audit/trail.html"
    return render(request, template, {
        "page": page,
        "filters": filters,
        "facets": audit_facets(workspace=member.workspace),
        "members": members(workspace=member.workspace),
    })


class _Echo:
    def write(self, value: str) -> str:
        return value


@workspace_page("audit.view")
def audit_export(request: HttpRequest, member) -> StreamingHttpResponse:
    entries = audit_entries(workspace=member.workspace, **_filters(request))
    writer = csv.writer(_Echo())
    columns = ["at", "actor_label", "via", "action", "object_type", "object_id", "object_label", "before", "after"]

    def rows():
        yield writer.writerow(columns)
        for entry in entries.values_list(*columns).iterator(chunk_size=2000):
            yield writer.writerow([safe_cell(v if not isinstance(v, dict) else str(v)) for v in entry])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{member.workspace.slug}-audit.csv"'
    return response
