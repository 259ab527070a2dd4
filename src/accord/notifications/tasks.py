"""Notification mail, sent by the task worker (immediately in tests).

Tasks get notification ids, never addresses or tokens: the address is read, and the unsubscribe
link rebuilt, when the mail is sent. Idempotent: a notification mailed once (emailed_at) is not
mailed again, and one whose kind the person turned off meanwhile is skipped. A temporary failure
is retried later for the notifications it hit (accord.core.mail).
"""

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from accord.core.mail import RETRY, SENT, Mail, deliver, retry

from . import unsubscribe


def notification_mail(notification) -> Mail:
    user = notification.recipient
    kind = notification.kind
    link = (
        f"{settings.ACCORD_BASE_URL}{notification.url}"
        if notification.url.startswith("/")
        else notification.url
    )
    lines = [notification.title]
    if notification.text:
        lines += ["", notification.text]
    if link:
        lines += ["", f"Open it: {link}"]
    lines += [
        "",
        "--",
        f"You get this mail from Accord ({notification.workspace.name}) because of your "
        f"notification settings ({kind.replace('_', ' ')}).",
        f"Stop these mails with one click: {unsubscribe.url_for(user.pk, kind)}",
    ]
    return Mail(
        subject=f"[{notification.workspace.name}] {notification.title}",
        body="\n".join(lines) + "\n",
        to=[user.email],
        headers=unsubscribe.headers_for(user.pk, kind),
    )


@task()
def send_notification_emails(notification_ids: list[int], attempt: int = 1) -> int:
    """Mail each notification whose person still wants its kind by e-mail. Returns how many were sent."""
    from .models import Notification
    from .services import _prefs_of, wants

    pending = list(
        Notification.objects.select_related("recipient", "workspace")
        .filter(pk__in=notification_ids, emailed_at__isnull=True, recipient__is_active=True)
        .order_by("id")
    )
    prefs = _prefs_of({n.recipient_id for n in pending}, {n.kind for n in pending})
    sent, again = 0, []
    for notification in pending:
        if not wants(prefs, notification.recipient_id, notification.kind)[1]:
            continue
        outcome = deliver(notification_mail(notification), kind="notification", attempt=attempt)
        if outcome == SENT:
            Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
            sent += 1
        elif outcome == RETRY:
            again.append(notification.pk)
    if again:
        retry(send_notification_emails, again, attempt=attempt)
    return sent


@task()
def send_digests(day: str | None = None) -> int:
    """The weekly digests due today (or on `day`, ISO): see digest.send_due."""
    from datetime import date

    from . import digest

    return digest.send_due(date.fromisoformat(day) if day else timezone.localdate())
