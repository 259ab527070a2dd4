"""The initiatives rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "initiative.view": Role.VIEWER,
        # Initiatives, their links, their gates' criteria and signers, moving them between stages.
        "initiative.manage": Role.EDITOR,
        "gate.check": Role.CONTRIBUTOR,  # tick a criterion as met (the people doing the work)
        "gate.sign": Role.VIEWER,  # sign a gate: only those asked to sign it (checked in services)
        "gate.override": Role.ADMIN,  # move past an unmet gate, with a recorded reason
        "lifecycle.manage": Role.ADMIN,  # the workspace's stages and their gate templates
    }
)
