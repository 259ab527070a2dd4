"""Workspace services: the rules every write follows, whoever calls it (web, API, CLI)."""

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accord.accounts.models import User
from accord.core.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion
from accord.workspaces import services
from accord.workspaces.models import ApiToken, Invitation, Membership, Person, Team


def _field(exc_info) -> str:
    return exc_info.value.errors[0].field


def _fresh(membership: Membership) -> Membership:
    return Membership.objects.select_related("workspace", "user").get(pk=membership.pk)


@pytest.fixture
def admin(cast):
    return cast.members["admin"]


# ---------------------------------------------------------------- workspaces


def test_a_workspace_slug_is_made_from_its_name(db):
    user = User.objects.create_user("founder@example.test", "x")
    workspace = services.workspace_create(user=user, name="  Lumen Analytics GmbH! ")
    assert workspace.slug == "lumen-analytics-gmbh"
    assert workspace.name == "Lumen Analytics GmbH!"


def test_the_creator_becomes_admin_and_a_listed_person(db):
    user = User.objects.create_user("founder@example.test", "x", name="Fay Founder")
    workspace = services.workspace_create(user=user, name="Fresh", slug="Fresh Start")
    assert workspace.slug == "fresh-start"
    assert Membership.objects.get(workspace=workspace, user=user).role == "admin"
    assert Person.objects.get(workspace=workspace, user=user).name == "Fay Founder"


@pytest.mark.parametrize("slug", ["api", "admin", "new", "static", "accounts", "invitations"])
def test_a_reserved_slug_is_refused(db, slug):
    user = User.objects.create_user("founder@example.test", "x")
    with pytest.raises(Invalid) as exc:
        services.workspace_create(user=user, name="Anything", slug=slug)
    assert _field(exc) == "slug"


def test_a_taken_slug_is_refused(cast):
    with pytest.raises(Invalid) as exc:
        services.workspace_create(user=cast.outsider.user, name="Acme again", slug="ACME")
    assert _field(exc) == "slug"
    assert "taken" in str(exc.value)


def test_a_name_without_letters_or_digits_needs_a_slug(db):
    user = User.objects.create_user("founder@example.test", "x")
    with pytest.raises(Invalid) as exc:
        services.workspace_create(user=user, name="!!!")
    assert _field(exc) == "slug"


def test_a_workspace_needs_a_name(db):
    user = User.objects.create_user("founder@example.test", "x")
    with pytest.raises(Invalid) as exc:
        services.workspace_create(user=user, name="   ", slug="blank")
    assert _field(exc) == "name"


def test_an_admin_renames_a_workspace_and_the_version_moves_on(admin):
    workspace = services.workspace_update(member=admin, version=1, name="Acme Inc")
    assert (workspace.name, workspace.version) == ("Acme Inc", 2)


def test_a_stale_rename_gets_409_and_the_first_change_survives(cast, admin):
    other_admin = services.member_add(
        member=admin, user=User.objects.create_user("b@acme.test", "x"), role="admin"
    )
    services.workspace_update(member=admin, version=1, name="First")
    with pytest.raises(StaleVersion) as exc:
        services.workspace_update(
            member=_fresh(other_admin), version=1, name="Second", description="lost"
        )
    assert exc.value.status == 409
    assert exc.value.current_version == 2
    cast.workspace.refresh_from_db()
    assert (cast.workspace.name, cast.workspace.description, cast.workspace.version) == (
        "First",
        "",
        2,
    )


def test_an_editor_cannot_rename_a_workspace(cast):
    with pytest.raises(Forbidden):
        services.workspace_update(member=cast.members["editor"], version=1, name="Mine")


# ---------------------------------------------------------------- members


def test_an_admin_changes_a_members_role(cast, admin):
    viewer = cast.members["viewer"]
    changed = services.member_change_role(
        member=admin, membership_id=viewer.pk, role="editor", version=viewer.version
    )
    assert changed.role == "editor"
    assert Membership.objects.get(pk=viewer.pk).role == "editor"


def test_an_unknown_role_is_refused(cast, admin):
    viewer = cast.members["viewer"]
    with pytest.raises(Invalid) as exc:
        services.member_change_role(
            member=admin, membership_id=viewer.pk, role="owner", version=viewer.version
        )
    assert _field(exc) == "role"


def test_the_last_admin_cannot_be_demoted(admin):
    with pytest.raises(Invalid) as exc:
        services.member_change_role(
            member=admin, membership_id=admin.pk, role="editor", version=admin.version
        )
    assert _field(exc) == "role"
    assert Membership.objects.get(pk=admin.pk).role == "admin"


