"""Every API operation x every kind of caller, driven by one declarative table.

EXPECTED maps each operation of /api/v1/openapi.json to the status each caller must get. The test
fails when the schema has an operation without a row (a new route cannot ship untested) or a row
names an operation the schema no longer has.

Callers (tokens from the `cast` fixture in conftest.py, all against workspace "acme"):
  anonymous    no credentials
  viewer, contributor, editor, admin
               a member of "acme" with that role, using their API token for "acme"
  outsider     the admin of workspace "other", using their own token (which only opens "other")

HOW TO ADD ROWS (a new app with new routes):
  1. Add one row per (METHOD, path) exactly as the path appears in /api/v1/openapi.json, e.g.
         ("POST", "/api/v1/workspaces/{slug}/plans"): Row(admin_only(201), build=_new_plan),
     using the status helpers below (read, admin_only, any_member, account, session_only) or
     `expect(...)` for an unusual mix. Anonymous is always 401 and the outsider always 404 under
     /workspaces/{slug}/... (test_table_is_consistent checks this).
  2. `build(cast) -> Req` returns the request's path params (besides `slug`, which is "acme"),
     body and query: a VALID request, so that validation never masks authorization. Create what the
     operation needs inside it (as the acme admin, through the services). One test per operation
     checks every caller: the refused callers (and, for a GET, the allowed ones) share one built
     request, each allowed write gets its own, so a DELETE has its own object; each group runs in a
     savepoint rolled back to the same cast, with a fresh copy of it.
  3. If the new path has an `{x_id}` parameter, add a FOREIGN_IDS entry that creates such an object
     in workspace "other"; if it is a list (a Page), add a LIST_SCOPES entry; and append the new
     models to WATCHED so refused writes are proven to change nothing.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.utils.crypto import get_random_string

API = "/api/v1"
CALLERS = ["anonymous", "viewer", "contributor", "editor", "admin", "outsider"]
MEMBER_ROLES = ["viewer", "contributor", "editor", "admin"]
NEW_PASSWORD = "another-Strong-passw0rd-42"


# ---------------------------------------------------------------- the table's vocabulary


@dataclass
class Req:
    """One request: path params (slug defaults to "acme"), a JSON body and query parameters."""

    params: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    query: dict[str, Any] | None = None


@dataclass(frozen=True)
class Row:
    status: dict[str, int]
    build: Callable[[Any], Req] | None = None  # build(cast) -> Req; None: no params, no body


def expect(*, anonymous=401, viewer, contributor, editor, admin, outsider) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        "viewer": viewer,
        "contributor": contributor,
        "editor": editor,
        "admin": admin,
        "outsider": outsider,
    }


def read(ok: int = 200) -> dict[str, int]:
    """Every member may; the outsider does not even learn the workspace exists."""
    return expect(viewer=ok, contributor=ok, editor=ok, admin=ok, outsider=404)


any_member = read  # writes every member may do to their own things (tokens)


def admin_only(ok: int) -> dict[str, int]:
    return expect(viewer=403, contributor=403, editor=403, admin=ok, outsider=404)


def account(ok: int) -> dict[str, int]:
    """The caller's own account, not tied to a workspace: the outsider is just another user."""
    return expect(viewer=ok, contributor=ok, editor=ok, admin=ok, outsider=ok)


PUBLIC_API = f"{API}/portal/"  # public routes (the portal): no authentication, every caller alike


def public(ok: int) -> dict[str, int]:
    """A public route: the same answer for everyone, signed in or not, member or not."""
    return expect(anonymous=ok, viewer=ok, contributor=ok, editor=ok, admin=ok, outsider=ok)


def session_only() -> dict[str, int]:
    """Refused with any API token (422, field "authorization"); see test_session_only_operations."""
    return account(422)


# ---------------------------------------------------------------- builders (valid requests)


def _admin(cast):
    return cast.members["admin"]


def _services():
    from accord.workspaces import services

    return services


def _bystander(cast, role="editor"):
    """A fresh member of acme who is none of the callers."""
    from accord.accounts.models import User

    user = User.objects.create_user("bystander@acme.test", cast.password, name="Bea Bystander")
    return _services().member_add(member=_admin(cast), user=user, role=role)


def _team(cast, name="Platform"):
    return _services().team_create(member=_admin(cast), name=name, kind="it", description="Runs things")


def _person(cast, name="Pat Person", email="pat@example.test"):
    return _services().person_create(member=_admin(cast), name=name, email=email, skills=["python"])


def _invitation(cast, email="invitee@example.test"):
    return _services().invitation_create(member=_admin(cast), email=email, role="editor")[0]


def _version(obj) -> int:
    obj.refresh_from_db()
    return obj.version


def b_workspace_patch(cast):
    return Req(body={"version": _version(cast.workspace), "description": "Renamed by the test"})


def b_member_patch(cast):
    member = _bystander(cast, role="viewer")
    return Req(params={"member_id": member.pk}, body={"version": member.version, "role": "contributor"})


def b_member_delete(cast):
    return Req(params={"member_id": _bystander(cast).pk})


def b_invitation_create(cast):
    return Req(body={"email": "newcomer@example.test", "role": "viewer", "valid_days": 3})


def b_invitation_delete(cast):
    return Req(params={"invitation_id": _invitation(cast).pk})


def b_invitation_accept(cast):
    raw = _services().invitation_create(member=_admin(cast), email="newcomer@example.test")[1]
    return Req(body={"token": raw})


def b_team_create(cast):
    return Req(body={"name": "Growth", "kind": "marketing", "description": "Campaigns"})


def b_team(cast):
    return Req(params={"team_id": _team(cast).pk})


def b_team_patch(cast):
    team = _team(cast)
    return Req(params={"team_id": team.pk}, body={"version": team.version, "name": "Platform 2"})


def b_person_create(cast):
    team = _team(cast)
    return Req(body={"name": "Nia New", "email": "nia@example.test", "team_ids": [team.pk], "skills": ["sql"]})


def b_person(cast):
    return Req(params={"person_id": _person(cast).pk})


def b_person_patch(cast):
    person = _person(cast)
    return Req(params={"person_id": person.pk}, body={"version": person.version, "title": "Lead"})


def b_token_create(cast):
    return Req(body={"name": "ci", "valid_days": 30})


def b_token_delete(cast):
    """Someone else's token: only admins may revoke it (own tokens: test_members_revoke_own_tokens)."""
    token = _services().token_create(member=_bystander(cast), name="bystander token")[0]
    return Req(params={"token_id": token.pk})


def b_me_patch(cast):
    return Req(body={"name": "Renamed Person"})


def b_password(cast):
    return Req(body={"old_password": cast.password, "new_password": NEW_PASSWORD})


def b_workspace_create(cast):
    return Req(body={"name": "Fresh Start", "slug": "fresh-start"})


def b_filtered_people(cast):
    return Req(query={"q": "a", "skill": "python", "limit": 10})


def b_filtered_audit(cast):
    return Req(query={"object_type": "team", "limit": 10})


# ---------------------------------------------------------------- THE TABLE

WS = f"{API}/workspaces/{{slug}}"

EXPECTED: dict[tuple[str, str], Row] = {
    # account
    ("GET", f"{API}/me"): Row(account(200)),
    ("PATCH", f"{API}/me"): Row(account(200), b_me_patch),
    ("POST", f"{API}/me/password"): Row(session_only(), b_password),
    # workspaces
    ("GET", f"{API}/workspaces"): Row(account(200)),
    ("POST", f"{API}/workspaces"): Row(session_only(), b_workspace_create),
    ("GET", WS): Row(read()),
    ("PATCH", WS): Row(admin_only(200), b_workspace_patch),
    # members (leaving, i.e. deleting one's own membership: test_members_may_leave)
    ("GET", f"{WS}/members"): Row(read()),
    ("PATCH", f"{WS}/members/{{member_id}}"): Row(admin_only(200), b_member_patch),
    ("DELETE", f"{WS}/members/{{member_id}}"): Row(admin_only(204), b_member_delete),
    # invitations
    ("GET", f"{WS}/invitations"): Row(admin_only(200)),
    ("POST", f"{WS}/invitations"): Row(admin_only(201), b_invitation_create),
    ("DELETE", f"{WS}/invitations/{{invitation_id}}"): Row(admin_only(204), b_invitation_delete),
    ("POST", f"{API}/invitations/accept"): Row(session_only(), b_invitation_accept),
    # teams
    ("GET", f"{WS}/teams"): Row(read()),
    ("POST", f"{WS}/teams"): Row(admin_only(201), b_team_create),
    ("GET", f"{WS}/teams/{{team_id}}"): Row(read(), b_team),
    ("PATCH", f"{WS}/teams/{{team_id}}"): Row(admin_only(200), b_team_patch),
    ("DELETE", f"{WS}/teams/{{team_id}}"): Row(admin_only(204), b_team),
    # people
    ("GET", f"{WS}/people"): Row(read(), b_filtered_people),
    ("POST", f"{WS}/people"): Row(admin_only(201), b_person_create),
    ("GET", f"{WS}/people/{{person_id}}"): Row(read(), b_person),
    ("PATCH", f"{WS}/people/{{person_id}}"): Row(admin_only(200), b_person_patch),
    ("DELETE", f"{WS}/people/{{person_id}}"): Row(admin_only(204), b_person),
    # API tokens: anyone holds their own; admins see and revoke everyone's
    ("GET", f"{WS}/tokens"): Row(read()),
    ("POST", f"{WS}/tokens"): Row(any_member(201), b_token_create),
    ("DELETE", f"{WS}/tokens/{{token_id}}"): Row(admin_only(204), b_token_delete),
    # audit trail
    ("GET", f"{WS}/audit"): Row(read(), b_filtered_audit),
}

# Objects of workspace "other" for every id parameter: using them under /workspaces/acme/ is a 404.
FOREIGN_IDS: dict[str, Callable[[Any], int]] = {
    "member_id": lambda cast: cast.outsider.pk,
    "invitation_id": lambda cast: _services().invitation_create(member=cast.outsider, email="x@other.test")[0].pk,
    "team_id": lambda cast: _services().team_create(member=cast.outsider, name="Other team").pk,
    "person_id": lambda cast: _services().person_create(member=cast.outsider, name="Other person").pk,
    "token_id": lambda cast: cast.outsider.api_tokens.get().pk,
}

# For every list (a Page): the ids of all objects of a workspace that the list may show.
LIST_SCOPES: dict[str, Callable[[Any], set]] = {
    f"{API}/workspaces": lambda ws: {ws.pk},
    f"{WS}/members": lambda ws: set(ws.memberships.values_list("pk", flat=True)),
    f"{WS}/invitations": lambda ws: set(ws.invitations.values_list("pk", flat=True)),
    f"{WS}/teams": lambda ws: set(ws.teams.values_list("pk", flat=True)),
    f"{WS}/people": lambda ws: set(ws.people.values_list("pk", flat=True)),
    f"{WS}/tokens": lambda ws: set(ws.api_tokens.values_list("pk", flat=True)),
    f"{WS}/audit": lambda ws: set(ws.audit_entries.values_list("pk", flat=True)),
}

# What a refused request must leave exactly as it was: (app_label.Model, fields).
WATCHED: list[tuple[str, list[str]]] = [
    ("accounts.User", ["email", "name", "password", "is_active"]),
    ("workspaces.Workspace", ["slug", "name", "description", "version"]),
    ("workspaces.Membership", ["workspace_id", "user_id", "role", "version"]),
    ("workspaces.Invitation", ["workspace_id", "email", "role", "accepted_at", "revoked_at"]),
    ("workspaces.Team", ["workspace_id", "name", "kind", "description", "version"]),
    ("workspaces.Person", ["workspace_id", "name", "email", "title", "skills", "user_id", "version"]),
    ("workspaces.ApiToken", ["workspace_id", "membership_id", "name", "revoked_at", "expires_at"]),
    ("audit.AuditEntry", ["workspace_id", "action", "object_type", "object_id"]),
]


# ---------------------------------------------------------------- roadmaps (rows, ids, lists, watched models)
# Reads need roadmap.view (every member); writes need roadmap.manage or share_link.manage (editors
# and admins), checked by the services. Objects are made as the acme admin, fresh for every test.


def editor_up(ok: int) -> dict[str, int]:
    """Editors and admins may; viewers and contributors may only look (403)."""
    return expect(viewer=403, contributor=403, editor=ok, admin=ok, outsider=404)


def _roadmaps():
    from accord.roadmaps import services

    return services


def _roadmap(cast, name="Product roadmap", member=None):
    return _roadmaps().roadmap_create(member=member or _admin(cast), name=name, lanes=["Build", "Ship"])


def _rm_item(cast, roadmap=None, title="Reporting 2.0", member=None, start=(2030, 1, 1), end=(2030, 1, 31)):
    from datetime import date

    member = member or _admin(cast)
    roadmap = roadmap or _roadmap(cast, member=member)
    return _roadmaps().item_create(
        member=member, roadmap_id=roadmap.pk, title=title, start_date=date(*start), end_date=date(*end),
        lane_id=roadmap.lanes.first().pk,
    )


def _rm_dependency(cast, member=None):
    member = member or _admin(cast)
    roadmap = _roadmap(cast, member=member)
    release = _rm_item(cast, roadmap, "Release", member=member)
    launch = _rm_item(cast, roadmap, "Launch", member=member, start=(2030, 2, 1), end=(2030, 2, 28))
    return _roadmaps().dependency_create(member=member, predecessor_id=release.pk, successor_id=launch.pk)


def _share_link(cast, member=None):
    member = member or _admin(cast)
    roadmap = _roadmap(cast, member=member)
    return _roadmaps().share_link_create(member=member, name="Board screen", views=[{"roadmap": roadmap.pk}])[0]


def _rm_date():
    from datetime import date

    return date(2030, 4, 1)


def b_roadmap_list(cast):
    _roadmap(cast)
    return Req(query={"kind": "product", "limit": 10})


def b_roadmap_create(cast):
    return Req(body={"name": "Launch plan", "kind": "marketing", "lanes": ["Campaigns", "Events"]})


def b_roadmap(cast):
    return Req(params={"roadmap_id": _roadmap(cast).pk})


def b_roadmap_patch(cast):
    roadmap = _roadmap(cast)
    return Req(params={"roadmap_id": roadmap.pk}, body={"version": roadmap.version, "time_scale": "quarters"})


def b_lane_create(cast):
    return Req(params={"roadmap_id": _roadmap(cast).pk}, body={"name": "Quality"})


def b_lane(cast):
    return Req(params={"lane_id": _roadmap(cast).lanes.first().pk})


def b_lane_patch(cast):
    return Req(params={"lane_id": _roadmap(cast).lanes.first().pk}, body={"name": "Design", "position": 5})


def b_item_list(cast):
    item = _rm_item(cast)
    return Req(params={"roadmap_id": item.roadmap_id}, query={"status": "planned", "q": "report", "limit": 10})


def b_item_create(cast):
    roadmap = _roadmap(cast)
    return Req(
        params={"roadmap_id": roadmap.pk},
        body={"title": "SSO", "start_date": "2030-03-01", "end_date": "2030-03-31", "lane_id": roadmap.lanes.first().pk, "tags": ["security"]},
    )


def b_item_from_idea(cast):
    from accord.ideas import services as ideas

    idea = ideas.idea_create(member=_admin(cast), title="Dark mode")
    return Req(params={"roadmap_id": _roadmap(cast).pk}, body={"idea_id": idea.pk, "reason": "Top score", "bucket": "next"})


def b_item(cast):
    return Req(params={"item_id": _rm_item(cast).pk})


def b_item_patch(cast):
    item = _rm_item(cast)
    return Req(params={"item_id": item.pk}, body={"version": item.version, "status": "at_risk", "percent_done": 40})


def b_item_move(cast):
    item = _rm_item(cast)
    return Req(params={"item_id": item.pk}, body={"version": item.version, "start_date": "2030-01-15", "end_date": "2030-02-20"})


def b_roadmap_with_item(cast):
    return Req(params={"roadmap_id": _rm_item(cast).roadmap_id})


def b_changes(cast):
    from datetime import timedelta

    from django.utils import timezone

    item = _rm_item(cast)
    return Req(params={"roadmap_id": item.roadmap_id}, query={"since": (timezone.now() - timedelta(days=7)).isoformat()})


def b_milestone_list(cast):
    return Req(query={"roadmap_id": _roadmap(cast).pk})


def b_milestone_create(cast):
    return Req(body={"name": "GA", "date": "2030-06-01", "roadmap_id": _roadmap(cast).pk})


def _milestone(cast):
    from datetime import date

    return _roadmaps().milestone_create(member=_admin(cast), name="Board meeting", date_=date(2030, 5, 1))


def b_milestone(cast):
    return Req(params={"milestone_id": _milestone(cast).pk})


def b_milestone_patch(cast):
    milestone = _milestone(cast)
    return Req(params={"milestone_id": milestone.pk}, body={"version": milestone.version, "date": "2030-05-08"})


def b_dependency_list(cast):
    return Req(query={"roadmap_id": _rm_dependency(cast).predecessor.roadmap_id})


def b_dependency_create(cast):
    roadmap = _roadmap(cast)
    release, launch = _rm_item(cast, roadmap, "Release"), _rm_item(cast, roadmap, "Launch")
    return Req(body={"predecessor_id": release.pk, "successor_id": launch.pk, "kind": "start_to_start"})


def b_dependency(cast):
    return Req(params={"dependency_id": _rm_dependency(cast).pk})


def b_view_create(cast):
    return Req(params={"roadmap_id": _roadmap(cast).pk}, body={"name": "At risk", "view": "board", "filters": {"status": "at_risk"}})


def b_view(cast):
    roadmap = _roadmap(cast)
    return Req(params={"view_id": _roadmaps().saved_view_create(member=_admin(cast), roadmap_id=roadmap.pk, name="Mine").pk})


def b_share_link_list(cast):
    _share_link(cast)
    return Req()


def b_share_link_create(cast):
    roadmap = _roadmap(cast)
    return Req(body={"name": "Lobby screen", "views": [{"roadmap": roadmap.pk, "view": "timeline"}, {"roadmap": roadmap.pk, "view": "board"}], "rotate_seconds": 30})


def b_share_link(cast):
    return Req(params={"link_id": _share_link(cast).pk})


def b_feed(cast):
    roadmap = _roadmap(cast)
    return Req(params={"feed_id": _roadmaps().calendar_feed_create(member=_admin(cast), roadmap_id=roadmap.pk)[0].pk})


