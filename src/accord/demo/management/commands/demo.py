from django.core.management.base import BaseCommand

from accord.demo.loader import ADMIN_EMAIL, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo workspace (idempotent) and print its slug."

    def handle(self, *args, **options):
        slug, created = load_demo()
        self.stderr.write(
            ("Demo workspace created" if created else "Demo workspace already present")
            + f"; sign in as {ADMIN_EMAIL} / {DEMO_PASSWORD}"
        )
        self.stdout.write(slug)
