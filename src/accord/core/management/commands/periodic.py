"""`accord manage periodic`: run the registered periodic jobs (accord.core.periodic) until stopped;
`--once` runs every job once and exits. Started by `accord serve` and `accord worker`."""

import signal

from django.core.management.base import BaseCommand

from accord.core import periodic


class Command(BaseCommand):
    help = "Run the periodic jobs (webhook sweep, weekly digests, ...) as they fall due, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and exit.")

    def handle(self, *args, once: bool = False, **options):
        if once:
            for key in periodic.run_due({}, 0.0):
                self.stdout.write(key)
            return
        stopping: list[bool] = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        periodic.loop(lambda: bool(stopping))
