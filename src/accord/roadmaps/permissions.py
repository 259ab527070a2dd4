"""The roadmap rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "roadmap.view": Role.VIEWER,
        "roadmap.manage": Role.EDITOR,  # create roadmaps, lanes, milestones; move and edit items
        "share_link.manage": Role.EDITOR,  # read-only links, kiosk rotations and calendar feeds
    }
)
