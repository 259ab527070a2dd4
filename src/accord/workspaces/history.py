"""How workspaces, members, invitations, teams, people and API tokens read in the history
(registered with accord.audit.history)."""

from django.urls import reverse

from accord.audit import history as h

from .models import Membership, Person, Role, Team, TeamKind

ROLES = dict(Role.choices)


def _names(model, workspace_id: int, ids: set, field: str = "name") -> dict:
    return dict(model.objects.filter(workspace_id=workspace_id, pk__in=ids).values_list("pk", field))


def _members(workspace_id: int, ids: set) -> dict:
    rows = Membership.objects.filter(workspace_id=workspace_id, pk__in=ids).select_related("user")
    return {m.pk: m.user.display_name for m in rows}


def _membership(entry, lookup: h.Lookup) -> h.Told | None:
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "joined":
        role = ROLES.get(after.get("role"), "member")
        if entry.actor_label == entry.object_label:  # they accepted an invitation themselves
            return h.Told(f"joined the workspace as {role}")
        return h.Told(f"added {h.NAME} as {role}")
    if entry.action == "role_changed":
        return h.Told(f"changed the role of {h.NAME} from {ROLES.get(before.get('role'), '?')} "
                      f"to {ROLES.get(after.get('role'), '?')}")  # fmt: skip
    if entry.action == "removed":
        return h.Told(f"removed {h.NAME} from the workspace")
    return None


def _url(name: str):
    return lambda slug, object_id: reverse(name, args=[slug, object_id])


def register() -> None:
    h.register_resolver("team", lambda ws, ids: _names(Team, ws, ids))
    h.register_resolver("person", lambda ws, ids: _names(Person, ws, ids))
    h.register_resolver("membership", _members)
    h.register(h.ObjectType(
        key="workspace", noun="workspace", quiet={"name"},
        fields={"name": h.Field("Name"), "slug": h.Field("Address"), "description": h.Field("Description", kind="markdown")},
    ))
    h.register(h.ObjectType(
        key="membership", noun="", title="Member", resolver="membership",
        action_titles={"joined": "Joined", "role_changed": "Role changed", "removed": "Removed"}, by_name=True, tell=_membership,
        fields={"role": h.Field("Role", kind="choice", choices=ROLES)},
    ))
    h.register(h.ObjectType(
        key="invitation", noun="", title="Invitation", actions={"invited": f"invited {h.NAME}", "revoked": f"revoked the invitation of {h.NAME}"},
        fields={"email": h.Field("E-mail"), "role": h.Field("Role", kind="choice", choices=ROLES)}, quiet={"email"},
    ))
    h.register(h.ObjectType(
        key="team", noun="team", quiet={"name"}, resolver="team", url=_url("team_detail"),
        fields={"name": h.Field("Name"), "kind": h.Field("Kind", kind="choice", choices=dict(TeamKind.choices)),
                "description": h.Field("Description", kind="markdown")},
    ))
    h.register(h.ObjectType(
        key="person", noun="person", quiet={"name"}, resolver="person", url=_url("person_detail"),
        fields={"name": h.Field("Name"), "email": h.Field("E-mail"), "title": h.Field("Title"),
                "team_ids": h.Field("Teams", kind="refs", ref="team"), "skills": h.Field("Skills", kind="list"),
                "interests": h.Field("Interests", kind="list")},
    ))
    h.register(h.ObjectType(
        key="api token", noun="API token",
        fields={"name": h.Field("Name"), "prefix": h.Field("Prefix", kind="hidden"), "expires_at": h.Field("Expires", kind="datetime")},
    ))
