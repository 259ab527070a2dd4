"""Who hears about an audit entry, for accord.notifications: the watchers of the object it is about
(and the people responsible for it), and the people a comment mentions."""

from accord.audit.models import AuditEntry

from . import selectors
from .registry import DISCUSSABLE

# Entries no watcher needs to hear about: someone else starting or stopping to watch.
QUIET = frozenset({"watched", "unwatched"})


def watchers(entry: AuditEntry) -> dict[int, str]:
    """{user id: "watching" | "responsible"} for entries on a discussable object: two queries."""
    kind = DISCUSSABLE.get(entry.object_type)
    if entry.action in QUIET:
        return {}
    if kind is None or not str(entry.object_id).isdigit():
        return {}
    return selectors.watchers(entry.workspace_id, kind, int(entry.object_id))


def mentioned(entry: AuditEntry) -> dict[int, str]:
    """{user id: "mentioned"} for a comment's mentions (already limited to those who may see it)."""
    if entry.object_type not in DISCUSSABLE or entry.action not in ("commented", "comment_edited"):
        return {}
    ids = (entry.after or {}).get("mentions") or []
    return {int(uid): "mentioned" for uid in ids if isinstance(uid, int) or str(uid).isdigit()}
