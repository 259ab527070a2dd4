import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.operations.backup import BackupError, restore


class Command(BaseCommand):
    help = "Load a backup (checked against its .sha256) into the configured, empty database."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            summary = restore(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(summary, indent=2))
