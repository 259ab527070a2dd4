"""REST API of the workspace export (admins) and import (staff, signed in). Thin: see services.py."""

import json
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Router, Schema, Status

from accord.core.api_support import responses
from accord.core.errors import Invalid
from accord.workspaces.auth import API_AUTH, member_for

from . import services

router = Router(auth=API_AUTH, tags=["transfer"])


class TransferExportOut(Schema):
    """The export file (README: Workspace export and import)."""

    format: str = Field(description='Always "accord-workspace".')
    version: int
    workspace: dict[str, Any]
    users: list[dict[str, Any]] = Field(description="E-mail and name of every user the rows name.")
    models: dict[str, list[dict[str, Any]]] = Field(
        description="Rows per model label, ids local to the file."
    )


class TransferImportOut(Schema):
    slug: str
    name: str


@router.get(
    "/workspaces/{slug}/export",
    response=responses(200, TransferExportOut),
    summary="Export the whole workspace as one canonical JSON file (admins)",
)
def export_workspace(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    chunks = services.export_workspace(member=member)
    response = StreamingHttpResponse(chunks, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{member.workspace.slug}-export.json"'
    return response


class TransferImportIn(Schema):
    export: dict[str, Any] = Field(
        description="The export file's JSON object, as GET .../export gives it."
    )
    slug: str = Field(
        "",
        max_length=60,
        description="Import under this slug instead of the file's (when that is taken).",
    )


@router.post(
    "/workspace-imports",
    response=responses(201, TransferImportOut),
    summary="Create a workspace from an export (staff, signed in; all or nothing)",
    description=(
        "For files larger than a request may be, use the import page (/workspaces/import) or "
        "`accord import FILE`. A slug that exists is a 409 naming the field `slug`."
    ),
)
def import_workspace(request: HttpRequest, data: TransferImportIn):
    if getattr(request, "api_token", None) is not None:
        raise Invalid.field(
            "authorization",
            "API tokens belong to one workspace; import workspaces while signed in.",
        )
    raw = json.dumps(data.export, ensure_ascii=False)
    workspace = services.import_workspace(
        user=request.auth, raw=raw, slug=data.slug.strip() or None
    )
    return Status(201, {"slug": workspace.slug, "name": workspace.name})
