"""Reads: an object's thread, who watches it, my watches, the people one may mention. A constant
number of queries each, however many comments, mentions or watchers."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet

from accord.workspaces.models import Membership
from accord.workspaces.permissions import can

from . import mentions
from .models import Comment, Watch, WatchReason
from .registry import DISCUSSABLE, Discussable
from .services import roles_that, viewers

MENTION_CHOICES = 8


def responsible(workspace_id: int, entry: Discussable, object_id) -> set[int]:
    """The user ids responsible for the object (its owner's user, ...): one query, none if undeclared."""
    if not entry.responsible:
        return set()
    rows = entry.model.objects.filter(workspace_id=workspace_id, pk=object_id).values_list(
        *entry.responsible
    )
    return {uid for row in rows for uid in row if uid}


def watchers(workspace_id: int, entry: Discussable, object_id) -> dict[int, str]:
    """{user id: "watching" | "responsible"} of everyone following the object: two queries."""
    rows = Watch.objects.filter(
        workspace_id=workspace_id, object_type=entry.key, object_id=object_id
    )
    out, stopped = {}, set()
    for uid, reason in rows.values_list("user_id", "reason"):
        if reason == WatchReason.UNWATCHED:
            stopped.add(uid)
        else:
            out[uid] = "watching"
    for uid in responsible(workspace_id, entry, object_id) - stopped:
        out.setdefault(uid, "responsible")
    return out


def watch_state(member: Membership, entry: Discussable, object_id) -> str:
    """ "" (not watching) or why this member watches: manual, created, mentioned, responsible."""
    row = (
        Watch.objects.filter(
            workspace_id=member.workspace_id,
            user_id=member.user_id,
            object_type=entry.key,
            object_id=object_id,
        )
        .values_list("reason", flat=True)
        .first()
    )
    if row == WatchReason.UNWATCHED:
        return ""
    if row:
        return row
    return (
        WatchReason.RESPONSIBLE
        if member.user_id in responsible(member.workspace_id, entry, object_id)
        else ""
    )


@dataclass
class CommentView:
    comment: Comment
    author: str
    html: str
    mentioned: dict[int, str]
    can_edit: bool
    can_delete: bool

    @property
    def id(self) -> int:
        return self.comment.pk

    @property
    def created_at(self) -> datetime:
        return self.comment.created_at


@dataclass
class Thread:
    entry: Discussable
    object_id: int
    comments: list[CommentView] = field(default_factory=list)
    watching: str = ""
    can_comment: bool = False

    @property
    def count(self) -> int:
        return len(self.comments)


def comments(workspace_id: int, entry: Discussable, object_id) -> QuerySet[Comment]:
    return Comment.objects.filter(
        workspace_id=workspace_id,
        object_type=entry.key,
        object_id=object_id,
        deleted_at__isnull=True,
    ).select_related("author")


def present(member: Membership, entry: Discussable, rows: list[Comment]) -> list[CommentView]:
    """Comments as shown to this member: mentions by their current names (one query for all)."""
    ids = {uid for c in rows for uid in mentions.user_ids(c.body)}
    names = viewers(member.workspace_id, entry, ids) if ids else {}
    may_comment = can(member, entry.comment_permission)
    moderator = can(member, "comment.moderate")
    out = []
    for c in rows:
        mine = c.author_id == member.user_id
        out.append(CommentView(
            comment=c, author=c.author.display_name if c.author else "A former member",
            html=mentions.render(c.body, names, set(c.mentions)),
            mentioned={uid: names[uid] for uid in c.mentions if uid in names},
            can_edit=mine and may_comment, can_delete=(mine and may_comment) or moderator,
        ))  # fmt: skip
    return out


def thread(member: Membership, entry: Discussable, object_id) -> Thread:
    """The comment section of one object: four queries."""
    rows = list(comments(member.workspace_id, entry, object_id))
    return Thread(
        entry=entry, object_id=object_id, comments=present(member, entry, rows),
        watching=watch_state(member, entry, object_id), can_comment=can(member, entry.comment_permission),
    )  # fmt: skip


def my_watches(member: Membership) -> QuerySet[Watch]:
    """What this member watches explicitly or automatically (responsibilities are not listed)."""
    kinds = [k for k, e in DISCUSSABLE.items() if can(member, e.view_permission)]
    return Watch.objects.filter(
        workspace_id=member.workspace_id, user_id=member.user_id, object_type__in=kinds
    ).exclude(reason=WatchReason.UNWATCHED)


def labelled(member: Membership, watches: list[Watch]) -> list[dict]:
    """Watches with their object's label and page: one query per type on the page."""
    by_type: dict[str, set] = {}
    for w in watches:
        by_type.setdefault(w.object_type, set()).add(w.object_id)
    objects = {}
    for key, ids in by_type.items():
        entry = DISCUSSABLE[key]
        for obj in entry.model.objects.filter(
            workspace_id=member.workspace_id, pk__in=ids
        ).select_related("workspace"):
            objects[(key, obj.pk)] = (entry.label(obj), entry.url(obj))
    out = []
    for w in watches:
        label, url = objects.get((w.object_type, w.object_id), (None, None))
        if label is None:
            continue  # the object is gone
        out.append({"watch": w, "object_type": w.object_type, "object_id": w.object_id, "label": label,
                    "url": url, "reason": w.reason, "since": w.created_at})  # fmt: skip
    return out


def mentionable(member: Membership, entry: Discussable, q: str = "") -> list[dict]:
    """Members who may view objects of this type whose name (any word of it) or e-mail starts
    with `q`: [{"user_id", "name", "email"}], at most MENTION_CHOICES; one query."""
    rows = Membership.objects.filter(
        workspace_id=member.workspace_id, role__in=roles_that(entry.view_permission)
    )
    q = (q or "").strip()
    if q:
        rows = rows.filter(
            Q(user__name__istartswith=q)
            | Q(user__name__icontains=f" {q}")
            | Q(user__email__istartswith=q)
        )
    rows = rows.select_related("user").order_by("user__name", "user__email")[:MENTION_CHOICES]
    return [
        {"user_id": m.user_id, "name": m.user.display_name, "email": m.user.email} for m in rows
    ]
