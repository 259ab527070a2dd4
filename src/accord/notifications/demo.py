"""The notifications of the demo workspace (accord.demo.loader.STEPS, last): the comments, mentions
and the paused webhook of the earlier steps already notified people through the inbox listener;
this step makes the inboxes look lived-in (older ones read, the newest unread) and gives the
owner a Friday digest."""

from django.utils import timezone

from . import services
from .models import Notification

UNREAD = 3  # the newest few stay unread for each person


def load(context: dict) -> None:
    owner, workspace = context["owner"], context["workspace"]
    now = timezone.now()
    by_person: dict[int, int] = {}
    read = []
    for n in Notification.objects.filter(workspace=workspace).order_by("-created_at", "-id"):
        by_person[n.recipient_id] = by_person.get(n.recipient_id, 0) + 1
        if by_person[n.recipient_id] > UNREAD:
            read.append(n.pk)
    Notification.objects.filter(pk__in=read).update(read_at=now)
    services.set_preferences(user=owner.user, digest_weekday="friday")
