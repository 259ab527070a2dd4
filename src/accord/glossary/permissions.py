"""The glossary rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "glossary.view": Role.VIEWER,
        # Propose terms, edit the ones you proposed or own, flag conflicting definitions.
        "glossary.propose": Role.CONTRIBUTOR,
        # Edit and delete any term, import a file of terms.
        "glossary.manage": Role.EDITOR,
        # Agree any term and mark any term reviewed (otherwise only its owner may).
        "glossary.agree_any": Role.ADMIN,
    }
)
