"""The changes rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "change.view": Role.VIEWER,  # changes, the calendar, freezes, rules, review meetings
        # File changes, edit and submit one's own, assess and sign for one's own departments;
        # declare a freeze for a campaign one owns.
        "change.create": Role.CONTRIBUTOR,
        "change.approve": Role.EDITOR,  # approve, reject; edit anyone's change
        "change.rules": Role.ADMIN,  # which departments must sign for which area
        "freeze.manage": Role.EDITOR,  # declare and lift any freeze window
        "change_review.manage": Role.EDITOR,  # review meetings: agenda, attendance, decisions
        "change_feed.manage": Role.EDITOR,  # iCalendar feeds of the change calendar
    }
)
