import csv
from datetime import date, datetime, time

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accord.core import panels
from accord.core.csv_safety import safe_cell
from accord.core.errors import Invalid
from accord.core.web import field_errors, form_date, form_int, page_of
from accord.workspaces.selectors import members
from accord.workspaces.web import workspace_page

from .selectors import audit_entries, audit_facets


def _filters(request: HttpRequest) -> tuple[dict, dict[str, list[str]]]:
    """The filters in the query, and {field: [messages]} for values that are not days or ids (dropped)."""
    get = request.GET
    days: dict[str, date | None] = {}
    errors: dict[str, list[str]] = {}
    for name in ("since", "until"):
        try:
            days[name] = form_date(get.get(name) or "", name)
        except Invalid as exc:
            days[name] = None
            errors.update(field_errors(exc))
    try:
        actor_id = form_int(get.get("actor"), "actor")
    except Invalid as exc:
        actor_id = None
        errors.update(field_errors(exc))
    return {
        "object_type": get.get("object_type") or None,
        "object_id": get.get("object_id") or None,
        "action": get.get("action") or None,
        "actor_id": actor_id,
        "since": days["since"],
        "until": days["until"],
        "q": (get.get("q") or "").strip() or None,
    }, errors


def _day_start(day: date | None) -> datetime | None:
    """Midnight at the start of `day` in the current time zone (entries are stored as instants)."""
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


def _entries(member, filters: dict):
    return audit_entries(
        workspace=member.workspace,
        **{**filters, "since": _day_start(filters["since"]), "until": _day_start(filters["until"])},
    )


@workspace_page("audit.view")
def audit_trail(request: HttpRequest, member) -> HttpResponse:
    filters, errors = _filters(request)
    entries = _entries(member, filters).select_related("actor")
    page = page_of(request, entries)
    template = "audit/_entries.html" if request.htmx else "audit/trail.html"
    return render(request, template, {
        "page": page,
        "filters": filters,
        "errors": errors,
        "facets": audit_facets(workspace=member.workspace),
        "members": members(workspace=member.workspace),
        "actions": [] if request.htmx else panels.render("audit.actions", request, member, None),
    }, status=400 if errors else 200)


class _Echo:
    def write(self, value: str) -> str:
        return value


@workspace_page("audit.view")
def audit_export(request: HttpRequest, member) -> HttpResponse:
    filters, errors = _filters(request)
    if errors:  # an export of other entries than asked for would mislead
        text = " ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    entries = _entries(member, filters)
    writer = csv.writer(_Echo())
    columns = ["at", "actor_label", "via", "action", "object_type", "object_id", "object_label", "before", "after"]

    def rows():
        yield writer.writerow(columns)
        for entry in entries.values_list(*columns).iterator(chunk_size=2000):
            yield writer.writerow([safe_cell(v if not isinstance(v, dict) else str(v)) for v in entry])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{member.workspace.slug}-audit.csv"'
    return response
