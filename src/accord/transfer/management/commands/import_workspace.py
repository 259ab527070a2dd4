import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.core.errors import ServiceError
from accord.transfer import reader, services


class Command(BaseCommand):
    help = "Create a workspace from an export file (all of it or nothing); prints a JSON summary."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export file (from `accord export`).")
        parser.add_argument(
            "--slug", default=None, help="Import under this slug instead of the file's."
        )

    def handle(self, *args, file, slug=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        if path.stat().st_size > reader.MAX_BYTES:
            raise CommandError(f"{file}: larger than {reader.MAX_BYTES // (1024 * 1024)} MB.")
        try:
            workspace = services.import_workspace(user=None, raw=path.read_bytes(), slug=slug)
        except ServiceError as exc:
            raise CommandError(f"{file}: {exc.detail}") from None
        self.stdout.write(
            json.dumps({"slug": workspace.slug, "name": workspace.name, "id": workspace.pk})
        )
