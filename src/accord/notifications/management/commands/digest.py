"""`accord digest`: send the weekly digests due today (or on --date); prints a JSON summary.

Run it once a day (cron, a systemd timer): each person gets theirs on the weekday they chose, and
a second run on the same day sends nothing twice.
"""

import json
from collections import Counter
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accord.notifications import digest


class Command(BaseCommand):
    help = "Send the weekly digests due today (or on --date)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", default=None, help="The day to send for (YYYY-MM-DD); default today."
        )
        parser.add_argument("--dry-run", action="store_true", help="Only say who would get one.")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date: use YYYY-MM-DD, e.g. 2027-01-04.") from exc
        outcomes: Counter = Counter()
        would = []
        for membership in digest.due_memberships(day):
            if options["dry_run"]:
                parts = digest.parts_for(membership.user, membership.workspace, day)
                if parts:
                    would.append({"email": membership.user.email, "workspace": membership.workspace.slug,
                                  "sections": [p.section.title for p in parts]})  # fmt: skip
                continue
            outcomes[digest.send_one(membership, day)] += 1
        summary = {"date": day.isoformat(), **({"would_send": would} if options["dry_run"] else {
            k: outcomes[k] for k in ("sent", "empty", "done", "retry", "failed")})}  # fmt: skip
        self.stdout.write(json.dumps(summary, sort_keys=True))
