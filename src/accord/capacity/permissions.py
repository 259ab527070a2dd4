"""The capacity rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "capacity.view": Role.VIEWER,
        # Team capacity, efforts, scenarios, solves; applying a plan also needs roadmap.manage.
        "capacity.manage": Role.EDITOR,
    }
)
