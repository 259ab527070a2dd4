"""REST API of imports: preview (dry_run, the default) or run an import of a Jira, Trello, GitHub or
CSV/xlsx file, and list past imports. Confirming a preview is the same request with dry_run false
(and the mappings the preview showed, edited or not): stateless, so a script can preview, check the
report, then commit."""

import base64
import binascii
from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accord.core.api_support import BodyId, StrictBool, responses
from accord.core.errors import FieldError, Invalid
from accord.core.tabular import ImportFailed
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import selectors, services
from .models import ImportRun

router = Router(auth=API_AUTH, tags=["Imports"])
WS = "/workspaces/{slug}/imports"
MAX_TEXT = 20_000_000

Name = Annotated[str, Field(max_length=200)]


class ToolImportIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "source": "csv",
                    "target": "idea",
                    "content": "title,status,tags\nDark mode,under review,ui\n",
                    "filename": "ideas.csv",
                    "dry_run": True,
                }
            ]
        }
    }

    source: Literal["jira", "trello", "github", "csv"] = Field(
        description="Which export the file is."
    )
    target: Literal["idea", "item", "feedback"] = Field(
        "idea",
        description="What it becomes: Jira, Trello and CSV: idea or item; GitHub: idea or feedback.",
    )
    content: str | None = Field(
        None, max_length=MAX_TEXT, description="The file's text (CSV, XML, JSON)."
    )
    content_base64: str | None = Field(
        None,
        max_length=MAX_TEXT,
        description="Or the file's bytes in base64 (an .xlsx workbook, a UTF-16 CSV).",
    )
    filename: str = Field(
        "", max_length=200, description="The file's name (its extension helps tell the format)."
    )
    dry_run: StrictBool = Field(
        True, description="True: the report only, nothing saved. False: import (all or nothing)."
    )
    status_map: dict[Name, Name] = Field(
        default_factory=dict,
        description="Source status -> Accord status; the preview shows the guesses.",
    )
    mapping: dict[Name, Name] = Field(
        default_factory=dict, description="CSV: field -> column; default: guessed."
    )
    roadmap_id: BodyId | None = Field(
        None, description="Items: this roadmap (default: one named after the project or board)."
    )
    lists_as: Literal["", "lanes", "statuses"] = Field(
        "", description="Trello: lists become lanes or statuses."
    )
    include_archived: StrictBool = Field(
        False, description="Trello: import archived cards and lists too."
    )
    encoding: Literal["auto", "utf-8", "utf-16", "cp1252"] = "auto"
    decimal: Literal["point", "comma"] = "point"
    date_format: Literal["iso", "dmy", "mdy"] = Field(
        "iso", description="Day/month order of dates like 03/04/2026."
    )


class ToolImportLineOut(Schema):
    row: int = Field(description="The row (CSV: the header is row 1) or the position in the file.")
    key: str = Field(description="The object's key in its tool: PROJ-12, a card id, owner/repo#12.")
    title: str
    action: Literal["created", "updated", "skipped", "refused"]
    reason: str
    field: str = Field(description="Refused: the field or column at fault.")
    object_type: str
    object_id: int | None = Field(description="The object written (none in a dry run).")


class ToolImportCountsOut(Schema):
    created: int
    updated: int
    skipped: int
    refused: int


class ToolImportReportOut(Schema):
    source: str
    target: str
    dry_run: bool
    committed: bool
    run_id: int | None
    roadmap: str = Field(description="Items and milestones: the roadmap they are on.")
    counts: ToolImportCountsOut
    status_map: dict[str, str]
    status_counts: dict[str, int]
    mapping: dict[str, str] = Field(description="CSV: the column mapping used.")
    notes: list[str]
    rows: list[ToolImportLineOut]


class ToolImportRunOut(Schema):
    id: int
    source: str
    target: str
    filename: str
    counts: dict[str, int]
    actor: str | None
    created_at: datetime


def _bytes(data: ToolImportIn) -> bytes:
    if (data.content is None) == (data.content_base64 is None):
        raise Invalid.field(
            "content", "Send the file as content (text) or content_base64 (bytes), one of them."
        )
    if data.content is not None:
        return data.content.encode("utf-8", "surrogatepass")
    try:
        return base64.b64decode(data.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid.field("content_base64", "This is not base64.") from None


def report_out(report, mapping: dict) -> dict:
    return {
        "source": report.source, "target": report.target, "dry_run": report.dry_run,
        "committed": report.run_id is not None, "run_id": report.run_id, "roadmap": report.roadmap,
        "counts": report.counts, "status_map": report.status_map, "status_counts": report.status_counts,
        "mapping": mapping, "notes": report.notes, "rows": [line.__dict__ for line in report.lines],
    }  # fmt: skip


def failed_as_invalid(exc: ImportFailed) -> Invalid:
    """A file that cannot be read, or a refused import: 422 naming the row and the column."""
    errors = [
        FieldError(f"row {e.row}: {e.column}" if e.row else (e.column or "content"), e.message)
        for e in exc.errors
    ]
    detail = (
        exc.file_error or f"{exc.total} problem(s) in {exc.bad_rows} row(s); nothing was imported."
    )
    return Invalid(detail, errors)


def refused_as_invalid(exc: services.ImportRefused) -> Invalid:
    refused = exc.report.refused
    errors = [
        FieldError(f"row {line.row}: {line.field or 'row'}", f"{line.key}: {line.reason}")
        for line in refused[:200]
    ]
    return Invalid(f"{len(refused)} row(s) refused; nothing was imported.", errors)


@router.post(
    WS, response=responses(200, ToolImportReportOut), summary="Preview (dry run) or run an import"
)
def run_import(request: HttpRequest, slug: str, data: ToolImportIn):
    member = member_for(request, slug)
    options = services.Options(
        target=data.target, status_map=dict(data.status_map), mapping=dict(data.mapping), roadmap_id=data.roadmap_id,
        lists_as=data.lists_as, include_archived=data.include_archived, encoding=data.encoding,
        decimal=data.decimal, date_format=data.date_format,
    )  # fmt: skip
    require(member, "import.run")
    try:
        report = services.run_import(
            member=member, source=data.source, data=_bytes(data), filename=data.filename, options=options,
            dry_run=data.dry_run,
        )  # fmt: skip
    except ImportFailed as exc:
        raise failed_as_invalid(exc) from None
    except services.ImportRefused as exc:
        raise refused_as_invalid(exc) from None
    return report_out(report, options.mapping if data.source == "csv" else {})


@router.get(
    WS,
    response=responses(200, list[ToolImportRunOut]),
    summary="List the workspace's imports (newest first)",
)
def list_imports(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "import.run")
    runs = selectors.recent_runs(workspace=member.workspace)
    return [_run_out(r) for r in runs]


def _run_out(r: ImportRun) -> dict:
    return {
        "id": r.pk, "source": r.source, "target": r.target, "filename": r.filename, "counts": r.counts,
        "actor": r.actor.email if r.actor else None, "created_at": r.created_at,
    }  # fmt: skip
