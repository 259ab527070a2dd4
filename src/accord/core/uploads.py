"""Uploads waiting for their next step (a mapping, a confirmation): kept on disk for a day.

An upload is stored under DATA_DIR/<area>/ with the workspace and the user in its name, so only its
uploader, in its workspace, finds it again by its random id. Shared by the feedback import and the
imports of accord.imports (preview, then confirm).
"""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import Http404

UPLOAD_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
UPLOAD_TTL = 24 * 3600


def _dir(area: str) -> Path:
    path = Path(settings.DATA_DIR) / area
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(area: str, member, upload_id: str) -> Path:
    """An upload waiting for its next step: only its uploader, in its workspace, finds it again."""
    if not UPLOAD_ID.match(upload_id or ""):
        raise Http404("No such upload.")
    return _dir(area) / f"{member.workspace_id}-{member.user_id}-{upload_id}"


def keep(area: str, member, data: bytes) -> str:
    """Store the bytes (forgetting uploads older than a day) and return the new upload's id."""
    cutoff = time.time() - UPLOAD_TTL
    for old in _dir(area).iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    upload_id = secrets.token_urlsafe(16)
    upload_path(area, member, upload_id).write_bytes(data)
    return upload_id