def test_the_last_admin_cannot_leave(admin):
    with pytest.raises(Invalid):
        services.member_remove(member=admin, membership_id=admin.pk)
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_an_admin_may_leave_once_someone_else_is_admin(cast, admin):
    editor = cast.members["editor"]
    services.member_change_role(
        member=admin, membership_id=editor.pk, role="admin", version=editor.version
    )
    services.member_remove(member=admin, membership_id=admin.pk)
    assert not Membership.objects.filter(pk=admin.pk).exists()


def test_anyone_may_leave_but_only_admins_remove_others(cast):
    viewer, editor = cast.members["viewer"], cast.members["editor"]
    with pytest.raises(Forbidden):
        services.member_remove(member=editor, membership_id=viewer.pk)
    services.member_remove(member=viewer, membership_id=viewer.pk)
    assert not Membership.objects.filter(pk=viewer.pk).exists()


def test_removing_a_member_deletes_their_tokens_and_keeps_their_person(cast, admin):
    editor = cast.members["editor"]
    assert services.token_authenticate(cast.tokens["editor"]) is not None
    services.member_remove(member=admin, membership_id=editor.pk)
    assert not ApiToken.objects.filter(membership_id=editor.pk).exists()
    assert services.token_authenticate(cast.tokens["editor"]) is None
    person = Person.objects.get(workspace=cast.workspace, email="editor@acme.test")
    assert person.user_id is None


def test_a_member_of_another_workspace_is_not_found(cast, admin):
    with pytest.raises(NotFound):
        services.member_change_role(
            member=admin, membership_id=cast.outsider.pk, role="viewer", version=1
        )


# ---------------------------------------------------------------- invitations


