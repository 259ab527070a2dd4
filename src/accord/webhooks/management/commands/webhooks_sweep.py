"""Send the webhook deliveries that are due: retries, and what dead workers left (at least once).

`accord manage webhooks_sweep` runs once and prints what it did; `--every 30` keeps running (as
`accord serve` and `accord worker` do), sweeping every 30 seconds until stopped.
"""

import json
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from accord.webhooks import delivery


class Command(BaseCommand):
    help = "Send due webhook deliveries (retries, and those dead workers left); drop the log older than 30 days."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="Keep sweeping every this many seconds (0: once).",
        )

    def handle(self, *args, every: float = 0, **options):
        stopping = []
        if every:
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stopping.append(True))
        while True:
            close_old_connections()
            try:
                counts = delivery.sweep()
            except Exception:  # a database hiccup: try again at the next round
                if not every:
                    raise
                delivery.log.exception(
                    "webhook sweep failed", extra={"event": "webhook_sweep_failed"}
                )
                counts = {}
            if not every:
                self.stdout.write(json.dumps(counts))
                return
            waited = 0.0
            while waited < every and not stopping:
                time.sleep(0.5)
                waited += 0.5
            if stopping:
                return
