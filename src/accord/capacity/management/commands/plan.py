"""accord plan --workspace SLUG --scenario NAME: solve a scenario now and print the plan (JSON or text)."""

from django.core.management.base import BaseCommand, CommandError

from accord.audit.services import acting_via
from accord.capacity import services
from accord.capacity.models import PlanRun, Scenario
from accord.capacity.tasks import run_plan
from accord.core.errors import ServiceError
from accord.workspaces.models import Membership, Role


class Command(BaseCommand):
    help = "Solve a capacity scenario and print the plan, with the reason for every idea."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="The workspace slug.")
        parser.add_argument("--scenario", required=True, help="The scenario's name.")
        parser.add_argument(
            "--as", dest="email", default=None, help="Solve as this member (default: an admin)."
        )
        parser.add_argument("--json", action="store_true", help="Print the whole result as JSON.")

    def handle(self, *args, workspace, scenario, email=None, json=False, **options):
        members = Membership.objects.select_related("workspace", "user").filter(
            workspace__slug=workspace
        )
        member = (
            members.filter(user__email=email).first()
            if email
            else members.filter(role=Role.ADMIN).order_by("pk").first()
        )
        if member is None:
            raise CommandError(
                f"No such member of workspace {workspace!r}."
                if email
                else f"No workspace {workspace!r} (or it has no admin)."
            )
        found = Scenario.objects.filter(workspace=member.workspace, name=scenario).first()
        if found is None:
            names = (
                ", ".join(
                    Scenario.objects.filter(workspace=member.workspace).values_list(
                        "name", flat=True
                    )
                )
                or "none"
            )
            raise CommandError(f"No scenario named {scenario!r} (scenarios: {names}).")
        try:
            with acting_via("cli"):
                run = services.solve(member=member, scenario_id=found.pk)
        except ServiceError as exc:
            raise CommandError(exc.detail) from None
        run_plan(run.pk)  # a no-op when the task backend already ran it
        run = PlanRun.objects.get(pk=run.pk)
        if run.status != "done":
            raise CommandError(f"The plan is {run.status}: {run.message}")
        r = run.result
        if json:
            self.stdout.write(
                __import__("json").dumps({"plan_id": run.pk, **r}, ensure_ascii=False, indent=2)
            )
            return
        gap = f", gap {r['gap_pct']} %" if r.get("gap_pct") is not None else ""
        self.stdout.write(f"Plan {run.pk} for {found.name}: value {r['value']} ({r['status']}{gap}, {r['seconds']} s); "
                          f"greedy {r['greedy']['value']}, difference {r['difference']}")  # fmt: skip
        for row in r["planned"]:
            self.stdout.write(f"  IN  {row['start']:>8}  {row['label']}: {row['reason']['text']}")
        for row in r["left_out"]:
            self.stdout.write(f"  OUT           {row['label']}: {row['reason']['text']}")
