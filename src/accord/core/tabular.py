"""Tables people import (CSV, JSON lists, .xlsx) and the column-mapping step: one copy for every importer.

The feedback importer (accord.feedback.importing) and the generic CSV/xlsx import of ideas and
roadmap items (accord.imports) both read a file into a `Table` (headers and rows of text), propose
which column fills which field (`guess_mapping`), check the chosen mapping against the headers
(`check_mapping`) and report problems as `RowError`s (row numbers as a spreadsheet shows them: the
header is row 1) inside one `ImportFailed`.

- CSV: accord.core.importfiles decodes (UTF-8 with or without BOM, UTF-16, Windows-1252; detected
  or declared) and the header line decides the separator (comma, semicolon, tab).
- JSON: a list of objects (or {"<key>": [...]} for the keys given); nested values are left out.
- .xlsx: openpyxl in read-only mode with cached values (data_only: formulas are never evaluated);
  the first sheet; a workbook with macros (.xlsm, or a vbaProject part) is refused, and so is a
  sheet larger than the row or column limits. Dates become YYYY-MM-DD, numbers are written with a
  point (`Table.native` is True: the importer then reads them with the point, whatever decimal
  separator the user declared for text files).

Whatever the bytes, read_table returns a Table or raises ImportFailed, never another exception.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from .importfiles import SAVE_AS, FileUnreadable, csv_reader, decode

MAX_COLUMNS = 200
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RowError:
    row: int  # 0: the file as a whole; 1: the header; 2...: the data rows (JSON: 1...)
    column: str
    message: str


class ImportFailed(Exception):
    """Nothing was imported: the problems, per row and column (the first `max_errors` kept)."""

    max_errors = 200

    def __init__(self, errors: list[RowError], total: int | None = None):
        super().__init__(f"{total or len(errors)} problem(s); nothing was imported.")
        self.errors = errors[: self.max_errors]
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
    encoding: str = "utf-8"  # as read (detected or declared); "xlsx" for a workbook
    native: bool = (
        False  # numbers and dates were typed cells (xlsx), written as 1234.5 and 2026-12-31
    )

    def sample(self, n: int = 5) -> list[list[str]]:
        return [[row.get(h, "") for h in self.headers] for row in self.rows[:n]]

    @property
    def row_count(self) -> int:
        return sum(1 for r in self.rows if r)


def norm(header: str) -> str:
    """'Start date' and 'start-date' are start_date."""
    return "_".join(str(header).strip().lower().replace("-", " ").split())


def is_xlsx(data: bytes, filename: str = "") -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm")) or data.startswith(XLSX_MAGIC)


def read_table(
    data: bytes,
    filename: str = "",
    encoding: str = "auto",
    *,
    max_bytes: int,
    max_rows: int,
    json_keys: tuple[str, ...] = ("items",),
    what: str = "row",
    xlsx: bool = True,
) -> Table:
    """The file's table: CSV, a JSON list of objects, or (xlsx) the first sheet of an .xlsx workbook."""
    if len(data) > max_bytes:
        raise file_failed(
            f"The file is larger than {max_bytes // (1024 * 1024)} MB: split it and import the parts."
        )
    if xlsx and is_xlsx(data, filename):
        return _read_xlsx(data, filename, max_rows)
    try:
        decoded = decode(data, encoding)
    except FileUnreadable as exc:
        raise file_failed(str(exc)) from None
    stripped = decoded.text.lstrip()
    if filename.lower().endswith(".json") or stripped.startswith(("[", "{")):
        table = _read_json(stripped, max_rows, json_keys, what)
    else:
        table = _read_csv(decoded.text, max_rows)
    table.encoding = decoded.encoding
    return table


def _flat(item: dict) -> dict[str, str]:
    """A JSON object as a row: nested "customer" fields flattened, lists and objects left out."""
    row: dict[str, str] = {}
    for key, value in item.items():
        if key == "customer" and isinstance(value, dict):
            for sub, v in value.items():
                name = f"customer_{sub}" if sub in ("name", "email") else str(sub)
                row[name] = "" if v is None else str(v)
        elif isinstance(value, str | int | float | bool) or value is None:
            row[str(key)] = "" if value is None else str(value)
    return row


def _read_json(text: str, max_rows: int, keys: tuple[str, ...], what: str) -> Table:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise file_failed(
            f"This is not valid JSON ({str(exc)[:200]}): export it again, or save it as CSV."
        ) from exc
    if isinstance(data, dict):
        data = next((data[k] for k in keys if k in data), None)
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise file_failed(
            f'The JSON must be a list of objects (or {{"{keys[0]}": [...]}}): one object per {what}.'
        )
    if len(data) > max_rows:
        raise file_failed(
            f"The file has more than {max_rows:,} items: split it and import the parts."
        )
    rows = [_flat(item) for item in data]
    headers = list(dict.fromkeys(k for row in rows for k in row))
    return Table(headers=headers, rows=rows, first_row=1)


