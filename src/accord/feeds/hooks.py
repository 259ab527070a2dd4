"""What the feeds app plugs into lower apps at start-up: the workspace scope, how its audit entries
read, the "Subscribe (Atom)" button of the audit trail and "My feeds" on the tokens page."""

from accord.audit import history as h
from accord.core import panels
from accord.workspaces.permissions import can

from . import scopes, selectors


def _subscribe(_request, member, _obj) -> dict | None:
    if not can(member, "feed.own"):
        return None
    return {"workspace": member.workspace, "scope": "workspace", "object_id": None}


def _my_feeds(_request, member, _obj) -> dict | None:
    if not can(member, "feed.own"):
        return None
    return {"workspace": member.workspace, "feeds": list(selectors.my_feeds(member=member))}


def register() -> None:
    scopes.register(scopes.WORKSPACE)
    h.register(h.ObjectType(
        key="atom feed", noun="", title="Atom feed", hidden={"scope", "prefix"},
        actions={"created": f"created the Atom feed {h.NAME}", "revoked": f"revoked the Atom feed {h.NAME}"},
    ))  # fmt: skip
    panels.register("audit.actions", panels.Panel(
        key="feeds.subscribe", template="feeds/_subscribe_button.html", context=_subscribe,
    ))  # fmt: skip
    panels.register("tokens", panels.Panel(
        key="feeds.mine", template="feeds/_my_feeds.html", context=_my_feeds,
    ))  # fmt: skip
