"""The goals rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "goal.view": Role.VIEWER,
        "goal.manage": Role.EDITOR,  # goals, key results, links to ideas and roadmap items
        # Contributors record numbers (a marketer's weekly leads, an analytics system's token).
        "measurement.record": Role.CONTRIBUTOR,
    }
)
