"""The imports rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "import.run": Role.EDITOR,  # preview and run Jira, Trello, GitHub and CSV/xlsx imports
    }
)
