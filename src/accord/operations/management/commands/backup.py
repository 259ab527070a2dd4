import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.operations.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a consistent snapshot of the database and its .sha256; print a JSON summary."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=None, help="Where to write it (default: DATA_DIR/backups/).")

    def handle(self, *args, file=None, **options):
        try:
            summary = backup(Path(file) if file else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(summary, indent=2))
