"""The webhooks rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "webhook.manage": Role.ADMIN,  # webhooks, their delivery log, replay, resume
    }
)
