"""Every write to notifications: the inbox listener, `notify`, marking read, preferences.

The inbox listener runs inside the transaction that writes an audit entry (accord.audit.services
LISTENERS): it asks every Recipients provider who hears about the entry, keeps one notification
per person with the strongest reason, leaves out the actor and former members, and bulk-creates
the rows. The e-mails go out afterwards, from a task enqueued on commit with the rows' ids only.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accord.audit import history
from accord.audit.models import AuditEntry
from accord.audit.services import LISTENERS, Listener
from accord.core.errors import Invalid
from accord.workspaces.models import Membership

from .models import DigestSchedule, Notification, NotificationPreference, Weekday
from .registry import KINDS, RECIPIENTS, kind_of, strength

TITLE_LIMIT = 300
TEXT_LIMIT = 4000


# ---------------------------------------------------------------- preferences


def wants(prefs: dict[tuple[int, str], NotificationPreference], user_id: int, kind: str):
    """(in the app, by e-mail) for one person and kind: their row, else the kind's defaults."""
    row = prefs.get((user_id, kind))
    if row is not None:
        return row.in_app, row.email
    default = KINDS.get(kind)
    return True, default.email_default if default is not None else True


def _prefs_of(user_ids: Iterable[int], kinds: Iterable[str]) -> dict:
    rows = NotificationPreference.objects.filter(user_id__in=set(user_ids), kind__in=set(kinds))
    return {(p.user_id, p.kind): p for p in rows}


def _members(workspace_id: int, user_ids: Iterable[int]) -> set[int]:
    return set(
        Membership.objects.filter(
            workspace_id=workspace_id, user_id__in=set(user_ids), user__is_active=True
        ).values_list("user_id", flat=True)
    )


# ---------------------------------------------------------------- writing notifications


def _create(*, workspace_id: int, entry_id, by_user: dict[int, str], title: str, text: str,
            url: str) -> list[Notification]:  # fmt: skip
    """Rows for the members among `by_user` ({user_id: kind}) per their preferences; mails
    enqueued on commit for those who want them."""
    members = _members(workspace_id, by_user)
    if not members:
        return []
    prefs = _prefs_of(members, {by_user[u] for u in members})
    now = timezone.now()
    rows, mail = [], []
    for user_id in sorted(members):
        kind = by_user[user_id]
        in_app, email = wants(prefs, user_id, kind)
        if not in_app and not email:
            continue
        rows.append(Notification(
            recipient_id=user_id, workspace_id=workspace_id, entry_id=entry_id, kind=kind,
            title=title[:TITLE_LIMIT], text=text[:TEXT_LIMIT], url=url[:500], created_at=now,
            read_at=None if in_app else now,  # e-mail only: it does not ring the bell
        ))  # fmt: skip
        mail.append(email)
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n, email in zip(created, mail, strict=True) if email]
    if ids:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue(ids))
    return created


def recipients_of(entry: AuditEntry) -> dict[int, str]:
    """{user_id: reason} from every provider, the strongest reason per person, without the actor."""
    merged: dict[int, str] = {}
    for provider in RECIPIENTS.values():
        for user_id, reason in (provider.users(entry) or {}).items():
            if user_id not in merged or strength(reason) > strength(merged[user_id]):
                merged[user_id] = reason
    merged.pop(entry.actor_id, None)
    return merged


def on_entry(entry: AuditEntry) -> None:
    """The inbox listener: no provider registered, no query."""
    if not RECIPIENTS:
        return
    merged = recipients_of(entry)
    if not merged:
        return
    slug = entry.workspace.slug
    story = history.tell([entry], slug=slug)[0]
    details = story.as_text().split("\n", 1)
    _create(
        workspace_id=entry.workspace_id, entry_id=entry.pk,
        by_user={u: kind_of(reason) for u, reason in merged.items()},
        title=history.excerpt(story.text, TITLE_LIMIT), text=details[1] if len(details) > 1 else "",
        url=story.url or "",
    )  # fmt: skip


LISTENERS.add(Listener(key="notifications.inbox", on_entry=on_entry))


def notify(*, workspace, users, kind: str, title: str, url: str, text: str = "") -> None:
    """A notice that is no audit entry (a webhook paused): in the app and by e-mail per each
    person's preferences. `users`: users or user ids; only members of the workspace hear it."""
    ids = {getattr(u, "pk", u) for u in users}
    ids.discard(None)
    if not ids:
        return
    kind = kind_of(kind)
    _create(workspace_id=workspace.pk, entry_id=None, by_user=dict.fromkeys(ids, kind),
            title=history.excerpt(title, TITLE_LIMIT), text=text, url=url)  # fmt: skip


# ---------------------------------------------------------------- reading


def mark_read(*, member: Membership, ids: Iterable[int]) -> int:
    """Mark these of the member's notifications (in the member's workspace) read; others' ids
    are ignored. Returns how many changed."""
    ids = list(ids)
    if not ids:
        return 0
    return Notification.objects.filter(
        recipient_id=member.user_id, workspace_id=member.workspace_id, pk__in=ids,
        read_at__isnull=True,
    ).update(read_at=timezone.now())  # fmt: skip


def mark_all_read(*, member: Membership) -> int:
    return Notification.objects.filter(
        recipient_id=member.user_id, workspace_id=member.workspace_id, read_at__isnull=True
    ).update(read_at=timezone.now())


# ---------------------------------------------------------------- preferences


def weekday_of(value) -> int:
    """A weekday from its number (0 Monday) or English name; Invalid naming the field."""
    if isinstance(value, int) and not isinstance(value, bool) and value in Weekday.values:
        return value
    if isinstance(value, str):
        for number, label in Weekday.choices:
            if value.strip().lower() == label.lower():
                return number
    raise Invalid.field("digest_weekday", "Use a weekday: monday … sunday.")


@transaction.atomic
def set_preferences(*, user, kinds: dict[str, dict] | None = None, digest_weekday=None) -> None:
    """kinds: {kind: {"email": bool, "in_app": bool}} (either may be left out)."""
    for key, choice in (kinds or {}).items():
        if key not in KINDS:
            raise Invalid.field("kinds", f"Unknown kind {key[:40]!r}; use one of "
                                f"{', '.join(sorted(KINDS))}.")  # fmt: skip
        for flag in ("email", "in_app"):
            if flag in choice and not isinstance(choice[flag], bool):
                raise Invalid.field(f"kinds.{key}.{flag}", "Use true or false.")
    weekday = None if digest_weekday is None else weekday_of(digest_weekday)
    for key, choice in (kinds or {}).items():
        row = NotificationPreference.objects.filter(user=user, kind=key).first()
        if row is None:
            default = KINDS[key]
            row = NotificationPreference(user=user, kind=key, email=default.email_default)
        row.email = choice.get("email", row.email)
        row.in_app = choice.get("in_app", row.in_app)
        row.updated_at = timezone.now()
        row.save()
    if weekday is not None:
        DigestSchedule.objects.update_or_create(user=user, defaults={"weekday": weekday})


def user_exists(user_id: int) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).exists()


def unsubscribe(*, user_id: int, kind: str) -> None:
    """Stop the e-mails of one kind (the one-click link of every notification mail)."""
    default = KINDS.get(kind)
    if default is None:
        raise Invalid.field("token", "This link is not valid.")
    NotificationPreference.objects.update_or_create(
        user_id=user_id, kind=kind, defaults={"email": False, "updated_at": timezone.now()}
    )