EXPECTED.update(
    {
        ("GET", f"{WS}/roadmaps"): Row(read(), b_roadmap_list),
        ("POST", f"{WS}/roadmaps"): Row(editor_up(201), b_roadmap_create),
        ("GET", f"{WS}/roadmaps/{{roadmap_id}}"): Row(read(), b_roadmap),
        ("PATCH", f"{WS}/roadmaps/{{roadmap_id}}"): Row(editor_up(200), b_roadmap_patch),
        ("DELETE", f"{WS}/roadmaps/{{roadmap_id}}"): Row(editor_up(204), b_roadmap),
        ("POST", f"{WS}/roadmaps/{{roadmap_id}}/lanes"): Row(editor_up(201), b_lane_create),
        ("PATCH", f"{WS}/lanes/{{lane_id}}"): Row(editor_up(200), b_lane_patch),
        ("DELETE", f"{WS}/lanes/{{lane_id}}"): Row(editor_up(204), b_lane),
        ("GET", f"{WS}/roadmaps/{{roadmap_id}}/items"): Row(read(), b_item_list),
        ("POST", f"{WS}/roadmaps/{{roadmap_id}}/items"): Row(editor_up(201), b_item_create),
        ("POST", f"{WS}/roadmaps/{{roadmap_id}}/items/from-idea"): Row(editor_up(201), b_item_from_idea),
        ("GET", f"{WS}/items/{{item_id}}"): Row(read(), b_item),
        ("PATCH", f"{WS}/items/{{item_id}}"): Row(editor_up(200), b_item_patch),
        ("DELETE", f"{WS}/items/{{item_id}}"): Row(editor_up(204), b_item),
        ("POST", f"{WS}/items/{{item_id}}/move"): Row(editor_up(200), b_item_move),
        ("GET", f"{WS}/roadmaps/{{roadmap_id}}/timeline"): Row(read(), b_roadmap_with_item),
        ("GET", f"{WS}/roadmaps/{{roadmap_id}}/changes"): Row(read(), b_changes),
        ("GET", f"{WS}/milestones"): Row(read(), b_milestone_list),
        ("POST", f"{WS}/milestones"): Row(editor_up(201), b_milestone_create),
        ("PATCH", f"{WS}/milestones/{{milestone_id}}"): Row(editor_up(200), b_milestone_patch),
        ("DELETE", f"{WS}/milestones/{{milestone_id}}"): Row(editor_up(204), b_milestone),
        ("GET", f"{WS}/dependencies"): Row(read(), b_dependency_list),
        ("POST", f"{WS}/dependencies"): Row(editor_up(201), b_dependency_create),
        ("DELETE", f"{WS}/dependencies/{{dependency_id}}"): Row(editor_up(204), b_dependency),
        ("GET", f"{WS}/roadmaps/{{roadmap_id}}/views"): Row(read(), b_roadmap),
        ("POST", f"{WS}/roadmaps/{{roadmap_id}}/views"): Row(editor_up(201), b_view_create),
        ("DELETE", f"{WS}/views/{{view_id}}"): Row(editor_up(204), b_view),
        ("GET", f"{WS}/share-links"): Row(read(), b_share_link_list),
        ("POST", f"{WS}/share-links"): Row(editor_up(201), b_share_link_create),
        ("DELETE", f"{WS}/share-links/{{link_id}}"): Row(editor_up(204), b_share_link),
        ("GET", f"{WS}/roadmaps/{{roadmap_id}}/calendar-feeds"): Row(read(), b_roadmap),
        ("POST", f"{WS}/roadmaps/{{roadmap_id}}/calendar-feeds"): Row(editor_up(201), b_roadmap),
        ("DELETE", f"{WS}/calendar-feeds/{{feed_id}}"): Row(editor_up(204), b_feed),
    }
)

FOREIGN_IDS.update(
    {
        "roadmap_id": lambda cast: _roadmap(cast, "Other roadmap", member=cast.outsider).pk,
        "lane_id": lambda cast: _roadmap(cast, "Other roadmap", member=cast.outsider).lanes.first().pk,
        "item_id": lambda cast: _rm_item(cast, title="Other item", member=cast.outsider).pk,
        "milestone_id": lambda cast: _roadmaps().milestone_create(member=cast.outsider, name="Other GA", date_=_rm_date()).pk,
        "dependency_id": lambda cast: _rm_dependency(cast, member=cast.outsider).pk,
        "view_id": lambda cast: _roadmaps().saved_view_create(
            member=cast.outsider, roadmap_id=_roadmap(cast, "Other roadmap", member=cast.outsider).pk, name="Other view"
        ).pk,
        "link_id": lambda cast: _share_link(cast, member=cast.outsider).pk,
        "feed_id": lambda cast: _roadmaps().calendar_feed_create(
            member=cast.outsider, roadmap_id=_roadmap(cast, "Other roadmap", member=cast.outsider).pk
        )[0].pk,
    }
)


LIST_SCOPES.update(
    {
        f"{WS}/roadmaps": lambda ws: set(ws.roadmaps.values_list("pk", flat=True)),
        f"{WS}/roadmaps/{{roadmap_id}}/items": lambda ws: set(ws.roadmap_items.values_list("pk", flat=True)),
    }
)

# Path parameters (besides slug) of lists nested under an object, for the caller's workspace.
LIST_PARAMS: dict[str, Callable[[Any], dict]] = {
    f"{WS}/roadmaps/{{roadmap_id}}/items": lambda ws: {"roadmap_id": ws.roadmaps.order_by("pk").first().pk},
}


def _populate_roadmaps(cast):
    """One roadmap with two items in each workspace (see _populate)."""
    for member, prefix in ((_admin(cast), "Acme"), (cast.outsider, "Other")):
        roadmap = _roadmap(cast, f"{prefix} roadmap", member=member)
        for n in range(2):
            _roadmaps().item_create(member=member, roadmap_id=roadmap.pk, title=f"{prefix} item {n}", bucket="next")


_watched = {label for label, _fields in WATCHED}
WATCHED.extend(
    (label, fields)
    for label, fields in [
        ("roadmaps.Roadmap", ["workspace_id", "name", "kind", "description", "time_scale", "lane_mode", "color_by", "version"]),
        ("roadmaps.Lane", ["roadmap_id", "name", "position"]),
        ("roadmaps.RoadmapItem", ["workspace_id", "roadmap_id", "title", "lane_id", "parent_id", "start_date", "end_date", "bucket", "status", "percent_done", "team_id", "idea_id", "version"]),
        ("roadmaps.Milestone", ["workspace_id", "roadmap_id", "name", "date", "version"]),
        ("roadmaps.Dependency", ["workspace_id", "predecessor_id", "successor_id", "kind"]),
        ("roadmaps.ItemSnapshot", ["item_id", "roadmap_id", "removed"]),
        ("roadmaps.SavedView", ["roadmap_id", "name", "view", "filters"]),
        ("roadmaps.ShareLink", ["workspace_id", "name", "token_hash", "views", "expires_at", "revoked_at"]),
        ("roadmaps.CalendarFeed", ["roadmap_id", "token_hash", "revoked_at"]),
        ("ideas.Idea", ["workspace_id", "status", "version"]),  # promoted by items/from-idea
        ("ideas.Decision", ["idea_id", "kind"]),
    ]
    if label not in _watched
)



# ---------------------------------------------------------------- ideas (rows, ids, lists, watched models)
# Reads need idea.view / scoring_model.view (every member); submitting ideas, ratings and Kano answers
# needs contributor rights; editing any idea, deciding, scoring models and rounds need an editor.
# A contributor may edit their own idea while it is new (test_contributors_edit_their_own_new_ideas).


def contributor_up(ok: int) -> dict[str, int]:
    """Contributors, editors and admins may; viewers only look (403)."""
    return expect(viewer=403, contributor=ok, editor=ok, admin=ok, outsider=404)


def _ideas():
    from accord.ideas import services

    return services


IDEA_CRITERIA = [
    {"key": "value", "name": "Customer value", "role": "benefit", "weight": 60},
    {"key": "effort", "name": "Effort", "role": "cost", "weight": 40},
]


def _scorecard(cast, name="Scorecard", kind="weighted", member=None):
    """A scoring model (weighted: value and effort on 1-5; other kinds: their preset criteria)."""
    criteria = IDEA_CRITERIA if kind == "weighted" else None
    return _ideas().scoring_model_create(member=member or _admin(cast), name=name, kind=kind, criteria=criteria)


def _idea(cast, title="Dark mode", member=None):
    return _ideas().idea_create(member=member or _admin(cast), title=title, tags=["ux"])


def _scored_idea(cast, model, title="Dark mode", values=None, member=None):
    member = member or _admin(cast)
    idea = _idea(cast, title, member=member)
    _ideas().idea_set_inputs(member=member, idea_id=idea.pk, model_id=model.pk, values=values or {"value": 4, "effort": 2})
    return idea


def _round(cast, member=None, model_name="Round model"):
    member = member or _admin(cast)
    model = _scorecard(cast, model_name, member=member)
    idea = _idea(cast, "Offline mode", member=member)
    return _ideas().round_open(member=member, model_id=model.pk, title="Q3 scoring", idea_ids=[idea.pk])


def b_idea_list(cast):
    _scorecard(cast)
    _idea(cast)
    return Req(query={"q": "dark", "status": "new", "tag": "ux", "sort": "title", "limit": 10})


def b_idea_create(cast):
    team = _team(cast)
    return Req(body={"title": "Offline mode", "description": "Works *offline*", "department_id": team.pk, "tags": ["mobile"]})


def b_idea(cast):
    return Req(params={"idea_id": _idea(cast).pk})


def b_idea_patch(cast):
    idea = _idea(cast)
    return Req(params={"idea_id": idea.pk}, body={"version": idea.version, "title": "Dark mode 2", "status": "under_review"})


def b_idea_bulk(cast):
    ids = [_idea(cast, "Dark mode").pk, _idea(cast, "Light mode").pk]
    return Req(body={"idea_ids": ids, "action": "status", "status": "under_review"})


def b_idea_merge(cast):
    duplicate, survivor = _idea(cast, "Night mode"), _idea(cast, "Dark mode")
    return Req(params={"idea_id": duplicate.pk}, body={"target_id": survivor.pk})


def b_decision(cast):
    return Req(params={"idea_id": _idea(cast).pk}, body={"kind": "park", "reason": "Later", "revisit_condition": "After launch"})


def b_scores_put(cast):
    model, idea = _scorecard(cast), _idea(cast)
    return Req(params={"idea_id": idea.pk, "model_id": model.pk}, body={"values": {"value": 4, "effort": 2}})


def b_score_history(cast):
    model = _scorecard(cast)
    return Req(params={"idea_id": _scored_idea(cast, model).pk, "model_id": model.pk})


def b_parking_lot(cast):
    idea = _idea(cast)
    _ideas().decide(member=_admin(cast), idea_id=idea.pk, kind="park", reason="Later", revisit_condition="After launch")
    return Req()


def b_model_list(cast):
    _scorecard(cast)
    return Req()


def b_model_create(cast):
    return Req(body={"name": "RICE 2030", "kind": "rice", "description": "Reach, impact, confidence, effort"})


def b_model(cast):
    return Req(params={"model_id": _scorecard(cast).pk})


def b_model_patch(cast):
    model = _scorecard(cast)
    return Req(params={"model_id": model.pk}, body={"version": model.version, "description": "Weights agreed in Q3"})


def b_model_delete(cast):
    _scorecard(cast)  # the first model is the default, which cannot be deleted
    return Req(params={"model_id": _scorecard(cast, "ICE", kind="ice").pk})


def b_sensitivity(cast):
    model = _scorecard(cast)
    a = _scored_idea(cast, model, "Dark mode", {"value": 5, "effort": 3})
    b = _scored_idea(cast, model, "Offline mode", {"value": 3, "effort": 1})
    return Req(params={"model_id": model.pk}, query={"idea_a": a.pk, "idea_b": b.pk})


def b_matrix(cast):
    _idea(cast)
    return Req(params={"model_id": _scorecard(cast, "Value vs effort", kind="value_effort").pk})


def b_moscow(cast):
    model = _scorecard(cast, "MoSCoW", kind="moscow")
    _scored_idea(cast, model, "SSO", {"category": 4, "effort": 60})
    return Req(params={"model_id": model.pk})


def b_kano(cast):
    model, idea = _scorecard(cast, "Kano", kind="kano"), _idea(cast)
    return Req(
        params={"model_id": model.pk},
        body={"idea_id": idea.pk, "respondent": "Customer 1", "functional": "like", "dysfunctional": "dislike"},
    )


def b_round_list(cast):
    _round(cast)
    return Req(query={"status": "open", "limit": 10})


def b_round_create(cast):
    model, idea = _scorecard(cast), _idea(cast)
    return Req(body={"title": "Q4 scoring", "model_id": model.pk, "idea_ids": [idea.pk]})


def b_round(cast):
    return Req(params={"round_id": _round(cast).pk})


def b_ratings(cast):
    scoring_round = _round(cast)
    idea = scoring_round.ideas.get()
    return Req(params={"round_id": scoring_round.pk, "idea_id": idea.pk}, body={"values": {"value": 3, "effort": 2}})


def b_submit(cast):
    """Everyone who may rate has rated, so submitting is what remains."""
    scoring_round = _round(cast)
    idea = scoring_round.ideas.get()
    for role in ("contributor", "editor", "admin"):
        _ideas().ratings_save(member=cast.members[role], round_id=scoring_round.pk, idea_id=idea.pk, values={"value": 4})
    return Req(params={"round_id": scoring_round.pk})


def b_round_close(cast):
    scoring_round = _round(cast)
    admin = _admin(cast)
    _ideas().ratings_save(member=admin, round_id=scoring_round.pk, idea_id=scoring_round.ideas.get().pk, values={"value": 4, "effort": 2})
    _ideas().ratings_submit(member=admin, round_id=scoring_round.pk)
    return Req(params={"round_id": scoring_round.pk})


EXPECTED.update(
    {
        ("GET", f"{WS}/ideas"): Row(read(), b_idea_list),
        ("POST", f"{WS}/ideas"): Row(contributor_up(201), b_idea_create),
        ("POST", f"{WS}/ideas/bulk"): Row(editor_up(200), b_idea_bulk),
        ("GET", f"{WS}/ideas/{{idea_id}}"): Row(read(), b_idea),
        ("PATCH", f"{WS}/ideas/{{idea_id}}"): Row(editor_up(200), b_idea_patch),
        ("DELETE", f"{WS}/ideas/{{idea_id}}"): Row(editor_up(204), b_idea),
        ("POST", f"{WS}/ideas/{{idea_id}}/merge"): Row(editor_up(200), b_idea_merge),
        ("POST", f"{WS}/ideas/{{idea_id}}/decisions"): Row(editor_up(201), b_decision),
        ("PUT", f"{WS}/ideas/{{idea_id}}/scores/{{model_id}}"): Row(editor_up(200), b_scores_put),
        ("GET", f"{WS}/ideas/{{idea_id}}/scores/{{model_id}}/history"): Row(read(), b_score_history),
        ("GET", f"{WS}/parking-lot"): Row(read(), b_parking_lot),
        ("GET", f"{API}/scoring-presets"): Row(account(200)),
        ("GET", f"{API}/evidence-sources"): Row(account(200)),
        ("GET", f"{WS}/scoring-models"): Row(read(), b_model_list),
        ("POST", f"{WS}/scoring-models"): Row(editor_up(201), b_model_create),
        ("GET", f"{WS}/scoring-models/{{model_id}}"): Row(read(), b_model),
        ("PATCH", f"{WS}/scoring-models/{{model_id}}"): Row(editor_up(200), b_model_patch),
        ("DELETE", f"{WS}/scoring-models/{{model_id}}"): Row(editor_up(204), b_model_delete),
        ("GET", f"{WS}/scoring-models/{{model_id}}/sensitivity"): Row(read(), b_sensitivity),
        ("GET", f"{WS}/scoring-models/{{model_id}}/matrix"): Row(read(), b_matrix),
        ("GET", f"{WS}/scoring-models/{{model_id}}/moscow"): Row(read(), b_moscow),
        ("POST", f"{WS}/scoring-models/{{model_id}}/kano-answers"): Row(contributor_up(200), b_kano),
        ("GET", f"{WS}/rounds"): Row(read(), b_round_list),
        ("POST", f"{WS}/rounds"): Row(editor_up(201), b_round_create),
        ("GET", f"{WS}/rounds/{{round_id}}"): Row(read(), b_round),
        ("PUT", f"{WS}/rounds/{{round_id}}/ratings/{{idea_id}}"): Row(contributor_up(200), b_ratings),
        ("POST", f"{WS}/rounds/{{round_id}}/submit"): Row(contributor_up(200), b_submit),
        ("POST", f"{WS}/rounds/{{round_id}}/close"): Row(editor_up(200), b_round_close),
    }
)

FOREIGN_IDS.update(
    {
        "idea_id": lambda cast: _idea(cast, "Other idea", member=cast.outsider).pk,
        "model_id": lambda cast: _scorecard(cast, "Other model", member=cast.outsider).pk,
        "round_id": lambda cast: _round(cast, member=cast.outsider, model_name="Other round model").pk,
    }
)

LIST_SCOPES.update(
    {
        f"{WS}/ideas": lambda ws: set(ws.ideas.values_list("pk", flat=True)),
        f"{WS}/rounds": lambda ws: set(ws.scoring_rounds.values_list("pk", flat=True)),
    }
)


def _populate_ideas(cast):
    """A scoring model, ideas and a round in each workspace (see _populate)."""
    for member, prefix in ((_admin(cast), "Acme"), (cast.outsider, "Other")):
        _scorecard(cast, f"{prefix} scorecard", member=member)
        for n in range(2):
            _idea(cast, f"{prefix} idea {n}", member=member)
        _round(cast, member=member, model_name=f"{prefix} round model")


