"""The bell in the page header: the unread count of the current workspace, one query per page
(and none when the page does not show the bell)."""

from functools import cached_property


class Bell:
    def __init__(self, member):
        self.member = member

    @cached_property
    def unread(self) -> int:
        from .selectors import unread_count

        return unread_count(user_id=self.member.user_id, workspace_id=self.member.workspace_id)

    @property
    def label(self) -> str:
        return "99+" if self.unread > 99 else str(self.unread)


def bell(request) -> dict:
    member = getattr(request, "member", None)
    if member is None or not request.user.is_authenticated:
        return {}
    return {"bell": Bell(member)}
