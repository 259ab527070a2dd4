"""CSV import of roadmap items: validate every row first, then create all of them or none.

The file: at most 2 MB, read by accord.core.importfiles (UTF-8, UTF-16 or Windows-1252, detected or
declared), a header row naming the columns (any order, case and spaces ignored: "Start date" is
start_date); comma-, semicolon- or tab-separated. Dates as YYYY-MM-DD, or 31/12/2026 with the
declared day/month order (a date that reads both ways is refused without one). Columns:

    title (required), start_date, end_date (both or neither), bucket (now, next or
    later: for an undated item), lane (a lane of the roadmap, created when new), status (planned,
    in_progress, at_risk, done, cancelled, or their labels), percent_done (0-100), tags (separated
    by commas or semicolons; a tag holding one, or a quote, in "double quotes"), description

Other columns (an export's roadmap, team, ...) are ignored and named in the report. Any problem
is reported per row (row number as a spreadsheet shows it: the header is row 1), column and message,
and then nothing is imported. A valid file is imported in one transaction through
services.item_create (and services.lane_create for new lanes): the audit trail and the history see
every item. Whatever the bytes, the result is an import or an ImportFailed, never another exception.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from accord.core.csv_safety import restore_cell
from accord.core.errors import Invalid, NotFound
from accord.core.importfiles import (
    DATE_FORMATS,
    DECIMALS,
    ENCODINGS,
    DateError,
    FileUnreadable,
    check_choice,
    csv_reader,
    decode,
    parse_day,
)
from accord.core.numbers import POINT, NumberError, parse_number
from accord.workspaces.models import Membership
from accord.workspaces.permissions import require

from . import services
from .models import Bucket, ItemStatus, Lane, Roadmap, RoadmapKind

COLUMNS = [
    "title",
    "start_date",
    "end_date",
    "bucket",
    "lane",
    "status",
    "percent_done",
    "tags",
    "description",
]
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 200  # reported; validation goes on counting
_STATUS_NAMES = {
    **{v: v for v in ItemStatus.values},
    **{str(label).lower(): v for v, label in ItemStatus.choices},
    "in progress": ItemStatus.IN_PROGRESS,
    "at risk": ItemStatus.AT_RISK,
    "in-progress": ItemStatus.IN_PROGRESS,
    "at-risk": ItemStatus.AT_RISK,
    "canceled": ItemStatus.CANCELLED,
}


@dataclass(frozen=True)
class RowError:
    row: int  # 0: the file as a whole; 1: the header; 2...: the data rows
    column: str
    message: str


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError], total: int | None = None):
        super().__init__(f"{total or len(errors)} problem(s); nothing was imported.")
        self.errors = errors[:MAX_ERRORS]
        self.total = total if total is not None else len(errors)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.errors)

    @property
    def file_error(self) -> str:
        """The one sentence when the file as a whole could not be read (no per-row table then)."""
        return self.errors[0].message if len(self.errors) == 1 and self.errors[0].row == 0 else ""


@dataclass
class Row:
    row: int
    title: str
    start_date: date | None
    end_date: date | None
    bucket: str
    lane: str
    status: str
    percent_done: int
    tags: list[str]
    description: str


@dataclass
class Parsed:
    rows: list[Row]
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    created: int
    lanes_created: list[str]
    ignored_columns: list[str]


def too_big() -> RowError:
    return RowError(0, "file", f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")


# One tag: "quoted" (a doubled "" inside is a quote; kept exactly), or plain up to a , or ;
_TAG = re.compile(r'\s*(?:"((?:[^"]|"")*)"\s*(?=[,;]|$)|([^,;]*))([,;]|$)')


def split_tags(cell: str) -> list[str]:
    """The tags of a cell: separated by commas or semicolons; a tag holding a separator or a
    quote is written in double quotes (as join_tags() writes it)."""
    tags, pos = [], 0
    while True:
        match = _TAG.match(cell, pos)
        quoted, plain, separator = match.groups()
        tag = quoted.replace('""', '"') if quoted is not None else " ".join(plain.split())
        if tag.strip():
            tags.append(tag)
        if not separator:
            return tags
        pos = match.end()


def join_tags(names: list[str]) -> str:
    """Tags in one cell that split_tags() reads back exactly."""
    return ", ".join(
        f'"{name.replace(chr(34), chr(34) * 2)}"'
        if any(c in name for c in ',;"') or name != " ".join(name.split())
        else name
        for name in names
    )


def _decode(data: bytes, encoding: str = "auto") -> str:
    if len(data) > MAX_BYTES:
        raise ImportFailed([too_big()])
    try:
        text = decode(data, encoding).text
    except FileUnreadable as exc:
        raise ImportFailed([RowError(0, "file", str(exc))]) from None
    if not text.strip():
        raise ImportFailed([RowError(0, "file", "The file is empty.")])
    return text


def _header(cells: list[str]) -> tuple[dict[str, int], list[str], list[RowError]]:
    errors: list[RowError] = []
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for n, cell in enumerate(cells):
        name = re.sub(r"[\s\-]+", "_", cell.strip().lower())
        if not name:
            continue
        if name in COLUMNS:
            if name in positions:
                errors.append(RowError(1, name, f"The column {name!r} appears twice."))
            positions[name] = n
        elif len(ignored) < 50:
            ignored.append(cell.strip()[:60])
    if "title" not in positions:
        errors.append(
            RowError(
                1,
                "title",
                "The header row has no 'title' column (the first row names the columns: "
                + ", ".join(COLUMNS)
                + ").",
            )
        )
    return positions, ignored, errors


def _date(value: str, row: int, column: str, errors: list[RowError], date_format: str) -> date | None:
    if not value:
        return None
    try:
        parsed = parse_day(value, date_format)
    except DateError as exc:
        errors.append(RowError(row, column, str(exc)))
        return None
    if not 1970 <= parsed.year <= 2200:
        errors.append(RowError(row, column, f"{value[:40]!r}: a year from 1970 to 2200."))
        return None
    return parsed


def _row(
    cells: list[str], positions: dict[str, int], row: int, errors: list[RowError], options: Options
) -> Row:
    def cell(name: str) -> str:
        n = positions.get(name)
        return restore_cell(cells[n]).strip() if n is not None and n < len(cells) else ""

    before = len(errors)
    title = cell("title")  # as written: an exported title with a tab or a line break comes back
    if not title:
        errors.append(RowError(row, "title", "The title is required."))
    elif len(title) > 200:
        errors.append(RowError(row, "title", f"At most 200 characters (this one has {len(title)})."))
    start = _date(cell("start_date"), row, "start_date", errors, options.date_format)
    end = _date(cell("end_date"), row, "end_date", errors, options.date_format)
    dates_ok = len(errors) == before or not any(
        e.column in ("start_date", "end_date") for e in errors[before:]
    )
    bucket = cell("bucket").lower()
    if bucket and bucket not in Bucket.values:
        errors.append(RowError(row, "bucket", f"{bucket[:40]!r}: use now, next or later."))
    if dates_ok:
        if (start is None) != (end is None):
            missing = "end_date" if end is None else "start_date"
            errors.append(
                RowError(row, missing, "Give both a start and an end date, or neither.")
            )
        elif start and end and end < start:
            errors.append(RowError(row, "end_date", "The end date is before the start date."))
        elif start is None and not bucket:
            errors.append(
                RowError(
                    row,
                    "bucket",
                    "An undated item needs a bucket (now, next or later), or give it dates.",
                )
            )
    lane = cell("lane")
    if len(lane) > 120:
        errors.append(RowError(row, "lane", "A lane name has at most 120 characters."))
    raw_status = cell("status").lower()
    status = _STATUS_NAMES.get(raw_status, _STATUS_NAMES.get(raw_status.replace(" ", "_")))
    if raw_status and status is None:
        errors.append(
            RowError(
                row, "status", f"{raw_status[:40]!r}: use one of {', '.join(ItemStatus.values)}."
            )
        )
    raw_percent = cell("percent_done")
    percent = 0
    if raw_percent:
        try:
            number = parse_number(
                raw_percent.removesuffix("%"), decimal=options.decimal, hint="import", integer=True,
                minimum=0, maximum=100,
            )  # fmt: skip
            percent = int(number or 0)
        except NumberError as exc:
            errors.append(RowError(row, "percent_done", f"{exc} A whole number from 0 to 100."))
    tags = split_tags(cell("tags"))
    if any(len(t) > 60 for t in tags):
        errors.append(RowError(row, "tags", "A tag has at most 60 characters."))
    if len(tags) > 30:
        errors.append(RowError(row, "tags", "At most 30 tags per item."))
    description = cell("description")
    if len(description) > 20000:
        errors.append(RowError(row, "description", "At most 20,000 characters."))
    return Row(
        row=row,
        title=title,
        start_date=start,
        end_date=end,
        bucket="" if start else bucket,
        lane=lane,
        status=status or ItemStatus.PLANNED,
        percent_done=percent,
        tags=tags,
        description=description,
    )


@dataclass(frozen=True)
class Options:
    """How to read the file: its encoding, decimal separator and day/month order of dates."""

    encoding: str = "auto"
    decimal: str = POINT
    date_format: str = "iso"

    @classmethod
    def checked(cls, encoding: str, decimal: str, date_format: str) -> Options:
        try:
            return cls(
                check_choice(encoding, ENCODINGS, "encoding"),
                check_choice(decimal, DECIMALS, "decimal separator"),
                check_choice(date_format, DATE_FORMATS, "date format"),
            )
        except FileUnreadable as exc:
            raise ImportFailed([RowError(0, "file", str(exc))]) from None


def parse(data: bytes, options: Options | None = None) -> Parsed:
    """Every row of the file validated; ImportFailed with all the problems found."""
    options = options or Options()
    text = _decode(data, options.encoding)
    reader = csv_reader(text)
    errors: list[RowError] = []
    rows: list[Row] = []
    positions: dict[str, int] | None = None
    ignored: list[str] = []
    record = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # bad quoting, a cell over csv's size limit, ...
            errors.append(RowError(record + 1, "file", f"Unreadable CSV: {exc}."))
            break
        record += 1
        if positions is None:
            positions, ignored, header_errors = _header(cells)
            if header_errors:
                raise ImportFailed(header_errors)
            continue
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(rows) >= MAX_ROWS:
            errors.append(RowError(record, "file", f"At most {MAX_ROWS} items per import."))
            break
        rows.append(_row(cells, positions, record, errors, options))
    if positions is None:
        raise ImportFailed([RowError(0, "file", "The file is empty.")])
    if not rows and not errors:
        errors.append(RowError(2, "file", "There are no items under the header row."))
    if errors:
        raise ImportFailed(errors)
    return Parsed(rows=rows, ignored_columns=ignored)


def import_items(
    *, member: Membership, roadmap_id: int, data: bytes, encoding: str = "auto", decimal: str | None = None,
    date_format: str = "iso",
) -> ImportResult:  # fmt: skip
    """Validate `data` and create its items on the roadmap: all of them, or none (ImportFailed).
    decimal: of percent_done (default: the workspace's); date_format: iso, dmy or mdy."""
    require(member, "roadmap.manage")
    options = Options.checked(encoding, decimal or member.workspace.decimal_separator, date_format)
    roadmap = Roadmap.objects.filter(pk=roadmap_id, workspace_id=member.workspace_id).first()
    if roadmap is None:
        raise NotFound("No such roadmap in this workspace.")
    if roadmap.kind == RoadmapKind.PORTFOLIO:
        raise ImportFailed(
            [
                RowError(
                    0,
                    "file",
                    "A portfolio shows the items of the roadmaps it includes: import into one "
                    "of those.",
                )
            ]
        )
    parsed = parse(data, options)
    lanes = {lane.name.lower(): lane for lane in Lane.objects.filter(roadmap=roadmap)}
    new_lanes: dict[str, str] = {}
    for row in parsed.rows:
        if row.lane and row.lane.lower() not in lanes:
            new_lanes.setdefault(row.lane.lower(), row.lane)
    current: Row | None = None
    try:
        with transaction.atomic():
            for key, name in new_lanes.items():
                lanes[key] = services.lane_create(
                    member=member, roadmap_id=roadmap.pk, name=name
                )
            for current in parsed.rows:
                services.item_create(
                    member=member,
                    roadmap_id=roadmap.pk,
                    title=current.title,
                    description=current.description,
                    lane_id=lanes[current.lane.lower()].pk if current.lane else None,
                    start_date=current.start_date,
                    end_date=current.end_date,
                    bucket=current.bucket,
                    status=current.status,
                    percent_done=current.percent_done,
                    tags=current.tags,
                )
    except Invalid as exc:  # validated above, so only a rule the services know and we do not
        where = current.row if current else 0
        raise ImportFailed(
            [RowError(where, e.field, e.message) for e in exc.errors]
            or [RowError(where, "file", exc.detail)]
        ) from None
    return ImportResult(
        created=len(parsed.rows),
        lanes_created=list(new_lanes.values()),
        ignored_columns=parsed.ignored_columns,
    )