# The roadmaps block already watches ideas.Idea and ideas.Decision (a few fields): widen them.
for _label, _fields in [
    ("ideas.Idea", ["workspace_id", "title", "description", "problem", "department_id", "product_area", "submitter_id", "status", "merged_into_id", "version"]),
    ("ideas.Idea_tags", ["idea_id", "tag_id"]),
    ("ideas.Tag", ["workspace_id", "name"]),
    ("ideas.Decision", ["idea_id", "kind", "reason", "revisit_on", "revisit_condition", "decided_by_id"]),
    ("ideas.ScoringModel", ["workspace_id", "name", "kind", "description", "formula", "options", "is_default", "promote_threshold", "park_threshold", "version"]),
    ("ideas.Criterion", ["model_id", "key", "name", "role", "weight", "scale_min", "scale_max", "allowed", "position"]),
    ("ideas.ModelRevision", ["model_id", "note"]),
    ("ideas.IdeaScore", ["idea_id", "model_id", "inputs", "value", "category", "undefined_reason"]),
    ("ideas.ScoreEvent", ["idea_id", "model_id", "inputs", "value", "note"]),
    ("ideas.ScoringRound", ["workspace_id", "model_id", "title", "status", "closed_at", "version"]),
    ("ideas.ScoringRound_ideas", ["scoringround_id", "idea_id"]),
    ("ideas.Participation", ["round_id", "rater_id", "submitted_at"]),
    ("ideas.Rating", ["round_id", "idea_id", "criterion_id", "rater_id", "value"]),
    ("ideas.KanoAnswer", ["model_id", "idea_id", "respondent", "functional", "dysfunctional"]),
]:
    _known = [i for i, (label, _f) in enumerate(WATCHED) if label == _label]
    if _known:
        _old = WATCHED[_known[0]][1]
        WATCHED[_known[0]] = (_label, _old + [f for f in _fields if f not in _old])
    else:
        WATCHED.append((_label, _fields))


# ---------------------------------------------------------------- feedback (rows, ids, lists, watched models)
# Reads need feedback.view (every member); contributors capture feedback and link it; editors
# triage, edit and delete anyone's feedback, import batches and edit customers; only admins erase a
# customer. Contributors editing their own feedback: src/accord/feedback/tests/test_api.py.


def _feedback_services():
    from accord.feedback import services

    return services


def _feedback(cast, text="Please add an export to Excel.", member=None, email="ada@example.test"):
    return _feedback_services().feedback_create(
        member=member or _admin(cast), text=text, source="sales_call",
        customer={"name": "Ada Lovelace", "email": email, "company": "Analytical", "segment": "enterprise", "revenue_weight": 120},
    )


def _customer(cast, member=None, email="grace@example.test"):
    return _feedback_services().customer_create(member=member or _admin(cast), name="Grace Hopper", email=email, segment="smb")


def _feedback_link(cast, member=None):
    member = member or _admin(cast)
    fb = _feedback(cast, member=member, email=f"linked-{member.workspace.slug}@example.test")
    idea = _idea(cast, "Excel export", member=member)
    return _feedback_services().link_create(member=member, feedback_id=fb.pk, idea_id=idea.pk, quote="export to Excel")


def b_feedback_list(cast):
    _feedback(cast)
    return Req(query={"q": "excel", "status": "new", "source": "sales_call", "segment": "enterprise", "sort": "-received", "limit": 10})


def b_feedback_create(cast):
    return Req(body={"text": "The *calendar* view is slow.", "source": "support_ticket", "customer": {"name": "Bob", "email": "bob@example.test", "segment": "smb"}})


def b_feedback_batch(cast):
    customer = _customer(cast)
    return Req(body={"items": [{"text": "Dark mode please"}, {"text": "SSO with Okta", "customer_id": customer.pk, "status": "reviewed"}]})


def b_feedback_bulk(cast):
    ids = [_feedback(cast).pk, _feedback(cast, "Another one").pk]
    return Req(body={"feedback_ids": ids, "status": "archived"})


def b_feedback_export(cast):
    _feedback_link(cast)
    return Req(query={"format": "json", "linked": True})


def b_feedback(cast):
    return Req(params={"feedback_id": _feedback(cast).pk})


def b_feedback_patch(cast):
    fb = _feedback(cast)
    return Req(params={"feedback_id": fb.pk}, body={"version": fb.version, "status": "reviewed", "title": "Excel export"})


def b_link_create(cast):
    fb, idea = _feedback(cast), _idea(cast, "Excel export")
    return Req(params={"feedback_id": fb.pk}, body={"idea_id": idea.pk, "quote": "export to Excel", "importance": "critical"})


def b_link_list(cast):
    link = _feedback_link(cast)
    return Req(query={"idea_id": link.idea_id})


def b_link(cast):
    return Req(params={"feedback_link_id": _feedback_link(cast).pk})


def b_link_patch(cast):
    return Req(params={"feedback_link_id": _feedback_link(cast).pk}, body={"importance": "nice_to_have"})


def b_idea_evidence(cast):
    return Req(params={"idea_id": _feedback_link(cast).idea_id})


def b_customer_list(cast):
    _customer(cast)
    return Req(query={"q": "grace", "segment": "smb", "sort": "-revenue"})


def b_customer_create(cast):
    return Req(body={"name": "Linus", "email": "linus@example.test", "company": "Kernel", "segment": "enterprise", "revenue_weight": 300})


def b_customer(cast):
    return Req(params={"customer_id": _customer(cast).pk})


def b_customer_patch(cast):
    customer = _customer(cast)
    return Req(params={"customer_id": customer.pk}, body={"version": customer.version, "revenue_weight": 80})


EXPECTED.update(
    {
        ("GET", f"{WS}/feedback"): Row(read(), b_feedback_list),
        ("POST", f"{WS}/feedback"): Row(contributor_up(201), b_feedback_create),
        ("POST", f"{WS}/feedback/batch"): Row(contributor_up(201), b_feedback_batch),
        ("POST", f"{WS}/feedback/bulk"): Row(editor_up(200), b_feedback_bulk),
        ("GET", f"{WS}/feedback/export"): Row(read(), b_feedback_export),
        ("GET", f"{WS}/feedback/{{feedback_id}}"): Row(read(), b_feedback),
        ("PATCH", f"{WS}/feedback/{{feedback_id}}"): Row(editor_up(200), b_feedback_patch),
        ("DELETE", f"{WS}/feedback/{{feedback_id}}"): Row(editor_up(204), b_feedback),
        ("POST", f"{WS}/feedback/{{feedback_id}}/links"): Row(contributor_up(201), b_link_create),
        ("GET", f"{WS}/feedback-links"): Row(read(), b_link_list),
        ("PATCH", f"{WS}/feedback-links/{{feedback_link_id}}"): Row(editor_up(200), b_link_patch),
        ("DELETE", f"{WS}/feedback-links/{{feedback_link_id}}"): Row(editor_up(204), b_link),
        ("GET", f"{WS}/ideas/{{idea_id}}/evidence"): Row(read(), b_idea_evidence),
        ("GET", f"{WS}/customers"): Row(read(), b_customer_list),
        ("POST", f"{WS}/customers"): Row(contributor_up(201), b_customer_create),
        ("GET", f"{WS}/customers/{{customer_id}}"): Row(read(), b_customer),
        ("PATCH", f"{WS}/customers/{{customer_id}}"): Row(editor_up(200), b_customer_patch),
        ("DELETE", f"{WS}/customers/{{customer_id}}"): Row(admin_only(204), b_customer),
    }
)

FOREIGN_IDS.update(
    {
        "feedback_id": lambda cast: _feedback(cast, "Other feedback", member=cast.outsider).pk,
        "feedback_link_id": lambda cast: _feedback_link(cast, member=cast.outsider).pk,
        "customer_id": lambda cast: _customer(cast, member=cast.outsider, email="other@example.test").pk,
    }
)

LIST_SCOPES.update(
    {
        f"{WS}/feedback": lambda ws: set(ws.feedback.values_list("pk", flat=True)),
        f"{WS}/customers": lambda ws: set(ws.customers.values_list("pk", flat=True)),
        f"{WS}/feedback-links": lambda ws: set(
            apps.get_model("feedback.FeedbackLink").objects.filter(feedback__workspace=ws).values_list("pk", flat=True)
        ),
    }
)


def _populate_feedback(cast):
    """Feedback, a customer and a link in each workspace (see _populate)."""
    for member in (_admin(cast), cast.outsider):
        _customer(cast, member=member, email=f"customer-{member.workspace.slug}@example.test")
        _feedback_link(cast, member=member)


WATCHED.extend(
    [
        ("feedback.Customer", ["workspace_id", "name", "email", "company", "segment", "revenue_weight", "version"]),
        ("feedback.Feedback", ["workspace_id", "title", "text", "source", "customer_id", "captured_by_id", "status", "received_at", "version"]),
        ("feedback.FeedbackLink", ["feedback_id", "idea_id", "quote", "importance", "created_by_id"]),
    ]
)


# ---------------------------------------------------------------- feedback similarity (accord.feedback.similarity)
# Reads only, for every member (feedback.view); the idea and the feedback item must be in "acme".


def b_related_feedback(cast):
    _feedback(cast, "Dark mode for the whole app, please.")
    return Req(params={"idea_id": _idea(cast, "Dark mode").pk}, query={"limit": 5})


def b_similar_feedback(cast):
    _feedback(cast, "Please add an export to Excel!")
    return Req(params={"feedback_id": _feedback(cast).pk})


def b_feedback_themes(cast):
    for text in ("Export to Excel please.", "We need an Excel export.", "Excel export for the board."):
        _feedback(cast, text)
    return Req()


EXPECTED.update(
    {
        ("GET", f"{WS}/ideas/{{idea_id}}/related-feedback"): Row(read(), b_related_feedback),
        ("GET", f"{WS}/feedback/{{feedback_id}}/similar"): Row(read(), b_similar_feedback),
        ("GET", f"{WS}/feedback-themes"): Row(read(), b_feedback_themes),
        ("GET", f"{WS}/feedback-index"): Row(read()),
    }
)


# ---------------------------------------------------------------- portal (rows, ids, lists, watched models)
# Admin routes under /workspaces/{slug}/portal: reads need portal.view (every member), settings,
# publishing and moderation need portal.manage (admins). Public routes under /portal/{slug}/ answer
# every caller alike (public(...)); the portal of "acme" is on for them.


def _portal_services():
    from accord.portal import services

    return services


def _open_portal(cast, member=None):
    """The member's workspace portal, turned on, with one published idea; returns (portal, idea)."""
    from accord.core import ratelimit

    ratelimit.reset()  # the public routes' rate limits count per address across the calls of a test
    member = member or _admin(cast)
    portal = _portal_services().portal_update(member=member, version=1, enabled=True)
    idea = _ideas().idea_create(member=member, title=f"Portal idea of {member.workspace.slug}")
    _portal_services().idea_publish(member=member, idea_id=idea.pk)
    return portal, idea


def _portal_comment(cast, member=None):
    portal, idea = _open_portal(cast, member)
    return _portal_services().comment_create(portal=portal, idea_id=idea.pk, name="Cus", email="cus@example.test", body="+1")


def _portal_submission(cast, member=None):
    portal = _open_portal(cast, member)[0]
    return _portal_services().submission_create(portal=portal, name="Cus", email="cus@example.test", title="", text="SSO")


def b_portal_patch(cast):
    return Req(body={"version": 1, "enabled": True, "title": "Acme ideas"})


def b_portal_ideas(cast):
    _open_portal(cast)
    return Req(query={"sort": "top", "status": "open", "limit": 10})


def b_portal_publish(cast):
    return Req(params={"idea_id": _idea(cast).pk}, body={"public_title": "Night theme"})


def b_portal_unpublish(cast):
    return Req(params={"idea_id": _open_portal(cast)[1].pk})


def b_portal_comments(cast):
    _portal_comment(cast)
    return Req(query={"status": "pending"})


def b_portal_moderate_comment(cast):
    return Req(params={"comment_id": _portal_comment(cast).pk}, body={"action": "approve"})


def b_portal_submissions(cast):
    _portal_submission(cast)
    return Req(query={"status": "pending"})


def b_portal_moderate_submission(cast):
    return Req(params={"submission_id": _portal_submission(cast).pk}, body={"action": "spam"})


def b_public_idea(cast):
    return Req(params={"idea_id": _open_portal(cast)[1].pk})


def b_public_vote(cast):
    return Req(params={"idea_id": _open_portal(cast)[1].pk}, body={"email": "cus@example.test"})


def b_public_feedback(cast):
    _open_portal(cast)
    return Req(body={"email": "cus@example.test", "name": "Cus", "text": "Please add SSO"})


PORTAL = f"{WS}/portal"
EXPECTED.update(
    {
        ("GET", PORTAL): Row(read()),
        ("PATCH", PORTAL): Row(admin_only(200), b_portal_patch),
        ("GET", f"{PORTAL}/ideas"): Row(read(), b_portal_ideas),
        ("PUT", f"{PORTAL}/ideas/{{idea_id}}"): Row(admin_only(200), b_portal_publish),
        ("DELETE", f"{PORTAL}/ideas/{{idea_id}}"): Row(admin_only(204), b_portal_unpublish),
        ("GET", f"{PORTAL}/comments"): Row(admin_only(200), b_portal_comments),
        ("POST", f"{PORTAL}/comments/{{comment_id}}/moderation"): Row(admin_only(200), b_portal_moderate_comment),
        ("GET", f"{PORTAL}/submissions"): Row(admin_only(200), b_portal_submissions),
        ("POST", f"{PORTAL}/submissions/{{submission_id}}/moderation"): Row(admin_only(200), b_portal_moderate_submission),
        # public: no credentials needed, and credentials change nothing
        ("GET", f"{API}/portal/{{slug}}/ideas"): Row(public(200), b_portal_ideas),
        ("GET", f"{API}/portal/{{slug}}/ideas/{{idea_id}}"): Row(public(200), b_public_idea),
        ("POST", f"{API}/portal/{{slug}}/ideas/{{idea_id}}/votes"): Row(public(202), b_public_vote),
        ("POST", f"{API}/portal/{{slug}}/feedback"): Row(public(202), b_public_feedback),
    }
)

FOREIGN_IDS.update(
    {
        "comment_id": lambda cast: _portal_comment(cast, member=cast.outsider).pk,
        "submission_id": lambda cast: _portal_submission(cast, member=cast.outsider).pk,
    }
)

LIST_SCOPES.update(
    {
        f"{PORTAL}/ideas": lambda ws: set(ws.published_ideas.values_list("idea_id", flat=True)),
        f"{API}/portal/{{slug}}/ideas": lambda ws: set(ws.published_ideas.values_list("idea_id", flat=True)),
        f"{PORTAL}/comments": lambda ws: set(ws.portal_comments.filter(status="pending").values_list("pk", flat=True)),
        f"{PORTAL}/submissions": lambda ws: set(ws.portal_submissions.filter(status="pending").values_list("pk", flat=True)),
    }
)


def _populate_portal(cast):
    """An open portal with a published idea, a waiting comment and submission in each workspace."""
    for member in (_admin(cast), cast.outsider):
        portal, idea = _open_portal(cast, member)
        services = _portal_services()
        services.comment_create(portal=portal, idea_id=idea.pk, name="Cus", email="cus@example.test", body="+1")
        services.submission_create(portal=portal, name="Cus", email="cus@example.test", title="", text="SSO")


WATCHED.extend(
    [
        ("portal.Portal", ["workspace_id", "enabled", "title", "intro", "moderate_comments", "moderate_submissions", "version"]),
        ("portal.PublishedIdea", ["workspace_id", "idea_id", "public_title", "public_description", "version"]),
        ("portal.Contact", ["workspace_id", "email", "unsubscribed_at"]),
        ("portal.Vote", ["workspace_id", "idea_id", "contact_id", "verified_at"]),
        ("portal.PortalToken", ["contact_id", "kind", "token_hash", "used_at"]),
        ("portal.Comment", ["workspace_id", "idea_id", "status", "moderated_by_id"]),
        ("portal.Submission", ["workspace_id", "contact_id", "status", "feedback_id"]),
    ]
)


# ---------------------------------------------------------------- goals (rows, ids, lists, watched models)
# Reads need goal.view (every member); goals, key results and links need goal.manage (editors);
# measurements need measurement.record (contributors up); scoreboard links share_link.manage.


def contributor_up(ok: int) -> dict[str, int]:
    return expect(viewer=403, contributor=ok, editor=ok, admin=ok, outsider=404)


def _goals():
    from accord.goals import services

    return services


def _goal(cast, title="Grow demand", member=None):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return _goals().goal_create(
        member=member or _admin(cast), title=title, period_kind="custom",
        start_date=today - timedelta(days=30), end_date=today + timedelta(days=30),
    )  # fmt: skip


def _kr(cast, member=None):
    goal = _goal(cast, member=member)
    return _goals().key_result_create(member=member or _admin(cast), goal_id=goal.pk, name="Leads", unit="count", baseline=10, target=50)


def _yesterday() -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.localdate() - timedelta(days=1)).isoformat()


def _measurement(cast, member=None):
    from accord.goals.models import Measurement

    kr = _kr(cast, member=member)
    _goals().measurements_record(member=member or _admin(cast), rows=[{"key_result_id": kr.pk, "date": _yesterday(), "value": 12}])
    return Measurement.objects.get(key_result=kr)


def _linked_goal(cast, kind: str, member=None):
    member = member or _admin(cast)
    goal = _goal(cast, member=member)
    if kind == "idea":
        other = _idea(cast, "Aligned idea", member=member)
        _goals().goal_link_idea(member=member, goal_id=goal.pk, idea_id=other.pk)
    else:
        other = _rm_item(cast, title="Aligned item", member=member)
        _goals().goal_link_item(member=member, goal_id=goal.pk, item_id=other.pk)
    return goal, other


def b_goal(cast):
    return Req(params={"goal_id": _goal(cast).pk})


def b_goal_list(cast):
    _goal(cast)
    return Req(query={"level": "company", "limit": 10})


def b_goal_create(cast):
    return Req(body={"title": "Win mid-market", "level": "company", "period_kind": "year", "period": "2030"})


def b_goal_patch(cast):
    goal = _goal(cast)
    return Req(params={"goal_id": goal.pk}, body={"version": goal.version, "title": "Grow demand faster"})


def b_kr_create(cast):
    return Req(params={"goal_id": _goal(cast).pk}, body={"name": "NPS", "baseline": 20, "target": 40})


def b_kr(cast):
    return Req(params={"key_result_id": _kr(cast).pk})


def b_kr_patch(cast):
    kr = _kr(cast)
    return Req(params={"key_result_id": kr.pk}, body={"version": kr.version, "target": 80})


def b_measurements(cast):
    return Req(body={"measurements": [{"key_result_id": _kr(cast).pk, "date": _yesterday(), "value": 14}]})


def b_measurement(cast):
    return Req(params={"measurement_id": _measurement(cast).pk})


def b_link_idea(cast):
    return Req(params={"goal_id": _goal(cast).pk}, body={"idea_id": _idea(cast, "To align").pk})


def b_unlink_idea(cast):
    goal, idea = _linked_goal(cast, "idea")
    return Req(params={"goal_id": goal.pk, "idea_id": idea.pk})


def b_link_item(cast):
    return Req(params={"goal_id": _goal(cast).pk}, body={"item_id": _rm_item(cast, title="To align").pk})


