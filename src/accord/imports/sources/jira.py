"""Jira exports: the CSV export ("all fields" or "current fields") and the XML (RSS) export.

An issue becomes a record keyed by its issue key (AR-9) with its summary, description, status (and,
in XML, its status category, which helps guess the Accord status), labels, start and due dates.
Issues of type Epic are containers: their issues name them through "Epic Link" or "Parent"
(CSV: the parent's issue id; XML: <parent> or the Epic Link custom field). Jira's CSV repeats a
column for each value of a multi-valued field (Labels, Labels, ...): all of them are read.
Dates: the XML's RFC 2822 dates; in CSV, Jira's "24/Sep/21 2:22 PM" style, ISO dates, or dates in
the declared day/month order. XML is parsed with defusedxml (no entities, no external references).
"""

from datetime import date, datetime

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeTree

from accord.core.importfiles import DateError, csv_reader, parse_moment
from accord.core.tabular import ImportFailed, RowError, file_failed

from ..engine import Plan, Record
from .common import MAX_RECORDS, check_size, day_of, html_to_text, rfc_moment, text_of, title_of

CSV_DATE_FORMATS = [
    "%d/%b/%y %I:%M %p",
    "%d/%b/%y",
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%Y",
    "%d %b %Y %H:%M",
    "%d %b %Y",
]


def parse(data: bytes, filename: str, options) -> Plan:
    check_size(data)
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if filename.lower().endswith(".xml") or head.startswith(b"<"):
        return _xml(data)
    return _csv(data, options)


# ---------------------------------------------------------------- XML


def _xml(data: bytes) -> Plan:
    try:
        root = SafeTree.fromstring(data)
    except DefusedXmlException:
        raise file_failed(
            "This XML declares entities or external references, which Accord does not read: export it from Jira again."
        ) from None
    except SafeTree.ParseError as exc:
        raise file_failed(
            f"This is not readable XML ({exc}): the file may be truncated; export it from Jira again."
        ) from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise file_failed(
            "This XML is not a Jira export (no <rss><channel>): use Jira's “Export XML” of a search."
        )
    items = channel.findall("item")
    if len(items) > MAX_RECORDS:
        raise file_failed(
            f"The export has more than {MAX_RECORDS:,} issues: export fewer at a time."
        )
    plan = Plan(source="jira", name="", key="", records=[])
    ids: dict[str, str] = {}
    for n, item in enumerate(items, start=1):
        project = item.find("project")
        if project is not None and not plan.key:
            plan.key, plan.name = project.get("key", ""), (project.text or "").strip()
        key_el = item.find("key")
        key = (key_el.text or "").strip() if key_el is not None else ""
        if key_el is not None and key_el.get("id"):
            ids[key_el.get("id")] = key
        custom = _custom_fields(item)
        record = Record(
            key=key,
            row=n,
            title=title_of(_text(item, "summary")),
            description=html_to_text(_text(item, "description")),
            status=_text(item, "status").strip(),
            tags=[
                (label.text or "").strip()
                for label in item.findall("labels/label")
                if (label.text or "").strip()
            ],
            kind="epic" if _text(item, "type").strip().lower() == "epic" else "issue",
            parent=custom.get("epic link") or _text(item, "parent").strip(),
        )
        category = item.find("statusCategory")
        if category is not None and record.status:
            plan.categories.setdefault(record.status, category.get("key", ""))
        _dates(
            record, due=_text(item, "due"), start=custom.get("start date", ""), reader=rfc_moment
        )
        _check(record)
        plan.records.append(record)
    plan.name = plan.name or "Jira import"
    plan.key = plan.key or "jira"
    plan.notes = _notes()
    return plan


def _text(item, tag: str) -> str:
    el = item.find(tag)
    return (el.text or "") if el is not None else ""


def _custom_fields(item) -> dict[str, str]:
    fields = {}
    for custom in item.findall("customfields/customfield"):
        name = (custom.findtext("customfieldname") or "").strip().lower()
        value = custom.find("customfieldvalues/customfieldvalue")
        if name and value is not None and (value.text or "").strip():
            fields[name] = value.text.strip()
    return fields


