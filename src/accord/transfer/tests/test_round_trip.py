"""Round trips: export -> import into a database without the workspace -> export gives the same bytes.

data/demo-export.json is the full demo workspace exported on SQLite. It is imported here on the
database the suite runs on (SQLite, or PostgreSQL under `make test-postgres`): exported again, it
gives back the same bytes, so SQLite and PostgreSQL write the same file and a SQLite file loads
into PostgreSQL as it was. The demo built live goes round too (accord/demo/tests/test_demo.py,
which builds the demo anyway); that test rewrites the file after a model change (on SQLite):
    ACCORD_WRITE_TRANSFER_FIXTURE=1 .venv/bin/python -m pytest -q src/accord/demo/tests/test_demo.py -k byte_for_byte
"""

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.db import connection
from django.db.models import QuerySet

from accord.accounts.models import User
from accord.audit.models import AuditEntry
from accord.core.tokens import new_token
from accord.ideas.models import Idea
from accord.roadmaps.models import ShareLink
from accord.transfer import schema
from accord.transfer.reader import import_workspace
from accord.transfer.writer import dumps, export_text
from accord.workspaces.models import Workspace

FIXTURE = Path(__file__).parent / "data" / "demo-export.json"


def forget(workspace) -> list[str]:
    """Delete the workspace, every row of it and its people's accounts: nothing of it is left."""
    emails = [u["email"] for u in json.loads(export_text(workspace))["users"]]
    paths = schema.every_workspace_path()
    exported = [plan.label for plan in schema.plans()]
    # Rows go in the reverse of the load order, the excluded ones (tokens) first (a cascade would stop
    # at protected keys); references inside a cycle are only checked at commit, which no test reaches.
    for label in [*(n for n in paths if n not in exported), *reversed(exported)]:
        model = next(m for m in schema.accord_models() if schema.label(m) == label)
        pks = list(QuerySet(model).filter(**{paths[label]: workspace}).values_list("pk", flat=True))
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through._meta.auto_created:
                QuerySet(through).filter(**{f"{m2m.m2m_field_name()}__in": pks})._raw_delete(
                    connection.alias
                )
        QuerySet(model).filter(pk__in=pks)._raw_delete(connection.alias)
    User.objects.filter(last_workspace=workspace).update(last_workspace=None)
    QuerySet(Workspace).filter(pk=workspace.pk)._raw_delete(connection.alias)
    User.objects.filter(email__in=emails).delete()
    assert not AuditEntry.objects.filter(workspace_id=workspace.pk).exists()
    return emails


def assert_round_trip(workspace) -> str:
    """Export, forget, import, export: the same bytes. Returns the file."""
    first = export_text(workspace)
    emails = forget(workspace)
    imported = import_workspace(first)
    assert export_text(imported) == first
    users = User.objects.filter(email__in=emails)
    assert users.count() == len(emails)
    assert not any(u.has_usable_password() or u.is_staff or u.is_superuser for u in users)
    return first


@pytest.fixture(scope="module")
def fixture_once(django_db_setup, module_transaction):
    """The committed export, imported once for the module (each test is rolled back to it)."""
    with module_transaction():
        text = FIXTURE.read_text(encoding="utf-8")
        yield text, import_workspace(text).slug


@pytest.fixture
def lumen(fixture_once, db):
    """The imported demo, with what the demo lacks: a share link with a password (secrets) and an
    idea merged into a later one (a self-reference to a row inserted after it)."""
    workspace = Workspace.objects.get(slug=fixture_once[1])
    roadmap = workspace.roadmaps.order_by("pk").first()
    ShareLink.objects.create(
        workspace=workspace, name="Board", token_hash=new_token("share")[1], password_hash="x" * 40,
        views=[{"roadmap": roadmap.pk, "view": "board", "filters": {}}],
    )  # fmt: skip
    later, earlier = Idea.objects.filter(workspace=workspace, merged_into=None).order_by("-pk")[:2]
    Idea.objects.filter(pk=earlier.pk).update(merged_into=later)
    return workspace


def test_a_file_made_on_sqlite_loads_here_as_it_was(fixture_once, db):
    """After a model change the committed file is older than the schema: then every model and
    column it has must still come back equal (and the assertion says how to rewrite it)."""
    text = fixture_once[0]
    again = json.loads(export_text(Workspace.objects.get(slug=fixture_once[1])))
    old = json.loads(text)
    if _shape(old) == _shape(again):
        assert canonical(again) == text
    else:
        assert _project(again, old) == old, (
            "data/demo-export.json is out of date: see this module's docstring"
        )


def test_round_trip_into_a_database_without_the_workspace_is_byte_identical(lumen):
    assert_round_trip(lumen)


