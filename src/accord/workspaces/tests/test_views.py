"""The workspace web pages, through the Django test client."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accord.accounts.models import User
from accord.workspaces import services
from accord.workspaces.models import Invitation, Membership, Person, Team


@pytest.fixture
def objects(cast):
    """A team and a person in acme, for the detail pages."""
    admin = cast.members["admin"]
    team = services.team_create(member=admin, name="Design", kind="design")
    person = services.person_create(
        member=admin, name="Noah Schmidt", email="noah@acme.test", team_ids=[team.pk]
    )
    return {"team": team, "person": person}


def _pages(objects) -> list[str]:
    return [
        reverse("workspace_home", args=["acme"]),
        reverse("workspace_settings", args=["acme"]),
        reverse("members", args=["acme"]),
        reverse("teams", args=["acme"]),
        reverse("team_detail", args=["acme", objects["team"].pk]),
        reverse("people", args=["acme"]),
        reverse("person_detail", args=["acme", objects["person"].pk]),
        reverse("tokens", args=["acme"]),
        reverse("audit", args=["acme"]),
        reverse("audit_export", args=["acme"]),
    ]


@pytest.fixture
def as_role(cast, client):
    def sign_in(role: str):
        member = cast.outsider if role == "outsider" else cast.members[role]
        client.force_login(member.user)
        return client

    return sign_in


def _text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- who may open what


@pytest.mark.parametrize("role", ["viewer", "contributor", "editor", "admin"])
def test_every_workspace_page_opens_for_a_member(as_role, objects, role):
    client = as_role(role)
    for url in _pages(objects):
        assert client.get(url).status_code == 200, url


def test_every_workspace_page_is_404_for_a_non_member(as_role, objects):
    client = as_role("outsider")
    for url in _pages(objects):
        assert client.get(url).status_code == 404, url


def test_every_workspace_page_sends_anonymous_visitors_to_sign_in(client, objects):
    for url in [*_pages(objects), reverse("home"), reverse("workspace_new")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_a_team_or_person_of_another_workspace_is_404(as_role, cast):
    theirs = services.team_create(member=cast.outsider, name="Theirs")
    client = as_role("admin")
    assert client.get(reverse("team_detail", args=["acme", theirs.pk])).status_code == 404
    assert client.get(reverse("person_detail", args=["acme", 999999])).status_code == 404


def test_home_opens_the_last_workspace_or_offers_to_create_one(as_role, cast, client):
    as_role("admin")
    assert client.get(reverse("home"))["Location"] == reverse("workspace_home", args=["acme"])
    client.force_login(User.objects.create_user("new@example.test", "x"))
    assert client.get(reverse("home"))["Location"] == reverse("workspace_new")


# ---------------------------------------------------------------- forms


def test_creating_a_workspace_makes_you_its_admin(client, cast):
    client.force_login(User.objects.create_user("new@example.test", "x"))
    response = client.post(
        reverse("workspace_new"), {"name": "Lumen Labs", "slug": "", "description": "Try things"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members", args=["lumen-labs"])
    assert Membership.objects.get(workspace__slug="lumen-labs").role == "admin"


def test_a_taken_slug_shows_the_error_and_keeps_the_input(client, cast):
    client.force_login(User.objects.create_user("new@example.test", "x"))
    response = client.post(
        reverse("workspace_new"), {"name": "Another Acme", "slug": "acme", "description": "Keep me"}
    )
    assert response.status_code == 422
    html = _text(response)
    assert "is taken" in html
    assert 'value="Another Acme"' in html and "Keep me" in html


def test_a_duplicate_team_shows_the_field_error_and_keeps_the_input(as_role, objects):
    client = as_role("admin")
    response = client.post(
        reverse("teams", args=["acme"]),
        {"name": "DESIGN", "kind": "design", "description": "Second design team"},
    )
    assert response.status_code == 422
    html = _text(response)
    assert re.search(r'class="field-error" id="err_name">[^<]*already exists', html)
    assert 'value="DESIGN"' in html and "Second design team" in html
    assert Team.objects.filter(workspace__slug="acme").count() == 1


def test_an_invalid_person_shows_the_field_error_and_keeps_the_input(as_role, objects):
    client = as_role("admin")
    response = client.post(
        reverse("people", args=["acme"]),
        {
            "name": "Mei Chen",
            "email": "mei@",
            "title": "Sales Engineer",
            "skills": "demos, APIs",
            "interests": "integrations",
        },
    )
    assert response.status_code == 422
    html = _text(response)
    assert 'id="err_email"' in html
    for kept in [
        'value="Mei Chen"',
        'value="mei@"',
        'value="Sales Engineer"',
        'value="demos, APIs"',
        'value="integrations"',
    ]:
        assert kept in html
    assert not Person.objects.filter(name="Mei Chen").exists()


def test_a_person_is_added_from_the_people_page(as_role, objects):
    client = as_role("admin")
    response = client.post(
        reverse("people", args=["acme"]),
        {
            "name": "Mei Chen",
            "email": "mei@acme.test",
            "team_ids": [objects["team"].pk],
            "skills": "demos, Demos, APIs",
        },
    )
    assert response.status_code == 302
    mei = Person.objects.get(name="Mei Chen")
    assert mei.skills == ["demos", "APIs"]
    assert list(mei.teams.all()) == [objects["team"]]


def test_a_stale_person_form_shows_the_conflict_and_keeps_the_first_change(as_role, objects):
    client = as_role("admin")
    url = reverse("person_detail", args=["acme", objects["person"].pk])
    form = {"name": "Noah Schmidt", "email": "noah@acme.test", "title": "First", "version": 1}
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "title": "Second"})
    assert response.status_code == 422
    html = _text(response)
    assert re.search(r'role="alert">[^<]*stale', html)
    # The form now shows what is saved, at the current version, so saving again is deliberate.
    assert 'value="First"' in html and 'name="version" value="2"' in html
    objects["person"].refresh_from_db()
    assert objects["person"].title == "First"


def test_an_invalid_edit_shows_the_error_and_keeps_what_was_typed(as_role, cast, objects):
    client = as_role("admin")
    other = services.team_create(member=cast.members["admin"], name="Sales")
    response = client.post(
        reverse("person_detail", args=["acme", objects["person"].pk]),
        {
            "name": "Noah S.",
            "email": "noah@",
            "title": "Lead designer",
            "team_ids": [other.pk],
            "skills": "Figma, research",
            "interests": "onboarding",
            "version": 1,
        },
    )
    assert response.status_code == 422
    html = _text(response)
    assert 'id="err_email"' in html
    for kept in [
        'value="Noah S."',
        'value="noah@"',
        'value="Lead designer"',
        'value="Figma, research"',
        'value="onboarding"',
    ]:
        assert kept in html, kept
    assert (
        f'value="{other.pk}" checked' in html
        and f'value="{objects["team"].pk}" checked' not in html
    )

    response = client.post(
        reverse("team_detail", args=["acme", objects["team"].pk]),
        {
            "name": "",
            "kind": "it",
            "description": "Now IT",
            "version": 1,
        },
    )
    assert response.status_code == 422
    assert 'id="err_name"' in _text(response) and "Now IT" in _text(response)
    assert re.search(r'<option value="it"\s+selected', _text(response))

    response = client.post(
        reverse("workspace_settings", args=["acme"]),
        {"name": " ", "description": "Kept", "version": 1},
    )
    assert response.status_code == 422
    assert 'id="err_name"' in _text(response) and "Kept" in _text(response)


def test_settings_are_saved_by_an_admin(as_role, cast):
    client = as_role("admin")
    response = client.post(
        reverse("workspace_settings", args=["acme"]),
        {"name": "Acme Inc", "description": "Hi", "version": 1},
    )
    assert response.status_code == 302
    cast.workspace.refresh_from_db()
    assert (cast.workspace.name, cast.workspace.description) == ("Acme Inc", "Hi")


def test_the_decimal_separator_is_a_workspace_setting_on_the_page_and_in_the_api(as_role, cast, api):
    client = as_role("admin")
    page = _text(client.get(reverse("workspace_settings", args=["acme"])))
    assert re.search(r'<option value="point"\s+selected>Point: 1,234.5</option>', page)
    response = client.post(
        reverse("workspace_settings", args=["acme"]),
        {"name": "Acme", "description": "", "decimal_separator": "comma", "version": 1},
    )
    assert response.status_code == 302
    cast.workspace.refresh_from_db()
    assert cast.workspace.decimal_separator == "comma"
    bad = client.post(
        reverse("workspace_settings", args=["acme"]),
        {"name": "Acme", "decimal_separator": "semicolon", "version": cast.workspace.version},
    )
    assert bad.status_code == 422 and "Choose point or comma." in _text(bad)
    admin = api(cast.tokens["admin"])
    assert admin.get("/workspaces/acme").json()["decimal_separator"] == "comma"
    patched = admin.patch("/workspaces/acme", {"version": cast.workspace.version, "decimal_separator": "point"})
    assert patched.status_code == 200 and patched.json()["decimal_separator"] == "point"
    assert admin.patch("/workspaces/acme", {"version": patched.json()["version"], "decimal_separator": "x"}).status_code == 422
    editor = api(cast.tokens["editor"])
    assert editor.patch("/workspaces/acme", {"version": patched.json()["version"], "decimal_separator": "comma"}).status_code == 403


def test_an_admin_changes_a_role_from_the_members_page(as_role, cast):
    client = as_role("admin")
    viewer = cast.members["viewer"]
    response = client.post(
        reverse("member_role", args=["acme", viewer.pk]),
        {"role": "editor", "version": viewer.version},
        follow=True,
    )
    assert response.status_code == 200
    assert "is now editor" in _text(response)
    assert Membership.objects.get(pk=viewer.pk).role == "editor"


def test_demoting_the_last_admin_shows_why_and_changes_nothing(as_role, cast):
    client = as_role("admin")
    admin = cast.members["admin"]
    response = client.post(
        reverse("member_role", args=["acme", admin.pk]),
        {"role": "viewer", "version": admin.version},
        follow=True,
    )
    assert "at least one admin" in _text(response)
    assert Membership.objects.get(pk=admin.pk).role == "admin"


def test_an_admin_removes_a_member(as_role, cast):
    client = as_role("admin")
    editor = cast.members["editor"]
    response = client.post(reverse("member_remove", args=["acme", editor.pk]))
    assert response["Location"] == reverse("members", args=["acme"])
    assert not Membership.objects.filter(pk=editor.pk).exists()


def test_a_member_leaves_a_workspace(as_role, cast):
    client = as_role("viewer")
    viewer = cast.members["viewer"]
    response = client.post(reverse("member_remove", args=["acme", viewer.pk]))
    assert response["Location"] == reverse("home")
    assert client.get(reverse("workspace_home", args=["acme"])).status_code == 404


def test_an_invitation_is_sent_from_the_members_page(
    as_role, cast, django_capture_on_commit_callbacks
):
    client = as_role("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation_create", args=["acme"]),
            {"email": "friend@example.test", "role": "editor", "valid_days": "3"},
        )
    assert response.status_code == 200
    link = re.search(r'<code id="invite-link">([^<]+)</code>', _text(response)).group(1)
    token = link.rsplit("/", 1)[1]
    assert mail.outbox[0].to == ["friend@example.test"]
    assert token in mail.outbox[0].body
    invitation = Invitation.objects.get(email="friend@example.test")
    assert (invitation.role, invitation.state) == ("editor", "pending")


def test_an_invalid_invitation_shows_the_field_error_and_keeps_the_input(as_role, cast):
    client = as_role("admin")
    response = client.post(
        reverse("invitation_create", args=["acme"]),
        {"email": "viewer@acme.test", "role": "editor", "valid_days": "3"},
    )
    assert response.status_code == 422
    html = _text(response)
    assert 'id="err_email"' in html and "already a member" in html
    assert 'value="viewer@acme.test"' in html and 'value="3"' in html
    assert re.search(r'<option value="editor"\s+selected', html)


def test_an_invitation_is_revoked_from_the_members_page(as_role, cast):
    invitation, _ = services.invitation_create(
        member=cast.members["admin"], email="friend@example.test"
    )
    client = as_role("admin")
    response = client.post(reverse("invitation_revoke", args=["acme", invitation.pk]), follow=True)
    assert "revoked" in _text(response)
    invitation.refresh_from_db()
    assert invitation.state == "revoked"


def test_a_token_is_created_and_shown_once_on_the_tokens_page(as_role, api, cast):
    client = as_role("viewer")
    response = client.post(reverse("tokens", args=["acme"]), {"name": "Sheets", "valid_days": ""})
    raw = re.search(r'<code id="new-token">([^<]+)</code>', _text(response)).group(1)
    assert api(raw).get("/workspaces/acme").status_code == 200
    assert raw not in _text(client.get(reverse("tokens", args=["acme"])))


def test_member_forms_are_post_only(as_role, cast):
    client = as_role("admin")
    assert (
        client.get(reverse("member_role", args=["acme", cast.members["viewer"].pk])).status_code
        == 405
    )
    assert (
        client.get(reverse("member_remove", args=["acme", cast.members["viewer"].pk])).status_code
        == 405
    )


# ---------------------------------------------------------------- a viewer on admin pages


def test_a_viewer_gets_403_on_admin_forms(as_role, cast, objects):
    client = as_role("viewer")
    editor, team = cast.members["editor"], objects["team"]
    attempts = [
        (reverse("invitation_create", args=["acme"]), {"email": "friend@example.test"}),
        (
            reverse("member_role", args=["acme", editor.pk]),
            {"role": "admin", "version": editor.version},
        ),
        (reverse("member_remove", args=["acme", editor.pk]), {}),
        (reverse("workspace_settings", args=["acme"]), {"name": "Mine", "version": 1}),
        (reverse("teams", args=["acme"]), {"name": "Mine", "kind": "custom"}),
        (reverse("team_detail", args=["acme", team.pk]), {"name": "Mine", "version": team.version}),
        (reverse("team_detail", args=["acme", team.pk]), {"action": "delete"}),
        (reverse("people", args=["acme"]), {"name": "Mine"}),
        (reverse("person_detail", args=["acme", objects["person"].pk]), {"action": "delete"}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 403, url
    assert Membership.objects.get(pk=editor.pk).role == "editor"
    assert Team.objects.get(pk=team.pk).name == "Design"
    assert not Invitation.objects.exists()


def test_a_viewer_does_not_see_admin_forms(as_role, objects):
    client = as_role("viewer")
    assert "Invite someone" not in _text(client.get(reverse("members", args=["acme"])))
    assert "Add team" not in _text(client.get(reverse("teams", args=["acme"])))
    assert "Add person" not in _text(client.get(reverse("people", args=["acme"])))


# ---------------------------------------------------------------- htmx


def test_people_search_with_htmx_returns_only_the_rows(as_role, objects):
    client = as_role("viewer")
    url = reverse("people", args=["acme"])
    response = client.get(
        url, {"q": "noah"}, headers={"HX-Request": "true", "HX-Target": "people-rows"}
    )
    assert response.status_code == 200
    html = _text(response)
    assert "<html" not in html and "<nav" not in html.split("Noah Schmidt")[0]
    assert 'id="people-rows"' not in html  # the rows go into that element, not around it
    assert "Noah Schmidt" in html and "Viewer" not in html
    full = _text(client.get(url, {"q": "noah"}))
    assert "<html" in full and 'id="people-rows"' in full


def test_people_are_filtered_by_team_and_skill_on_the_page(as_role, cast, objects):
    services.person_create(member=cast.members["admin"], name="Mei Chen", skills=["Demos"])
    client = as_role("viewer")
    url = reverse("people", args=["acme"])
    by_team = _text(client.get(url, {"team": objects["team"].pk}))
    assert "Noah Schmidt" in by_team and "Mei Chen" not in by_team
    by_skill = _text(client.get(url, {"skill": "demos"}))
    assert "Mei Chen" in by_skill and "Noah Schmidt" not in by_skill


# ---------------------------------------------------------------- invitation links


@pytest.fixture
def invitation_link(cast):
    _, raw = services.invitation_create(
        member=cast.members["admin"], email="newcomer@example.test", role="contributor"
    )
    return reverse("invitation", args=[raw])


def test_a_newcomer_creates_an_account_and_joins(client, cast, invitation_link):
    page = client.get(invitation_link)
    assert page.status_code == 200
    assert "Create account and join" in _text(page)
    response = client.post(
        invitation_link, {"name": "Nia Newcomer", "password": "a-Strong-newcomer-passw0rd"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace_home", args=["acme"])
    user = User.objects.get(email="newcomer@example.test")
    assert Membership.objects.get(user=user, workspace=cast.workspace).role == "contributor"
    assert Person.objects.get(user=user, workspace=cast.workspace).name == "Nia Newcomer"
    assert client.get(reverse("workspace_home", args=["acme"])).status_code == 200  # signed in
    assert client.get(invitation_link).status_code == 404  # used once


def test_a_newcomer_with_a_weak_password_sees_why_and_nothing_is_created(
    client, cast, invitation_link
):
    response = client.post(invitation_link, {"name": "Nia Newcomer", "password": "password"})
    assert response.status_code == 422
    assert 'id="err_password"' in _text(response)
    assert 'value="Nia Newcomer"' in _text(response)
    assert not User.objects.filter(email="newcomer@example.test").exists()


def test_a_signed_in_user_accepts_an_invitation(client, cast, invitation_link):
    user = User.objects.create_user("newcomer@example.test", "x")
    client.force_login(user)
    response = client.post(invitation_link)
    assert response["Location"] == reverse("workspace_home", args=["acme"])
    assert Membership.objects.filter(user=user, workspace=cast.workspace).exists()


def test_someone_with_an_account_is_asked_to_sign_in_first(client, cast, invitation_link):
    User.objects.create_user("newcomer@example.test", "x")
    html = _text(client.get(invitation_link))
    assert "Sign in, then open this link again" in html
    assert "Create account and join" not in html


@pytest.mark.parametrize("state", ["unknown", "revoked", "expired"])
def test_an_invalid_invitation_link_is_404(client, cast, state):
    invitation, raw = services.invitation_create(
        member=cast.members["admin"], email="late@example.test"
    )
    if state == "unknown":
        raw = "inv_made-up-token"
    elif state == "revoked":
        services.invitation_revoke(member=cast.members["admin"], invitation_id=invitation.pk)
    else:
        from datetime import timedelta

        from django.utils import timezone

        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    for response in (
        client.get(reverse("invitation", args=[raw])),
        client.post(
            reverse("invitation", args=[raw]),
            {"name": "X", "password": "a-Strong-newcomer-passw0rd"},
        ),
    ):
        assert response.status_code == 404
        assert "This invitation is not valid" in _text(response)
    assert not User.objects.filter(email="late@example.test").exists()
