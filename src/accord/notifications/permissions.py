"""The notifications rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "notification.read": Role.VIEWER,  # every member reads and marks their own notifications
    }
)
