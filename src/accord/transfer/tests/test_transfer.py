"""Export/import: what is covered, bad files, slugs taken, and the API, web and CLI ways in."""

import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.accounts.models import User
from accord.cli import main
from accord.core.errors import Conflict, Forbidden, Invalid
from accord.ideas.models import Idea
from accord.transfer import reader, schema, services
from accord.transfer.reader import import_workspace
from accord.transfer.writer import export_text
from accord.workspaces import services as ws_services
from accord.workspaces.models import Workspace

# ---------------------------------------------------------------- what travels


def test_every_accord_model_is_exported_or_excluded_with_a_reason():
    """A new model reaches its workspace through a foreign key (then it is exported by itself) or
    is listed in accord.transfer.schema.EXCLUDED with why it stays behind."""
    assert schema.unclassified() == [], (
        "add these to EXCLUDED with a reason, or give them a path to a workspace"
    )
    labels = {schema.label(m) for m in schema.accord_models()}
    assert set(schema.EXCLUDED) <= labels, "EXCLUDED names models that no longer exist"
    assert all(len(reason) > 10 for reason in schema.EXCLUDED.values())
    for plan in schema.plans():
        assert plan.label not in schema.EXCLUDED


def test_models_load_after_what_they_need_and_secrets_never_travel():
    order = [plan.label for plan in schema.plans()]
    exported = set(order)
    for n, plan in enumerate(schema.plans()):
        for f in plan.fields:
            if f.is_relation and not f.null and schema.label(f.related_model) in exported:
                assert order.index(schema.label(f.related_model)) < n, (plan.label, f.name)
            if f.name in {"token_hash", "token_nonce", "password_hash", "secret"}:
                assert schema.is_secret(f), (plan.label, f.name)
    # Whatever names a secret, in any exported model (webhook secrets, feed tokens...), is one.
    for plan in schema.plans():
        for f in plan.fields:
            if any(
                word in f.name for word in ("token", "secret", "password")
            ) and f.get_internal_type() in ("CharField", "TextField"):
                assert schema.is_secret(f), (plan.label, f.name)


# ---------------------------------------------------------------- a small workspace


@pytest.fixture
def acme(cast):
    admin = cast.members["admin"]
    team = ws_services.team_create(
        member=admin, name="Platform", kind="it", description="Runs things"
    )
    ws_services.person_create(
        member=admin, name="Pat Person", email="pat@example.test", team_ids=[team.pk]
    )
    Idea.objects.create(workspace=cast.workspace, title="Dark mode", department=team)
    Idea.objects.create(workspace=cast.workspace, title="SSO")
    return cast


def _counts():
    return {
        label: apps.get_model(label).objects.count()
        for label in (*schema.plan_by_label(), "workspaces.workspace", "accounts.user")
    }


def _refused(raw, slug=None, field="file") -> str:
    before = _counts()
    with pytest.raises((Invalid, Conflict)) as caught:
        import_workspace(raw, slug=slug)
    assert _counts() == before, "nothing may be saved"
    assert [e.field for e in caught.value.errors] == [field]
    return caught.value.detail


def test_the_small_workspace_round_trips_under_another_slug(acme):
    text = export_text(acme.workspace)
    copy = import_workspace(text, slug="acme-2")
    doc = json.loads(export_text(copy))
    doc["workspace"]["slug"] = "acme"
    assert json.loads(text) == doc
    assert copy.memberships.count() == acme.workspace.memberships.count()
    assert Idea.objects.get(workspace=copy, title="Dark mode").department.workspace_id == copy.pk


def test_bad_files_are_refused_with_a_clear_message_and_nothing_saved(acme, monkeypatch):
    good = json.loads(export_text(acme.workspace))
    assert "not JSON" in _refused(b"{nope", slug="x")
    assert "not JSON" in _refused(b"\xff\xfe\x00", slug="x")
    assert "not an Accord workspace export" in _refused(json.dumps([1, 2]), slug="x")
    assert "version 99" in _refused(json.dumps({**good, "version": 99}), slug="x")
    assert "does not know: nosuch.model" in _refused(
        json.dumps({**good, "models": {"nosuch.model": []}}), slug="x"
    )

    dangling = json.loads(json.dumps(good))
    dangling["models"]["ideas.idea"][0]["department"] = 999
    assert "workspaces.team 999, which is not in the file" in _refused(
        json.dumps(dangling), slug="x"
    )

    bad_date = json.loads(json.dumps(good))
    bad_date["models"]["audit.auditentry"][-1]["at"] = (
        "yesterday"  # the last model loaded: all undone
    )
    assert "at is not valid" in _refused(json.dumps(bad_date), slug="x")

    unknown_user = json.loads(json.dumps(good))
    unknown_user["users"] = unknown_user["users"][:1]
    assert "is not among the file's users" in _refused(json.dumps(unknown_user), slug="x")

    too_long = json.loads(json.dumps(good))
    too_long["models"]["workspaces.team"][0]["name"] = "x" * 500
    assert "at most" in _refused(json.dumps(too_long), slug="x")

    bad_email = json.loads(json.dumps(good))
    bad_email["users"][0]["email"] = "not-an-address"
    assert "is not an e-mail address" in _refused(json.dumps(bad_email), slug="x")
    assert "out of range" in _refused(
        json.dumps(good).replace('"version": 1', '"version": 1, "x": 1e400'), slug="x"
    )

    monkeypatch.setattr(reader, "MAX_BYTES", 100)
    assert "larger than" in _refused(json.dumps(good), slug="x")


