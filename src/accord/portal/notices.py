"""Listens to idea_status_changed: a published idea that becomes planned, done or parked is
stamped ("Shipped on ...") and its subscribers are mailed by a background task."""

from django.db import transaction
from django.utils import timezone

from accord.ideas.signals import idea_status_changed

from .tasks import STATUS_SUBJECTS, send_status_notices

DISPATCH_UID = "accord.portal.notices"


def on_status_changed(sender, idea, old_status: str, new_status: str, **kwargs) -> None:
    from .models import Portal, PublishedIdea

    now = timezone.now()
    stamped = PublishedIdea.objects.filter(idea_id=idea.pk).update(status_changed_at=now)
    if not stamped or new_status not in STATUS_SUBJECTS:
        return
    if not Portal.objects.filter(workspace_id=idea.workspace_id, enabled=True).exists():
        return
    transaction.on_commit(
        lambda: send_status_notices.enqueue(idea.pk, new_status, now.isoformat())
    )


def connect() -> None:
    idea_status_changed.connect(on_status_changed, dispatch_uid=DISPATCH_UID)
