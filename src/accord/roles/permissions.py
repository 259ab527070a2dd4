"""The roles rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "role.view": Role.VIEWER,  # role definitions, RACI matrices, checks, suggestions, the map
        "role.manage": Role.ADMIN,  # role definitions, incompatible pairs, the load threshold
        "raci.manage": Role.EDITOR,  # an initiative's activities, cells and role assignments
    }
)