def b_unlink_item(cast):
    goal, item = _linked_goal(cast, "item")
    return Req(params={"goal_id": goal.pk, "item_id": item.pk})


def _scoreboard_link(cast, member=None):
    return _goals().scoreboard_link_create(member=member or _admin(cast), name="Lobby")[0]


def b_scoreboard_link(cast):
    return Req(params={"scoreboard_link_id": _scoreboard_link(cast).pk})


EXPECTED.update(
    {
        ("GET", f"{WS}/goals"): Row(read(), b_goal_list),
        ("POST", f"{WS}/goals"): Row(editor_up(201), b_goal_create),
        ("GET", f"{WS}/goals/{{goal_id}}"): Row(read(), b_goal),
        ("PATCH", f"{WS}/goals/{{goal_id}}"): Row(editor_up(200), b_goal_patch),
        ("DELETE", f"{WS}/goals/{{goal_id}}"): Row(editor_up(204), b_goal),
        ("POST", f"{WS}/goals/{{goal_id}}/key-results"): Row(editor_up(201), b_kr_create),
        ("PATCH", f"{WS}/key-results/{{key_result_id}}"): Row(editor_up(200), b_kr_patch),
        ("DELETE", f"{WS}/key-results/{{key_result_id}}"): Row(editor_up(204), b_kr),
        ("GET", f"{WS}/key-results/{{key_result_id}}/measurements"): Row(read(), b_kr),
        ("POST", f"{WS}/measurements"): Row(contributor_up(201), b_measurements),
        ("DELETE", f"{WS}/measurements/{{measurement_id}}"): Row(contributor_up(204), b_measurement),
        ("POST", f"{WS}/goals/{{goal_id}}/ideas"): Row(editor_up(201), b_link_idea),
        ("DELETE", f"{WS}/goals/{{goal_id}}/ideas/{{idea_id}}"): Row(editor_up(204), b_unlink_idea),
        ("POST", f"{WS}/goals/{{goal_id}}/items"): Row(editor_up(201), b_link_item),
        ("DELETE", f"{WS}/goals/{{goal_id}}/items/{{item_id}}"): Row(editor_up(204), b_unlink_item),
        ("GET", f"{WS}/scoreboard"): Row(read(), b_goal_list),
        ("GET", f"{WS}/scoreboard-links"): Row(read(), b_scoreboard_link),
        ("POST", f"{WS}/scoreboard-links"): Row(editor_up(201), lambda cast: Req(body={"name": "Lobby screen", "refresh_seconds": 30})),
        ("DELETE", f"{WS}/scoreboard-links/{{scoreboard_link_id}}"): Row(editor_up(204), b_scoreboard_link),
    }
)

FOREIGN_IDS.update(
    {
        "goal_id": lambda cast: _goal(cast, "Other goal", member=cast.outsider).pk,
        "key_result_id": lambda cast: _kr(cast, member=cast.outsider).pk,
        "measurement_id": lambda cast: _measurement(cast, member=cast.outsider).pk,
        "scoreboard_link_id": lambda cast: _scoreboard_link(cast, member=cast.outsider).pk,
    }
)

LIST_SCOPES.update(
    {
        f"{WS}/goals": lambda ws: set(ws.goals.values_list("pk", flat=True)),
        f"{WS}/key-results/{{key_result_id}}/measurements": lambda ws: set(
            apps.get_model("goals.Measurement").objects.filter(key_result__workspace=ws).values_list("pk", flat=True)
        ),
    }
)
LIST_PARAMS[f"{WS}/key-results/{{key_result_id}}/measurements"] = lambda ws: {
    "key_result_id": ws.key_results.order_by("pk").first().pk
}


# ------------ glossary
# Reads need glossary.view (every member); proposing and flagging glossary.propose (contributors
# up); editing any term, deleting and importing glossary.manage (editors); agreeing and settling a
# review the term's owner or glossary.agree_any (admins). The builders' terms are the admin's, with
# no owner, so only admins agree them.


def _glossary():
    from accord.glossary import services

    return services


def _term(cast, name="Activation", member=None, flagged=False):
    member = member or _admin(cast)
    term = _glossary().term_create(
        member=member, name=name, synonyms=[f"{name} rate"],
        definitions={"marketing": "A trial sharing its first dashboard.", "it": "The activated_at timestamp of a trial."},
    )  # fmt: skip
    if flagged:
        term = _glossary().term_flag(member=member, term_id=term.pk, note="Two meanings")
    return term


def b_term(cast):
    return Req(params={"term_id": _term(cast).pk})


def b_term_patch(cast):
    term = _term(cast)
    return Req(params={"term_id": term.pk}, body={"version": term.version, "examples": "March"})


def b_term_agree(cast):
    term = _term(cast)
    return Req(params={"term_id": term.pk}, body={"version": term.version})


def b_term_list(cast):
    _term(cast)
    return Req(query={"status": "draft"})


def b_term_mark(cast):
    _term(cast)
    return Req(query={"text": "Our activation rate"})


GLOSSARY = f"{WS}/glossary"
EXPECTED.update(
    {
        ("GET", f"{GLOSSARY}/terms"): Row(read(), b_term_list),
        ("POST", f"{GLOSSARY}/terms"): Row(contributor_up(201), lambda cast: Req(body={"name": "Churn", "definitions": {"marketing": "Customers who leave"}})),
        ("GET", f"{GLOSSARY}/terms/{{term_id}}"): Row(read(), b_term),
        ("PATCH", f"{GLOSSARY}/terms/{{term_id}}"): Row(editor_up(200), b_term_patch),
        ("DELETE", f"{GLOSSARY}/terms/{{term_id}}"): Row(editor_up(204), b_term),
        ("POST", f"{GLOSSARY}/terms/{{term_id}}/agree"): Row(admin_only(200), b_term_agree),
        ("POST", f"{GLOSSARY}/terms/{{term_id}}/flag"): Row(contributor_up(200), lambda cast: Req(params={"term_id": _term(cast).pk}, body={"note": "They disagree"})),
        ("POST", f"{GLOSSARY}/terms/{{term_id}}/review"): Row(admin_only(200), lambda cast: Req(params={"term_id": _term(cast, flagged=True).pk}, body={"note": "Settled"})),
        ("POST", f"{GLOSSARY}/import"): Row(editor_up(201), lambda cast: Req(body={"csv": "name,marketing\nUptime,Share of the month the app works\n"})),
        ("GET", f"{GLOSSARY}/export"): Row(read(), b_term),
        ("GET", f"{GLOSSARY}/mark"): Row(read(), b_term_mark),
    }
)  # fmt: skip
FOREIGN_IDS["term_id"] = lambda cast: _term(cast, "Other term", member=cast.outsider).pk
LIST_SCOPES[f"{GLOSSARY}/terms"] = lambda ws: set(ws.glossary_terms.values_list("pk", flat=True))


def _populate_glossary(cast):
    """A term in each workspace (see _populate)."""
    for member in (_admin(cast), cast.outsider):
        _term(cast, f"Term of {member.workspace.slug}", member=member)


WATCHED.extend(
    [
        ("glossary.Term", ["workspace_id", "name", "synonyms", "definitions", "examples", "owner_id", "status", "flag_note", "needs_review", "version"]),
        ("glossary.TermName", ["workspace_id", "term_id", "key"]),
        ("glossary.Term_related", ["from_term_id", "to_term_id"]),
        ("glossary.GlossaryState", ["workspace_id", "version", "stamp"]),
    ]
)  # fmt: skip


# ---------------------------------------------------------------- roles (rows, ids, lists, watched models)


def _roles_ws(cast, member=None):
    """The default roles of the member's workspace (seeded lazily), by key."""
    from accord.roles import services as rs
    from accord.roles.models import RoleDefinition

    member = member or _admin(cast)
    rs.ensure_defaults(member.workspace)
    return {r.key: r for r in RoleDefinition.objects.filter(workspace=member.workspace)}


def _raci_initiative(cast, member=None, name="Reporting 2.0"):
    from accord.roles.testing import initiative

    return initiative((member or _admin(cast)).workspace, name)


def _raci_person(cast, member=None):
    member = member or _admin(cast)
    return _services().person_create(member=member, name="Rae Raci")


def _raci_activity(cast, member=None):
    from accord.roles import services as rs

    member = member or _admin(cast)
    return rs.activity_create(member=member, initiative_id=_raci_initiative(cast, member).pk, name="Positioning", skills=["positioning"])


def _raci_assignment(cast, member=None):
    from accord.roles import services as rs

    member = member or _admin(cast)
    role = _roles_ws(cast, member)["product-owner"]
    return rs.assignment_create(member=member, initiative_id=_raci_initiative(cast, member).pk, role_id=role.pk,
                                person_id=_raci_person(cast, member).pk)  # fmt: skip


def _role_pair(cast, member=None):
    from accord.roles import services as rs

    member = member or _admin(cast)
    roles = _roles_ws(cast, member)
    return rs.pair_create(member=member, role_a_id=roles["channel-marketing"].pk, role_b_id=roles["product-analyst"].pk)


def b_roles(cast):
    _roles_ws(cast)
    return Req()


def b_role(cast):
    return Req(params={"role_id": _roles_ws(cast)["channel-marketing"].pk})


def b_role_patch(cast):
    role = _roles_ws(cast)["channel-marketing"]
    return Req(params={"role_id": role.pk}, body={"version": role.version, "description": "Copy, social, PR and ads."})


def b_role_pair_create(cast):
    roles = _roles_ws(cast)
    return Req(body={"role_a_id": roles["product-designer"].pk, "role_b_id": roles["it-operations"].pk, "reason": "Test"})


def b_role_settings_patch(cast):
    from accord.roles import services as rs

    return Req(body={"version": rs.ensure_defaults(cast.workspace).version, "load_threshold": 9})


def b_raci(cast):
    activity = _raci_activity(cast)
    return Req(params={"initiative_id": activity.initiative_id})


def b_raci_suggestions(cast):
    activity = _raci_activity(cast)
    return Req(params={"initiative_id": activity.initiative_id}, query={"activity_id": activity.pk})


def b_raci_assignment_create(cast):
    return Req(params={"initiative_id": _raci_initiative(cast).pk},
               body={"role_id": _roles_ws(cast)["scrum-master"].pk, "person_id": _raci_person(cast).pk})  # fmt: skip


def b_raci_assignment(cast):
    a = _raci_assignment(cast)
    return Req(params={"initiative_id": a.initiative_id, "assignment_id": a.pk})


def b_raci_activity_create(cast):
    return Req(params={"initiative_id": _raci_initiative(cast).pk}, body={"name": "Pitch deck", "skills": ["messaging"]})


def b_raci_activity(cast):
    a = _raci_activity(cast)
    return Req(params={"initiative_id": a.initiative_id, "activity_id": a.pk})


def b_raci_activity_patch(cast):
    a = _raci_activity(cast)
    return Req(params={"initiative_id": a.initiative_id, "activity_id": a.pk}, body={"version": a.version, "name": "Pitch"})


def b_raci_cells(cast):
    a = _raci_activity(cast)
    return Req(params={"initiative_id": a.initiative_id},
               body={"cells": [{"activity_id": a.pk, "person_id": _raci_person(cast).pk, "value": "A"}]})  # fmt: skip


RACI = f"{WS}/initiatives/{{initiative_id}}/raci"

EXPECTED.update(
    {
        ("GET", f"{WS}/roles"): Row(read(), b_roles),
        ("POST", f"{WS}/roles"): Row(admin_only(201), lambda cast: Req(body={"name": "Growth marketer", "department": "marketing"})),
        ("GET", f"{WS}/roles/{{role_id}}"): Row(read(), b_role),
        ("PATCH", f"{WS}/roles/{{role_id}}"): Row(admin_only(200), b_role_patch),
        ("DELETE", f"{WS}/roles/{{role_id}}"): Row(admin_only(204), b_role),
        ("GET", f"{WS}/role-pairs"): Row(read(), b_roles),
        ("POST", f"{WS}/role-pairs"): Row(admin_only(201), b_role_pair_create),
        ("DELETE", f"{WS}/role-pairs/{{pair_id}}"): Row(admin_only(204), lambda cast: Req(params={"pair_id": _role_pair(cast).pk})),
        ("GET", f"{WS}/role-settings"): Row(read(), b_roles),
        ("PATCH", f"{WS}/role-settings"): Row(admin_only(200), b_role_settings_patch),
        ("GET", RACI): Row(read(), b_raci),
        ("POST", f"{RACI}/assignments"): Row(editor_up(201), b_raci_assignment_create),
        ("DELETE", f"{RACI}/assignments/{{assignment_id}}"): Row(editor_up(204), b_raci_assignment),
        ("POST", f"{RACI}/activities"): Row(editor_up(201), b_raci_activity_create),
        ("PATCH", f"{RACI}/activities/{{activity_id}}"): Row(editor_up(200), b_raci_activity_patch),
        ("DELETE", f"{RACI}/activities/{{activity_id}}"): Row(editor_up(204), b_raci_activity),
        ("POST", f"{RACI}/cells"): Row(editor_up(200), b_raci_cells),
        ("GET", f"{RACI}/checks"): Row(read(), b_raci),
        ("GET", f"{RACI}/suggestions"): Row(read(), b_raci_suggestions),
        ("GET", f"{RACI}/map.svg"): Row(read(), b_raci),
        ("GET", f"{RACI}/map.png"): Row(read(), b_raci),
    }
)

FOREIGN_IDS.update(
    {
        "role_id": lambda cast: _roles_ws(cast, cast.outsider)["product-owner"].pk,
        "pair_id": lambda cast: _role_pair(cast, cast.outsider).pk,
        # The initiatives app may name this too: both create an initiative of "other".
        "initiative_id": lambda cast: _raci_initiative(cast, cast.outsider, "Other initiative").pk,
        "activity_id": lambda cast: _raci_activity(cast, cast.outsider).pk,
        "assignment_id": lambda cast: _raci_assignment(cast, cast.outsider).pk,
    }
)

WATCHED.extend(
    [
        ("roles.RoleDefinition", ["workspace_id", "key", "name", "department", "description", "parent_id", "version"]),
        ("roles.IncompatiblePair", ["workspace_id", "role_a_id", "role_b_id", "reason"]),
        ("roles.RoleSettings", ["workspace_id", "load_threshold", "version"]),
        ("roles.RoleAssignment", ["initiative_id", "role_id", "person_id"]),
        ("roles.Activity", ["initiative_id", "stage_id", "name", "skills", "gate_approval", "version"]),
        ("roles.RaciCell", ["activity_id", "person_id", "role_id", "value"]),
    ]
)


# ------------ capacity (rows, ids, lists, watched models)
# Reads need capacity.view (every member); capacity, efforts, scenarios and solves capacity.manage
# (editors); applying a plan to a roadmap (and undoing it) also roadmap.manage.


def _capacity():
    from accord.capacity import services

    return services


def _cap_world(cast, member=None, name="Scenario"):
    """A team with capacity in one period, an idea with effort, a scenario: (team, period, idea, scenario)."""
    from datetime import date

    member = member or _admin(cast)
    cap = _capacity()
    team = _services().team_create(member=member, name=f"{name} team")
    period = cap.period_create(member=member, name=f"{name} Q1", start_date=date(2031 + sum(map(ord, name)) % 97, 1, 1), end_date=date(2031 + sum(map(ord, name)) % 97, 3, 31))
    cap.capacity_set(member=member, team_id=team.pk, period_id=period.pk, people=2, days_per_person=60)
    idea = _idea(cast, f"{name} idea", member=member)
    cap.effort_set(member=member, idea_id=idea.pk, team_id=team.pk, person_days=20)
    scenario = cap.scenario_create(member=member, name=name, time_limit=2)
    return team, period, idea, scenario


def _cap_plan(cast, member=None, name="Planned", done=True):
    from accord.capacity.tasks import run_plan

    member = member or _admin(cast)
    *_, scenario = _cap_world(cast, member=member, name=name)
    run = _capacity().solve(member=member, scenario_id=scenario.pk)
    if done:
        run_plan(run.pk)
    return run


def _cap_applied(cast, member=None):
    member = member or _admin(cast)
    run = _cap_plan(cast, member=member, name="Applied")
    roadmap = _roadmap(cast, name="Applied roadmap", member=member)
    return _capacity().apply(member=member, run_id=run.pk, roadmap_id=roadmap.pk)


def b_cap_period(cast):
    return Req(body={"name": "2040-Q1", "start_date": "2040-01-01", "end_date": "2040-03-31"})


def b_cap_set(cast):
    team, period, *_ = _cap_world(cast)
    return Req(body={"team_id": team.pk, "period_id": period.pk, "people": 3, "days_per_person": 58, "holidays": 4})


def b_cap_import(cast):
    team, period, *_ = _cap_world(cast)
    return Req(body={"csv": f"team,period,people,days_per_person,holidays\n{team.name},{period.name},3,60,5\n"})


def b_cap_effort(cast):
    team, _period, *_ = _cap_world(cast)
    return Req(body={"idea_id": _idea(cast, "Needs effort").pk, "team_id": team.pk, "person_days": 12.5, "periods": 1})


def _cap_effort(cast, member=None):
    from accord.capacity.models import Effort

    _team, _period, idea, _scenario = _cap_world(cast, member=member, name="With effort")
    return Effort.objects.get(idea=idea)


def b_cap_effort_delete(cast):
    return Req(params={"effort_id": _cap_effort(cast).pk})


def b_scenario(cast):
    return Req(params={"scenario_id": _cap_world(cast)[3].pk})


def b_scenario_patch(cast):
    scenario = _cap_world(cast)[3]
    return Req(params={"scenario_id": scenario.pk}, body={"version": scenario.version, "discount": 5})


def b_scenario_copy(cast):
    return Req(params={"scenario_id": _cap_world(cast)[3].pk}, body={"name": "Copy of it"})


def b_scenario_change(cast):
    team, period, _, scenario = _cap_world(cast)
    return Req(params={"scenario_id": scenario.pk}, body={"team_id": team.pk, "period_id": period.pk, "people": 1})


def b_constraint_add(cast):
    _team, period, idea, scenario = _cap_world(cast)
    return Req(params={"scenario_id": scenario.pk}, body={"kind": "earliest", "idea_id": idea.pk, "period_id": period.pk})


def _cap_constraint(cast, member=None):
    member = member or _admin(cast)
    _team, period, idea, scenario = _cap_world(cast, member=member, name="Constrained")
    return _capacity().constraint_add(member=member, scenario_id=scenario.pk, kind="deadline", idea_id=idea.pk, period_id=period.pk)


