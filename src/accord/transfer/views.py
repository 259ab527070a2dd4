"""Web pages: an admin downloads the workspace's export; staff import one as a new workspace."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accord.core.errors import Invalid, ServiceError
from accord.core.web import field_errors, web_view
from accord.workspaces.web import workspace_page

from . import reader, services


@workspace_page("workspace.export")
def export_download(request: HttpRequest, member) -> HttpResponse:
    response = StreamingHttpResponse(
        services.export_workspace(member=member), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{member.workspace.slug}-export.json"'
    return response


@web_view
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    if not services.may_import(request.user):
        raise PermissionDenied("Only staff may import workspaces.")
    errors: dict[str, list[str]] = {}
    slug = request.POST.get("slug", "").strip()
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise Invalid.field(
                    "file",
                    "Choose an export file (from Export in a workspace's settings, or `accord export`).",
                )
            if upload.size > reader.MAX_BYTES:
                raise Invalid.field(
                    "file", f"The file is larger than {reader.MAX_BYTES // (1024 * 1024)} MB."
                )
            workspace = services.import_workspace(
                user=request.user, raw=upload.read(), slug=slug or None
            )
        except ServiceError as exc:
            errors = field_errors(exc)
        else:
            messages.success(
                request, f"Workspace {workspace.name} imported at /w/{workspace.slug}/."
            )
            if workspace.memberships.filter(user=request.user).exists():
                return redirect("workspace_home", slug=workspace.slug)
            return redirect("transfer:import")
    return render(
        request,
        "transfer/import.html",
        {"errors": errors, "slug": slug},
        status=(409 if "slug" in errors and "exists" in " ".join(errors["slug"]) else 422)
        if errors
        else 200,
    )
