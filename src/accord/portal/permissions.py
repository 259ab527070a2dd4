"""The portal rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "portal.view": Role.VIEWER,  # see the portal's settings and what it publishes
        "portal.manage": Role.ADMIN,  # settings, publishing ideas, the moderation queue
    }
)
