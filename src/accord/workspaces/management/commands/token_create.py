from django.core.management.base import BaseCommand, CommandError

from accord.audit.services import acting_via
from accord.core.errors import Invalid
from accord.workspaces.models import Membership
from accord.workspaces.services import token_create


class Command(BaseCommand):
    help = "Print a new API token for a member of a workspace."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--workspace", required=True, help="The workspace slug.")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, email, workspace, name="cli", days=None, **options):
        member = Membership.objects.select_related("workspace", "user").filter(user__email=email.strip().lower(), workspace__slug=workspace).first()
        if member is None:
            raise CommandError(f"{email} is not a member of a workspace with the slug {workspace!r}.")
        try:
            with acting_via("cli"):
                _, raw = token_create(member=member, name=name, valid_days=days)
        except Invalid as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(raw)
