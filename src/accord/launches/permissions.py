"""The launches rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "launch.view": Role.VIEWER,
        "launch.manage": Role.EDITOR,  # launches, positioning versions, maps, checklists, templates
        # Task owners tick their tasks off; reviewers of product and marketing approve positioning.
        "launch.task.update": Role.CONTRIBUTOR,
        "launch.review": Role.CONTRIBUTOR,
    }
)
