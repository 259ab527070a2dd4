"""Reads: a member's feeds, and the newest entries of a feed (one query)."""

from django.db.models import QuerySet

from accord.audit.models import AuditEntry
from accord.workspaces.models import Membership

from .models import FeedToken
from .services import ResolvedFeed

ENTRIES = 50  # the newest entries a feed shows


def my_feeds(*, member: Membership) -> QuerySet[FeedToken]:
    """The member's working feeds, newest first."""
    return FeedToken.objects.filter(membership=member, revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    )


def feed_entries(feed: ResolvedFeed, limit: int = ENTRIES) -> list[AuditEntry]:
    workspace_id = feed.token.workspace_id
    return list(
        AuditEntry.objects.filter(workspace_id=workspace_id)
        .filter(feed.scope.entries(workspace_id, feed.token.object_id))
        .order_by("-at", "-id")[:limit]
    )
