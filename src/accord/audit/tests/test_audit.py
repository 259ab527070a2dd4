"""The audit trail: every write is recorded, nothing recorded changes; search and CSV export."""

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accord.accounts.models import User
from accord.audit.models import AuditEntry
from accord.audit.selectors import audit_entries
from accord.audit.services import acting_via
from accord.workspaces import services


@pytest.fixture
def admin(cast):
    return cast.members["admin"]


def _last(workspace, **filters) -> AuditEntry:
    return AuditEntry.objects.filter(workspace=workspace, **filters).order_by("-id").first()


# ---------------------------------------------------------------- what is recorded


def test_creating_a_team_records_actor_action_object_and_values(admin):
    team = services.team_create(member=admin, name="Design", kind="design", description="Research")
    entry = _last(admin.workspace)
    assert (entry.actor, entry.actor_label, entry.action) == (
        admin.user,
        "admin@acme.test",
        "created",
    )
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "team",
        str(team.pk),
        "Design",
    )
    assert entry.before is None
    assert entry.after == {"name": "Design", "kind": "design", "description": "Research"}


def test_an_update_records_only_the_fields_that_changed(admin):
    team = services.team_create(member=admin, name="Design", kind="design", description="Research")
    services.team_update(
        member=admin,
        team_id=team.pk,
        version=1,
        name="Design",
        kind="design",
        description="Research and UX",
    )
    entry = _last(admin.workspace)
    assert entry.action == "updated"
    assert entry.before == {"description": "Research"}
    assert entry.after == {"description": "Research and UX"}


def test_renaming_the_workspace_is_recorded(admin):
    services.workspace_update(member=admin, version=1, name="Acme Inc", description="")
    entry = _last(admin.workspace)
    assert (entry.object_type, entry.action, entry.before, entry.after) == (
        "workspace",
        "updated",
        {"name": "Acme"},
        {"name": "Acme Inc"},
    )


def test_a_person_update_records_team_and_skill_changes(admin):
    design = services.team_create(member=admin, name="Design")
    person = services.person_create(member=admin, name="Noah", skills=["Figma"])
    services.person_update(
        member=admin,
        person_id=person.pk,
        version=1,
        team_ids=[design.pk],
        skills=["Figma", "Research"],
    )
    entry = _last(admin.workspace)
    assert entry.before == {"team_ids": [], "skills": ["Figma"]}
    assert entry.after == {"team_ids": [design.pk], "skills": ["Figma", "Research"]}


def test_deleting_keeps_the_values_before(admin):
    team = services.team_create(member=admin, name="Design")
    services.team_delete(member=admin, team_id=team.pk)
    entry = _last(admin.workspace)
    assert (entry.action, entry.object_id, entry.before["name"], entry.after) == (
        "deleted",
        str(team.pk),
        "Design",
        None,
    )


def test_member_changes_are_recorded(cast, admin):
    viewer = cast.members["viewer"]
    services.member_change_role(
        member=admin, membership_id=viewer.pk, role="editor", version=viewer.version
    )
    entry = _last(admin.workspace)
    assert (entry.action, entry.object_label, entry.before, entry.after) == (
        "role_changed",
        "viewer@acme.test",
        {"role": "viewer"},
        {"role": "editor"},
    )
    services.member_remove(member=admin, membership_id=viewer.pk)
    assert _last(admin.workspace).action == "removed"


def test_invitations_and_tokens_are_recorded_without_secrets(cast, admin):
    invitation, invite_raw = services.invitation_create(
        member=admin, email="friend@example.test", role="editor"
    )
    invited = _last(admin.workspace)
    assert (invited.action, invited.object_type, invited.after) == (
        "invited",
        "invitation",
        {"email": "friend@example.test", "role": "editor"},
    )
    services.invitation_revoke(member=admin, invitation_id=invitation.pk)
    assert _last(admin.workspace).action == "revoked"
    token, token_raw = services.token_create(member=admin, name="Sync")
    created = _last(admin.workspace)
    assert (created.object_type, created.after["name"], created.after["prefix"]) == (
        "api token",
        "Sync",
        token.prefix,
    )
    dumped = str(list(AuditEntry.objects.values()))
    assert invite_raw not in dumped and token_raw not in dumped