def b_constraint_delete(cast):
    con = _cap_constraint(cast)
    return Req(params={"scenario_id": con.scenario_id, "constraint_id": con.pk})


def b_plan(cast):
    return Req(params={"plan_id": _cap_plan(cast).pk})


def b_plan_cancel(cast):
    return Req(params={"plan_id": _cap_plan(cast, done=False).pk})


def b_plan_apply(cast):
    return Req(params={"plan_id": _cap_plan(cast).pk}, body={"roadmap_id": _roadmap(cast, name="Target roadmap").pk})


def b_plan_compare(cast):
    return Req(query={"a": _cap_plan(cast, name="A").pk, "b": _cap_plan(cast, name="B").pk})


def b_undo(cast):
    return Req(params={"application_id": _cap_applied(cast).pk})


EXPECTED.update(
    {
        ("GET", f"{WS}/capacity"): Row(read(), lambda cast: (_cap_world(cast), Req())[1]),
        ("POST", f"{WS}/capacity"): Row(editor_up(200), b_cap_set),
        ("GET", f"{WS}/capacity/periods"): Row(read()),
        ("POST", f"{WS}/capacity/periods"): Row(editor_up(201), b_cap_period),
        ("POST", f"{WS}/capacity/import"): Row(editor_up(200), b_cap_import),
        ("PUT", f"{WS}/capacity/teams/{{team_id}}/unit"): Row(editor_up(200), lambda cast: Req(params={"team_id": _cap_world(cast)[0].pk}, body={"unit": "points"})),
        ("GET", f"{WS}/capacity/efforts"): Row(read()),
        ("POST", f"{WS}/capacity/efforts"): Row(editor_up(201), b_cap_effort),
        ("DELETE", f"{WS}/capacity/efforts/{{effort_id}}"): Row(editor_up(204), b_cap_effort_delete),
        ("GET", f"{WS}/scenarios"): Row(read()),
        ("POST", f"{WS}/scenarios"): Row(editor_up(201), lambda cast: Req(body={"name": "What if", "discount": 2})),
        ("GET", f"{WS}/scenarios/{{scenario_id}}"): Row(read(), b_scenario),
        ("PATCH", f"{WS}/scenarios/{{scenario_id}}"): Row(editor_up(200), b_scenario_patch),
        ("DELETE", f"{WS}/scenarios/{{scenario_id}}"): Row(editor_up(204), b_scenario),
        ("POST", f"{WS}/scenarios/{{scenario_id}}/copy"): Row(editor_up(201), b_scenario_copy),
        ("POST", f"{WS}/scenarios/{{scenario_id}}/capacity-changes"): Row(editor_up(200), b_scenario_change),
        ("POST", f"{WS}/scenarios/{{scenario_id}}/constraints"): Row(editor_up(201), b_constraint_add),
        ("DELETE", f"{WS}/scenarios/{{scenario_id}}/constraints/{{constraint_id}}"): Row(editor_up(204), b_constraint_delete),
        ("POST", f"{WS}/scenarios/{{scenario_id}}/solve"): Row(editor_up(202), b_scenario),
        ("GET", f"{WS}/plans"): Row(read()),
        ("GET", f"{WS}/plans/compare"): Row(read(), b_plan_compare),
        ("GET", f"{WS}/plans/{{plan_id}}"): Row(read(), b_plan),
        ("POST", f"{WS}/plans/{{plan_id}}/cancel"): Row(editor_up(200), b_plan_cancel),
        ("POST", f"{WS}/plans/{{plan_id}}/apply"): Row(editor_up(201), b_plan_apply),
        ("POST", f"{WS}/plans/applications/{{application_id}}/undo"): Row(editor_up(200), b_undo),
    }
)

FOREIGN_IDS.update(
    {
        "effort_id": lambda cast: _cap_effort(cast, member=cast.outsider).pk,
        "scenario_id": lambda cast: _cap_world(cast, member=cast.outsider, name="Other scenario")[3].pk,
        "constraint_id": lambda cast: _cap_constraint(cast, member=cast.outsider).pk,
        "plan_id": lambda cast: _cap_plan(cast, member=cast.outsider, name="Other plan").pk,
        "application_id": lambda cast: _cap_applied(cast, member=cast.outsider).pk,
    }
)

LIST_SCOPES.update(
    {
        f"{WS}/capacity/periods": lambda ws: set(apps.get_model("capacity.Period").objects.filter(workspace=ws).values_list("pk", flat=True)),
        f"{WS}/capacity/efforts": lambda ws: set(apps.get_model("capacity.Effort").objects.filter(workspace=ws).values_list("pk", flat=True)),
        f"{WS}/scenarios": lambda ws: set(apps.get_model("capacity.Scenario").objects.filter(workspace=ws).values_list("pk", flat=True)),
        f"{WS}/plans": lambda ws: set(apps.get_model("capacity.PlanRun").objects.filter(workspace=ws).values_list("pk", flat=True)),
    }
)


def _populate_capacity(cast):
    """A solved scenario in each workspace (see _populate)."""
    for member in (_admin(cast), cast.outsider):
        _cap_plan(cast, member=member, name="Populated")


WATCHED.extend(
    [
        ("capacity.Period", ["workspace_id", "name", "start_date", "end_date"]),
        ("capacity.TeamCapacity", ["team_id", "period_id", "people", "days_per_person", "holidays", "version"]),
        ("capacity.TeamUnit", ["team_id", "unit"]),
        ("capacity.Effort", ["idea_id", "item_id", "team_id", "person_days", "periods"]),
        ("capacity.Scenario", ["workspace_id", "name", "discount", "time_limit", "version"]),
        ("capacity.CapacityChange", ["scenario_id", "team_id", "period_id", "people", "person_days"]),
        ("capacity.Constraint", ["scenario_id", "kind", "idea_id", "period_id", "share", "scope"]),
        ("capacity.PlanRun", ["scenario_id", "status", "cancel_requested"]),
        ("capacity.Application", ["run_id", "roadmap_id", "undone_at"]),
    ]
)


# ------------ playbooks
# Reads need playbook.view (every member). Playbooks need playbook.manage (editors); runs and their
# steps playbook.run (contributors up; a step only by its owners, the run's starter or an editor);
# post-mortems and action items postmortem.write (contributors up; deleting one: editors).
_PB_NAMES = iter(range(1, 1_000_000))
PB_STEPS = [
    {"title": "Brief support", "owner_role": "support", "expected_minutes": 30},
    {"title": "Post the notice", "owner_role": "marketing", "condition": "tier == 1"},
]


def _pb():
    from accord.playbooks import services

    return services


def _pm():
    from accord.playbooks import postmortems

    return postmortems


def _playbook(cast, member=None):
    member = member or _admin(cast)
    return _pb().playbook_create(member=member, name=f"Incident response {next(_PB_NAMES)}", kind="incident", body="Stay calm.", steps=PB_STEPS)


def _pb_run(cast, member=None):
    member = member or _admin(cast)
    return _pb().run_start(member=member, playbook_id=_playbook(cast, member).pk, subject_kind="incident", subject_ref="Login errors")


def _postmortem(cast, member=None):
    return _pm().postmortem_create(member=member or _admin(cast), subject_kind="incident", subject_ref="Login errors", impact="Slow logins")


def _action_item(cast, member=None):
    member = member or _admin(cast)
    return _pm().action_item_create(member=member, postmortem_id=_postmortem(cast, member).pk, title="Alert on login latency")


def b_pb(cast):
    return Req(params={"playbook_id": _playbook(cast).pk})


def b_pb_patch(cast):
    pb = _playbook(cast)
    return Req(params={"playbook_id": pb.pk}, body={"version": pb.version, "body": "Stay calm; write it down.", "note": "Notes"})


def b_pb_diff(cast):
    pb = _playbook(cast)
    _pb().playbook_update(member=_admin(cast), playbook_id=pb.pk, version=pb.version, body="Version two.")
    return Req(params={"playbook_id": pb.pk}, query={"from_version": 1, "to_version": 2})


def b_run_create(cast):
    body = {"playbook_id": _playbook(cast).pk, "subject_kind": "incident", "subject_ref": "Login errors", "fields": {"tier": 1}}
    return Req(body=body)


def b_run(cast):
    return Req(params={"run_id": _pb_run(cast).pk})


def b_run_step(cast):
    """The contributor is in a support team, so the run's first step is theirs to check off."""
    run = _pb_run(cast)
    team = _services().team_create(member=_admin(cast), name="Support desk", kind="support")
    person = cast.workspace.people.get(user=cast.members["contributor"].user)
    _services().person_update(member=_admin(cast), person_id=person.pk, version=person.version, team_ids=[team.pk])
    return Req(params={"run_id": run.pk, "run_step_id": run.steps.get(position=0).pk}, body={"done": True, "note": "Told them"})


def b_pm(cast):
    return Req(params={"postmortem_id": _postmortem(cast).pk})


def b_pm_create(cast):
    timeline = [{"at": "2026-03-01T10:00:00Z", "text": "Alerts fired"}]
    return Req(body={"subject_kind": "incident", "subject_ref": "Checkout outage", "timeline": timeline})


def b_pm_patch(cast):
    post = _postmortem(cast)
    return Req(params={"postmortem_id": post.pk}, body={"version": post.version, "went_well": "A quick rollback."})


def b_ai_create(cast):
    return Req(params={"postmortem_id": _postmortem(cast).pk}, body={"title": "Add a login alert", "due_date": "2030-01-31"})


def b_ai(cast):
    item = _action_item(cast)
    return Req(params={"postmortem_id": item.postmortem_id, "action_item_id": item.pk})


def b_ai_patch(cast):
    req = b_ai(cast)
    req.body = {"version": 1, "done": True}
    return req


def b_ai_convert(cast):
    req = b_ai(cast)
    req.body = {"to": "idea"}
    return req


PB = f"{WS}/playbooks"
PR = f"{WS}/playbook-runs"
PM = f"{WS}/postmortems"
EXPECTED.update(
    {
        ("GET", PB): Row(read(), b_pb),
        ("POST", PB): Row(editor_up(201), lambda cast: Req(body={"name": "Release train", "kind": "release", "steps": PB_STEPS})),
        ("GET", f"{PB}/{{playbook_id}}"): Row(read(), b_pb),
        ("PATCH", f"{PB}/{{playbook_id}}"): Row(editor_up(200), b_pb_patch),
        ("DELETE", f"{PB}/{{playbook_id}}"): Row(editor_up(204), b_pb),
        ("GET", f"{PB}/{{playbook_id}}/versions/{{version_number}}"): Row(
            read(), lambda cast: Req(params={"playbook_id": _playbook(cast).pk, "version_number": 1})
        ),
        ("GET", f"{PB}/{{playbook_id}}/diff"): Row(read(), b_pb_diff),
        ("GET", PR): Row(read(), b_run),
        ("POST", PR): Row(contributor_up(201), b_run_create),
        ("GET", f"{PR}/{{run_id}}"): Row(read(), b_run),
        ("DELETE", f"{PR}/{{run_id}}"): Row(editor_up(204), b_run),
        ("PATCH", f"{PR}/{{run_id}}/steps/{{run_step_id}}"): Row(contributor_up(200), b_run_step),
        ("GET", PM): Row(read(), b_pm),
        ("POST", PM): Row(contributor_up(201), b_pm_create),
        ("GET", f"{PM}/{{postmortem_id}}"): Row(read(), b_pm),
        ("PATCH", f"{PM}/{{postmortem_id}}"): Row(contributor_up(200), b_pm_patch),
        ("DELETE", f"{PM}/{{postmortem_id}}"): Row(editor_up(204), b_pm),
        ("POST", f"{PM}/{{postmortem_id}}/action-items"): Row(contributor_up(201), b_ai_create),
        ("PATCH", f"{PM}/{{postmortem_id}}/action-items/{{action_item_id}}"): Row(contributor_up(200), b_ai_patch),
        ("DELETE", f"{PM}/{{postmortem_id}}/action-items/{{action_item_id}}"): Row(contributor_up(204), b_ai),
        ("POST", f"{PM}/{{postmortem_id}}/action-items/{{action_item_id}}/convert"): Row(contributor_up(201), b_ai_convert),
    }
)

FOREIGN_IDS.update(
    {
        "playbook_id": lambda cast: _playbook(cast, member=cast.outsider).pk,
        "version_number": lambda cast: _playbook(cast, member=cast.outsider).version,
        "run_id": lambda cast: _pb_run(cast, member=cast.outsider).pk,
        "run_step_id": lambda cast: _pb_run(cast, member=cast.outsider).steps.first().pk,
        "postmortem_id": lambda cast: _postmortem(cast, member=cast.outsider).pk,
        "action_item_id": lambda cast: _action_item(cast, member=cast.outsider).pk,
    }
)

LIST_SCOPES.update(
    {
        PB: lambda ws: set(ws.playbooks.values_list("pk", flat=True)),
        PR: lambda ws: set(ws.playbook_runs.values_list("pk", flat=True)),
        PM: lambda ws: set(ws.postmortems.values_list("pk", flat=True)),
    }
)


def _populate_playbooks(cast):
    """A run and a post-mortem with an action item in each workspace (see _populate)."""
    for member in (_admin(cast), cast.outsider):
        _pb_run(cast, member=member)
        _action_item(cast, member=member)


WATCHED.extend(
    [
        ("playbooks.Playbook", ["workspace_id", "name", "kind", "version"]),
        ("playbooks.PlaybookVersion", ["playbook_id", "number", "body", "steps"]),
        ("playbooks.PlaybookRun", ["workspace_id", "playbook_id", "playbook_version_id", "title", "finished_at"]),
        ("playbooks.RunStep", ["run_id", "due_at", "done_at", "note", "version"]),
        ("playbooks.PostMortem", ["workspace_id", "title", "impact", "went_well", "timeline", "version"]),
        ("playbooks.ActionItem", ["postmortem_id", "title", "owner_id", "due_date", "done_at", "idea_id", "roadmap_item_id", "version"]),
    ]
)


# ------------ initiatives
# Reads need initiative.view (every member); initiatives, links, gate criteria and signers and moves
# need initiative.manage (editors); ticking criteria gate.check (contributors up); signing needs
# gate.sign and being asked (the builders ask every member); stages lifecycle.manage (admins).


def _initiatives():
    from accord.initiatives import services

    return services


def _lifecycle():
    from accord.initiatives import lifecycle

    return lifecycle


def _stage_of(member, key):
    from accord.initiatives.lifecycle import ensure_stages

    return next(s for s in ensure_stages(member.workspace_id) if s.key == key)


def _initiative(cast, name="Lumen 2.0", member=None, key="discovery"):
    member = member or _admin(cast)
    return _initiatives().initiative_create(member=member, name=name, stage_id=_stage_of(member, key).pk)


def _own_person(member):
    from accord.initiatives.services import person_of

    return person_of(member)


def _asked_everyone(cast, sign=False):
    initiative = _initiative(cast)
    for role in MEMBER_ROLES:
        signer = _initiatives().signer_add(member=_admin(cast), initiative_id=initiative.pk, person_id=_own_person(cast.members[role]).pk)
        if sign:
            _initiatives().gate_sign(member=cast.members[role], initiative_id=initiative.pk)
    return initiative, signer


def _gate_criterion(cast, member=None, met=False):
    member = member or _admin(cast)
    initiative = _initiative(cast, member=member)
    criterion = initiative.criteria.first()
    if met:
        _initiatives().criterion_check(member=member, criterion_id=criterion.pk)
    return criterion


def _gate_signer(cast, member=None):
    member = member or _admin(cast)
    initiative = _initiative(cast, member=member)
    return _initiatives().signer_add(member=member, initiative_id=initiative.pk, person_id=_own_person(member).pk)


def _spare_stage(cast, member=None):
    member = member or _admin(cast)
    return _lifecycle().stage_create(member=member, name="Spare stage")


def _linked_initiative(cast, link):
    initiative = _initiative(cast)
    other = {"idea": lambda: _idea(cast, "Grouped idea"), "roadmap_item": lambda: _rm_item(cast, title="Grouped item"),
             "goal": lambda: _goal(cast, "Grouped goal")}[link]()  # fmt: skip
    _initiatives().initiative_link(member=_admin(cast), initiative_id=initiative.pk, link=link, object_id=other.pk)
    return initiative, other


def b_initiative(cast):
    return Req(params={"initiative_id": _initiative(cast).pk})


def b_initiative_patch(cast):
    initiative = _initiative(cast)
    return Req(params={"initiative_id": initiative.pk}, body={"version": initiative.version, "name": "Lumen 2.1"})


def b_initiative_list(cast):
    _initiative(cast)
    return Req(query={"kind": "product", "limit": 10})


def b_stage(cast):
    return Req(params={"stage_id": _spare_stage(cast).pk})


def b_stage_patch(cast):
    stage = _spare_stage(cast)
    return Req(params={"stage_id": stage.pk}, body={"version": stage.version, "name": "Beta", "criteria": ["Ten users"]})


def b_move(cast):
    initiative = _initiative(cast, key="build")
    return Req(params={"initiative_id": initiative.pk}, body={"to_stage_id": _stage_of(_admin(cast), "discovery").pk})


def b_link(link, field):
    def build(cast):
        other = {"idea": lambda: _idea(cast, "To group"), "item": lambda: _rm_item(cast, title="To group"),
                 "goal": lambda: _goal(cast, "To group")}[link]()  # fmt: skip
        return Req(params={"initiative_id": _initiative(cast).pk}, body={field: other.pk})

    return build


def b_unlink(link, param):
    def build(cast):
        initiative, other = _linked_initiative(cast, link)
        return Req(params={"initiative_id": initiative.pk, param: other.pk})

    return build


def b_criterion_add(cast):
    return Req(params={"initiative_id": _initiative(cast).pk}, body={"text": "Legal review done"})


def b_gate_criterion(cast):
    return Req(params={"gate_criterion_id": _gate_criterion(cast).pk})


def b_gate_criterion_patch(cast):
    return Req(params={"gate_criterion_id": _gate_criterion(cast).pk}, body={"text": "Reworded"})


def b_check(cast):
    return Req(params={"gate_criterion_id": _gate_criterion(cast).pk}, body={"evidence": "https://wiki.example/x"})


def b_uncheck(cast):
    return Req(params={"gate_criterion_id": _gate_criterion(cast, met=True).pk})


def b_signer_add(cast):
    return Req(params={"initiative_id": _initiative(cast).pk}, body={"person_id": _person(cast).pk})


def b_gate_signer(cast):
    return Req(params={"gate_signer_id": _gate_signer(cast).pk})


