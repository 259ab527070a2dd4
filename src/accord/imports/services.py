"""Run an import: read the file (sources/), map the statuses, write everything or nothing, audit it.

`run_import` is the one entry point of the web page, the API and `accord import-from`. A dry run
does the whole import inside a transaction and rolls it back: the preview shows exactly what the
import would do (created / updated / skipped / refused), nothing is saved. A real run commits only
when no row is refused; otherwise it raises ImportRefused with the report and nothing is saved.
One audit entry names the import ("imported" on the ImportRun); each object it creates or changes
has its own entries, written by its app's services.
"""

from dataclasses import dataclass, field

from django.db import transaction

from accord.audit.services import record
from accord.core.errors import Invalid
from accord.core.importfiles import DATE_FORMATS, DECIMALS, ENCODINGS, FileUnreadable, check_choice
from accord.core.tabular import ImportFailed, RowError
from accord.workspaces.models import Membership
from accord.workspaces.permissions import require

from . import engine
from .models import ImportRun, ImportSource, ImportTarget, Origin
from .sources import SOURCES

TARGETS = {
    ImportSource.JIRA: [ImportTarget.IDEA, ImportTarget.ITEM],
    ImportSource.TRELLO: [ImportTarget.IDEA, ImportTarget.ITEM],
    ImportSource.GITHUB: [ImportTarget.IDEA, ImportTarget.FEEDBACK],
    ImportSource.CSV: [ImportTarget.IDEA, ImportTarget.ITEM],
}


@dataclass
class Options:
    """What the user chose besides the file: the target, the mappings and how to read it."""

    target: str = ImportTarget.IDEA
    status_map: dict[str, str] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)  # csv: field -> column
    roadmap_id: int | None = (
        None  # items: this roadmap (default: one named after the project/board)
    )
    lists_as: str = (
        ""  # trello: "lanes" or "statuses" (default: lanes for items, statuses for ideas)
    )
    include_archived: bool = False  # trello: archived cards and lists too
    encoding: str = "auto"
    decimal: str = "point"
    date_format: str = "iso"


class ImportRefused(Exception):
    """A real run with refused rows: nothing was saved; the report says which rows and fields."""

    def __init__(self, report: engine.Report):
        super().__init__(f"{report.count('refused')} row(s) refused; nothing was imported.")
        self.report = report


class _DryRun(Exception):
    pass


def clean_options(source: str, options: Options) -> Options:
    if source not in ImportSource.values:
        raise Invalid.field(
            "source",
            f"Unknown source {source[:20]!r}: use one of {', '.join(ImportSource.values)}.",
        )
    allowed = TARGETS[ImportSource(source)]
    if options.target not in allowed:
        raise Invalid.field(
            "target",
            f"{ImportSource(source).label} imports into {' or '.join(t.label.lower() for t in allowed)}.",
        )
    if options.lists_as not in ("", "lanes", "statuses"):
        raise Invalid.field("lists_as", "Trello lists become lanes or statuses.")
    try:
        options.encoding = check_choice(options.encoding, ENCODINGS, "encoding")
        options.decimal = check_choice(options.decimal, DECIMALS, "decimal separator")
        options.date_format = check_choice(options.date_format, DATE_FORMATS, "date format")
    except FileUnreadable as exc:
        raise Invalid.field("options", str(exc)) from None
    return options


def preview_plan(source: str, data: bytes, filename: str, options: Options) -> engine.Plan:
    """The file read as records (raises ImportFailed when the file as a whole cannot be read)."""
    return SOURCES[source](data, filename, options)


def run_import(
    *,
    member: Membership,
    source: str,
    data: bytes,
    filename: str = "",
    options: Options | None = None,
    dry_run: bool = True,
) -> engine.Report:
    require(member, "import.run")
    options = clean_options(source, options or Options())
    plan = preview_plan(source, data, filename, options)
    statuses, counts = engine.status_mapping(plan, options.target, options.status_map)
    report = engine.Report(
        source=source,
        target=options.target,
        dry_run=dry_run,
        status_map=statuses,
        status_counts=counts,
        notes=plan.notes,
    )
    if not plan.records:
        raise ImportFailed([RowError(0, "", "The file holds nothing to import.")])
    try:
        with transaction.atomic():
            report.lines, report.roadmap, created = engine.apply(
                member, plan, options.target, statuses, options.roadmap_id
            )
            if created:
                report.notes = [*report.notes, f"A new roadmap “{report.roadmap}” holds the items."]
            if report.refused:
                raise ImportRefused(report)
            run = ImportRun.objects.create(
                workspace=member.workspace, source=source, target=options.target, filename=filename[:200],
                actor=member.user, counts=report.counts,
            )  # fmt: skip
            Origin.objects.filter(
                workspace=member.workspace, source=source, run__isnull=True
            ).update(run=run)
            record(
                workspace=member.workspace, actor=member.user, action="imported", obj=run, object_type="import",
                after={"source": source, "target": options.target, "file": filename[:200], **report.counts},
            )  # fmt: skip
            report.run_id = run.pk
            if dry_run:
                raise _DryRun
    except ImportRefused:
        if dry_run:
            return report  # the preview lists the refused rows; nothing was saved
        raise
    except _DryRun:
        report.run_id = None
        for line in report.lines:
            line.object_id = None  # rolled back: the ids do not exist
    return report