def test_every_service_write_leaves_exactly_its_entries(cast, admin):
    viewer = cast.members["viewer"]
    newcomer = User.objects.create_user("newcomer@example.test", "x")

    def writes():
        yield "created", lambda: services.workspace_create(user=newcomer, name="Elsewhere")
        yield "updated", lambda: services.workspace_update(member=admin, version=1, name="Acme Inc")
        team = services.team_create(member=admin, name="Design")
        yield (
            "updated",
            lambda: services.team_update(member=admin, team_id=team.pk, version=1, name="UX"),
        )
        yield "deleted", lambda: services.team_delete(member=admin, team_id=team.pk)
        person = services.person_create(member=admin, name="Noah")
        yield (
            "updated",
            lambda: services.person_update(
                member=admin, person_id=person.pk, version=1, title="Lead"
            ),
        )
        yield "deleted", lambda: services.person_delete(member=admin, person_id=person.pk)
        yield (
            "role_changed",
            lambda: services.member_change_role(
                member=admin, membership_id=viewer.pk, role="editor", version=1
            ),
        )
        invitation, raw = services.invitation_create(member=admin, email="friend@example.test")
        yield (
            "revoked",
            lambda: services.invitation_revoke(member=admin, invitation_id=invitation.pk),
        )
        _, raw = services.invitation_create(member=admin, email="newcomer@example.test")
        yield "joined", lambda: services.invitation_accept(user=newcomer, token=raw)
        token, _ = services.token_create(member=viewer, name="Sync")
        yield "revoked", lambda: services.token_revoke(member=viewer, token_id=token.pk)
        yield "removed", lambda: services.member_remove(member=admin, membership_id=viewer.pk)

    for action, write in writes():
        last_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
        write()
        new = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id"))
        assert new and new[0].action == action, (action, [e.action for e in new])
        assert all(
            e.actor_label in {"admin@acme.test", "viewer@acme.test", "newcomer@example.test"}
            for e in new
        )


def test_each_entry_says_through_which_channel(cast, api, admin):
    api(cast.tokens["admin"]).post("/workspaces/acme/teams", {"name": "From the API"})
    assert _last(admin.workspace).via == "api token admin token"
    with acting_via("cli"):
        services.team_create(member=admin, name="From the CLI")
    assert _last(admin.workspace).via == "cli"


def test_a_refused_or_invalid_write_records_nothing(cast, admin):
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - Forbidden
        services.team_create(member=cast.members["viewer"], name="Design")
    with pytest.raises(Exception):  # noqa: B017 - Invalid
        services.person_create(member=admin, name="Noah", team_ids=[999999])
    assert AuditEntry.objects.count() == before


def test_the_actor_label_outlives_the_user(cast, admin):
    services.team_create(member=cast.members["admin"], name="Design")
    entry = _last(admin.workspace)
    admin.user.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.actor_id, entry.actor_label) == (None, "admin@acme.test")


# ---------------------------------------------------------------- append-only


def test_an_entry_cannot_be_changed_or_deleted(admin):
    entry = _last(admin.workspace)
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action != "forged"


def test_the_trail_cannot_be_changed_or_deleted_in_bulk(admin):
    count = AuditEntry.objects.count()
    entries = AuditEntry.objects.filter(workspace=admin.workspace)
    with pytest.raises(PermissionError):
        entries.update(action="forged")
    with pytest.raises(PermissionError):
        entries.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    entry = entries.first()
    entry.action = "forged"
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.count() == count
    assert not AuditEntry.objects.filter(action="forged").exists()


# ---------------------------------------------------------------- filters