def b_sign(cast):
    return Req(params={"initiative_id": _asked_everyone(cast)[0].pk}, body={"comment": "Go"})


def b_unsign(cast):
    return Req(params={"initiative_id": _asked_everyone(cast, sign=True)[0].pk})


I_WS = f"{WS}/initiatives/{{initiative_id}}"
EXPECTED.update(
    {
        ("GET", f"{WS}/lifecycle-stages"): Row(read()),
        ("POST", f"{WS}/lifecycle-stages"): Row(admin_only(201), lambda cast: Req(body={"name": "Beta", "color": "#0369a1"})),
        ("PATCH", f"{WS}/lifecycle-stages/{{stage_id}}"): Row(admin_only(200), b_stage_patch),
        ("DELETE", f"{WS}/lifecycle-stages/{{stage_id}}"): Row(admin_only(204), b_stage),
        ("GET", f"{WS}/initiatives"): Row(read(), b_initiative_list),
        ("POST", f"{WS}/initiatives"): Row(editor_up(201), lambda cast: Req(body={"name": "Spring campaign", "kind": "campaign"})),
        ("GET", f"{WS}/initiative-portfolio"): Row(read(), b_initiative_list),
        ("GET", I_WS): Row(read(), b_initiative),
        ("PATCH", I_WS): Row(editor_up(200), b_initiative_patch),
        ("DELETE", I_WS): Row(editor_up(204), b_initiative),
        ("POST", f"{I_WS}/move"): Row(editor_up(200), b_move),
        ("POST", f"{I_WS}/ideas"): Row(editor_up(201), b_link("idea", "idea_id")),
        ("DELETE", f"{I_WS}/ideas/{{idea_id}}"): Row(editor_up(204), b_unlink("idea", "idea_id")),
        ("POST", f"{I_WS}/items"): Row(editor_up(201), b_link("item", "item_id")),
        ("DELETE", f"{I_WS}/items/{{item_id}}"): Row(editor_up(204), b_unlink("roadmap_item", "item_id")),
        ("POST", f"{I_WS}/goals"): Row(editor_up(201), b_link("goal", "goal_id")),
        ("DELETE", f"{I_WS}/goals/{{goal_id}}"): Row(editor_up(204), b_unlink("goal", "goal_id")),
        ("POST", f"{I_WS}/gate/criteria"): Row(editor_up(201), b_criterion_add),
        ("PATCH", f"{WS}/gate-criteria/{{gate_criterion_id}}"): Row(editor_up(200), b_gate_criterion_patch),
        ("DELETE", f"{WS}/gate-criteria/{{gate_criterion_id}}"): Row(editor_up(204), b_gate_criterion),
        ("POST", f"{WS}/gate-criteria/{{gate_criterion_id}}/check"): Row(contributor_up(200), b_check),
        ("DELETE", f"{WS}/gate-criteria/{{gate_criterion_id}}/check"): Row(contributor_up(200), b_uncheck),
        ("POST", f"{I_WS}/gate/signers"): Row(editor_up(201), b_signer_add),
        ("DELETE", f"{WS}/gate-signers/{{gate_signer_id}}"): Row(editor_up(204), b_gate_signer),
        ("POST", f"{I_WS}/gate/signature"): Row(read(201), b_sign),
        ("DELETE", f"{I_WS}/gate/signature"): Row(read(200), b_unsign),
    }
)

FOREIGN_IDS.update(
    {
        "stage_id": lambda cast: _spare_stage(cast, member=cast.outsider).pk,
        "initiative_id": lambda cast: _initiative(cast, "Other initiative", member=cast.outsider).pk,
        "gate_criterion_id": lambda cast: _gate_criterion(cast, member=cast.outsider).pk,
        "gate_signer_id": lambda cast: _gate_signer(cast, member=cast.outsider).pk,
    }
)

LIST_SCOPES[f"{WS}/initiatives"] = lambda ws: set(ws.initiatives.filter(archived_at__isnull=True).values_list("pk", flat=True))


def _populate_initiatives(cast):
    """An initiative with a signer in each workspace (see _populate)."""
    for member in (_admin(cast), cast.outsider):
        _gate_signer(cast, member=member)


WATCHED.extend(
    [
        ("initiatives.LifecycleStage", ["workspace_id", "key", "name", "color", "position", "version"]),
        ("initiatives.StageCriterion", ["stage_id", "text", "position"]),
        ("initiatives.Initiative", ["workspace_id", "name", "kind", "stage_id", "owner_id", "archived_at", "version"]),
        ("initiatives.Initiative_ideas", ["initiative_id", "idea_id"]),
        ("initiatives.Initiative_roadmap_items", ["initiative_id", "roadmapitem_id"]),
        ("initiatives.Initiative_goals", ["initiative_id", "goal_id"]),
        ("initiatives.StageChange", ["initiative_id", "from_stage_id", "to_stage_id", "override_reason"]),
        ("initiatives.GateCriterion", ["initiative_id", "stage_id", "text", "met_at", "evidence"]),
        ("initiatives.GateSigner", ["initiative_id", "stage_id", "person_id", "signed_at", "own_gate"]),
    ]
)


# ------------ launches
# Reads need launch.view (every member); launches, positioning, maps, checklists and templates need
# launch.manage (editors); ticking a task off needs launch.task.update and approving a positioning
# launch.review (contributors up, the latter in a team of the department); calendar feeds need
# share_link.manage (editors).


def _launches():
    from accord.launches import services

    return services


def _launch_plan(cast, member=None):
    """A product roadmap with a release, a marketing roadmap with a campaign."""
    member = member or _admin(cast)
    product = _roadmaps().roadmap_create(member=member, name="Launch product", kind="product", lanes=["Build"])
    marketing = _roadmaps().roadmap_create(member=member, name="Launch marketing", kind="marketing", lanes=["Go"])
    release = _rm_item(cast, roadmap=product, title="Release 3", member=member)
    campaign = _rm_item(cast, roadmap=marketing, title="Campaign 3", member=member, start=(2030, 2, 1), end=(2030, 2, 20))
    return release, campaign


def _launch(cast, member=None):
    member = member or _admin(cast)
    release, campaign = _launch_plan(cast, member=member)
    return _launches().launch_create(member=member, name="Release 3 launch", release_item_id=release.pk,
                                     campaign_item_ids=[campaign.pk])  # fmt: skip


def _positioning(cast, member=None):
    member = member or _admin(cast)
    launch = _launch(cast, member=member)
    return _launches().positioning_save(member=member, launch_id=launch.pk, problem="Reports take days")


def _reviewable_positioning(cast):
    """A positioning every acme member may approve for marketing (all in a marketing team)."""
    from accord.workspaces.models import Person

    team = _services().team_create(member=_admin(cast), name="Launch marketing team", kind="marketing")
    team.people.add(*Person.objects.filter(workspace=cast.workspace, user__isnull=False))
    return _positioning(cast)


def _launch_task(cast, member=None):
    return _launch(cast, member=member).tasks.first()


def _launch_template(cast, member=None):
    return _launches().template_create(member=member or _admin(cast), name="Tier 1 launch", tier=1,
                                       tasks=[{"title": "Press release", "offset_days": -7}])  # fmt: skip


def _launch_feed(cast, member=None):
    return _launches().feed_create(member=member or _admin(cast))[0]


def b_launch(cast):
    return Req(params={"launch_id": _launch(cast).pk})


def b_launch_list(cast):
    _launch(cast)
    return Req(query={"tier": 2, "limit": 10})


def b_launch_create(cast):
    release, campaign = _launch_plan(cast)
    return Req(body={"name": "Release 3 launch", "release_item_id": release.pk, "campaign_item_ids": [campaign.pk],
                     "launch_date": "2030-02-01", "tier": 1})  # fmt: skip


def b_launch_patch(cast):
    launch = _launch(cast)
    return Req(params={"launch_id": launch.pk}, body={"version": launch.version, "name": "Release 3 GA", "tier": 1})


def b_positioning_save(cast):
    return Req(params={"launch_id": _launch(cast).pk}, body={"problem": "Reports take days", "usp": "One click"})


def b_positioning_compare(cast):
    return Req(params={"launch_id": _positioning(cast).launch_id}, query={"a": 1, "b": 1})


def b_approval(cast):
    return Req(params={"positioning_id": _reviewable_positioning(cast).pk}, body={"department": "marketing"})


def b_attribute_create(cast):
    release, _campaign = _launch_plan(cast)
    launch = _launches().launch_create(member=_admin(cast), name="L", release_item_id=release.pk)
    return Req(params={"launch_id": launch.pk}, body={"name": "Trustworthy", "item_ids": [release.pk]})


def _attribute(cast, member=None):
    member = member or _admin(cast)
    launch = _launch(cast, member=member)
    return _launches().attribute_create(member=member, launch_id=launch.pk, name="Fast")


def b_attribute(cast):
    return Req(params={"brand_attribute_id": _attribute(cast).pk})


def b_attribute_patch(cast):
    return Req(params={"brand_attribute_id": _attribute(cast).pk}, body={"name": "Very fast"})


def _stage(cast, member=None):
    return _launch(cast, member=member).funnel_stages.first()


def b_stage(cast):
    return Req(params={"funnel_stage_id": _stage(cast).pk})


def b_stage_patch(cast):
    return Req(params={"funnel_stage_id": _stage(cast).pk}, body={"flows": ["Webinar sign-up"]})


def b_task_create(cast):
    return Req(params={"launch_id": _launch(cast).pk}, body={"title": "Press kit", "offset_days": -5})


def b_checklist(cast):
    launch = _launch(cast)
    return Req(params={"launch_id": launch.pk}, body={"template_id": _launch_template(cast).pk})


def b_task(cast):
    return Req(params={"launch_task_id": _launch_task(cast).pk})


def b_task_patch(cast):
    task = _launch_task(cast)
    return Req(params={"launch_task_id": task.pk}, body={"version": task.version, "status": "done"})


def b_template_create(cast):
    return Req(body={"name": "Tier 3 launch", "tier": 3, "tasks": [{"title": "Release notes", "offset_days": 0}]})


def b_template(cast):
    return Req(params={"launch_template_id": _launch_template(cast).pk})


def b_windows(cast):
    _launch(cast)
    return Req(query={"start": "2030-01-01", "end": "2030-12-31"})


def b_launch_feed(cast):
    return Req(params={"launch_feed_id": _launch_feed(cast).pk})


EXPECTED.update(
    {
        ("GET", f"{WS}/launches"): Row(read(), b_launch_list),
        ("POST", f"{WS}/launches"): Row(editor_up(201), b_launch_create),
        ("GET", f"{WS}/launches/{{launch_id}}"): Row(read(), b_launch),
        ("PATCH", f"{WS}/launches/{{launch_id}}"): Row(editor_up(200), b_launch_patch),
        ("DELETE", f"{WS}/launches/{{launch_id}}"): Row(editor_up(204), b_launch),
        ("GET", f"{WS}/launches/{{launch_id}}/positioning"): Row(read(), b_launch),
        ("POST", f"{WS}/launches/{{launch_id}}/positioning"): Row(editor_up(201), b_positioning_save),
        ("GET", f"{WS}/launches/{{launch_id}}/positioning/compare"): Row(read(), b_positioning_compare),
        ("POST", f"{WS}/positionings/{{positioning_id}}/approvals"): Row(contributor_up(201), b_approval),
        ("POST", f"{WS}/launches/{{launch_id}}/brand-attributes"): Row(editor_up(201), b_attribute_create),
        ("PATCH", f"{WS}/brand-attributes/{{brand_attribute_id}}"): Row(editor_up(200), b_attribute_patch),
        ("DELETE", f"{WS}/brand-attributes/{{brand_attribute_id}}"): Row(editor_up(204), b_attribute),
        ("POST", f"{WS}/launches/{{launch_id}}/funnel-stages"): Row(editor_up(201), lambda cast: Req(params={"launch_id": _launch(cast).pk}, body={"name": "Expansion"})),
        ("PATCH", f"{WS}/funnel-stages/{{funnel_stage_id}}"): Row(editor_up(200), b_stage_patch),
        ("DELETE", f"{WS}/funnel-stages/{{funnel_stage_id}}"): Row(editor_up(204), b_stage),
        ("POST", f"{WS}/launches/{{launch_id}}/tasks"): Row(editor_up(201), b_task_create),
        ("POST", f"{WS}/launches/{{launch_id}}/checklist"): Row(editor_up(201), b_checklist),
        ("PATCH", f"{WS}/launch-tasks/{{launch_task_id}}"): Row(contributor_up(200), b_task_patch),
        ("DELETE", f"{WS}/launch-tasks/{{launch_task_id}}"): Row(editor_up(204), b_task),
        ("GET", f"{WS}/launch-templates"): Row(read(), lambda cast: Req()),
        ("POST", f"{WS}/launch-templates"): Row(editor_up(201), b_template_create),
        ("DELETE", f"{WS}/launch-templates/{{launch_template_id}}"): Row(editor_up(204), b_template),
        ("GET", f"{WS}/launch-windows"): Row(read(), b_windows),
        ("GET", f"{WS}/launch-calendar-feeds"): Row(read(), b_launch_feed),
        ("POST", f"{WS}/launch-calendar-feeds"): Row(editor_up(201)),
        ("DELETE", f"{WS}/launch-calendar-feeds/{{launch_feed_id}}"): Row(editor_up(204), b_launch_feed),
    }
)

FOREIGN_IDS.update(
    {
        "launch_id": lambda cast: _launch(cast, member=cast.outsider).pk,
        "positioning_id": lambda cast: _positioning(cast, member=cast.outsider).pk,
        "brand_attribute_id": lambda cast: _attribute(cast, member=cast.outsider).pk,
        "funnel_stage_id": lambda cast: _stage(cast, member=cast.outsider).pk,
        "launch_task_id": lambda cast: _launch_task(cast, member=cast.outsider).pk,
        "launch_template_id": lambda cast: _launch_template(cast, member=cast.outsider).pk,
        "launch_feed_id": lambda cast: _launch_feed(cast, member=cast.outsider).pk,
    }
)

LIST_SCOPES.update({f"{WS}/launches": lambda ws: set(ws.launches.values_list("pk", flat=True))})


def _populate_launches(cast):
    """A launch in each workspace (see _populate), of a release _populate_roadmaps made: new
    roadmap items here would change what the roadmap lists show."""
    for member in (_admin(cast), cast.outsider):
        from datetime import date

        item = member.workspace.roadmap_items.filter(roadmap__kind="product").order_by("pk").first()
        release = _roadmaps().item_move(member=member, item_id=item.pk, version=item.version,
                                        start_date=date(2030, 1, 1), end_date=date(2030, 1, 31))  # fmt: skip
        _launches().launch_create(member=member, name="Launch", release_item_id=release.pk, checklist=False)


WATCHED.extend(
    [
        ("launches.Launch", ["workspace_id", "name", "release_id", "tier", "launch_date", "window_end", "owner_id", "version"]),
        ("launches.Launch_campaigns", ["launch_id", "roadmapitem_id"]),
        ("launches.Positioning", ["launch_id", "number", "problem", "usp"]),
        ("launches.Approval", ["positioning_id", "department", "by_id"]),
        ("launches.BrandAttribute", ["launch_id", "name"]),
        ("launches.BrandAttribute_items", ["brandattribute_id", "roadmapitem_id"]),
        ("launches.FunnelStage", ["launch_id", "name", "flows"]),
        ("launches.LaunchTask", ["launch_id", "title", "owner_id", "offset_days", "status", "version"]),
        ("launches.ChecklistTemplate", ["workspace_id", "name", "tier"]),
        ("launches.TemplateTask", ["template_id", "title", "offset_days"]),
        ("launches.LaunchCalendarFeed", ["workspace_id", "token_hash", "revoked_at"]),
    ]
)


# ------------ changes
# Reads need change.view (every member). Contributors file changes and sign for their own
# departments; only the requester or an editor edits or submits a change; editors declare freezes,
# run review meetings and make calendar feeds; admins set the sign-off rules.


def _changes():
    from accord.changes import services

    return services


def _when(days=0, hours=0):
    from datetime import datetime, timedelta

    from django.utils import timezone

    return timezone.make_aware(datetime(2031, 3, 3, 20, 0)) + timedelta(days=days, hours=hours)


def _change(cast, member=None, to=None):
    member = member or _admin(cast)
    change = _changes().change_create(member=member, title="CDN switch", area="website", start=_when(), end=_when(hours=3))
    if to:
        _changes().change_transition(member=member, change_id=change.pk, to=to)
    return change


def _freeze(cast, member=None):
    return _changes().freeze_create(member=member or _admin(cast), name="Launch freeze", start=_when(1), end=_when(3))


def _change_review(cast, member=None):
    from datetime import timedelta

    from django.utils import timezone

    return _changes().review_create(member=member or _admin(cast), title="CAB", starts_at=timezone.now() + timedelta(days=1))


def b_change_create(cast):
    return Req(body={"title": "CDN switch", "area": "website", "start": _when().isoformat(), "end": _when(hours=2).isoformat()})


def b_change(cast):
    return Req(params={"change_id": _change(cast).pk})


def b_change_patch(cast):
    change = _change(cast)
    return Req(params={"change_id": change.pk}, body={"version": change.version, "risk": "high"})


def b_change_impact(cast):
    """Every member's person is in a marketing team, so only the role decides."""
    from accord.workspaces.models import Person

    team = _services().team_create(member=_admin(cast), name="Brand", kind="marketing")
    for m in cast.members.values():
        person = Person.objects.filter(workspace=cast.workspace, user=m.user).first() or Person.objects.create(
            workspace=cast.workspace, user=m.user, name=m.user.email
        )
        person.teams.add(team)
    return Req(params={"change_id": _change(cast).pk}, body={"department": "marketing", "impact": "low", "note": "ok"})


def b_change_transition(cast):
    return Req(params={"change_id": _change(cast).pk}, body={"to": "in_review"})


def b_change_conflicts(cast):
    _change(cast)
    return Req(query={"area": "website", "start": _when().isoformat(), "end": _when(hours=1).isoformat()})


def b_change_calendar(cast):
    _change(cast)
    _freeze(cast)
    return Req(query={"start": _when(-1).isoformat(), "end": _when(30).isoformat()})


def _change_rule(cast, member=None):
    return _changes().rule_create(member=member or _admin(cast), department="marketing", area="website")


def _change_feed(cast, member=None):
    return _changes().feed_create(member=member or _admin(cast))[0]


def b_change_review(cast):
    return Req(params={"change_review_id": _change_review(cast).pk})