def test_a_taken_slug_is_refused_unless_another_is_given(acme):
    text = export_text(acme.workspace)
    message = _refused(text, field="slug")
    assert "'acme' exists already" in message
    assert "may not" not in _refused(text, slug="Not a slug!", field="slug")
    assert import_workspace(text, slug="acme-copy").slug == "acme-copy"


# ---------------------------------------------------------------- API, web, CLI


def test_api_export_streams_the_file_to_admins_only(acme, api):
    response = api(acme.tokens["admin"]).get("/workspaces/acme/export")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="acme-export.json"'
    assert b"".join(response.streaming_content).decode() == export_text(acme.workspace)
    assert api(acme.tokens["editor"]).get("/workspaces/acme/export").status_code == 403
    assert api(acme.tokens["outsider"]).get("/workspaces/acme/export").status_code == 404


def _staff(cast):
    user = cast.members["admin"].user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_api_import_is_for_signed_in_staff(acme, client, api):
    export = json.loads(export_text(acme.workspace))

    def post(slug, body=None):
        body = {"export": export, "slug": slug} if body is None else body
        return client.post(
            "/api/v1/workspace-imports",
            body,
            content_type="application/json",
            HTTP_X_CSRFTOKEN=csrf,
        )

    csrf = "x" * 32
    client.cookies["csrftoken"] = csrf
    client.force_login(acme.members["editor"].user)
    assert post("copy").status_code == 403
    _staff(acme)
    client.force_login(acme.members["admin"].user)
    client.cookies["csrftoken"] = csrf
    response = post("copy")
    assert response.status_code == 201, response.content
    assert response.json() == {"slug": "copy", "name": "Acme"}
    taken = post("copy")
    assert taken.status_code == 409 and taken.json()["errors"][0]["field"] == "slug"
    bad = post("y", {"export": {**export, "version": 2}, "slug": "y"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "file"
    token = api(acme.tokens["admin"]).post("/workspace-imports", {"export": export, "slug": "z"})
    assert token.status_code == 422 and token.json()["errors"][0]["field"] == "authorization"
    assert not Workspace.objects.filter(slug__in=["y", "z"]).exists()


def test_web_export_and_import(acme, client):
    client.force_login(acme.members["admin"].user)
    page = client.get("/w/acme/settings")
    assert b"/w/acme/export.json" in page.content
    download = client.get("/w/acme/export.json")
    assert download.status_code == 200
    text = b"".join(download.streaming_content)
    assert json.loads(text)["workspace"]["slug"] == "acme"
    assert client.get("/workspaces/import").status_code == 403  # not staff

    client.force_login(acme.members["editor"].user)
    assert client.get("/w/acme/export.json").status_code == 403

    _staff(acme)
    client.force_login(acme.members["admin"].user)
    assert client.get("/workspaces/import").status_code == 200
    taken = client.post(
        "/workspaces/import", {"file": SimpleUploadedFile("a.json", text), "slug": ""}
    )
    assert taken.status_code == 409 and b"exists already" in taken.content
    done = client.post(
        "/workspaces/import", {"file": SimpleUploadedFile("a.json", text), "slug": "acme-web"}
    )
    assert done.status_code == 302 and done["Location"] == "/w/acme-web/"
    assert Workspace.objects.filter(slug="acme-web").exists()


def test_import_service_refuses_non_staff(acme):
    with pytest.raises(Forbidden):
        services.import_workspace(
            user=acme.members["admin"].user, raw=export_text(acme.workspace), slug="z"
        )


def test_cli_export_and_import(acme, tmp_path, capsys):
    path = tmp_path / "acme.json"
    assert main(["export", "--workspace", "acme", "--output", str(path)]) == 0
    assert path.read_text() == export_text(acme.workspace)
    assert main(["import", str(path)]) == 1
    assert "exists already" in capsys.readouterr().err
    assert main(["import", str(path), "--slug", "acme-cli"]) == 0
    assert json.loads(capsys.readouterr().out)["slug"] == "acme-cli"
    assert main(["export", "--workspace", "nope"]) == 1
    assert User.objects.filter(email="admin@acme.test").count() == 1
