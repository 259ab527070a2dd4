"""Reads of imports (one query each)."""

from .models import ImportRun, Origin


def recent_runs(*, workspace, limit: int = 100) -> list[ImportRun]:
    """The workspace's last imports, newest first, with who ran them."""
    return list(ImportRun.objects.filter(workspace=workspace).select_related("actor")[:limit])


def origin_of(*, workspace, object_type: str, object_id: int) -> Origin | None:
    """Where an object came from, if it was imported."""
    return Origin.objects.filter(
        workspace=workspace, object_type=object_type, object_id=object_id
    ).first()
