"""The weekly digest: one mail per person and workspace, on the weekday the person chose.

Its sections come from DIGEST_SECTIONS (accord.notifications.registry): each capability tells
what it has for this person and week (the roadmaps they watch, feedback on their ideas, goal
progress, their pending scores and sign-offs). Notifications itself contributes the person's
notifications of the week. Sections with nothing to say are left out; with none left, no mail.

Idempotent: each digest sent is recorded (DigestSent, unique per person, workspace and day), so
running `accord digest` twice on a day sends nothing twice. A temporary failure forgets that
record, so the next run sends it.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accord.core.mail import RETRY, SENT, Mail, deliver

from . import unsubscribe
from .models import DigestSchedule, DigestSent, Notification, NotificationPreference, Weekday
from .registry import DIGEST_SECTIONS, DigestContext, DigestLine, DigestSection

log = logging.getLogger("accord.notifications")
PERIOD = timedelta(days=7)


@dataclass
class Part:
    section: DigestSection
    lines: list[DigestLine]
    more: int  # lines left out beyond the section's limit


def period_for(day: date) -> tuple[datetime, datetime]:
    """The seven days before `day` (local midnight to midnight)."""
    until = timezone.make_aware(datetime.combine(day, time.min))
    return until - PERIOD, until


def absolute(url: str) -> str:
    return f"{settings.ACCORD_BASE_URL}{url}" if url.startswith("/") else url


def parts_for(user, workspace, day: date) -> list[Part]:
    since, until = period_for(day)
    context = DigestContext(user=user, workspace=workspace, since=since, until=until)
    parts = []
    for section in DIGEST_SECTIONS.ordered():
        try:
            lines = section.lines(context)
        except Exception:  # one broken section must not cost the person the whole digest
            log.exception("digest section failed", extra={"event": "digest_section_failed",
                                                          "section": section.key})  # fmt: skip
            continue
        if lines:
            parts.append(Part(section, lines[: section.limit], max(0, len(lines) - section.limit)))
    return parts


def digest_mail(user, workspace, day: date, parts: list[Part]) -> Mail:
    since, _until = period_for(day)
    home = absolute(reverse("workspace_home", args=[workspace.slug]))
    settings_url = absolute(reverse("notification_settings", args=[workspace.slug]))
    lines = [f"Your week in {workspace.name}, since {since:%b} {since.day}.", ""]
    for part in parts:
        lines += [part.section.title, "-" * len(part.section.title)]
        for line in part.lines:
            lines.append(f"- {line.text}" + (f"\n  {absolute(line.url)}" if line.url else ""))
        if part.more:
            lines.append(f"- and {part.more} more")
        lines.append("")
    lines += [
        f"Open Accord: {home}",
        "",
        "--",
        f"You get this weekly digest because of your notification settings: {settings_url}",
        f"Stop the weekly digest with one click: {unsubscribe.url_for(user.pk, 'digest')}",
    ]
    return Mail(
        subject=f"Your week in {workspace.name}",
        body="\n".join(lines) + "\n",
        to=[user.email],
        headers=unsubscribe.headers_for(user.pk, "digest"),
    )


def due_memberships(day: date):
    """The memberships whose person gets a digest on `day`: active, the weekday they chose
    (Monday by default), the digest not turned off."""
    from accord.workspaces.models import Membership

    weekday = day.weekday()
    chose_other = DigestSchedule.objects.exclude(weekday=weekday).values("user_id")
    chose_this = DigestSchedule.objects.filter(weekday=weekday).values("user_id")
    off = NotificationPreference.objects.filter(kind="digest", email=False).values("user_id")
    rows = Membership.objects.select_related("user", "workspace").filter(user__is_active=True)
    rows = rows.exclude(user_id__in=off)
    if weekday == Weekday.MONDAY:
        rows = rows.exclude(user_id__in=chose_other)
    else:
        rows = rows.filter(user_id__in=chose_this)
    return rows.order_by("workspace_id", "user_id")


def send_one(membership, day: date) -> str:
    """Send one person's digest for one workspace: "sent", "empty", "done" (already), "retry", "failed"."""
    user, workspace = membership.user, membership.workspace
    if DigestSent.objects.filter(user=user, workspace=workspace, period_end=day).exists():
        return "done"
    parts = parts_for(user, workspace, day)
    if not parts:
        return "empty"
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, workspace=workspace, period_end=day,
                                      sections=len(parts))  # fmt: skip
            outcome = deliver(digest_mail(user, workspace, day, parts), kind="digest")
            if outcome == RETRY:
                raise _TryLater
    except IntegrityError:
        return "done"  # another run sent it meanwhile
    except _TryLater:
        return "retry"
    return "sent" if outcome == SENT else "failed"


class _TryLater(Exception):
    pass


def send_due(day: date) -> int:
    """Every digest due on `day`; returns how many were sent."""
    sent = 0
    for membership in due_memberships(day):
        sent += send_one(membership, day) == "sent"
    return sent


def send_due_today() -> int:
    """The periodic job (accord.core.periodic): today's digests, in the server's time zone."""
    return send_due(timezone.localdate())


# ---------------------------------------------------------------- the notifications' own section


def _my_notifications(context: DigestContext) -> list[DigestLine]:
    rows = (
        Notification.objects.filter(
            recipient=context.user, workspace=context.workspace,
            created_at__gte=context.since, created_at__lt=context.until,
        )
        .exclude(kind="digest")
        .only("title", "url", "read_at")[:100]
    )  # fmt: skip
    return [DigestLine(n.title + ("" if n.read_at else " (unread)"), n.url) for n in rows]


def register() -> None:
    DIGEST_SECTIONS.add(DigestSection(key="notifications.week", title="What you were notified about",
                                      lines=_my_notifications, order=10))  # fmt: skip
