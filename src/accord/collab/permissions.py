"""The collab rows of the one permission table (accord.workspaces.permissions.ACTIONS). Reading the
comments of an object, and watching it, need the object's own view permission (registry.py)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "comment.write": Role.CONTRIBUTOR,  # comment (and mention people); edit and delete one's own
        "comment.moderate": Role.ADMIN,  # delete anyone's comment
    }
)
