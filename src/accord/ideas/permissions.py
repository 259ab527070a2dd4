"""The ideas rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "idea.view": Role.VIEWER,
        "idea.create": Role.CONTRIBUTOR,  # anyone with contributor rights submits ideas
        "idea.edit": Role.EDITOR,  # any idea, and its status; submitters may edit their own while it is new
        "idea.decide": Role.EDITOR,  # promote, park, reject, merge
        "scoring_model.view": Role.VIEWER,
        "scoring_model.manage": Role.EDITOR,
        "round.manage": Role.EDITOR,  # open and close scoring rounds
        "rating.submit": Role.CONTRIBUTOR,  # stakeholders score in open rounds
    }
)