def _headers(cells: list) -> list[str]:
    if not cells or not any(str(h or "").strip() for h in cells):
        raise ImportFailed([RowError(1, "", "The file has no header row.")])
    if len(cells) > MAX_COLUMNS:
        raise ImportFailed([RowError(1, "", f"The file has more than {MAX_COLUMNS} columns.")])
    headers = [str(h or "").strip() or f"column {n + 1}" for n, h in enumerate(cells)]
    if len(set(headers)) != len(headers):
        twice = next(h for h in headers if headers.count(h) > 1)
        raise ImportFailed([RowError(1, twice, "Two columns have the same name.")])
    return headers


def _read_csv(text: str, max_rows: int) -> Table:
    # The header line decides the separator (csv.Sniffer guesses wrong on multi-line quoted text).
    try:
        reader = csv_reader(text, strict=False)
        headers = _headers(next(reader, None) or [])
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                rows.append({})  # keep the numbering; empty rows are skipped later
                continue
            rows.append(dict(zip(headers, values, strict=False)))
            if len(rows) > max_rows:
                raise file_failed(
                    f"The file has more than {max_rows:,} rows: split it and import the parts."
                )
    except csv.Error as exc:
        raise file_failed(f"This is not a readable CSV file ({exc}): {SAVE_AS}.") from exc
    return Table(headers=headers, rows=rows)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _read_xlsx(data: bytes, filename: str, max_rows: int) -> Table:
    import openpyxl  # only for workbooks

    if filename.lower().endswith(".xlsm"):
        raise file_failed(
            "Workbooks with macros (.xlsm) are not imported: save it as .xlsx or CSV and upload it again."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise file_failed(
            "This is not a readable .xlsx workbook (the file is damaged or truncated): save it again."
        ) from None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise file_failed(
            "This workbook holds macros: save it as .xlsx (without macros) or CSV and upload it again."
        )
    if "xl/workbook.xml" not in names:
        raise file_failed(
            f"This is not an .xlsx workbook (an old .xls, or another zip file): {SAVE_AS}."
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise file_failed(
            "This .xlsx workbook cannot be read (damaged or not an Excel file): save it again."
        ) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise file_failed("The workbook has no sheet.")
        declared_rows, declared_cols = sheet.max_row or 0, sheet.max_column or 0
        if declared_rows > max_rows + 1:
            raise file_failed(
                f"The sheet has more than {max_rows:,} rows: split it and import the parts."
            )
        if declared_cols > MAX_COLUMNS:
            raise file_failed(
                f"The sheet has more than {MAX_COLUMNS} columns: keep the columns to import."
            )
        values = sheet.iter_rows(values_only=True)
        headers = _headers(list(next(values, None) or []))
        rows: list[dict[str, str]] = []
        for cells in values:
            texts = [_cell(v) for v in cells[: len(headers)]]
            rows.append(
                dict(zip(headers, texts, strict=False)) if any(t.strip() for t in texts) else {}
            )
            if len(rows) > max_rows:
                raise file_failed(
                    f"The sheet has more than {max_rows:,} rows: split it and import the parts."
                )
    except ImportFailed:
        raise
    except Exception:
        raise file_failed(
            "This .xlsx workbook cannot be read (damaged or not an Excel file): save it again."
        ) from None
    finally:
        book.close()
    while rows and not rows[-1]:
        rows.pop()  # formatted but empty rows at the end of a sheet
    return Table(headers=headers, rows=rows, encoding="xlsx", native=True)


def guess_mapping(
    headers: list[str], fields: list[tuple[str, str]], aliases: dict[str, list[str]]
) -> dict[str, str]:
    """Field -> the column that most likely holds it (fields without a likely column are left out)."""
    by_norm = {norm(h): h for h in headers}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for name, _label in fields:
        for alias in aliases.get(name, [name]):
            header = by_norm.get(alias)
            if header and header not in used:
                mapping[name] = header
                used.add(header)
                break
    return mapping


def check_mapping(
    table: Table, mapping: dict[str, str], fields: list[tuple[str, str]]
) -> dict[str, str]:
    """The mapping without empty choices; ImportFailed naming an unknown field or a column not in the file."""
    known = dict(fields)
    problems = [
        RowError(1, f, f"Unknown field {f[:40]!r}: map one of {', '.join(known)}.")
        for f in mapping
        if f not in known
    ]
    problems += [
        RowError(1, col, "No such column in the file.")
        for col in mapping.values()
        if col and col not in table.headers
    ]
    if problems:
        raise ImportFailed(problems)
    return {f: c for f, c in mapping.items() if c}
