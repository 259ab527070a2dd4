"""accord import-from jira|trello|github|csv FILE --workspace SLUG [--dry-run]: the Import page from a shell."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.audit.services import acting_via
from accord.core.errors import ServiceError
from accord.core.importfiles import DATE_FORMATS, DECIMALS, ENCODINGS
from accord.core.tabular import ImportFailed
from accord.imports.models import ImportSource, ImportTarget
from accord.imports.services import ImportRefused, Options, run_import
from accord.workspaces.models import Membership, Role


class Command(BaseCommand):
    help = (
        "Import a Jira, Trello, GitHub or CSV/xlsx file: everything or nothing; --dry-run previews."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=ImportSource.values)
        parser.add_argument("file")
        parser.add_argument("--workspace", required=True, help="The workspace slug.")
        parser.add_argument(
            "--into",
            dest="target",
            default=ImportTarget.IDEA,
            choices=ImportTarget.values,
            help="idea (default), item (roadmap items) or feedback (GitHub).",
        )
        parser.add_argument(
            "--as", dest="email", default=None, help="Import as this member (default: an admin)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the report; save nothing."
        )
        parser.add_argument(
            "--roadmap",
            type=int,
            default=None,
            help="Items: the roadmap's id (default: a new one named after the project).",
        )
        parser.add_argument(
            "--status",
            action="append",
            default=[],
            metavar="SOURCE=ACCORD",
            help="Map a source status (repeatable).",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help="CSV: which column fills a field.",
        )
        parser.add_argument(
            "--lists-as",
            default="",
            choices=["", "lanes", "statuses"],
            help="Trello: lists become lanes or statuses.",
        )
        parser.add_argument(
            "--include-archived", action="store_true", help="Trello: archived cards too."
        )
        parser.add_argument("--encoding", default="auto", choices=[e for e, _ in ENCODINGS])
        parser.add_argument("--decimal", default="point", choices=[d for d, _ in DECIMALS])
        parser.add_argument("--date-format", default="iso", choices=[d for d, _ in DATE_FORMATS])

    def handle(self, *args, source, file, workspace, target, email=None, dry_run=False, roadmap=None, status=(), map=(),
               lists_as="", include_archived=False, encoding="auto", decimal="point", date_format="iso", **_):  # fmt: skip
        members = Membership.objects.select_related("workspace", "user").filter(
            workspace__slug=workspace
        )
        member = (
            members.filter(user__email=email.strip().lower()).first()
            if email
            else members.filter(role=Role.ADMIN).order_by("pk").first()
        )
        if member is None:
            raise CommandError(
                f"No {'member ' + email if email else 'admin'} in a workspace with the slug {workspace!r}."
            )
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        options = Options(
            target=target, status_map=_pairs(status, "--status"), mapping=_pairs(map, "--map"), roadmap_id=roadmap,
            lists_as=lists_as, include_archived=include_archived, encoding=encoding, decimal=decimal, date_format=date_format,
        )  # fmt: skip
        try:
            with acting_via("cli"):
                report = run_import(
                    member=member,
                    source=source,
                    data=path.read_bytes(),
                    filename=path.name,
                    options=options,
                    dry_run=dry_run,
                )
        except ImportFailed as exc:
            if exc.file_error:
                raise CommandError(f"Nothing was imported. {exc.file_error}") from exc
            for err in exc.errors:
                self.stderr.write(
                    f"row {err.row}{', ' + err.column if err.column else ''}: {err.message}"
                )
            raise CommandError(f"{exc.total} problem(s); nothing was imported.") from exc
        except ImportRefused as exc:
            self._lines(exc.report)
            raise CommandError(
                f"{exc.report.count('refused')} row(s) refused; nothing was imported."
            ) from exc
        except ServiceError as exc:
            raise CommandError(
                exc.detail + "".join(f" {e.field}: {e.message}" for e in exc.errors)
            ) from exc
        for name, value in report.status_map.items():
            self.stderr.write(f"status {name} -> {value}")
        self._lines(report)
        c = report.counts
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} into {workspace}: {c['created']} created, {c['updated']} updated, {c['skipped']} skipped"
            + (" (dry run: nothing saved)." if dry_run else ".")
        )

    def _lines(self, report) -> None:
        for line in report.lines:
            why = (
                f" ({line.field + ': ' if line.field else ''}{line.reason})" if line.reason else ""
            )
            self.stderr.write(f"row {line.row} {line.key}: {line.action}{why}")


def _pairs(values, flag: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, mapped = value.partition("=")
        if not sep:
            raise CommandError(f"{flag} takes NAME=VALUE, not {value!r}.")
        pairs[name] = mapped
    return pairs
