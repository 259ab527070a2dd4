"""Read-only share links (one view or a kiosk rotation) and calendar feeds: tokens stored hashed."""

from datetime import datetime

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from accord.audit.services import record
from accord.core.cleaning import clean_text
from accord.core.errors import Conflict, Invalid, NotFound
from accord.core.tokens import hash_token, new_token
from accord.roadmaps import extensions
from accord.roadmaps.models import CalendarFeed, Roadmap, ShareLink
from accord.workspaces.models import Membership
from accord.workspaces.permissions import require

from .common import clean_filters, get_roadmap

VIEWS = ("timeline", "board", "table")


def clean_views(member: Membership, views: list[dict]) -> list[dict]:
    if not views or len(views) > 20:
        raise Invalid.field("views", "Share 1 to 20 views.")
    roadmaps = Roadmap.objects.filter(workspace_id=member.workspace_id).in_bulk()
    cleaned = []
    for i, view in enumerate(views):
        if view.get("view") in extensions.KIOSK_VIEWS:  # a view of another capability, no roadmap
            cleaned.append({"roadmap": None, "view": view["view"], "filters": {}})
            continue
        roadmap_id, kind, filters = (
            view.get("roadmap"),
            view.get("view", "timeline"),
            view.get("filters") or {},
        )
        if isinstance(roadmap_id, bool) or roadmap_id not in roadmaps:
            raise Invalid.field(f"views.{i}.roadmap", "No such roadmap in this workspace.")
        if kind not in VIEWS:
            raise Invalid.field(f"views.{i}.view", f"Use one of {', '.join(VIEWS)}.")
        filters = clean_filters(roadmaps[roadmap_id], filters, f"views.{i}.filters")
        cleaned.append({"roadmap": roadmap_id, "view": kind, "filters": filters})
    return cleaned


@transaction.atomic
def share_link_create(
    *,
    member: Membership,
    name: str,
    views: list[dict],
    rotate_seconds: int = 0,
    expires_at: datetime | None = None,
    password: str = "",
) -> tuple[ShareLink, str]:
    """Returns the link and its secret token (shown once; the URL is /share/<token>)."""
    require(member, "share_link.manage")
    if rotate_seconds and not 10 <= rotate_seconds <= 3600:
        raise Invalid.field("rotate_seconds", "Rotate every 10 to 3600 seconds (0: no rotation).")
    if expires_at and expires_at <= timezone.now():
        raise Invalid.field("expires_at", "The expiry must be in the future.")
    if password and len(password) < 8:
        raise Invalid.field("password", "A share password has at least 8 characters.")
    raw, digest = new_token("shr")
    link = ShareLink.objects.create(
        workspace_id=member.workspace_id,
        name=clean_text(name, "name", required=True, max_length=120),
        token_hash=digest,
        views=clean_views(member, views),
        rotate_seconds=rotate_seconds,
        expires_at=expires_at,
        password_hash=make_password(password) if password else "",
        created_by=member.user,
    )
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=link,
        object_type="share link",
        after={
            "name": link.name,
            "views": link.views,
            "rotate_seconds": rotate_seconds,
            "expires_at": expires_at,
            "password": bool(password),
        },
    )
    return link, raw


@transaction.atomic
def share_link_revoke(*, member: Membership, link_id: int) -> ShareLink:
    require(member, "share_link.manage")
    link = ShareLink.objects.filter(pk=link_id, workspace_id=member.workspace_id).first()
    if link is None:
        raise NotFound("No such share link in this workspace.")
    if link.revoked_at:
        raise Conflict("This link is already revoked.")
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    record(
        workspace=member.workspace,
        actor=member.user,
        action="revoked",
        obj=link,
        object_type="share link",
    )
    return link


def share_link_resolve(raw: str, password: str | None = None) -> ShareLink:
    """The active link behind a token; one uniform 404 for unknown, revoked or expired tokens.

    Raises PermissionError when the link has a password and it was not given correctly.
    """
    link = (
        ShareLink.objects.select_related("workspace")
        .filter(token_hash=hash_token(raw or ""))
        .first()
    )
    if link is None or not link.is_active:
        raise NotFound("This link does not exist or is no longer shared.")
    if link.password_hash and not (password and check_password(password, link.password_hash)):
        raise PermissionError("password required")
    return link


@transaction.atomic
def calendar_feed_create(*, member: Membership, roadmap_id: int) -> tuple[CalendarFeed, str]:
    require(member, "share_link.manage")
    roadmap = get_roadmap(member, roadmap_id)
    raw, digest = new_token("cal")
    feed = CalendarFeed.objects.create(roadmap=roadmap, token_hash=digest, created_by=member.user)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=feed,
        object_type="calendar feed",
        object_label=roadmap.name,
    )
    return feed, raw


@transaction.atomic
def calendar_feed_revoke(*, member: Membership, feed_id: int) -> None:
    require(member, "share_link.manage")
    feed = (
        CalendarFeed.objects.select_related("roadmap")
        .filter(pk=feed_id, roadmap__workspace_id=member.workspace_id, revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise NotFound("No such calendar feed in this workspace.")
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    record(
        workspace=member.workspace,
        actor=member.user,
        action="revoked",
        obj=feed,
        object_type="calendar feed",
        object_label=feed.roadmap.name,
    )


def calendar_feed_resolve(raw: str) -> CalendarFeed:
    feed = (
        CalendarFeed.objects.select_related("roadmap", "roadmap__workspace")
        .filter(token_hash=hash_token(raw or ""), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise NotFound("This calendar feed does not exist or was revoked.")
    return feed