@pytest.fixture
def history(cast, admin):
    """Entries by two actors, on teams and people, one of them backdated by ten days."""
    second_admin = services.member_add(
        member=admin, user=User.objects.create_user("second@acme.test", "x"), role="admin"
    )
    services.member_change_role(
        member=admin, membership_id=cast.members["viewer"].pk, role="editor", version=1
    )
    design = services.team_create(member=admin, name="Design")
    services.team_create(member=second_admin, name="Sales")
    services.person_create(member=second_admin, name="Grace Designer")
    old = services.team_create(member=admin, name="Archive")
    ten_days_ago = timezone.now() - timedelta(days=10)
    # Backdating is only possible below the ORM, which is the point of the guard.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET at = %s "
            "WHERE object_type = 'team' AND object_id = %s",
            [ten_days_ago, str(old.pk)],
        )
    return {
        "design": design,
        "admin": admin.user,
        "other": second_admin.user,
        "ten_days_ago": ten_days_ago,
    }


def _labels(entries) -> list[str]:
    return [e.object_label for e in entries]


def test_the_trail_is_filtered_by_object_type_actor_and_action(cast, history):
    workspace = cast.workspace
    assert set(_labels(audit_entries(workspace=workspace, object_type="team"))) == {
        "Design",
        "Sales",
        "Archive",
    }
    by_other = audit_entries(workspace=workspace, actor_id=history["other"].pk)
    assert set(_labels(by_other)) == {"Sales", "Grace Designer"}
    assert {e.action for e in audit_entries(workspace=workspace, action="role_changed")} == {
        "role_changed"
    }
    assert _labels(
        audit_entries(workspace=workspace, object_type="team", object_id=history["design"].pk)
    ) == ["Design"]


def test_the_trail_is_filtered_by_time_and_name(cast, history):
    workspace = cast.workspace
    recent = audit_entries(workspace=workspace, since=history["ten_days_ago"] + timedelta(days=1))
    assert "Archive" not in _labels(recent) and "Design" in _labels(recent)
    older = audit_entries(workspace=workspace, until=history["ten_days_ago"] + timedelta(days=1))
    assert _labels(older) == ["Archive"]
    assert set(_labels(audit_entries(workspace=workspace, q="design"))) == {
        "Design",
        "Grace Designer",
    }


def test_the_trail_is_newest_first_and_never_shows_another_workspace(cast, history):
    entries = list(audit_entries(workspace=cast.workspace))
    assert entries == sorted(entries, key=lambda e: (e.at, e.id), reverse=True)
    assert all(e.workspace_id == cast.workspace.pk for e in entries)
    assert "Other" not in _labels(entries)


# ---------------------------------------------------------------- the audit page and CSV


def test_the_audit_page_lists_and_filters_entries(client, cast, history):
    client.force_login(cast.members["viewer"].user)
    url = reverse("audit", args=["acme"])
    html = client.get(url, {"object_type": "team", "actor": history["other"].pk}).content.decode()
    assert "Sales" in html and "Design" not in html.split('id="audit-entries"')[1]
    html = client.get(url, {"q": "grace"}).content.decode()
    assert "Grace Designer" in html.split('id="audit-entries"')[1]
    since = (history["ten_days_ago"] + timedelta(days=1)).date().isoformat()
    html = client.get(url, {"object_type": "team", "since": since}).content.decode()
    assert "Archive" not in html.split('id="audit-entries"')[1]


