"""Copying a live SQLite database with SQLite's online backup API (consistent while others write)."""

import sqlite3
from pathlib import Path


def sqlite_copy(connection, target: Path | str) -> None:
    """Copy the database of a Django SQLite connection into the file `target`."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
