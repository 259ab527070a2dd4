"""CSV and JSON import of feedback: read the file, map its columns, validate every row, then create
all rows in one transaction (or, when the user asks, every good row and a report of the bad ones).

The file: at most 20 MB and 20,000 rows, read by accord.core.importfiles (UTF-8, UTF-16 or
Windows-1252, detected or declared). CSV needs a header row (comma, semicolon or tab separated).
Revenue weights are read with the declared decimal separator (the workspace's by default) and dates
with the declared day/month order; a value that reads differently the other way is refused. JSON is a list of objects, or Accord's own export ({"feedback": [...]},
customer fields flat or in a "customer" object). The column mapping says which column fills which
field (text is required; title, source, status, received_at, customer_name, customer_email,
company, segment, revenue_weight are optional); `guess_mapping` proposes one from the headers.
Rows are numbered as a spreadsheet shows them (the header is row 1; JSON items count from 1).
Reading the table and the mapping step are accord.core.tabular's, shared with accord.imports (the
generic CSV/xlsx import of ideas and roadmap items).
Whatever the bytes, the result is an import or an ImportFailed, never another exception.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from accord.core import tabular
from accord.core.importfiles import DATE_FORMATS, DECIMALS, FileUnreadable, check_choice
from accord.core.numbers import POINT
from accord.core.tabular import ImportFailed, RowError, Table, check_mapping, file_failed
from accord.workspaces.models import Membership
from accord.workspaces.permissions import require

from . import services
from .models import Source
from .rows import CleanRow, clean_row

__all__ = ["ImportFailed", "RowError", "Table", "file_failed", "guess_mapping", "read_table", "run_import"]

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_ERRORS = 200  # reported; validation goes on counting
FIELDS = [
    ("text", "Feedback text"),
    ("title", "Title"),
    ("source", "Source"),
    ("status", "Status"),
    ("received_at", "Received on"),
    ("customer_name", "Customer name"),
    ("customer_email", "Customer e-mail"),
    ("company", "Company"),
    ("segment", "Segment"),
    ("revenue_weight", "Revenue weight"),
]
# Header names (lower case, spaces and dashes as underscores) each field is guessed from, best first.
ALIASES = {
    "text": ["text", "feedback", "review_text", "review", "body", "comment", "comments", "message", "content", "description", "verbatim", "note"],
    "title": ["title", "subject", "summary", "headline"],
    "source": ["source", "channel", "origin"],
    "status": ["status", "state"],
    "received_at": ["received_at", "received", "date", "created_at", "created", "submitted_at", "timestamp"],
    "customer_name": ["customer_name", "name", "customer", "contact", "contact_name", "author", "user_name", "reviewer"],
    "customer_email": ["customer_email", "email", "e_mail", "contact_email", "user_email"],
    "company": ["company", "account", "organization", "organisation", "account_name"],
    "segment": ["segment", "tier", "plan", "customer_segment"],
    "revenue_weight": ["revenue_weight", "arr", "mrr", "revenue", "weight", "arr_k"],
}


@dataclass
class ImportResult:
    created: int
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


def read_table(data: bytes, filename: str = "", encoding: str = "auto") -> Table:
    """The file's table (CSV or JSON; accord.core.tabular, shared with accord.imports)."""
    return tabular.read_table(
        data, filename, encoding, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, json_keys=("feedback", "items"),
        what="feedback item", xlsx=False,
    )  # fmt: skip


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Field -> the column that most likely holds it (fields without a likely column are left out)."""
    return tabular.guess_mapping(headers, FIELDS, ALIASES)


def validate(
    table: Table, mapping: dict[str, str], default_source: str, decimal: str = POINT, date_format: str = "iso"
) -> tuple[list[CleanRow], list[RowError]]:
    errors: list[RowError] = []
    mapping = check_mapping(table, mapping, FIELDS)
    if table.native:
        decimal = POINT  # typed cells of a workbook: 1234.5 whatever the declared separator
    if not mapping.get("text"):
        raise ImportFailed([RowError(1, "text", "Choose the column that holds the feedback text.")])
    if default_source not in Source.values:
        raise ImportFailed([RowError(0, "source", f"Unknown default source {default_source!r}.")])
    cleaned: list[CleanRow] = []
    for n, raw in enumerate(table.rows, start=table.first_row):
        if not raw:
            continue
        row = clean_row(
            {name: raw.get(col, "") for name, col in mapping.items() if col},
            default_source=default_source, decimal=decimal, date_format=date_format,
        )  # fmt: skip
        if row.errors:
            errors.extend(RowError(n, mapping.get(f, f), m) for f, m in row.errors)
        else:
            cleaned.append(row)
    if not cleaned and not errors:
        errors.append(RowError(0, "", "The file has no rows."))
    return cleaned, errors


def run_import(
    *,
    member: Membership,
    table: Table,
    mapping: dict[str, str],
    default_source: str = Source.IMPORT,
    skip_bad_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
    decimal: str | None = None,
    date_format: str = "iso",
) -> ImportResult:
    """Import every row, or none when one is bad (unless skip_bad_rows: then the good ones).
    decimal: the file's decimal separator (default: the workspace's); date_format: iso, dmy or mdy."""
    require(member, "feedback.import")
    try:
        decimal = check_choice(decimal or member.workspace.decimal_separator, DECIMALS, "decimal separator")
        date_format = check_choice(date_format, DATE_FORMATS, "date format")
    except FileUnreadable as exc:
        raise file_failed(str(exc)) from None
    cleaned, errors = validate(table, mapping, default_source, decimal, date_format)
    bad_rows = len({e.row for e in errors})
    if errors and (not skip_bad_rows or not cleaned):
        raise ImportFailed(errors)
    with transaction.atomic():
        created = services.create_rows(member=member, rows=cleaned, label="import", progress=progress)
    return ImportResult(created=len(created), skipped=bad_rows, errors=errors[:MAX_ERRORS])
