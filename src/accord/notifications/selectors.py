"""Reads for notifications: each a constant number of queries."""

from django.db.models import QuerySet

from .models import DigestSchedule, Notification, NotificationPreference, Weekday
from .registry import KINDS
from .services import wants


def inbox(*, user_id: int, workspace_id: int, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient_id=user_id, workspace_id=workspace_id)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def unread_count(*, user_id: int, workspace_id: int) -> int:
    return Notification.objects.filter(
        recipient_id=user_id, workspace_id=workspace_id, read_at__isnull=True
    ).count()


def preferences(user) -> dict:
    """{"kinds": [{key, label, email, in_app}], "digest_weekday": "monday"} in two queries."""
    prefs = {(p.user_id, p.kind): p for p in NotificationPreference.objects.filter(user=user)}
    schedule = DigestSchedule.objects.filter(user=user).first()
    kinds = []
    for kind in KINDS.ordered():
        in_app, email = wants(prefs, user.pk, kind.key)
        kinds.append({"key": kind.key, "label": kind.label, "email": email, "in_app": in_app})
    weekday = Weekday(schedule.weekday if schedule else Weekday.MONDAY)
    return {"kinds": kinds, "digest_weekday": weekday.label.lower()}