# ---------------------------------------------------------------- CSV


def _csv(data: bytes, options) -> Plan:
    text = text_of(data, options.encoding)
    try:
        rows = list(csv_reader(text, strict=False))
    except Exception as exc:
        raise file_failed(
            f"This is not a readable CSV file ({str(exc)[:120]}): export it from Jira again."
        ) from None
    if not rows or not any(c.strip() for c in rows[0]):
        raise ImportFailed([RowError(1, "", "The file has no header row.")])
    if len(rows) > MAX_RECORDS + 1:
        raise file_failed(
            f"The export has more than {MAX_RECORDS:,} issues: export fewer at a time."
        )
    header = [h.strip().lower() for h in rows[0]]
    if "summary" not in header or "issue key" not in header:
        missing = [name for name in ("Summary", "Issue key") if name.lower() not in header]
        raise ImportFailed(
            [
                RowError(1, name, "A Jira CSV export has this column; export “all fields” again.")
                for name in missing
            ]
        )

    def columns(*names: str) -> list[int]:
        return [i for i, h in enumerate(header) if h in names]

    def first(values: list[str], *names: str) -> str:
        return next(
            (values[i].strip() for i in columns(*names) if i < len(values) and values[i].strip()),
            "",
        )

    plan = Plan(source="jira", name="", key="", records=[])
    ids: dict[str, str] = {}
    parents: dict[int, str] = {}
    for n, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        key = first(values, "issue key")
        ids[first(values, "issue id")] = key
        plan.key = plan.key or first(values, "project key")
        plan.name = plan.name or first(values, "project name")
        record = Record(
            key=key,
            row=n,
            title=title_of(first(values, "summary")),
            description=first(values, "description").replace("\r\n", "\n"),
            status=first(values, "status"),
            tags=[
                values[i].strip()
                for i in columns("labels")
                if i < len(values) and values[i].strip()
            ],
            kind="epic" if first(values, "issue type").lower() == "epic" else "issue",
            parent=first(values, "custom field (epic link)", "epic link"),
        )
        parents[len(plan.records)] = first(values, "parent", "parent id")

        def reader(raw: str, _fmt=options.date_format) -> datetime | date | None:
            return _csv_moment(raw, _fmt)

        _dates(
            record,
            due=first(values, "due date", "due"),
            start=first(values, "custom field (start date)", "start date"),
            reader=reader,
            names=("Due date", "Start date"),
        )
        _check(record, summary="Summary", key_column="Issue key")
        plan.records.append(record)
    for index, parent_id in parents.items():
        record = plan.records[index]
        if not record.parent and parent_id:
            record.parent = ids.get(parent_id, parent_id if "-" in parent_id else "")
    plan.name = plan.name or "Jira import"
    plan.key = plan.key or "jira"
    plan.notes = _notes()
    return plan


def _csv_moment(raw: str, date_format: str) -> datetime | date | None:
    raw = raw.strip()
    if not raw:
        return None
    for fmt in CSV_DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    try:
        return parse_moment(raw, date_format)
    except DateError as exc:
        raise ValueError(str(exc)) from None


# ---------------------------------------------------------------- both


def _dates(record: Record, *, due: str, start: str, reader, names=("due", "start date")) -> None:
    for raw, name, attr in ((due, names[0], "end_date"), (start, names[1], "start_date")):
        try:
            moment = reader(raw)
        except ValueError as exc:
            record.errors.append((name, str(exc)))
            continue
        value = day_of(moment) if isinstance(moment, datetime) else moment
        setattr(record, attr, value)


def _check(record: Record, summary: str = "summary", key_column: str = "key") -> None:
    if not record.key:
        record.errors.insert(0, (key_column, "The issue has no key."))
    if not record.title:
        record.errors.insert(0, (summary, "The issue has no summary."))


def _notes() -> list[str]:
    return [
        "Issues become ideas or roadmap items, keyed by their issue key: a re-run updates them.",
        "Epics become containers: roadmap items holding their issues, or (ideas) a tag “Epic: …” on their issues.",
        "Labels become tags; the due date ends an item's bar (and its start date starts it).",
    ]