def test_the_file_is_canonical_complete_and_keeps_no_secret(lumen):
    text = export_text(lumen)
    doc = json.loads(text)
    assert text == canonical(doc)  # sorted keys, compact, one row per line
    assert set(doc["models"]) == {plan.label for plan in schema.plans()}
    for rows in doc["models"].values():
        assert [r["id"] for r in rows] == list(range(1, len(rows) + 1))  # renumbered, in order
    counts = {label: len(rows) for label, rows in doc["models"].items()}
    for label in ("ideas.idea", "ideas.rating", "roadmaps.roadmapitem", "roadmaps.dependency", "feedback.feedback",
                  "goals.measurement", "audit.auditentry", "initiatives.initiative", "roles.racicell",
                  "launches.launch", "changes.change", "playbooks.playbook", "glossary.term", "capacity.effort",
                  "workspaces.person", "portal.vote", "roadmaps.sharelink"):  # fmt: skip
        assert counts[label] > 0, label
    # Users by e-mail and name only; secrets only as "was set"; references are the file's ids.
    assert all(set(u) == {"email", "name"} for u in doc["users"])
    link = lumen.share_links.get()
    for secret in ("pbkdf2", "argon2", "md5$", link.token_hash, link.password_hash):
        assert secret not in text
    row = doc["models"]["roadmaps.sharelink"][0]
    assert row["token_hash"] is True and row["password_hash"] is True
    roadmap_ids = {r["id"]: r["name"] for r in doc["models"]["roadmaps.roadmap"]}
    assert (
        roadmap_ids[row["views"][0]["roadmap"]]
        == lumen.roadmaps.get(pk=link.views[0]["roadmap"]).name
    )
    item = doc["models"]["roadmaps.roadmapitem"][0]
    assert item["workspace"] == 1 and isinstance(item["roadmap"], int)
    assert all(isinstance(e["actor"], str | None) for e in doc["models"]["audit.auditentry"])
    # Mentions name users by e-mail, in the markup and the list alike: no database id travels.
    comments = doc["models"]["collab.comment"]
    assert comments and all(
        isinstance(m, str) and "@" in m for c in comments for m in c["mentions"]
    )
    assert "](user:" in "".join(c["body"] for c in comments)
    assert not re.search(r"\]\(user:\d", "".join(c["body"] for c in comments))


def test_import_under_a_new_slug_keeps_everything_and_gives_links_fresh_secrets(lumen):
    first = export_text(lumen)
    copy = import_workspace(first, slug="lumen-copy")

    again = json.loads(export_text(copy))
    assert again["workspace"]["slug"] == "lumen-copy"
    again["workspace"]["slug"] = lumen.slug
    assert canonical(again) == first
    # References point inside the copy: the merged idea, the share link's roadmap, the audit trail.
    merged = Idea.objects.get(workspace=copy, merged_into__isnull=False)
    assert merged.merged_into.workspace_id == copy.pk
    old_link, new_link = lumen.share_links.get(), copy.share_links.get()
    assert (
        new_link.token_hash and new_link.token_hash != old_link.token_hash
    )  # the old URL opens nothing
    assert not is_password_usable(new_link.password_hash)  # it had a password: now one nobody knows
    old_roadmap = lumen.roadmaps.get(pk=old_link.views[0]["roadmap"])
    assert new_link.views[0]["roadmap"] == copy.roadmaps.get(name=old_roadmap.name).pk
    entry = (
        AuditEntry.objects.filter(workspace=copy, object_type="idea").order_by("at", "id").first()
    )
    assert Idea.objects.filter(pk=int(entry.object_id), workspace=copy).exists()
    # The feedback full-text index (a table outside the models) knows the copied items.
    from accord.feedback.similarity import lexical

    item = copy.feedback.order_by("pk").first()
    assert item.pk in lexical.search(copy.pk, item.title or item.text[:60], 50)
    # Mentions point at the copy's users (the same accounts, matched by e-mail).
    from accord.collab.models import Comment

    for old_c, new_c in zip(
        Comment.objects.filter(workspace=lumen).order_by("pk"),
        Comment.objects.filter(workspace=copy).order_by("pk"),
        strict=True,
    ):
        assert (new_c.body, new_c.mentions) == (old_c.body, old_c.mentions)
    # Users were matched by e-mail, not duplicated.
    assert set(copy.memberships.values_list("user_id", flat=True)) == set(
        lumen.memberships.values_list("user_id", flat=True)
    )


def canonical(doc) -> str:
    """What the writer writes, from the parsed document."""
    models = ",".join(
        f"\n{dumps(label)}:[" + ",".join(f"\n{dumps(row)}" for row in rows) + "]"
        for label, rows in sorted(doc["models"].items())
    )
    users = ",".join(f"\n{dumps(u)}" for u in doc["users"])
    return (
        f'{{"format":{dumps(doc["format"])},"models":{{{models}\n}},"users":[{users}],'
        f'"version":{doc["version"]},"workspace":{dumps(doc["workspace"])}}}\n'
    )


def _shape(doc) -> dict:
    columns = {label: sorted(rows[0]) if rows else None for label, rows in doc["models"].items()}
    return {**columns, "": sorted(doc["workspace"])}


def _project(new: dict, old: dict) -> dict:
    """`new` with only the models and columns that `old` has."""
    models = {}
    for label, rows in old["models"].items():
        keys = set(rows[0]) if rows else set()
        models[label] = [
            {k: v for k, v in row.items() if k in keys} for row in new["models"].get(label, [])
        ]
    workspace = {k: v for k, v in new["workspace"].items() if k in old["workspace"]}
    return {**new, "models": models, "workspace": workspace}