def b_change_review_agenda(cast):
    """A meeting that already started (changes no longer join it by themselves), then a pending change."""
    from datetime import timedelta

    from django.utils import timezone

    review = _changes().review_create(member=_admin(cast), title="Past CAB", starts_at=timezone.now() - timedelta(hours=1))
    _change(cast, to="in_review")
    return Req(params={"change_review_id": review.pk})


def b_change_review_patch(cast):
    review = _change_review(cast)
    return Req(params={"change_review_id": review.pk}, body={"version": review.version, "notes": "Quiet week"})


def b_change_review_attend(cast):
    from accord.workspaces.models import Person

    person = Person.objects.filter(workspace=cast.workspace).first() or _person(cast)
    return Req(params={"change_review_id": _change_review(cast).pk}, body={"person_id": person.pk, "present": True})


def b_change_review_decide(cast):
    change = _change(cast, to="in_review")
    review = _change_review(cast)
    return Req(params={"change_review_id": review.pk}, body={"change_id": change.pk, "decision": "deferred", "reason": "Next week"})


EXPECTED.update(
    {
        ("GET", f"{WS}/changes"): Row(read(), lambda cast: (_change(cast), Req(query={"limit": 10}))[1]),
        ("POST", f"{WS}/changes"): Row(contributor_up(201), b_change_create),
        ("GET", f"{WS}/change-conflicts"): Row(read(), b_change_conflicts),
        ("GET", f"{WS}/changes/{{change_id}}"): Row(read(), b_change),
        ("PATCH", f"{WS}/changes/{{change_id}}"): Row(editor_up(200), b_change_patch),
        ("POST", f"{WS}/changes/{{change_id}}/impacts"): Row(contributor_up(200), b_change_impact),
        ("POST", f"{WS}/changes/{{change_id}}/transitions"): Row(editor_up(200), b_change_transition),
        ("GET", f"{WS}/change-rules"): Row(read(), lambda cast: (_change_rule(cast), Req())[1]),
        ("POST", f"{WS}/change-rules"): Row(admin_only(201), lambda cast: Req(body={"department": "it", "area": "crm"})),
        ("DELETE", f"{WS}/change-rules/{{change_rule_id}}"): Row(admin_only(204), lambda cast: Req(params={"change_rule_id": _change_rule(cast).pk})),
        ("GET", f"{WS}/freezes"): Row(read(), lambda cast: (_freeze(cast), Req(query={"limit": 10}))[1]),
        ("POST", f"{WS}/freezes"): Row(editor_up(201), lambda cast: Req(body={"name": "Launch", "start": _when(1).isoformat(), "end": _when(2).isoformat()})),
        ("DELETE", f"{WS}/freezes/{{freeze_id}}"): Row(editor_up(204), lambda cast: Req(params={"freeze_id": _freeze(cast).pk})),
        ("GET", f"{WS}/change-calendar"): Row(read(), b_change_calendar),
        ("GET", f"{WS}/change-calendar-feeds"): Row(read(), lambda cast: (_change_feed(cast), Req())[1]),
        ("POST", f"{WS}/change-calendar-feeds"): Row(editor_up(201)),
        ("DELETE", f"{WS}/change-calendar-feeds/{{change_feed_id}}"): Row(editor_up(204), lambda cast: Req(params={"change_feed_id": _change_feed(cast).pk})),
        ("GET", f"{WS}/change-reviews"): Row(read(), lambda cast: (_change_review(cast), Req(query={"limit": 10}))[1]),
        ("POST", f"{WS}/change-reviews"): Row(editor_up(201), lambda cast: Req(body={"title": "CAB", "starts_at": _when().isoformat()})),
        ("GET", f"{WS}/change-reviews/{{change_review_id}}"): Row(read(), b_change_review),
        ("PATCH", f"{WS}/change-reviews/{{change_review_id}}"): Row(editor_up(200), b_change_review_patch),
        ("POST", f"{WS}/change-reviews/{{change_review_id}}/agenda"): Row(editor_up(200), b_change_review_agenda),
        ("POST", f"{WS}/change-reviews/{{change_review_id}}/attendance"): Row(editor_up(200), b_change_review_attend),
        ("POST", f"{WS}/change-reviews/{{change_review_id}}/decisions"): Row(editor_up(200), b_change_review_decide),
    }
)

FOREIGN_IDS.update(
    {
        "change_id": lambda cast: _change(cast, member=cast.outsider).pk,
        "change_rule_id": lambda cast: _change_rule(cast, member=cast.outsider).pk,
        "freeze_id": lambda cast: _freeze(cast, member=cast.outsider).pk,
        "change_feed_id": lambda cast: _change_feed(cast, member=cast.outsider).pk,
        "change_review_id": lambda cast: _change_review(cast, member=cast.outsider).pk,
    }
)

LIST_SCOPES.update(
    {
        f"{WS}/changes": lambda ws: set(ws.changes.values_list("pk", flat=True)),
        f"{WS}/freezes": lambda ws: set(ws.freezes.values_list("pk", flat=True)),
        f"{WS}/change-reviews": lambda ws: set(ws.change_reviews.values_list("pk", flat=True)),
    }
)


def _populate_changes(cast):
    """A change (in review, on a review's agenda) and a freeze in each workspace (see _populate)."""
    for member in (_admin(cast), cast.outsider):
        _change(cast, member=member, to="in_review")
        _freeze(cast, member=member)
        _change_review(cast, member=member)


WATCHED.extend(
    [
        ("changes.Change", ["workspace_id", "title", "area", "start", "end", "risk", "status", "version"]),
        ("changes.Change_roadmap_items", ["change_id", "roadmapitem_id"]),
        ("changes.ChangeImpact", ["change_id", "department", "required", "impact", "note", "signed_at"]),
        ("changes.SignOffRule", ["workspace_id", "area", "department"]),
        ("changes.Freeze", ["workspace_id", "name", "area", "start", "end"]),
        ("changes.ChangeReview", ["workspace_id", "title", "starts_at", "status", "notes", "version"]),
        ("changes.AgendaItem", ["review_id", "change_id", "decision", "reason"]),
        ("changes.Attendance", ["review_id", "person_id", "present"]),
        ("changes.ChangeCalendarFeed", ["workspace_id", "token_hash", "revoked_at"]),
    ]
)


def _populate_goals(cast):
    """A goal with a key result and a measurement in each workspace (see _populate)."""
    for member in (_admin(cast), cast.outsider):
        _measurement(cast, member=member)


WATCHED.extend(
    [
        ("goals.Goal", ["workspace_id", "title", "level", "parent_id", "owner_id", "start_date", "end_date", "version"]),
        ("goals.Goal_teams", ["goal_id", "team_id"]),
        ("goals.Goal_ideas", ["goal_id", "idea_id"]),
        ("goals.Goal_roadmap_items", ["goal_id", "roadmapitem_id"]),
        ("goals.KeyResult", ["workspace_id", "goal_id", "name", "unit", "direction", "baseline", "target", "version"]),
        ("goals.Measurement", ["key_result_id", "date", "value", "note"]),
        ("goals.ScoreboardLink", ["workspace_id", "name", "token_hash", "revoked_at"]),
    ]
)


def db_state() -> dict[str, list]:
    """Every row of every WATCHED table, its watched columns as text: {label: [(pk, columns)]}.

    One query (a UNION ALL built once from WATCHED) instead of one ORM query per table: a thousand
    tests take it twice each, and the ORM's per-query cost made it two thirds of this module's time
    on PostgreSQL. Any change to a watched column changes its text, on both databases.
    """
    from django.db import connection

    state: dict[str, list] = {label: [] for label, _ in WATCHED}
    with connection.cursor() as cursor:
        cursor.execute(_state_sql(connection))
        for label, pk, columns in cursor.fetchall():
            state[label].append((pk, columns))
    return state


_STATE_SQL: dict[str, str] = {}
_NULL, _SEP = "<null>", "\x1f"


def _state_sql(connection) -> str:
    if connection.vendor not in _STATE_SQL:
        qn = connection.ops.quote_name
        selects = []
        for label, fields in WATCHED:
            meta = apps.get_model(label)._meta
            columns = [meta.pk.column] + [meta.get_field(name).column for name in fields]
            assert None not in columns, f"{label}: WATCHED names a field without a column"
            text = f" || '{_SEP}' || ".join(f"COALESCE(CAST({qn(c)} AS TEXT), '{_NULL}')" for c in columns)
            selects.append(f"SELECT '{label}' AS label, {qn(meta.pk.column)} AS pk, {text} AS columns FROM {qn(meta.db_table)}")
        _STATE_SQL[connection.vendor] = " UNION ALL ".join(selects) + " ORDER BY 1, 2"
    return _STATE_SQL[connection.vendor]


# ---------------------------------------------------------------- Atom feeds (accord.feeds)
# Anyone holds their own feed URLs (a roadmap's needs roadmap.view, the workspace's audit.view, both
# every member's); admins revoke anyone's (own ones: accord/feeds/tests/test_pages_and_api.py).


def _atom_feed(member):
    from accord.feeds import services

    return services.feed_create(member=member, scope="workspace")[0]


def b_atom_feed_create(cast):
    return Req(body={"scope": "roadmap", "object_id": _roadmap(cast).pk})


def b_atom_feed_delete(cast):
    return Req(params={"atom_feed_id": _atom_feed(_bystander(cast)).pk})


EXPECTED.update(
    {
        ("GET", f"{WS}/atom-feeds"): Row(read()),
        ("POST", f"{WS}/atom-feeds"): Row(any_member(201), b_atom_feed_create),
        ("DELETE", f"{WS}/atom-feeds/{{atom_feed_id}}"): Row(admin_only(204), b_atom_feed_delete),
    }
)
FOREIGN_IDS["atom_feed_id"] = lambda cast: _atom_feed(cast.outsider).pk
WATCHED.append(("feeds.FeedToken", ["workspace_id", "membership_id", "scope", "object_id", "token_hash", "revoked_at"]))


# ---------------------------------------------------------------- comments, mentions, watching (accord.collab)
# On any discussable object (here an idea: one mechanism for every kind). Reading and watching need
# the object's view permission (every member); commenting needs comment.write (contributors up);
# only its author edits a comment, its author or an admin deletes it (the builders' comments are the
# admin's, so other callers get 403). The objects are a bystander's, so nobody watches them yet.


def _collab():
    from accord.collab import services

    return services


def _discussed(cast, member=None):
    return _idea(cast, "Discussed idea", member=member or _bystander(cast))


def _comment(cast, member=None):
    member = member or _admin(cast)
    idea = _idea(cast, "Commented idea", member=member)
    return _collab().comment_add(member=member, kind="idea", object_id=idea.pk, body="Looks good")


def b_discussion(cast):
    return Req(params={"kind": "idea", "object_id": _discussed(cast).pk})


def b_comment_add(cast):
    return Req(params={"kind": "idea", "object_id": _discussed(cast).pk}, body={"body": "What about @viewer@acme.test?"})


def b_comment(cast):
    return Req(params={"discussion_comment_id": _comment(cast).pk}, body={"body": "Edited"})


def b_people(cast):
    return Req(params={"kind": "idea", "object_id": _discussed(cast).pk}, query={"q": "vi"})


COLLAB = f"{WS}/discussions/{{kind}}/{{object_id}}"
EXPECTED.update(
    {
        ("GET", f"{COLLAB}/comments"): Row(read(), b_discussion),
        ("POST", f"{COLLAB}/comments"): Row(contributor_up(201), b_comment_add),
        ("PATCH", f"{WS}/discussion-comments/{{discussion_comment_id}}"): Row(admin_only(200), b_comment),
        ("DELETE", f"{WS}/discussion-comments/{{discussion_comment_id}}"): Row(admin_only(204), b_comment),
        ("GET", f"{COLLAB}/watch"): Row(read(), b_discussion),
        ("PUT", f"{COLLAB}/watch"): Row(any_member(200), b_discussion),
        ("DELETE", f"{COLLAB}/watch"): Row(any_member(204), b_discussion),
        ("GET", f"{COLLAB}/people"): Row(read(), b_people),
        ("GET", f"{WS}/watches"): Row(read()),
    }
)
FOREIGN_IDS.update(
    {
        "kind": lambda cast: "idea",  # the kind of the foreign object_id below
        "object_id": lambda cast: _idea(cast, "Other discussed idea", member=cast.outsider).pk,
        "discussion_comment_id": lambda cast: _comment(cast, member=cast.outsider).pk,
    }
)


def _populate_collab(cast):
    """Comments on the first idea of each workspace, and every member of acme watching it."""
    for member in (_admin(cast), cast.outsider):
        idea = member.workspace.ideas.order_by("pk").first() or _idea(cast, "Discussed", member=member)
        for n in range(2):
            _collab().comment_add(member=member, kind="idea", object_id=idea.pk, body=f"Comment {n}")
        if member.workspace_id == cast.workspace.pk:
            for m in cast.members.values():
                _collab().watch(member=m, kind="idea", object_id=idea.pk)


def _first_idea(ws):
    return {"kind": "idea", "object_id": ws.ideas.order_by("pk").first().pk}


LIST_SCOPES.update(
    {
        f"{COLLAB}/comments": lambda ws: set(apps.get_model("collab.Comment").objects.filter(workspace=ws).values_list("pk", flat=True)),
        f"{WS}/watches": lambda ws: set(apps.get_model("collab.Watch").objects.filter(workspace=ws).values_list("pk", flat=True)),
    }
)
LIST_PARAMS[f"{COLLAB}/comments"] = _first_idea
# Lists of the caller's own things: every caller, admins too, sees exactly these (membership -> ids).
OWN_LISTS: dict[str, Callable[[Any], set]] = {
    f"{WS}/watches": lambda m: set(
        apps.get_model("collab.Watch").objects.filter(workspace=m.workspace, user=m.user).exclude(reason="unwatched").values_list("pk", flat=True)
    ),
}
WATCHED.extend(
    [
        ("collab.Comment", ["workspace_id", "object_type", "object_id", "author_id", "body", "mentions", "edited_at", "deleted_at"]),
        ("collab.Watch", ["workspace_id", "user_id", "object_type", "object_id", "reason"]),
    ]
)


# ------------ imports
# Previewing and running imports (Jira, Trello, GitHub, CSV/xlsx) and listing them need import.run
# (editors and admins). The request imports for real (dry_run false), so an allowed call writes.

IMPORTS = f"{WS}/imports"
EXPECTED.update(
    {
        ("POST", IMPORTS): Row(editor_up(200), lambda cast: Req(body={"source": "csv", "target": "idea", "filename": "ideas.csv", "dry_run": False, "content": "title,status,tags\nDark mode,under review,ui\n"})),
        ("GET", IMPORTS): Row(editor_up(200)),
    }
)  # fmt: skip
WATCHED.extend(
    [
        ("imports.ImportRun", ["workspace_id", "source", "target", "filename", "counts"]),
        ("imports.Origin", ["workspace_id", "source", "external_key", "object_type", "object_id"]),
    ]
)


# ---------------------------------------------------------------- notifications (accord.notifications)
# Every member reads and marks their own notifications (ids of others' are ignored, so each caller
# gets 200 on the same request); preferences belong to the account (the outsider has theirs).


def _notifications():
    from accord.notifications import services

    return services


def b_notifications_read_all(cast):
    """A notification for every acme member: each caller marks their own."""
    users = [m.user for m in cast.members.values()]
    _notifications().notify(workspace=cast.workspace, users=users, kind="mentioned", title="Read me", url="")
    return Req()


def b_notifications_read(cast):
    """Each caller marks their own among the ids of every member's."""
    b_notifications_read_all(cast)
    ids = apps.get_model("notifications.Notification").objects.filter(workspace=cast.workspace).values_list("pk", flat=True)
    return Req(body={"ids": list(ids)})


def b_notification_prefs(cast):
    return Req(body={"kinds": [{"kind": "watching", "email": False}], "digest_weekday": "friday"})


EXPECTED.update(
    {
        ("GET", f"{WS}/notifications"): Row(read()),
        ("POST", f"{WS}/notifications/read"): Row(any_member(200), b_notifications_read),
        ("POST", f"{WS}/notifications/read-all"): Row(any_member(200), b_notifications_read_all),
        ("GET", f"{API}/me/notification-preferences"): Row(account(200)),
        ("PATCH", f"{API}/me/notification-preferences"): Row(account(200), b_notification_prefs),
    }
)


def _populate_notifications(cast):
    """A notification for every member of both workspaces."""
    for ws, users in ((cast.workspace, [m.user for m in cast.members.values()]), (cast.other, [cast.outsider.user])):
        _notifications().notify(workspace=ws, users=users, kind="watching", title="Something changed", url="")


LIST_SCOPES[f"{WS}/notifications"] = lambda ws: set(apps.get_model("notifications.Notification").objects.filter(workspace=ws).values_list("pk", flat=True))
OWN_LISTS[f"{WS}/notifications"] = lambda m: set(
    apps.get_model("notifications.Notification").objects.filter(workspace=m.workspace, recipient=m.user).values_list("pk", flat=True)
)
WATCHED.extend(
    [
        ("notifications.Notification", ["recipient_id", "workspace_id", "kind", "read_at"]),
        ("notifications.NotificationPreference", ["user_id", "kind", "email", "in_app"]),
        ("notifications.DigestSchedule", ["user_id", "weekday"]),
    ]
)


# ---------------------------------------------------------------- outgoing webhooks (accord.webhooks)
# Admins only (webhook.manage): webhooks, the delivery log, replay, pause and resume. The URLs are
# on example.invalid: nothing is sent while the table runs (on-commit tasks do not run here).
WH_URL = "https://hooks.example.invalid/accord"


def _wh():
    from accord.webhooks import services

    return services


def _webhook(cast, member=None):
    return _wh().webhook_create(member=member or _admin(cast), name="Ops hook", url=WH_URL, events=["*"])[0]


def _wh_delivery(cast, member=None):
    """A delivery of a webhook, as attempted once and failed (so it can be replayed)."""
    member = member or _admin(cast)
    hook = _webhook(cast, member)
    _services().team_create(member=member, name=f"Hooked team {hook.pk}")
    delivery = apps.get_model("webhooks.Delivery").objects.filter(webhook=hook).latest("pk")
    type(delivery).objects.filter(pk=delivery.pk).update(body='{"event": "team.created"}', attempts=1, status="failed")
    return delivery


def b_webhook(cast):
    return Req(params={"webhook_id": _webhook(cast).pk})


def b_webhook_paused(cast):
    hook = _webhook(cast)
    _wh().webhook_pause(member=_admin(cast), webhook_id=hook.pk, reason="Receiver down")
    return Req(params={"webhook_id": hook.pk})


