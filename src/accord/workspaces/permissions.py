"""The one permission layer: may this member do this action in this workspace?

ACTIONS is the declarative table (action -> the least role that may do it). Every service and
every endpoint asks `require`; the authorization test walks the same table.
"""

from accord.core.errors import Forbidden
from accord.core.logging import security_log

from .models import Membership, Role

ACTIONS: dict[str, Role] = {
    "workspace.view": Role.VIEWER,
    "workspace.update": Role.ADMIN,
    "member.view": Role.VIEWER,
    "member.manage": Role.ADMIN,
    "invitation.manage": Role.ADMIN,
    "team.view": Role.VIEWER,
    "team.manage": Role.ADMIN,
    "person.view": Role.VIEWER,
    "person.manage": Role.ADMIN,
    "token.own": Role.VIEWER,  # anyone may hold tokens that carry their own role
    "token.manage": Role.ADMIN,  # see and revoke everyone's tokens
    "audit.view": Role.VIEWER,
}


def register(rows: dict[str, Role]) -> None:
    """Higher capabilities add their rows at start-up (workspaces knows nothing of them)."""
    clash = set(rows) & set(ACTIONS)
    if clash:
        raise ValueError(f"Permission actions registered twice: {sorted(clash)}")
    ACTIONS.update(rows)


def can(member: Membership | None, action: str) -> bool:
    if member is None:
        return False
    return member.has_role(ACTIONS[action])


def require(member: Membership, action: str) -> None:
    if not can(member, action):
        security_log.warning(
            "authorization refused",
            extra={
                "event": "forbidden",
                "user_id": member.user_id if member else None,
                "workspace_id": member.workspace_id if member else None,
                "action": action,
            },
        )
        raise Forbidden(f"Your role ({member.role}) may not do this ({action}).")
