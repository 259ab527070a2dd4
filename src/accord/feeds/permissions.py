"""The feeds rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        # Anyone holds their own feed URLs; each feed also needs its scope's view permission.
        "feed.own": Role.VIEWER,
    }
)
