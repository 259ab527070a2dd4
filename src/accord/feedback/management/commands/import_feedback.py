import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.audit.services import acting_via
from accord.core.errors import ServiceError
from accord.core.importfiles import DATE_FORMATS, DECIMALS, ENCODINGS
from accord.feedback.importing import FIELDS, ImportFailed, guess_mapping, read_table, run_import
from accord.feedback.models import Source
from accord.workspaces.models import Membership, Role


class Command(BaseCommand):
    help = "Import feedback from a CSV or JSON file: all rows or none (or --skip-bad-rows)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--workspace", required=True, help="The workspace slug.")
        parser.add_argument("--as", dest="email", default=None, help="Import as this member (default: an admin).")
        parser.add_argument("--source", default=Source.IMPORT, choices=Source.values, help="For rows without a source.")
        parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                            help=f"Which column fills a field ({', '.join(f for f, _ in FIELDS)}); default: guessed from the headers.")
        parser.add_argument("--skip-bad-rows", action="store_true", help="Import the good rows and report the bad ones.")
        parser.add_argument("--encoding", default="auto", choices=[e for e, _ in ENCODINGS], help="The file's encoding (default: detect).")
        parser.add_argument("--decimal", default=None, choices=[d for d, _ in DECIMALS], help="Decimal separator of its numbers (default: the workspace's).")
        parser.add_argument("--date-format", default="iso", choices=[d for d, _ in DATE_FORMATS],
                            help="iso; dmy (31/12/2026) or mdy (12/31/2026) for dates that could be read both ways.")

    def handle(self, *args, file, workspace, email=None, source=Source.IMPORT, map=(), skip_bad_rows=False,
               encoding="auto", decimal=None, date_format="iso", **options):  # fmt: skip
        members = Membership.objects.select_related("workspace", "user").filter(workspace__slug=workspace)
        member = members.filter(user__email=email.strip().lower()).first() if email else members.filter(role=Role.ADMIN).order_by("pk").first()
        if member is None:
            raise CommandError(f"No {'member ' + email if email else 'admin'} in a workspace with the slug {workspace!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            table = read_table(path.read_bytes(), path.name, encoding)
            mapping = guess_mapping(table.headers)
            for pair in map:
                field, _, column = pair.partition("=")
                if field not in dict(FIELDS):
                    raise CommandError(f"Unknown field {field!r} in --map.")
                mapping[field] = column
            self.stderr.write(f"Columns: {', '.join(f'{f}={c}' for f, c in mapping.items())}")

            def progress(done: int, total: int) -> None:
                sys.stderr.write(f"\rImporting: {done:,}/{total:,} rows")
                sys.stderr.flush()

            with acting_via("cli"):
                result = run_import(member=member, table=table, mapping=mapping, default_source=source,
                                    skip_bad_rows=skip_bad_rows, progress=progress, decimal=decimal, date_format=date_format)
            sys.stderr.write("\n")
        except ImportFailed as exc:
            if exc.file_error:
                raise CommandError(f"Nothing was imported. {exc.file_error}") from exc
            for err in exc.errors:
                self.stderr.write(f"row {err.row}{', ' + err.column if err.column else ''}: {err.message}")
            more = f" (first {len(exc.errors)} shown)" if exc.truncated else ""
            raise CommandError(f"{exc.total} problem(s) in {exc.bad_rows} row(s){more}; nothing was imported. "
                               "Fix the file or pass --skip-bad-rows.") from exc
        except ServiceError as exc:
            raise CommandError(exc.detail) from exc
        for err in result.errors:
            self.stderr.write(f"skipped row {err.row}{', ' + err.column if err.column else ''}: {err.message}")
        self.stdout.write(f"Imported {result.created:,} feedback items into {workspace}" + (f"; skipped {result.skipped:,} bad rows." if result.skipped else "."))
        if result.skipped:
            sys.exit(2)  # done, but not everything: scripts should notice
