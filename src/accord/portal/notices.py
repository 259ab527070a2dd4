"""Listens to idea_status_changed: a published idea that becomes planned, done or parked is
stamped ("Shipped on ...") and its subscribers are mailed by a background task; the votes of a
merged duplicate move to the idea it was merged into."""

from django.db import transaction
from django.utils import timezone

from accord.ideas.signals import idea_status_changed

from .tasks import STATUS_SUBJECTS, send_status_notices

DISPATCH_UID = "accord.portal.notices"


def on_status_changed(sender, idea, old_status: str, new_status: str, **kwargs) -> None:
    from accord.ideas.models import Idea, IdeaStatus

    from . import services
    from .models import Portal, PublishedIdea

    if new_status == IdeaStatus.MERGED:
        target_id = Idea.objects.filter(pk=idea.pk).values_list("merged_into_id", flat=True).first()
        if target_id:
            services.votes_follow_merge(
                workspace_id=idea.workspace_id, source_id=idea.pk, target_id=target_id
            )
        return
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
