import getpass

from django.core.management.base import BaseCommand, CommandError

from accord.accounts.services import user_create
from accord.core.errors import Invalid


class Command(BaseCommand):
    help = "Create a superuser. Non-interactive when --email and --password are both given."

    def add_arguments(self, parser):
        parser.add_argument("--email")
        parser.add_argument("--password")
        parser.add_argument("--name", default="")

    def handle(self, *args, email=None, password=None, name="", **options):
        if not email:
            email = input("E-mail: ").strip()
        if not password:
            password = getpass.getpass("Password: ")
        try:
            user = user_create(email=email, password=password, name=name, is_superuser=True)
        except Invalid as exc:
            details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors) or exc.detail
            raise CommandError(details) from exc
        self.stdout.write(f"Admin {user.email} created.")
