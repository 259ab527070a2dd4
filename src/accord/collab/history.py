"""How comments and watching read in the history of the discussed object: "Ana commented on idea
Dark mode: “Can we ship it in May? @Priya”". Added to each discussable type as it registers (the
owning app has registered its history type first); its own sentences stay as they were."""

from accord.audit import history as h

ACTIONS = {"commented", "comment_edited", "comment_deleted", "watched", "unwatched"}
TITLES = {
    "commented": "Commented",
    "comment_edited": "Edited a comment",
    "comment_deleted": "Deleted a comment",
    "watched": "Started watching",
    "unwatched": "Stopped watching",
}


def _tell(entry, lookup: h.Lookup) -> h.Told | None:
    after = entry.after or {}
    quote = after.get("excerpt") or ""
    lines = [h.Detail(f"“{quote}”")] if quote else []
    mentioned = [lookup.ref("user", uid, "member") for uid in after.get("mentions") or []]
    if mentioned:
        lines.append(h.Detail(f"Mentioned {', '.join(mentioned)}"))
    if entry.action == "commented":
        return h.Told(f"commented on {h.OBJ}", lines)
    if entry.action == "comment_edited":
        return h.Told(f"edited a comment on {h.OBJ}", lines)
    if entry.action == "comment_deleted":
        return h.Told(f"deleted a comment on {h.OBJ}")
    if entry.action == "watched":
        return h.Told(f"started watching {h.OBJ}")
    if entry.action == "unwatched":
        return h.Told(f"stopped watching {h.OBJ}")
    return None


def _needs(entry):
    if entry.action in ACTIONS:
        return [("user", uid) for uid in (entry.after or {}).get("mentions") or []]
    return []


def extend(key: str) -> None:
    """Teach the history of type `key` (registered by its app) the comment sentences."""
    base = h.TYPES.get(key)
    if base is None:
        raise LookupError(f"Register the history of {key!r} before making it discussable.")
    if getattr(base.tell, "collab", False):
        return  # already taught
    own_tell, own_needs = base.tell, base.needs

    def tell(entry, lookup):
        if entry.action in ACTIONS:
            return _tell(entry, lookup)
        return own_tell(entry, lookup) if own_tell is not None else None

    def needs(entry):
        found = list(_needs(entry))
        if own_needs is not None and entry.action not in ACTIONS:
            found.extend(own_needs(entry))
        return found

    tell.collab = True  # type: ignore[attr-defined]
    h.TYPES[key] = h.ObjectType(**{
        **base.__dict__, "tell": tell, "needs": needs, "action_titles": {**base.action_titles, **TITLES},
    })  # fmt: skip
