"""A generic CSV or .xlsx file with a column mapping: rows become ideas or roadmap items.

The table and the mapping step are accord.core.tabular's (the feedback importer uses the same):
encodings (UTF-8 with or without BOM, UTF-16, Windows-1252: detected or declared), comma, semicolon
or tab separators, the first sheet of an .xlsx workbook. Dates as YYYY-MM-DD, or 31/12/2026 in the
declared day/month order; percentages with the declared decimal separator (typed workbook cells
as they are). A row's key is its "key" column when one is mapped, else its title: a re-run finds
the same rows again and updates or skips them.
"""

from accord.core import tabular
from accord.core.importfiles import DateError, parse_day
from accord.core.numbers import POINT, NumberError, parse_number
from accord.core.tabular import ImportFailed, RowError
from accord.roadmaps.importing import split_tags

from ..engine import Plan, Record
from .common import MAX_BYTES, MAX_RECORDS, title_of

IDEA_FIELDS = [
    ("title", "Title"),
    ("key", "Key (an id that stays the same)"),
    ("description", "Description"),
    ("status", "Status"),
    ("tags", "Tags"),
]
ITEM_FIELDS = [
    *IDEA_FIELDS,
    ("lane", "Lane"),
    ("start_date", "Start date"),
    ("end_date", "End date"),
    ("percent_done", "Percent done"),
]
ALIASES = {
    "title": ["title", "name", "summary", "subject", "idea", "item"],
    "key": ["key", "id", "external_id", "issue_key", "ref", "reference"],
    "description": ["description", "details", "body", "notes", "text"],
    "status": ["status", "state", "stage"],
    "tags": ["tags", "labels", "label", "tag"],
    "lane": ["lane", "team", "swimlane", "group", "theme"],
    "start_date": ["start_date", "start", "starts", "from"],
    "end_date": ["end_date", "end", "due", "due_date", "ends", "to"],
    "percent_done": ["percent_done", "progress", "percent", "done_%", "%_done"],
}


def fields_for(target: str) -> list[tuple[str, str]]:
    return ITEM_FIELDS if target == "item" else IDEA_FIELDS


def read(data: bytes, filename: str, encoding: str = "auto") -> tabular.Table:
    return tabular.read_table(data, filename, encoding, max_bytes=MAX_BYTES, max_rows=MAX_RECORDS)


def mapping_for(table: tabular.Table, target: str, chosen: dict[str, str] | None) -> dict[str, str]:
    """The chosen mapping (checked against the file), or the guess from the headers."""
    fields = fields_for(target)
    mapping = (
        tabular.check_mapping(table, chosen, fields)
        if chosen
        else tabular.guess_mapping(table.headers, fields, ALIASES)
    )
    if not mapping.get("title"):
        raise ImportFailed([RowError(1, "title", "Choose the column that holds the title.")])
    return mapping


def parse(data: bytes, filename: str, options) -> Plan:
    table = read(data, filename, options.encoding)
    mapping = mapping_for(table, options.target, options.mapping)
    options.mapping = mapping  # the report shows the mapping used
    decimal = POINT if table.native else options.decimal
    plan = Plan(
        source="csv",
        name=title_of(filename.rsplit(".", 1)[0], "Imported items")[:100],
        key=f"file:{filename[:150]}",
        records=[],
    )
    for n, raw in enumerate(table.rows, start=table.first_row):
        if not raw:
            continue
        cell = {f: str(raw.get(col, "")).strip() for f, col in mapping.items()}
        record = Record(
            key="",
            row=n,
            title=title_of(cell.get("title")),
            description=cell.get("description", "").replace("\r\n", "\n"),
            status=cell.get("status", ""),
            tags=[t[:60] for t in split_tags(cell.get("tags", ""))],
            lane=title_of(cell.get("lane"))[:120],
        )
        record.key = cell.get("key") or f"title:{record.title.lower()}"
        if not record.title:
            record.errors.append((mapping["title"], "The title is empty."))
        for name in ("start_date", "end_date"):
            if cell.get(name):
                try:
                    setattr(record, name, parse_day(cell[name], options.date_format))
                except DateError as exc:
                    record.errors.append((mapping[name], str(exc)))
        if cell.get("percent_done"):
            try:
                value = parse_number(
                    cell["percent_done"].rstrip("% "),
                    decimal=decimal,
                    hint="import",
                    minimum=0,
                    maximum=100,
                )
                record.percent_done = round(value) if value is not None else None
            except NumberError as exc:
                record.errors.append((mapping["percent_done"], str(exc)))
        plan.records.append(record)
    plan.notes = [
        "Columns: "
        + ", ".join(f"{dict(fields_for(options.target))[f]} ← {c}" for f, c in mapping.items())
        + ".",
        "Rows are keyed by the key column"
        + (f" ({mapping['key']})" if "key" in mapping else " (none mapped: by their title)")
        + ": a re-run updates them.",
    ]
    return plan
