"""Every write to comments and watches: keyword-only, one transaction each, permission checked,
an audit entry on the discussed object (so its history, notifications and webhooks see it)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.audit.history import excerpt
from accord.audit.services import record
from accord.core.cleaning import clean_text
from accord.core.errors import Forbidden, Invalid, NotFound
from accord.core.markdown import markdown_text
from accord.workspaces.models import ROLE_RANK, Membership, Role
from accord.workspaces.permissions import ACTIONS, can, require

from . import mentions
from .models import Comment, Watch, WatchReason
from .registry import DISCUSSABLE, Discussable, by_slug

MAX_BODY = 20_000
EXCERPT = 200


# ---------------------------------------------------------------- the discussed object


def roles_that(permission: str) -> list[str]:
    """The roles that hold a permission ("idea.view" -> every role from viewer up)."""
    least = ACTIONS[permission]
    return [r.value for r in Role if ROLE_RANK[r] >= ROLE_RANK[least]]


def discussable(kind: str) -> Discussable:
    """The type by key ("roadmap item") or URL slug ("roadmap-item"); 404 for anything else."""
    entry = DISCUSSABLE.get(kind) or by_slug(kind)
    if entry is None:
        raise NotFound("Nothing of that kind can be discussed.")
    return entry


def target(member: Membership, kind: str, object_id: int):
    """(type, object) this member may view; 404 across workspaces and for what they may not see."""
    entry = discussable(kind)
    if not can(member, entry.view_permission):
        raise NotFound(f"No such {entry.key} in this workspace.")
    obj = entry.model.objects.filter(workspace_id=member.workspace_id, pk=object_id).first()
    if obj is None:
        raise NotFound(f"No such {entry.key} in this workspace.")
    return entry, obj


def viewers(workspace_id: int, entry: Discussable, user_ids) -> dict[int, str]:
    """Of these users, the members who may view objects of this type: {user id: name}."""
    rows = Membership.objects.filter(
        workspace_id=workspace_id,
        user_id__in=list(user_ids),
        role__in=roles_that(entry.view_permission),
    ).values_list("user_id", "user__name", "user__email")
    return {uid: name or email.split("@")[0] for uid, name, email in rows}


def _clean_body(member: Membership, entry: Discussable, body) -> tuple[str, list[int]]:
    """The stored body (hand-typed @email mentions as markup) and the members it mentions."""
    if body is not None and not isinstance(body, str):
        raise Invalid.field("body", "Write the comment as text.")
    text = clean_text(body, "body", required=True, max_length=MAX_BODY, multiline=True)
    wanted = mentions.emails(text)
    if wanted:
        rows = Membership.objects.filter(workspace_id=member.workspace_id, user__email__in=wanted)
        by_email = {
            m.user.email.lower(): (m.user_id, m.user.display_name)
            for m in rows.select_related("user")
        }
        text = mentions.normalize(text, by_email)
        if len(text) > MAX_BODY:
            raise Invalid.field("body", f"At most {MAX_BODY} characters.")
    ids = mentions.user_ids(text)
    if len(ids) > mentions.MAX_MENTIONS:
        raise Invalid.field(
            "body", f"Mention at most {mentions.MAX_MENTIONS} people in one comment."
        )
    counted = viewers(member.workspace_id, entry, ids) if ids else {}
    return text, [uid for uid in ids if uid in counted]


def _watch(workspace_id: int, entry: Discussable, object_id, user_ids, reason: str) -> None:
    """Start watching for these users unless they watch already (or chose to stop, for automatic
    reasons other than a mention: being called out re-subscribes)."""
    user_ids = set(user_ids)
    if not user_ids:
        return
    existing = Watch.objects.filter(
        workspace_id=workspace_id, object_type=entry.key, object_id=object_id, user_id__in=user_ids
    )
    if reason == WatchReason.MENTIONED:
        existing.filter(reason=WatchReason.UNWATCHED).update(
            reason=reason, created_at=timezone.now()
        )
    missing = user_ids - set(existing.values_list("user_id", flat=True))
    Watch.objects.bulk_create(
        [Watch(workspace_id=workspace_id, user_id=uid, object_type=entry.key, object_id=object_id, reason=reason)
         for uid in missing],
        ignore_conflicts=True,
    )  # fmt: skip


def _audit(member, entry: Discussable, obj, action: str, comment: Comment, mentioned: list[int]):
    names = viewers(member.workspace_id, entry, comment.mentions) if comment.mentions else {}
    record(
        workspace=member.workspace,
        actor=member.user,
        action=action,
        object_type=entry.key,
        object_id=obj.pk,
        object_label=entry.label(obj),
        after={
            "comment_id": comment.pk,
            "excerpt": excerpt(markdown_text(mentions.plain(comment.body, names)), EXCERPT),
            "mentions": mentioned,
        },
    )


# ---------------------------------------------------------------- comments


def comment_add(*, member: Membership, kind: str, object_id: int, body) -> Comment:
    with transaction.atomic():
        entry, obj = target(member, kind, object_id)
        require(member, entry.comment_permission)
        text, mentioned = _clean_body(member, entry, body)
        comment = Comment.objects.create(
            workspace=member.workspace, object_type=entry.key, object_id=obj.pk, author=member.user,
            body=text, mentions=mentioned,
        )  # fmt: skip
        _watch(member.workspace_id, entry, obj.pk, [member.user_id], WatchReason.MANUAL)
        _watch(
            member.workspace_id,
            entry,
            obj.pk,
            set(mentioned) - {member.user_id},
            WatchReason.MENTIONED,
        )
        _audit(
            member,
            entry,
            obj,
            "commented",
            comment,
            [uid for uid in mentioned if uid != member.user_id],
        )
    return comment


def _own_comment(member: Membership, comment_id: int) -> tuple[Comment, Discussable, object]:
    comment = (
        Comment.objects.select_for_update()
        .filter(workspace_id=member.workspace_id, pk=comment_id, deleted_at__isnull=True)
        .first()
    )
    if comment is None or comment.object_type not in DISCUSSABLE:
        raise NotFound("No such comment in this workspace.")
    entry, obj = target(member, comment.object_type, comment.object_id)
    return comment, entry, obj


def comment_edit(*, member: Membership, comment_id: int, body) -> Comment:
    with transaction.atomic():
        comment, entry, obj = _own_comment(member, comment_id)
        require(member, entry.comment_permission)
        if comment.author_id != member.user_id:
            raise Forbidden("Only its author may edit a comment.")
        text, mentioned = _clean_body(member, entry, body)
        if text == comment.body:
            return comment
        new = [uid for uid in mentioned if uid not in comment.mentions and uid != member.user_id]
        comment.body, comment.mentions, comment.edited_at = text, mentioned, timezone.now()
        comment.save(update_fields=["body", "mentions", "edited_at"])
        _watch(member.workspace_id, entry, obj.pk, new, WatchReason.MENTIONED)
        _audit(
            member, entry, obj, "comment_edited", comment, new
        )  # only the newly mentioned hear of it
    return comment


def comment_delete(*, member: Membership, comment_id: int) -> None:
    with transaction.atomic():
        comment, entry, obj = _own_comment(member, comment_id)
        if comment.author_id != member.user_id or not can(member, entry.comment_permission):
            require(member, "comment.moderate")
        comment.deleted_at = timezone.now()
        comment.save(update_fields=["deleted_at"])
        record(
            workspace=member.workspace, actor=member.user, action="comment_deleted", object_type=entry.key,
            object_id=obj.pk, object_label=entry.label(obj), after={"comment_id": comment.pk},
        )  # fmt: skip


# ---------------------------------------------------------------- watching


def watch(*, member: Membership, kind: str, object_id: int) -> Watch:
    with transaction.atomic():
        entry, obj = target(member, kind, object_id)
        current = Watch.objects.filter(
            workspace_id=member.workspace_id,
            user_id=member.user_id,
            object_type=entry.key,
            object_id=obj.pk,
        ).first()
        if current is not None and current.reason != WatchReason.UNWATCHED:
            return current
        if current is None:
            try:
                with transaction.atomic():
                    current = Watch.objects.create(
                        workspace=member.workspace,
                        user=member.user,
                        object_type=entry.key,
                        object_id=obj.pk,
                    )
            except IntegrityError:  # a second click at the same moment
                return Watch.objects.get(workspace_id=member.workspace_id, user_id=member.user_id,
                                         object_type=entry.key, object_id=obj.pk)  # fmt: skip
        else:
            current.reason, current.created_at = WatchReason.MANUAL, timezone.now()
            current.save(update_fields=["reason", "created_at"])
        record(workspace=member.workspace, actor=member.user, action="watched", object_type=entry.key,
               object_id=obj.pk, object_label=entry.label(obj), after={"watching": True})  # fmt: skip
    return current


def unwatch(*, member: Membership, kind: str, object_id: int) -> None:
    """Stop watching; kept as an opt-out so being its creator or responsible for it no longer counts."""
    with transaction.atomic():
        entry, obj = target(member, kind, object_id)
        found = Watch.objects.filter(
            workspace_id=member.workspace_id,
            user_id=member.user_id,
            object_type=entry.key,
            object_id=obj.pk,
        )
        if found.filter(reason=WatchReason.UNWATCHED).exists():
            return
        if not found.update(reason=WatchReason.UNWATCHED, created_at=timezone.now()):
            Watch.objects.create(workspace=member.workspace, user=member.user, object_type=entry.key,
                                 object_id=obj.pk, reason=WatchReason.UNWATCHED)  # fmt: skip
        record(workspace=member.workspace, actor=member.user, action="unwatched", object_type=entry.key,
               object_id=obj.pk, object_label=entry.label(obj), after={"watching": False})  # fmt: skip


# ---------------------------------------------------------------- automatic watches (audit listener)


def on_entry(entry) -> None:
    """Creators watch what they create: any "created" entry of a discussable type."""
    if entry.action != "created" or not entry.actor_id:
        return
    kind = DISCUSSABLE.get(entry.object_type)
    if kind is None or not str(entry.object_id).isdigit():
        return
    _watch(entry.workspace_id, kind, int(entry.object_id), [entry.actor_id], WatchReason.CREATED)
