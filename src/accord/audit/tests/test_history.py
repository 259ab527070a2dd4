"""History in plain language: the one formatter (accord.audit.history) on workspaces' own objects,
the rules every object type follows, and the pages that show it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.audit import history
from accord.audit.models import AuditEntry
from accord.workspaces import services

# What must never reach a reader: Python or JSON literals, ids, booleans, versions.
RAW = re.compile(r"[{}\[\]]|_id\b|_ids\b|\bTrue\b|\bFalse\b|\bNone\b|\bnull\b|\bVersion\b|\bversion\b")


@pytest.fixture
def admin(cast):
    return cast.members["admin"]


def told(workspace, **filters):
    entry = AuditEntry.objects.filter(workspace=workspace, **filters).order_by("-id").first()
    return history.tell([entry], slug=workspace.slug)[0]


def test_a_team_created_then_renamed_reads_as_sentences(admin):
    team = services.team_create(member=admin, name="Design", kind="design", description="Research **first**")
    created = told(admin.workspace, object_type="team")
    assert created.text == "Ada Admin created team Design"
    assert [d.text for d in created.details] == ["Kind: Design", "Description:"]
    assert "<strong>first</strong>" in created.details[1].html  # Markdown rendered
    services.team_update(member=admin, team_id=team.pk, version=1, name="Product Design")
    renamed = told(admin.workspace, object_type="team", action="updated")
    assert renamed.text == "Ada Admin changed Name from Design to Product Design on team Product Design"
    assert renamed.text_here == "Ada Admin changed Name from Design to Product Design on this team"
    assert renamed.url == reverse("team_detail", args=["acme", team.pk])


def test_a_person_update_names_teams_and_lists_what_was_added(admin):
    design = services.team_create(member=admin, name="Design")
    person = services.person_create(member=admin, name="Noah", skills=["Figma"])
    services.person_update(member=admin, person_id=person.pk, version=1, team_ids=[design.pk], skills=["Figma", "Research"], title="Designer")
    story = told(admin.workspace, object_type="person", action="updated")
    assert story.text == "Ada Admin updated person Noah"
    assert [d.text for d in story.details] == [
        "Set Title to Designer", "Added Design to Teams", "Added Research to Skills",
    ]  # fmt: skip
    services.team_delete(member=admin, team_id=design.pk)  # the name is gone, not the history
    story = told(admin.workspace, object_type="person", action="updated")
    assert story.details[1].text == "Added a deleted team to Teams"


def test_members_roles_invitations_and_tokens(cast, admin):
    viewer = cast.members["viewer"]
    services.member_change_role(member=admin, membership_id=viewer.pk, role="editor", version=viewer.version)
    assert told(admin.workspace, action="role_changed").text == "Ada Admin changed the role of Viewer from Viewer to Editor"
    services.invitation_create(member=admin, email="friend@example.test", role="editor")
    invited = told(admin.workspace, action="invited")
    assert invited.text == "Ada Admin invited friend@example.test"
    assert [d.text for d in invited.details] == ["Role: Editor"]
    services.token_create(member=admin, name="Sync", valid_days=30)
    token = told(admin.workspace, object_type="api token")
    assert token.text.startswith("Ada Admin created API token Sync")
    assert [d.text.split(":")[0] for d in token.details] == ["Name", "Expires"]  # never the prefix
    services.member_remove(member=admin, membership_id=viewer.pk)
    assert told(admin.workspace, action="removed").text == "Ada Admin removed viewer@acme.test from the workspace"
    assert told(admin.workspace, action="joined").text == "Ada Admin added Editor as Editor"  # the user named Editor


def test_the_creator_joining_reads_as_joining(cast):
    first = AuditEntry.objects.filter(workspace=cast.workspace, action="joined").order_by("id").first()
    assert history.tell([first], slug="acme")[0].text == "Ada Admin joined the workspace as Admin"


def test_secrets_flags_and_unknown_fields_never_show_raw_values(admin):
    """A type declared with a secret, a flag and nothing else: no literal, no id, no boolean."""
    history.register(history.ObjectType(
        key="test gadget", noun="gadget",
        fields={"password": history.Field("Password", kind="secret"), "locked": history.Field("a lock", kind="flag")},
    ))  # fmt: skip
    try:
        make = dict(workspace=admin.workspace, actor=admin.user, actor_label=admin.user.email, object_type="test gadget", object_id="7", object_label="Gizmo")
        entries = [
            AuditEntry(**make, action="created", after={"password": "s3cret", "locked": True, "options": {"a_b": 1, "c": [1, 2]}, "owner_id": 4, "version": 2}),
            AuditEntry(**make, action="updated", before={"password": "old", "locked": False, "enabled": False}, after={"password": "new", "locked": True, "enabled": True}),
            AuditEntry(**make, action="frobnicated", after={"speed": 3.0, "ratio": 0.3333333}),
        ]
        created, updated, other = history.tell(entries, slug="acme")
    finally:
        history.TYPES.pop("test gadget")
    assert [d.text for d in created.details] == ["Password: (hidden)", "With a lock", "Options: A b: 1; C: 1, 2"]
    assert [d.text for d in updated.details] == ["Changed the password", "Turned on a lock", "Turned on Enabled"]
    assert other.text == "Ada Admin frobnicated gadget Gizmo"
    assert [d.text for d in other.details] == ["Ratio: 0.33", "Speed: 3"]
    for story in (created, updated, other):
        text = story.as_text()
        assert "s3cret" not in text and "old" not in text and not RAW.search(text), text


def test_user_text_is_escaped_in_the_sentence_and_markdown_is_sanitised(admin):
    services.team_create(member=admin, name="<script>alert(1)</script>", description="[x](javascript:alert(1)) <img src=x onerror=alert(1)>")
    story = told(admin.workspace, object_type="team")
    assert "<script>" not in story.html and "&lt;script&gt;" in story.html
    md = story.details[-1].html
    assert 'href="javascript' not in md and "<img" not in md


def test_a_page_of_entries_is_told_in_a_constant_number_of_queries(cast, admin):
    def queries_for(n):
        for i in range(n):
            team = services.team_create(member=admin, name=f"Team {n}-{i}")
            services.person_create(member=admin, name=f"Person {n}-{i}", team_ids=[team.pk])
        entries = list(AuditEntry.objects.filter(workspace=admin.workspace).order_by("-id")[: 2 * n])
        with CaptureQueriesContext(connection) as ctx:
            stories = history.tell(entries, slug="acme")
            [s.html for s in stories]
        return len(ctx.captured_queries)

    assert queries_for(1) == queries_for(12)


def test_entries_of_two_workspaces_are_refused(cast):
    mixed = [AuditEntry.objects.filter(workspace=cast.workspace).first(), AuditEntry.objects.filter(workspace=cast.other).first()]
    with pytest.raises(ValueError):
        history.tell(mixed)


def test_the_plain_text_rendering_carries_details_and_markdown(admin):
    services.team_create(member=admin, name="Design", description="Line one\n\n- a point")
    text = told(admin.workspace, object_type="team").as_text()
    assert text.splitlines() == ["Ada Admin created team Design", "  - Kind: Custom", "  - Description:", "    Line one", "    - a point"]


# ---------------------------------------------------------------- the pages


def test_the_audit_trail_team_and_person_pages_read_in_plain_language(client, cast, admin):
    design = services.team_create(member=admin, name="Design")
    person = services.person_create(member=admin, name="Noah", team_ids=[design.pk], skills=["Figma"])
    services.person_update(member=admin, person_id=person.pk, version=1, title="Designer", team_ids=[])
    client.force_login(cast.members["viewer"].user)
    trail = client.get(reverse("audit", args=["acme"])).content.decode()
    assert "Ada Admin</span> created team <a" in trail
    assert "Removed Design from Teams" in trail and "Set Title to Designer" in trail
    page = client.get(reverse("person_detail", args=["acme", person.pk])).content.decode()
    assert "Ada Admin</span> updated this person" in page
    for html in (trail, page):
        body = re.sub(r"<[^>]+>", " ", html.split('id="content"')[1])
        assert "team_ids" not in body and not re.search(r"\bFalse\b|\bTrue\b|\{'", body)


def test_the_audit_api_carries_each_entry_in_plain_words(cast, api, admin):
    design = services.team_create(member=admin, name="Design")
    services.person_create(member=admin, name="Noah", team_ids=[design.pk])
    body = api(cast.tokens["viewer"]).get("/workspaces/acme/audit", {"limit": 2}).json()
    assert [i["summary"] for i in body["items"]] == [
        "Ada Admin created person Noah\n  - Teams: Design",
        "Ada Admin created team Design\n  - Kind: Custom",
    ]


def test_the_trail_filters_name_object_types_and_actions_in_words(client, cast, admin):
    viewer = cast.members["viewer"]
    services.member_change_role(member=admin, membership_id=viewer.pk, role="editor", version=viewer.version)
    client.force_login(admin.user)
    html = client.get(reverse("audit", args=["acme"])).content.decode()
    assert '<option value="membership" >Member</option>' in html and '<option value="api token" >API token</option>' in html
    assert '<option value="role_changed" >Role changed</option>' in html
    assert history.type_title("feedbacklink") == "Feedback link" and history.action_title("decision_park") == "Parked"
    assert history.type_title("never heard of") == "Never heard of"
