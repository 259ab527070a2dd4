import sys

from django.core.management.base import BaseCommand, CommandError

from accord.transfer.services import consistent
from accord.transfer.writer import ExportError
from accord.workspaces.models import Workspace


class Command(BaseCommand):
    help = "Write a workspace as one canonical JSON file (to standard output or --output)."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="The workspace slug.")
        parser.add_argument(
            "--output", default=None, help="A file to write (default: standard output)."
        )

    def handle(self, *args, workspace, output=None, **options):
        found = Workspace.objects.filter(slug=workspace).first()
        if found is None:
            raise CommandError(f"No workspace with the slug {workspace!r}.")
        out = open(output, "w", encoding="utf-8") if output else sys.stdout
        try:
            for chunk in consistent(found):
                out.write(chunk)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        finally:
            if output:
                out.close()
