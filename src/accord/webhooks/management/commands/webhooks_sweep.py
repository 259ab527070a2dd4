"""Send the webhook deliveries that are due: retries, and what dead workers left (at least once).

`accord manage webhooks_sweep` runs once and prints what it did. `accord serve` and `accord worker`
run the same sweep every 30 seconds through the periodic jobs (accord.core.periodic).
"""

import json

from django.core.management.base import BaseCommand

from accord.webhooks import delivery


class Command(BaseCommand):
    help = "Send due webhook deliveries (retries, and those dead workers left); drop the log older than 30 days."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(delivery.sweep()))