def test_a_day_that_does_not_exist_is_refused_by_name_not_a_500(client, cast, history):
    """A hand-edited address (or a browser without a date picker) can send 30 February."""
    client.force_login(cast.members["viewer"].user)
    response = client.get(reverse("audit", args=["acme"]), {"since": "2026-02-30", "object_type": "team"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_since"' in html and 'aria-invalid="true"' in html
    assert "From: Enter a date as YYYY-MM-DD." in html
    assert "Sales" in html.split('id="audit-entries"')[1]  # the other filters still apply
    export = client.get(reverse("audit_export", args=["acme"]), {"until": "31/12/2026"})
    assert export.status_code == 400 and b"until" in export.content


def test_days_are_whole_days_in_the_time_zone_without_naive_datetimes(client, cast, history, settings, recwarn):
    client.force_login(cast.members["viewer"].user)
    settings.TIME_ZONE = "Pacific/Auckland"  # far from UTC: midnight there is mid-day in UTC
    day = history["ten_days_ago"].astimezone(ZoneInfo("Pacific/Auckland")).date()
    url = reverse("audit", args=["acme"])
    html = client.get(url, {"object_type": "team", "since": day.isoformat()}).content.decode()
    assert "Archive" in html.split('id="audit-entries"')[1]
    html = client.get(url, {"object_type": "team", "until": day.isoformat()}).content.decode()
    assert "Archive" not in html.split('id="audit-entries"')[1]
    assert not [w for w in recwarn if "naive datetime" in str(w.message)]


def test_the_audit_page_answers_htmx_with_the_entries_only(client, cast, history):
    client.force_login(cast.members["viewer"].user)
    response = client.get(
        reverse("audit", args=["acme"]), {"action": "created"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="audit-entries"') and "<html" not in html


def test_the_export_link_and_the_pages_carry_the_filters_encoded(client, cast, admin):
    for n in range(51):
        services.team_create(member=admin, name=f"R&D {n}")
    client.force_login(cast.members["viewer"].user)
    url = reverse("audit", args=["acme"])
    html = client.get(url, {"q": "R&D", "page": "1"}).content.decode()
    assert f'href="{reverse("audit_export", args=["acme"])}?q=R%26D"' in html
    assert 'href="?q=R%26D&amp;page=2"' in html
    entries = client.get(url, {"q": "R&D"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="audit-export" href="/w/acme/audit.csv?q=R%26D" hx-swap-oob="true"' in entries


def test_the_csv_export_neutralizes_formulas(client, cast, admin):
    for name in ['=HYPERLINK("http://evil.example")', "+1+1", "-2", "@SUM(A1)", "Plain"]:
        services.team_create(member=admin, name=name)
    client.force_login(cast.members["viewer"].user)
    response = client.get(reverse("audit_export", args=["acme"]), {"object_type": "team"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="acme-audit.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["at", "actor_label", "via", "action"]
    labels = {row[header.index("object_label")] for row in body}
    assert labels == {'\'=HYPERLINK("http://evil.example")', "'+1+1", "'-2", "'@SUM(A1)", "Plain"}
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_the_csv_export_follows_the_filters(client, cast, history):
    client.force_login(cast.members["viewer"].user)
    response = client.get(reverse("audit_export", args=["acme"]), {"actor": history["other"].pk})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["object_label"] for r in rows} == {"Sales", "Grace Designer"}


def test_the_audit_of_another_workspace_is_404(client, cast):
    client.force_login(cast.outsider.user)
    assert client.get(reverse("audit", args=["acme"])).status_code == 404
    assert client.get(reverse("audit_export", args=["acme"])).status_code == 404


# ---------------------------------------------------------------- the audit API


def test_the_audit_api_filters(cast, api, history):
    viewer = api(cast.tokens["viewer"])
    body = viewer.get("/workspaces/acme/audit", {"object_type": "team", "limit": 2}).json()
    assert body["count"] == 3 and len(body["items"]) == 2
    item = body["items"][0]
    assert {
        "actor",
        "actor_id",
        "via",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "before",
        "after",
        "at",
    } <= set(item)
    by_actor = viewer.get("/workspaces/acme/audit", {"actor_id": history["other"].pk}).json()
    assert {i["object_label"] for i in by_actor["items"]} == {"Sales", "Grace Designer"}
    assert {i["actor"] for i in by_actor["items"]} == {"second@acme.test"}
    since = (history["ten_days_ago"] + timedelta(days=1)).isoformat()
    recent = viewer.get("/workspaces/acme/audit", {"object_type": "team", "since": since}).json()
    assert {i["object_label"] for i in recent["items"]} == {"Design", "Sales"}
    older = viewer.get("/workspaces/acme/audit", {"until": since}).json()
    assert [i["object_label"] for i in older["items"]] == ["Archive"]
    named = viewer.get("/workspaces/acme/audit", {"q": "GRACE", "action": "created"}).json()
    assert [i["object_label"] for i in named["items"]] == ["Grace Designer"]


def test_the_audit_api_refuses_a_bad_date_and_another_workspace(cast, api):
    viewer = api(cast.tokens["viewer"])
    response = viewer.get("/workspaces/acme/audit", {"since": "yesterday"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "since"
    assert viewer.get("/workspaces/other/audit").status_code == 404
