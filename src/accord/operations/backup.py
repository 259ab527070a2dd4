"""`accord backup` and `accord restore`: a consistent snapshot of the whole database, with a checksum.

SQLite: the online backup API (a consistent copy while the server keeps writing). PostgreSQL:
`pg_dump --format=custom` (one snapshot transaction) and `pg_restore --single-transaction` into an
empty database, so a restore is all or nothing. The connection's password goes to pg_dump and
pg_restore in their environment, never on a command line that `ps` shows.

Next to each backup, `<file>.sha256` in `sha256sum` format; restore refuses a file that does not
match it. Both commands print the database's fingerprint: rows per table and a hash of their
content, so a restore can be checked against the backup it came from.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

from accord.core.sqlite_copy import sqlite_copy

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}


class BackupError(Exception):
    """Said to the user as it is (the command exits 1)."""


def default_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.DATA_DIR) / "backups" / f"accord-{stamp}{SUFFIX[connection.vendor]}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def fingerprint() -> dict:
    """Rows per table and one hash of every row (ordered by primary key) of Accord's database."""
    digest = hashlib.sha256()
    rows: dict[str, int] = {}
    for model in sorted(apps.get_models(), key=lambda m: m._meta.db_table):
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        fields = [f.attname for f in meta.concrete_fields]
        count = 0
        for values in model._base_manager.order_by("pk").values_list(*fields).iterator(chunk_size=2000):
            digest.update(json.dumps(values, default=str, ensure_ascii=False).encode())
            count += 1
        rows[meta.db_table] = count
    return {"rows": rows, "total_rows": sum(rows.values()), "content_sha256": digest.hexdigest()}


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _run(command: list[str]) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    done = subprocess.run([tool, *command[1:]], env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.returncode}")


def backup(path: Path | None = None) -> dict:
    """Write a snapshot of the database to `path` and its checksum beside it; a summary."""
    vendor = connection.vendor
    if vendor not in SUFFIX:
        raise BackupError(f"Backups of {vendor} are not supported.")
    path = Path(path or default_path()).resolve()
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if vendor == "sqlite":
            sqlite_copy(connection, partial)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"])
        summary = fingerprint()  # after the copy; equal to it unless someone wrote meanwhile
        partial.rename(path)  # only a finished backup carries the name asked for
    finally:
        partial.unlink(missing_ok=True)
    digest = sha256_of(path)
    checksum_path(path).write_text(f"{digest}  {path.name}\n")
    return {"file": str(path), "bytes": path.stat().st_size, "sha256": digest, "database": vendor, **summary}


def _kind(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not an Accord backup (neither an SQLite database nor a pg_dump archive).")


def _verify(path: Path) -> str:
    recorded = checksum_path(path)
    if not recorded.exists():
        raise BackupError(f"{recorded.name} is missing: without it the backup cannot be checked.")
    expected = recorded.read_text().split()[0].lower() if recorded.read_text().split() else ""
    actual = sha256_of(path)
    if actual != expected:
        raise BackupError(f"{path.name} does not match its checksum ({recorded.name}): it is damaged or not the file backed up.")
    return actual


def _is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(path: Path) -> dict:
    """Load a backup into the configured database, which must be empty; a summary."""
    path = Path(path).resolve()
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    kind = _kind(path)
    digest = _verify(path)
    if kind != connection.vendor:
        raise BackupError(f"{path.name} is a {kind} backup; the configured database is {connection.vendor}.")
    if not _is_empty():
        raise BackupError(
            "The database is not empty. Restore into a new, empty database (PostgreSQL: createdb; "
            "SQLite: a new ACCORD_DATA_DIR), then point Accord at it."
        )
    if kind == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        connection.close()  # pg_restore works in its own session
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", f"--dbname={connection.settings_dict['NAME']}", str(path)])
    return {"file": str(path), "sha256": digest, "database": kind, **fingerprint()}
