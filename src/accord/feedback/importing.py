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
Whatever the bytes, the result is an import or an ImportFailed, never another exception.
"""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from accord.core.importfiles import (
    DATE_FORMATS,
    DECIMALS,
    SAVE_AS,
    FileUnreadable,
    check_choice,
    csv_reader,
    decode,
)
from accord.core.numbers import POINT
from accord.workspaces.models import Membership
from accord.workspaces.permissions import require

from . import services
from .models import Source
from .rows import CleanRow, clean_row

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


@dataclass(frozen=True)
class RowError:
    row: int  # 0: the file as a whole; 1: the header; 2...: the data rows (JSON: 1...)
    column: str
    message: str


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError], total: int | None = None):
        super().__init__(f"{total or len(errors)} problem(s); nothing was imported.")
        self.errors = errors[:MAX_ERRORS]
        self.total = total if total is not None else len(errors)
        self.bad_rows = len({e.row for e in errors})

    @property
    def truncated(self) -> bool:
        return self.total > len(self.errors)

    @property
    def file_error(self) -> str:
        """The one sentence when the file as a whole could not be read (no per-row table then)."""
        return self.errors[0].message if len(self.errors) == 1 and self.errors[0].row == 0 else ""


def file_failed(message: str) -> ImportFailed:
    return ImportFailed([RowError(0, "", message)])


@dataclass
class Table:
    headers: list[str]
    rows: list[dict[str, str]]
    first_row: int = 2  # the number of rows[0] as the user sees it
    encoding: str = "utf-8"  # as read (detected or declared)

    def sample(self, n: int = 5) -> list[list[str]]:
        return [[row.get(h, "") for h in self.headers] for row in self.rows[:n]]


@dataclass
class ImportResult:
    created: int
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


def _norm(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").split())


def _flat(item: dict) -> dict[str, str]:
    """A JSON object as a row: nested "customer" fields flattened, lists and numbers as text."""
    row: dict[str, str] = {}
    for key, value in item.items():
        if key == "customer" and isinstance(value, dict):
            for sub, v in value.items():
                name = f"customer_{sub}" if sub in ("name", "email") else str(sub)
                row[name] = "" if v is None else str(v)
        elif isinstance(value, str | int | float | bool) or value is None:
            row[str(key)] = "" if value is None else str(value)
    return row


def read_table(data: bytes, filename: str = "", encoding: str = "auto") -> Table:
    if len(data) > MAX_BYTES:
        raise file_failed(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it and import the parts.")
    try:
        decoded = decode(data, encoding)
    except FileUnreadable as exc:
        raise file_failed(str(exc)) from None
    text = decoded.text
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped.startswith(("[", "{")):
        table = _read_json(stripped)
    else:
        table = _read_csv(text)
    table.encoding = decoded.encoding
    return table


def _read_json(text: str) -> Table:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise file_failed(f"This is not valid JSON ({str(exc)[:200]}): export it again, or save it as CSV.") from exc
    if isinstance(data, dict):
        data = data.get("feedback", data.get("items"))
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise file_failed('The JSON must be a list of objects (or {"feedback": [...]}): one object per feedback item.')
    if len(data) > MAX_ROWS:
        raise file_failed(f"The file has more than {MAX_ROWS:,} items: split it and import the parts.")
    rows = [_flat(item) for item in data]
    headers = list(dict.fromkeys(k for row in rows for k in row))
    return Table(headers=headers, rows=rows, first_row=1)


def _read_csv(text: str) -> Table:
    # The header line decides the separator (csv.Sniffer guesses wrong on multi-line quoted text).
    try:
        reader = csv_reader(text, strict=False)
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise ImportFailed([RowError(1, "", "The file has no header row.")])
        headers = [h.strip() or f"column {n + 1}" for n, h in enumerate(header)]
        if len(set(headers)) != len(headers):
            raise ImportFailed([RowError(1, "", "Two columns have the same name.")])
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                rows.append({})  # keep the numbering; empty rows are skipped later
                continue
            rows.append(dict(zip(headers, values, strict=False)))
            if len(rows) > MAX_ROWS:
                raise file_failed(f"The file has more than {MAX_ROWS:,} rows: split it and import the parts.")
    except csv.Error as exc:
        raise file_failed(f"This is not a readable CSV file ({exc}): {SAVE_AS}.") from exc
    return Table(headers=headers, rows=rows)


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Field -> the column that most likely holds it (fields without a likely column are left out)."""
    by_norm = {_norm(h): h for h in headers}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for name, _label in FIELDS:
        for alias in ALIASES[name]:
            header = by_norm.get(alias)
            if header and header not in used:
                mapping[name] = header
                used.add(header)
                break
    return mapping


def validate(
    table: Table, mapping: dict[str, str], default_source: str, decimal: str = POINT, date_format: str = "iso"
) -> tuple[list[CleanRow], list[RowError]]:
    errors: list[RowError] = []
    unknown = [col for col in mapping.values() if col and col not in table.headers]
    if unknown:
        raise ImportFailed([RowError(1, col, "No such column in the file.") for col in unknown])
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
