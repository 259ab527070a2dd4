"""The demo workspace: a realistic company, built through the same services users call."""

from django.contrib.auth import get_user_model
from django.db import transaction

from accord.audit.services import acting_via
from accord.capacity import demo as capacity_demo
from accord.changes import demo as changes_demo
from accord.collab import demo as collab_demo
from accord.feedback import demo as feedback_demo
from accord.glossary import demo as glossary_demo
from accord.goals import demo as goals_demo
from accord.ideas import demo as ideas_demo
from accord.initiatives import demo as initiatives_demo
from accord.launches import demo as launches_demo
from accord.notifications import demo as notifications_demo
from accord.playbooks import demo as playbooks_demo
from accord.portal import demo as portal_demo
from accord.roadmaps import demo as roadmaps_demo
from accord.roles import demo as roles_demo
from accord.webhooks import demo as webhooks_demo
from accord.workspaces import demo as workspaces_demo

DEMO_SLUG = "lumen"
DEMO_PASSWORD = "accord-demo-admin"
ADMIN_EMAIL = "admin@accord.example"

# Each later capability adds its step here (ideas, roadmaps, feedback, goals, ...).
STEPS = [
    workspaces_demo.load,
    ideas_demo.load,
    roadmaps_demo.load,
    feedback_demo.load,
    portal_demo.load,
    goals_demo.load,
    initiatives_demo.load,
    roles_demo.load,
    launches_demo.load,
    capacity_demo.load,
    changes_demo.load,
    playbooks_demo.load,
    glossary_demo.load,
    collab_demo.load,  # comments with mentions on an idea and the launch
    webhooks_demo.load,  # last: a paused webhook (example.invalid) with its failed deliveries
    notifications_demo.load,  # after everything that notifies: older notifications read
]


def load_demo() -> tuple[str, bool]:
    """Build the demo once. Returns (slug, created); a second call changes nothing."""
    from accord.workspaces.models import Workspace

    if Workspace.objects.filter(slug=DEMO_SLUG).exists():
        return DEMO_SLUG, False
    build(slug=DEMO_SLUG, admin_email=ADMIN_EMAIL)
    return DEMO_SLUG, True


def build(
    *, slug: str, admin_email: str, domain: str | None = None, password: str = DEMO_PASSWORD
) -> None:
    """The demo under another slug and e-mail domain (the bench builds one among its own data)."""
    with transaction.atomic(), acting_via("demo"):
        User = get_user_model()
        admin = User.objects.filter(email=admin_email).first() or User.objects.create_superuser(
            admin_email, password, name="Avery Admin"
        )
        context = {"admin": admin, "slug": slug, "password": password}
        if domain:
            context["domain"] = domain
        for step in STEPS:
            step(context)
