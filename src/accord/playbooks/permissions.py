"""The playbooks rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "playbook.view": Role.VIEWER,  # playbooks, runs and post-mortems
        "playbook.manage": Role.EDITOR,  # write playbooks (a new version each time), delete runs
        "playbook.run": Role.CONTRIBUTOR,  # start runs; check off the steps one owns
        "postmortem.write": Role.CONTRIBUTOR,  # write post-mortems and their action items
        "postmortem.manage": Role.EDITOR,  # delete post-mortems
    }
)