@pytest.fixture
def invite(admin, django_capture_on_commit_callbacks):
    """Invite newcomer@example.test as an editor; returns (invitation, raw token)."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.invitation_create(
            member=admin, email=" NewComer@Example.test ", role="editor"
        )


def test_an_invitation_is_mailed_with_a_link_carrying_the_token(invite):
    invitation, raw = invite
    assert invitation.email == "newcomer@example.test"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.test"]
    assert "Acme" in message.subject
    assert f"/invitations/{raw}" in message.body


def test_an_invitation_token_is_stored_only_as_its_hash(invite):
    invitation, raw = invite
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert stored["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(v) for v in stored.values()}
    assert len(raw) >= 32


def test_accepting_an_invitation_makes_a_member_and_a_person(cast, invite):
    invitation, raw = invite
    user = User.objects.create_user("newcomer@example.test", "x", name="Nia Newcomer")
    membership = services.invitation_accept(user=user, token=raw)
    assert (membership.workspace_id, membership.role) == (cast.workspace.pk, "editor")
    assert Person.objects.get(workspace=cast.workspace, user=user).name == "Nia Newcomer"
    invitation.refresh_from_db()
    assert invitation.state == "accepted"


def test_a_used_invitation_link_is_not_found(invite):
    _, raw = invite
    services.invitation_accept(
        user=User.objects.create_user("newcomer@example.test", "x"), token=raw
    )
    with pytest.raises(NotFound):
        services.invitation_accept(
            user=User.objects.create_user("second@example.test", "x"), token=raw
        )


def test_an_expired_invitation_link_is_not_found(invite):
    invitation, raw = invite
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(NotFound):
        services.invitation_by_token(raw)


def test_a_revoked_invitation_link_is_not_found_and_revoking_twice_conflicts(admin, invite):
    invitation, raw = invite
    services.invitation_revoke(member=admin, invitation_id=invitation.pk)
    with pytest.raises(NotFound):
        services.invitation_accept(
            user=User.objects.create_user("newcomer@example.test", "x"), token=raw
        )
    with pytest.raises(Conflict):
        services.invitation_revoke(member=admin, invitation_id=invitation.pk)


def test_an_unknown_invitation_link_is_not_found(db):
    with pytest.raises(NotFound):
        services.invitation_by_token("inv_made-up")


def test_a_member_cannot_be_invited_again(cast, admin):
    with pytest.raises(Invalid) as exc:
        services.invitation_create(member=admin, email="viewer@acme.test")
    assert _field(exc) == "email"


def test_an_invitation_needs_a_valid_email_and_role(admin):
    with pytest.raises(Invalid) as exc:
        services.invitation_create(member=admin, email="not-an-address")
    assert _field(exc) == "email"
    with pytest.raises(Invalid) as exc:
        services.invitation_create(member=admin, email="ok@example.test", role="owner")
    assert _field(exc) == "role"


def test_only_admins_invite(cast):
    with pytest.raises(Forbidden):
        services.invitation_create(member=cast.members["editor"], email="friend@example.test")


# ---------------------------------------------------------------- teams


def test_an_admin_creates_renames_and_deletes_a_team(admin):
    team = services.team_create(
        member=admin, name=" Growth ", kind="marketing", description="Funnels"
    )
    assert (team.name, team.kind, team.version) == ("Growth", "marketing", 1)
    team = services.team_update(member=admin, team_id=team.pk, version=1, name="Growth Marketing")
    assert (team.name, team.version) == ("Growth Marketing", 2)
    services.team_delete(member=admin, team_id=team.pk)
    assert not Team.objects.filter(pk=team.pk).exists()


def test_team_names_are_unique_ignoring_case(admin):
    services.team_create(member=admin, name="Design")
    with pytest.raises(Invalid) as exc:
        services.team_create(member=admin, name="DESIGN")
    assert _field(exc) == "name"


def test_renaming_a_team_onto_another_name_is_refused(admin):
    services.team_create(member=admin, name="Design")
    sales = services.team_create(member=admin, name="Sales")
    with pytest.raises(Invalid) as exc:
        services.team_update(member=admin, team_id=sales.pk, version=1, name="design")
    assert _field(exc) == "name"


def test_a_team_kind_must_be_known(admin):
    with pytest.raises(Invalid) as exc:
        services.team_create(member=admin, name="Legal", kind="lawyers")
    assert _field(exc) == "kind"


def test_a_stale_team_update_changes_nothing(admin):
    team = services.team_create(member=admin, name="Design")
    services.team_update(member=admin, team_id=team.pk, version=1, description="first")
    with pytest.raises(StaleVersion):
        services.team_update(
            member=admin, team_id=team.pk, version=1, name="Renamed", description="second"
        )
    team.refresh_from_db()
    assert (team.name, team.description, team.version) == ("Design", "first", 2)


def test_a_viewer_cannot_rename_a_team(cast, admin):
    team = services.team_create(member=admin, name="Design")
    with pytest.raises(Forbidden):
        services.team_update(member=cast.members["viewer"], team_id=team.pk, version=1, name="Mine")


def test_a_team_of_another_workspace_is_not_found(cast, admin):
    theirs = services.team_create(member=cast.outsider, name="Theirs")
    with pytest.raises(NotFound):
        services.team_update(member=admin, team_id=theirs.pk, version=1, name="Ours")
    with pytest.raises(NotFound):
        services.team_delete(member=admin, team_id=theirs.pk)


# ---------------------------------------------------------------- people


def test_an_admin_adds_a_person_with_teams_and_deduplicated_skills(admin):
    design = services.team_create(member=admin, name="Design")
    person = services.person_create(
        member=admin,
        name="Noah",
        email="Noah@Example.test",
        title="Designer",
        team_ids=[design.pk, design.pk],
        skills=["Prototyping", " prototyping ", "User  research", "", "SQL"],
        interests=["a11y", "A11Y"],
    )
    assert person.email == "noah@example.test"
    assert person.skills == ["Prototyping", "User research", "SQL"]
    assert person.interests == ["a11y"]
    assert list(person.teams.all()) == [design]


def test_a_person_cannot_join_unknown_teams(cast, admin):
    theirs = services.team_create(member=cast.outsider, name="Theirs")
    for team_ids in ([999_999], [theirs.pk]):
        with pytest.raises(Invalid) as exc:
            services.person_create(member=admin, name="Noah", team_ids=team_ids)
        assert _field(exc) == "team_ids"
    assert not Person.objects.filter(name="Noah").exists()


def test_two_people_cannot_share_an_email(admin):
    services.person_create(member=admin, name="Noah", email="noah@example.test")
    with pytest.raises(Invalid) as exc:
        services.person_create(member=admin, name="Other Noah", email="NOAH@example.test")
    assert _field(exc) == "email"
    mei = services.person_create(member=admin, name="Mei", email="mei@example.test")
    with pytest.raises(Invalid) as exc:
        services.person_update(member=admin, person_id=mei.pk, version=1, email="noah@example.test")
    assert _field(exc) == "email"


def test_people_without_email_are_not_duplicates(admin):
    services.person_create(member=admin, name="One")
    services.person_create(member=admin, name="Two")
    assert Person.objects.filter(workspace=admin.workspace, email="").count() == 2


def test_a_person_needs_a_name_and_a_valid_email(admin):
    with pytest.raises(Invalid) as exc:
        services.person_create(member=admin, name=" ")
    assert _field(exc) == "name"
    with pytest.raises(Invalid) as exc:
        services.person_create(member=admin, name="Noah", email="noah@")
    assert _field(exc) == "email"


def test_listing_a_members_email_links_the_person_to_their_login(cast, admin):
    viewer = cast.members["viewer"]
    Person.objects.filter(user=viewer.user).delete()
    person = services.person_create(member=admin, name="Vic", email="viewer@acme.test")
    assert person.user_id == viewer.user_id


def test_updating_a_person_keeps_what_is_not_sent(admin):
    design = services.team_create(member=admin, name="Design")
    person = services.person_create(
        member=admin, name="Noah", title="Designer", team_ids=[design.pk], skills=["Figma"]
    )
    person = services.person_update(
        member=admin, person_id=person.pk, version=1, title="Lead designer"
    )
    assert (person.name, person.title, person.skills, person.version) == (
        "Noah",
        "Lead designer",
        ["Figma"],
        2,
    )
    assert list(person.teams.all()) == [design]


def test_a_stale_person_update_changes_nothing(admin):
    person = services.person_create(member=admin, name="Noah")
    services.person_update(member=admin, person_id=person.pk, version=1, title="First")
    with pytest.raises(StaleVersion):
        services.person_update(
            member=admin, person_id=person.pk, version=1, title="Second", skills=["x"]
        )
    person.refresh_from_db()
    assert (person.title, person.skills, person.version) == ("First", [], 2)


def test_an_editor_cannot_add_or_remove_people(cast, admin):
    person = services.person_create(member=admin, name="Noah")
    with pytest.raises(Forbidden):
        services.person_create(member=cast.members["editor"], name="Mine")
    with pytest.raises(Forbidden):
        services.person_delete(member=cast.members["editor"], person_id=person.pk)
    services.person_delete(member=admin, person_id=person.pk)
    assert not Person.objects.filter(pk=person.pk).exists()


# ---------------------------------------------------------------- API tokens


def test_a_token_is_shown_once_and_stored_as_its_sha256(cast):
    token, raw = services.token_create(member=cast.members["viewer"], name="Sync")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {str(v) for v in stored.values()}
    assert stored["prefix"] == raw[:10] and raw.startswith("acc_")
    assert len(raw) >= 40
    assert stored["expires_at"] is None


def test_a_token_may_expire(cast):
    token, raw = services.token_create(member=cast.members["viewer"], name="Short", valid_days=30)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert services.token_authenticate(raw) is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.token_authenticate(raw) is None


@pytest.mark.parametrize("days", [0, 3651])
def test_a_token_lifetime_is_bounded(cast, days):
    with pytest.raises(Invalid) as exc:
        services.token_create(member=cast.members["viewer"], name="Odd", valid_days=days)
    assert _field(exc) == "valid_days"


def test_a_revoked_token_no_longer_authenticates(cast):
    viewer = cast.members["viewer"]
    token = services.token_authenticate(cast.tokens["viewer"])
    assert token.membership_id == viewer.pk
    services.token_revoke(member=viewer, token_id=token.pk)
    assert services.token_authenticate(cast.tokens["viewer"]) is None
    with pytest.raises(Conflict):
        services.token_revoke(member=viewer, token_id=token.pk)


def test_only_admins_revoke_someone_elses_token(cast):
    editors = ApiToken.objects.get(membership=cast.members["editor"])
    with pytest.raises(Forbidden):
        services.token_revoke(member=cast.members["viewer"], token_id=editors.pk)
    services.token_revoke(member=cast.members["admin"], token_id=editors.pk)
    assert services.token_authenticate(cast.tokens["editor"]) is None


def test_a_token_of_a_deactivated_user_no_longer_authenticates(cast):
    User.objects.filter(pk=cast.members["viewer"].user_id).update(is_active=False)
    assert services.token_authenticate(cast.tokens["viewer"]) is None


def test_a_token_carries_the_members_current_role(cast, admin, api):
    viewer_api = api(cast.tokens["viewer"])
    assert viewer_api.post("/workspaces/acme/teams", {"name": "Design"}).status_code == 403
    viewer = cast.members["viewer"]
    services.member_change_role(
        member=admin, membership_id=viewer.pk, role="admin", version=viewer.version
    )
    assert viewer_api.post("/workspaces/acme/teams", {"name": "Design"}).status_code == 201
    services.member_change_role(
        member=admin, membership_id=viewer.pk, role="viewer", version=viewer.version + 1
    )
    assert viewer_api.patch("/workspaces/acme", {"version": 1, "name": "Mine"}).status_code == 403


def test_a_token_of_one_workspace_finds_nothing_in_another(cast, api):
    outsider_team = services.team_create(member=cast.outsider, name="Theirs")
    admin_api = api(cast.tokens["admin"])
    assert admin_api.get("/workspaces/other").status_code == 404
    assert admin_api.get("/workspaces/other/teams").status_code == 404
    assert admin_api.get(f"/workspaces/other/teams/{outsider_team.pk}").status_code == 404
    assert admin_api.get(f"/workspaces/acme/teams/{outsider_team.pk}").status_code == 404
    # Even a user who belongs to both: the token opens only the workspace it was made in.
    services.member_add(member=cast.outsider, user=cast.members["admin"].user, role="admin")
    assert admin_api.get("/workspaces/other").status_code == 404
