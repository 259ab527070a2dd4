"""Export a workspace (its admins) and import one (staff, or the command line).

Neither writes an audit entry: an entry in the exported workspace would make the next export differ
from the last, and an import copies the audit trail as it was. Both go to the security log instead
(who, which workspace, how many bytes).
"""

from collections.abc import Iterator

from django.db import connection, transaction

from accord.core.errors import Forbidden
from accord.core.logging import security_log
from accord.workspaces.permissions import require

from . import reader, writer


def may_import(user) -> bool:
    """Importing creates a workspace and accounts: staff and superusers only."""
    return bool(
        user and user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser)
    )


def export_workspace(*, member) -> Iterator[str]:
    """The export file of the member's workspace, in pieces (see writer.py for the format)."""
    require(member, "workspace.export")
    workspace = member.workspace
    security_log.info(
        "workspace exported",
        extra={
            "event": "workspace_export",
            "user_id": member.user_id,
            "workspace_id": workspace.pk,
        },
    )
    return consistent(workspace)


def consistent(workspace) -> Iterator[str]:
    """On PostgreSQL, read the whole workspace from one snapshot (REPEATABLE READ), even when the
    pieces are sent later, as a streamed response is. SQLite's transactions here take the write
    lock (IMMEDIATE), which would stop every write for as long as the export runs: there the reads
    go without one, and a row deleted meanwhile that another row still names ends the export with
    an error rather than a file with a dangling reference."""
    if connection.vendor != "postgresql":
        yield from writer.export_chunks(workspace)
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield from writer.export_chunks(workspace)


def import_workspace(*, user, raw: bytes | str, slug: str | None = None):
    """A new workspace from an export file, under its own slug or `slug`. All or nothing.

    `user` None: the command line (the server's operator). The importing user does not become a
    member: the file's memberships are the workspace's members.
    """
    if user is not None and not may_import(user):
        raise Forbidden("Only staff may import workspaces.")
    workspace = reader.import_workspace(raw, slug=slug or None)
    security_log.info(
        "workspace imported",
        extra={
            "event": "workspace_import",
            "user_id": getattr(user, "pk", None),
            "workspace_id": workspace.pk,
            "bytes": len(raw),
        },
    )
    return workspace
