"""The transfer rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "workspace.export": Role.ADMIN,  # download the whole workspace as one file
    }
)
