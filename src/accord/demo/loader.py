"""The demo workspace: a realistic company, built through the same services users call."""

from django.contrib.auth import get_user_model
from django.db import transaction

from accord.audit.services import acting_via
from accord.feedback import demo as feedback_demo
from accord.goals import demo as goals_demo
from accord.ideas import demo as ideas_demo
from accord.portal import demo as portal_demo
from accord.roadmaps import demo as roadmaps_demo
from accord.workspaces import demo as workspaces_demo

DEMO_SLUG = "lumen"
DEMO_PASSWORD = "accord-demo-admin"
ADMIN_EMAIL = "admin@accord.example"

# Each later capability adds its step here (ideas, roadmaps, feedback, goals, ...).
STEPS = [workspaces_demo.load, ideas_demo.load, roadmaps_demo.load, feedback_demo.load, portal_demo.load, goals_demo.load]


def load_demo() -> tuple[str, bool]:
    """Build the demo once. Returns (slug, created); a second call changes nothing."""
    from accord.workspaces.models import Workspace

    if Workspace.objects.filter(slug=DEMO_SLUG).exists():
        return DEMO_SLUG, False
    with transaction.atomic(), acting_via("demo"):
        User = get_user_model()
        admin = User.objects.filter(email=ADMIN_EMAIL).first() or User.objects.create_superuser(
            ADMIN_EMAIL, DEMO_PASSWORD, name="Avery Admin"
        )
        context = {"admin": admin, "slug": DEMO_SLUG, "password": DEMO_PASSWORD}
        for step in STEPS:
            step(context)
    return DEMO_SLUG, True
