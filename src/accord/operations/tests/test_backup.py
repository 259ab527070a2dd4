"""`accord backup` and `accord restore` round trip on the suite's database (SQLite in `make test`,
PostgreSQL in `make test-postgres`): the restored database has the same rows and the same content
hash; a damaged file, a non-empty target and a file that is not a backup are refused."""

import json
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from accord.core.tests.serving import child_env, database_url
from accord.operations.backup import BackupError, restore

pytestmark = pytest.mark.django_db(transaction=True)


def accord(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "accord.cli", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture
def empty_target(tmp_path):
    """The environment of an `accord` process whose database is new and empty."""
    if connection.vendor == "sqlite":
        yield child_env(tmp_path / "restored")
        return
    import psycopg

    name = f"accord_restore_{uuid.uuid4().hex[:12]}"
    settings_dict = {**connection.settings_dict, "NAME": name}
    admin = database_url({**connection.settings_dict, "NAME": "postgres"})
    with psycopg.connect(admin, autocommit=True) as pg:
        pg.execute(f'CREATE DATABASE "{name}"')
    try:
        yield child_env(tmp_path / "restored", DATABASE_URL=database_url(settings_dict))
    finally:
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_an_empty_database_with_the_same_content(cast, tmp_path, empty_target):
    from accord.ideas import services as ideas

    ideas.idea_create(member=cast.members["editor"], title="Ünïcode: 日本語 and “quotes”", description="line 1\nline 2")
    out = StringIO()
    call_command("backup", str(tmp_path / "snap"), stdout=out)
    made = json.loads(out.getvalue())
    snapshot = Path(made["file"])
    assert snapshot.is_file() and made["bytes"] == snapshot.stat().st_size
    assert (tmp_path / "snap.sha256").read_text() == f"{made['sha256']}  snap\n"
    assert made["rows"]["ideas_idea"] >= 1 and made["rows"]["workspaces_apitoken"] == len(cast.tokens)

    done = accord("restore", str(snapshot), env=empty_target)
    assert done.returncode == 0, done.stderr
    restored = json.loads(done.stdout)
    assert restored["rows"] == made["rows"]
    assert restored["content_sha256"] == made["content_sha256"]

    # Restoring again into what is now a full database is refused, and changes nothing.
    again = accord("restore", str(snapshot), env=empty_target)
    assert again.returncode == 1 and "not empty" in again.stderr


def test_a_damaged_or_foreign_file_is_refused(cast, tmp_path, empty_target):
    out = StringIO()
    call_command("backup", str(tmp_path / "snap"), stdout=out)
    snapshot = tmp_path / "snap"
    data = bytearray(snapshot.read_bytes())
    data[len(data) // 2] ^= 0xFF
    snapshot.write_bytes(bytes(data))
    done = accord("restore", str(snapshot), env=empty_target)
    assert done.returncode == 1 and "does not match its checksum" in done.stderr

    text = tmp_path / "notes.txt"
    text.write_text("hello")
    done = accord("restore", str(text), env=empty_target)
    assert done.returncode == 1 and "is not an Accord backup" in done.stderr

    # The target stayed empty: a good backup still restores into it.
    call_command("backup", str(tmp_path / "good"), stdout=StringIO())
    assert accord("restore", str(tmp_path / "good"), env=empty_target).returncode == 0


def test_a_backup_never_overwrites_and_restore_refuses_a_database_in_use(cast, tmp_path):
    call_command("backup", str(tmp_path / "snap"), stdout=StringIO())
    with pytest.raises(Exception, match="exists already"):
        call_command("backup", str(tmp_path / "snap"), stdout=StringIO())
    with pytest.raises(BackupError, match="not empty"):
        restore(tmp_path / "snap")
    (tmp_path / "snap.sha256").unlink()
    with pytest.raises(BackupError, match="is missing"):
        restore(tmp_path / "snap")
