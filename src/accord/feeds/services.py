"""Feed tokens: create (the URL is shown once), revoke, and resolve a URL's token to its feed."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accord.audit.services import record
from accord.core.errors import Invalid, NotFound
from accord.core.tokens import hash_token, new_token
from accord.workspaces.models import Membership
from accord.workspaces.permissions import can, require

from . import scopes
from .models import FeedToken

TOKEN_KIND = "atom"  # tokens read atom_…
GONE = "This feed does not exist or was revoked."


def _scope(key: str) -> scopes.FeedScope:
    scope = scopes.get(key or "")
    if scope is None:
        raise Invalid.field("scope", f"Choose one of: {', '.join(sorted(scopes.SCOPES))}.")
    return scope


@transaction.atomic
def feed_create(
    *, member: Membership, scope: str, object_id: int | None = None
) -> tuple[FeedToken, str]:
    """A new feed URL of `scope` (and its object) for this member; returns the row and the token."""
    require(member, "feed.own")
    found = _scope(scope)
    require(member, found.view_permission)
    if not found.needs_object:
        object_id = None
    elif object_id is None:
        raise Invalid.field("object_id", f"Say which {found.label.lower()} the feed follows.")
    obj = found.object(member.workspace_id, object_id)
    if obj is None:
        raise Invalid.field("object_id", f"No such {found.label.lower()} in this workspace.")
    raw, digest = new_token(TOKEN_KIND)
    label = f"{found.label}: {obj}"[:300]
    feed = FeedToken.objects.create(
        workspace_id=member.workspace_id, membership=member, scope=found.key,
        object_id=object_id, label=label, token_hash=digest, prefix=raw[:10],
    )  # fmt: skip
    record(
        workspace=member.workspace, actor=member.user, action="created", obj=feed,
        object_type="atom feed", object_label=label, after={"scope": found.key, "prefix": feed.prefix},
    )  # fmt: skip
    return feed, raw


@transaction.atomic
def feed_revoke(*, member: Membership, feed_id: int) -> FeedToken:
    """Revoke one of my feeds (an admin: anyone's). It answers 404 at once."""
    feed = (
        FeedToken.objects.select_for_update()
        .filter(pk=feed_id, workspace_id=member.workspace_id, revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise NotFound("No such feed in this workspace.")
    if feed.membership_id != member.pk:
        require(member, "token.manage")
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    record(
        workspace=member.workspace, actor=member.user, action="revoked", obj=feed,
        object_type="atom feed", object_label=feed.label,
    )  # fmt: skip
    return feed


@dataclass(frozen=True)
class ResolvedFeed:
    token: FeedToken
    scope: scopes.FeedScope
    obj: object


def feed_resolve(raw: str) -> ResolvedFeed:
    """The feed of a URL's token, if it still works: not revoked, its member still in the workspace
    (and signed-in-able) with the right to view the scope, its object still there. Else NotFound."""
    token = (
        FeedToken.objects.select_related("membership__user", "workspace")
        .filter(token_hash=hash_token(raw or ""), revoked_at__isnull=True)
        .first()
    )
    scope = scopes.get(token.scope) if token is not None else None
    if (
        token is None
        or scope is None
        or not token.membership.user.is_active
        or not can(token.membership, "feed.own")
        or not can(token.membership, scope.view_permission)
    ):
        raise NotFound(GONE)
    obj = scope.object(token.workspace_id, token.object_id)
    if obj is None:
        raise NotFound(GONE)
    return ResolvedFeed(token=token, scope=scope, obj=obj)