WH = f"{WS}/webhooks"
WD = f"{WS}/webhook-deliveries"
EXPECTED.update(
    {
        ("GET", WH): Row(admin_only(200), b_webhook),
        ("POST", WH): Row(admin_only(201), lambda cast: Req(body={"name": "To chat", "url": WH_URL, "events": ["idea.*"], "format": "slack"})),
        ("GET", f"{WH}/{{webhook_id}}"): Row(admin_only(200), b_webhook),
        ("PATCH", f"{WH}/{{webhook_id}}"): Row(admin_only(200), lambda cast: Req(params={"webhook_id": (h := _webhook(cast)).pk}, body={"version": h.version, "events": ["team.created"]})),
        ("DELETE", f"{WH}/{{webhook_id}}"): Row(admin_only(204), b_webhook),
        ("POST", f"{WH}/{{webhook_id}}/pause"): Row(admin_only(200), lambda cast: Req(params={"webhook_id": _webhook(cast).pk}, body={"reason": "Moving"})),
        ("POST", f"{WH}/{{webhook_id}}/resume"): Row(admin_only(200), b_webhook_paused),
        ("GET", f"{WS}/webhook-event-types"): Row(admin_only(200)),
        ("GET", WD): Row(admin_only(200), lambda cast: Req(query={"webhook_id": _wh_delivery(cast).webhook_id})),
        ("GET", f"{WD}/{{delivery_id}}"): Row(admin_only(200), lambda cast: Req(params={"delivery_id": _wh_delivery(cast).pk})),
        ("POST", f"{WD}/{{delivery_id}}/replay"): Row(admin_only(201), lambda cast: Req(params={"delivery_id": _wh_delivery(cast).pk})),
    }
)
FOREIGN_IDS.update(
    {
        "webhook_id": lambda cast: _webhook(cast, member=cast.outsider).pk,
        "delivery_id": lambda cast: _wh_delivery(cast, member=cast.outsider).pk,
    }
)
LIST_SCOPES.update(
    {
        WH: lambda ws: set(ws.webhooks.values_list("pk", flat=True)),
        WD: lambda ws: set(apps.get_model("webhooks.Delivery").objects.filter(workspace=ws).values_list("pk", flat=True)),
    }
)


def _populate_webhooks(cast):
    """A webhook with a delivery in each workspace."""
    for member in (_admin(cast), cast.outsider):
        _wh_delivery(cast, member=member)


WATCHED.extend(
    [
        ("webhooks.Webhook", ["workspace_id", "name", "url", "events", "format", "state", "version"]),
        ("webhooks.Delivery", ["webhook_id", "status", "attempts", "next_attempt_at", "replay_of_id"]),
    ]
)


# ---------------------------------------------------------------- transfer (workspace export and import)


def b_transfer_import(cast):
    """The acme export, to import under a new slug (session-only: every token is refused)."""
    import json

    from accord.transfer.writer import export_text

    return Req(body={"export": json.loads(export_text(cast.workspace)), "slug": "acme-imported"})


EXPECTED.update(
    {
        ("GET", f"{WS}/export"): Row(admin_only(200)),
        ("POST", f"{API}/workspace-imports"): Row(session_only(), b_transfer_import),
    }
)


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def cast_once(django_db_setup, module_transaction, cast_factory):
    """The cast, built once for this module's thousand tests; each test is rolled back to it."""
    with module_transaction():
        yield cast_factory()


@pytest.fixture
def cast(cast_once, db):
    """A copy per test (like setUpTestData's), so no test sees another's in-memory changes."""
    return copy.deepcopy(cast_once)


@pytest.fixture
def client():
    """The `api` fixture's client, but like a real one: Django's test client skips CSRF checks."""
    return Client(enforce_csrf_checks=True)



def _send(api, cast, caller: str, method: str, path: str, req: Req):
    token = None if caller == "anonymous" else cast.tokens[caller]
    url = path.removeprefix(API).format(**{"slug": "acme", **req.params})
    client = api(token)
    if method == "GET":
        return client.get(url, req.query)
    if method == "DELETE":
        return client.delete(url)
    if method == "PUT":  # ideas: scores and ratings (the `api` fixture has no put())
        return client._call("put", url, req.body)
    return getattr(client, method.lower())(url, req.body)


def _schema_operations(client) -> set[tuple[str, str]]:
    schema = client.get(f"{API}/openapi.json").json()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def _schema_lists(client) -> set[str]:
    """Paths whose GET answers a Page."""
    lists = set()
    for path, ops in client.get(f"{API}/openapi.json").json()["paths"].items():
        ok = ops.get("get", {}).get("responses", {}).get("200", {})
        ref = ok.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
        if ref.startswith("#/components/schemas/Page"):
            lists.add(path)
    return lists


def _label(method: str, path: str) -> str:
    return f"{method} {path.removeprefix(API)}"


# ---------------------------------------------------------------- the table is complete and sane


def test_every_operation_has_a_row_and_every_row_an_operation(client):
    operations = _schema_operations(client)
    untested = sorted(operations - EXPECTED.keys())
    stale = sorted(EXPECTED.keys() - operations)
    assert not untested, f"operations without a row in EXPECTED (add them): {untested}"
    assert not stale, f"rows in EXPECTED without an operation in the schema: {stale}"


def test_table_is_consistent():
    for (method, path), row in EXPECTED.items():
        assert set(row.status) == set(CALLERS), (method, path)
        if path.startswith(PUBLIC_API):
            assert len(set(row.status.values())) == 1, (method, path)
        else:
            assert row.status["anonymous"] == 401, (method, path)
        if path.startswith(f"{API}/workspaces/{{slug}}"):
            assert row.status["outsider"] == 404, (method, path)
        for param in ("{" + p for p in path.split("{")[1:]):
            name = param[1 : param.index("}")]
            assert name == "slug" or name in FOREIGN_IDS, f"add a FOREIGN_IDS entry for {name}"


# ---------------------------------------------------------------- operation x caller


def _groups(method: str, row: Row) -> list[list[str]]:
    """The callers that may share one built request: every caller refused (a refusal changes
    nothing, which each check proves) and, for a GET, every caller allowed too; each allowed write
    gets its own, since it uses its object up (a DELETE)."""
    refused = [c for c in CALLERS if row.status[c] >= 400]
    allowed = [c for c in CALLERS if row.status[c] < 400]
    if method == "GET":
        return [refused + allowed]
    return ([refused] if refused else []) + [[c] for c in allowed]


def _check(api, cast, method: str, path: str, req: Req, caller: str, row: Row) -> None:
    expected = row.status[caller]
    watch = method != "GET" or expected >= 400  # a GET that may read has nothing to compare
    before = db_state() if watch else None

    response = _send(api, cast, caller, method, path, req)

    assert response.status_code == expected, (
        f"{_label(method, path)} as {caller}: {response.status_code} (expected {expected}) {response.content[:300]!r}"
    )
    after = db_state() if watch else None
    if expected >= 400:
        assert response.json()["detail"], f"{_label(method, path)} as {caller}: errors carry a detail"
        assert after == before, f"{_label(method, path)} as {caller}: a refused {method} changed data"
    elif method != "GET":
        assert after != before, f"{_label(method, path)} as {caller}: a successful {method} should change something (is WATCHED complete?)"
    if expected == 422 and row.status == session_only():
        assert [e["field"] for e in response.json()["errors"]] == ["authorization"]


@pytest.mark.parametrize(("method", "path"), list(EXPECTED), ids=[_label(*key) for key in EXPECTED])
def test_authorization(api, cast_once, db, method, path):
    """Every caller of CALLERS against one operation. Each group of callers (see _groups) gets a
    fresh copy of the cast and its own built request, in a savepoint rolled back after it."""
    from django.db import transaction

    row = EXPECTED[(method, path)]
    for group in _groups(method, row):
        cast = copy.deepcopy(cast_once)
        savepoint = transaction.savepoint_create()
        try:
            req = row.build(cast) if row.build else Req()
            for caller in group:
                _check(api, cast, method, path, req, caller, row)
        finally:
            transaction.savepoint_rollback(savepoint)


# ---------------------------------------------------------------- self-service variants


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_members_may_leave(api, cast, role):
    from accord.workspaces.models import Membership

    member = cast.members[role]
    response = api(cast.tokens[role]).delete(f"/workspaces/acme/members/{member.pk}")
    if role == "admin":  # the last admin cannot leave
        assert response.status_code == 422
        assert Membership.objects.filter(pk=member.pk).exists()
    else:
        assert response.status_code == 204
        assert not Membership.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("role", MEMBER_ROLES)
def test_members_revoke_own_tokens(api, cast, role):
    token, _raw = _services().token_create(member=cast.members[role], name="spare")
    response = api(cast.tokens[role]).delete(f"/workspaces/acme/tokens/{token.pk}")
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None


# ---------------------------------------------------------------- session-only operations


def _csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    secret = get_random_string(32, CSRF_ALLOWED_CHARS)
    client.cookies["csrftoken"] = secret
    return client, secret


def test_session_only_operations_refuse_tokens(api, cast):
    for method, path in [("POST", f"{API}/workspaces"), ("POST", f"{API}/invitations/accept"), ("POST", f"{API}/me/password"),
                         ("POST", f"{API}/workspace-imports")]:
        req = EXPECTED[(method, path)].build(cast)
        response = _send(api, cast, "admin", method, path, req)
        assert response.status_code == 422, path
        assert response.json()["errors"][0]["field"] == "authorization"


def test_session_creates_workspace_with_csrf(cast):
    from accord.workspaces.models import Membership, Workspace

    client, csrf = _csrf_client(cast.members["viewer"].user)
    body = {"name": "Fresh Start", "slug": "fresh-start"}

    refused = client.post(f"{API}/workspaces", body, content_type="application/json")
    assert refused.status_code in (401, 403)
    assert not Workspace.objects.filter(slug="fresh-start").exists()

    response = client.post(f"{API}/workspaces", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "admin"
    assert Membership.objects.get(workspace__slug="fresh-start").user == cast.members["viewer"].user


def test_session_accepts_invitation_with_csrf(cast):
    from accord.accounts.models import User
    from accord.workspaces.models import Membership

    raw = _services().invitation_create(member=_admin(cast), email="joiner@example.test", role="editor")[1]
    joiner = User.objects.create_user("joiner@example.test", cast.password, name="Jo Joiner")
    client, csrf = _csrf_client(joiner)

    refused = client.post(f"{API}/invitations/accept", {"token": raw}, content_type="application/json")
    assert refused.status_code in (401, 403)
    assert not Membership.objects.filter(user=joiner).exists()

    response = client.post(f"{API}/invitations/accept", {"token": raw}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200, response.content
    assert Membership.objects.get(user=joiner, workspace=cast.workspace).role == "editor"


def test_session_changes_password_with_csrf(cast):
    user = cast.members["contributor"].user
    client, csrf = _csrf_client(user)
    body = {"old_password": cast.password, "new_password": NEW_PASSWORD}

    refused = client.post(f"{API}/me/password", body, content_type="application/json")
    assert refused.status_code in (401, 403)
    user.refresh_from_db()
    assert user.check_password(cast.password)

    response = client.post(f"{API}/me/password", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 204, response.content
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_session_writes_need_csrf_everywhere(cast):
    """Not only the session-only operations: any write through the session needs the CSRF token."""
    from accord.workspaces.models import Team

    client, csrf = _csrf_client(cast.members["admin"].user)
    url = f"{API}/workspaces/acme/teams"
    assert client.post(url, {"name": "Growth"}, content_type="application/json").status_code in (401, 403)
    assert not Team.objects.filter(name="Growth").exists()
    assert client.get(url).status_code == 200  # reads need no token
    created = client.post(url, {"name": "Growth"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert created.status_code == 201


def test_session_outsider_cannot_open_acme(cast):
    client, _csrf = _csrf_client(cast.outsider.user)
    assert client.get(f"{API}/workspaces/acme").status_code == 404
    assert client.get(f"{API}/workspaces/acme/people").status_code == 404


# ---------------------------------------------------------------- tenant isolation


def _id_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part != "{slug}"]


FOREIGN_CASES = [key for key in EXPECTED if key[1].startswith(WS) and _id_params(key[1])]


@pytest.mark.parametrize(("method", "path"), FOREIGN_CASES, ids=[_label(*key) for key in FOREIGN_CASES])
def test_ids_of_another_workspace_are_not_found(api, cast, method, path):
    row = EXPECTED[(method, path)]
    req = row.build(cast) if row.build else Req()
    for name in _id_params(path):
        req.params[name] = FOREIGN_IDS[name](cast)
    before = db_state()

    response = _send(api, cast, "admin", method, path, req)

    assert response.status_code == 404, response.content
    assert db_state() == before


def test_ids_of_another_workspace_in_body_or_query_change_nothing(api, cast):
    other_team = FOREIGN_IDS["team_id"](cast)
    _services().person_create(member=cast.outsider, name="Olga Other", team_ids=[other_team])
    admin = api(cast.tokens["admin"])

    listed = admin.get("/workspaces/acme/people", {"team_id": other_team})
    assert listed.status_code == 200
    assert listed.json()["items"] == []

    before = db_state()
    created = admin.post("/workspaces/acme/people", {"name": "Mallory", "team_ids": [other_team]})
    assert created.status_code == 422  # the same answer as for an id that does not exist at all
    assert created.json()["errors"][0]["field"] == "team_ids"
    assert db_state() == before

    person = _person(cast)
    before = db_state()
    patched = admin.patch(f"/workspaces/acme/people/{person.pk}", {"version": person.version, "team_ids": [other_team]})
    assert patched.status_code == 422
    assert db_state() == before


def _populate(cast):
    """Both workspaces get teams, people, invitations, tokens and audit entries."""
    services = _services()
    for member, prefix in ((_admin(cast), "Acme"), (cast.outsider, "Other")):
        team = services.team_create(member=member, name=f"{prefix} team")
        services.person_create(member=member, name=f"{prefix} person", team_ids=[team.pk])
        services.invitation_create(member=member, email=f"{prefix.lower()}-invitee@example.test")
        services.token_create(member=member, name=f"{prefix} spare token")
    services.token_create(member=cast.members["viewer"], name="viewer spare token")
    _populate_roadmaps(cast)
    _populate_ideas(cast)
    _populate_feedback(cast)
    _populate_goals(cast)
    _populate_glossary(cast)
    _populate_capacity(cast)
    _populate_portal(cast)
    _populate_playbooks(cast)
    _populate_initiatives(cast)
    _populate_launches(cast)
    _populate_changes(cast)
    _populate_collab(cast)
    _populate_notifications(cast)
    _populate_webhooks(cast)


def test_every_list_has_a_scope(client):
    lists = _schema_lists(client)
    assert not lists - LIST_SCOPES.keys(), f"lists without a LIST_SCOPES entry: {sorted(lists - LIST_SCOPES.keys())}"
    assert not LIST_SCOPES.keys() - lists, f"LIST_SCOPES entries that are no list: {sorted(LIST_SCOPES.keys() - lists)}"


@pytest.mark.parametrize("caller", [*MEMBER_ROLES, "outsider"])
@pytest.mark.parametrize("path", sorted(LIST_SCOPES), ids=[p.removeprefix(API) for p in sorted(LIST_SCOPES)])
def test_lists_show_only_the_callers_workspace(api, cast, path, caller):
    _populate(cast)
    workspace, slug = (cast.other, "other") if caller == "outsider" else (cast.workspace, "acme")
    other = cast.workspace if caller == "outsider" else cast.other
    params = LIST_PARAMS.get(path, lambda ws: {})(workspace)
    response = api(cast.tokens[caller]).get(path.removeprefix(API).format(slug=slug, **params), {"limit": 1000})
    if response.status_code == 403:  # e.g. invitations are for admins only (the table covers it)
        assert EXPECTED[("GET", path)].status[caller] == 403
        return
    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["items"]}
    assert ids, "the list should not be empty"
    assert ids <= LIST_SCOPES[path](workspace)
    assert not ids & LIST_SCOPES[path](other)
    if path in OWN_LISTS:  # the caller's own things, whatever their role
        assert ids == OWN_LISTS[path](cast.outsider if caller == "outsider" else cast.members[caller])
    elif caller in ("admin", "outsider"):  # admins see everything of their workspace
        assert ids == LIST_SCOPES[path](workspace)
    if path.endswith("/tokens") and caller not in ("admin", "outsider"):
        assert ids == set(cast.members[caller].api_tokens.values_list("pk", flat=True))


@pytest.mark.parametrize("caller", ["viewer", "admin"])
def test_list_items_open_in_their_detail_view(api, cast, caller):
    """Every list returns exactly the objects whose detail view the caller may open."""
    _populate(cast)
    client = api(cast.tokens[caller])
    checked = 0
    for path in LIST_SCOPES:
        detail = [p for (m, p) in EXPECTED if m == "GET" and p.startswith(f"{path}/{{") and p.count("/") == path.count("/") + 1]
        if not path.startswith(WS) or not detail:
            continue
        listed = client.get(path.removeprefix(API).format(slug="acme"), {"limit": 1000})
        if listed.status_code == 403:  # an admin-only list (webhooks): the table covers who may read it
            assert EXPECTED[("GET", path)].status[caller] == 403
            continue
        items = listed.json()["items"]
        param = _id_params(detail[0])[0 if len(_id_params(detail[0])) == 1 else -1]
        for item in items:
            url = detail[0].removeprefix(API).format(slug="acme", **{param: item["id"]})
            assert client.get(url).status_code == 200, url
            checked += 1
    assert checked


# ---------------------------------------------------------------- ideas: submitters and their own ideas


def test_contributors_edit_their_own_new_ideas(api, cast):
    """idea.edit is for editors, but a contributor may edit their own idea while it is new."""
    contributor = api(cast.tokens["contributor"])
    own = _idea(cast, "My idea", member=cast.members["contributor"])
    url = f"/workspaces/acme/ideas/{own.pk}"

    edited = contributor.patch(url, {"version": own.version, "title": "My better idea"})
    assert edited.status_code == 200, edited.content
    assert edited.json()["title"] == "My better idea"

    before = db_state()  # setting the status is an editor's decision, even on one's own idea
    refused = contributor.patch(url, {"version": edited.json()["version"], "status": "planned"})
    assert refused.status_code == 403
    assert db_state() == before

    _ideas().idea_update(member=_admin(cast), idea_id=own.pk, version=edited.json()["version"], status="under_review")
    before = db_state()  # no longer new: the contributor's own idea is the editors' now
    late = contributor.patch(url, {"version": edited.json()["version"] + 1, "title": "Too late"})
    assert late.status_code == 403
    assert db_state() == before
