"""The feedback rows of the one permission table (accord.workspaces.permissions.ACTIONS)."""

from accord.workspaces.models import Role
from accord.workspaces.permissions import register

register(
    {
        "feedback.view": Role.VIEWER,  # read, filter and export feedback, customers and links
        "feedback.create": Role.CONTRIBUTOR,  # capture feedback; contributors may edit/delete their own
        "feedback.edit": Role.EDITOR,  # edit, triage (status) and delete anyone's feedback
        "feedback.import": Role.EDITOR,  # CSV/JSON imports and API batches of up to 1,000
        "feedback_link.create": Role.CONTRIBUTOR,  # link feedback to ideas; remove own links
        "feedback_link.delete": Role.EDITOR,  # remove anyone's link
        "customer.edit": Role.EDITOR,  # rename, re-segment, re-weight customers
        "customer.delete": Role.ADMIN,  # erase a customer (their feedback stays, anonymous)
    }
)
