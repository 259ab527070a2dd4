"""accord manage embed_feedback [--workspace SLUG]: embed every feedback item still waiting
(after an import without a worker, or a model upgrade with --all), showing progress."""

import time

from django.core.management.base import BaseCommand, CommandError

from accord.feedback.models import Feedback
from accord.workspaces.models import Workspace

from ... import indexing


class Command(BaseCommand):
    help = "Embed and index feedback for similarity search (items not indexed yet; --all: every item)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--workspace", help="Only this workspace (slug).")
        parser.add_argument("--all", action="store_true", help="Re-embed every item, not only pending ones.")

    def handle(self, *args, workspace: str | None = None, all: bool = False, **options) -> None:
        workspace_id = None
        if workspace:
            found = Workspace.objects.filter(slug=workspace).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"No workspace {workspace!r}.")
            workspace_id = found
        if all:
            qs = Feedback.objects.all() if workspace_id is None else Feedback.objects.filter(workspace_id=workspace_id)
            qs.update(embedding=None)
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-9)
            self.stderr.write(f"\rembedded {done:,} of {total:,} ({100 * done // total} %, {rate:.0f} items/s)", ending="")

        done = indexing.index_pending(workspace_id, progress=progress)
        if done:
            self.stderr.write("")
        self.stdout.write(f"Embedded {done:,} feedback item{'s' if done != 1 else ''} in {time.perf_counter() - started:.1f} s.")
