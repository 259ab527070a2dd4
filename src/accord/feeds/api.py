"""REST API of Atom feed URLs: list, create (the token is shown once) and revoke my feeds.

The feed itself is no API operation: it is /feeds/<token>, read by feed readers (views.atom_feed).
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from accord.core.api_support import BodyId, Id, responses
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import atom, scopes, selectors, services

router = Router(auth=API_AUTH, tags=["feeds"])
WS = "/workspaces/{slug}"


class AtomFeedOut(Schema):
    id: int
    scope: str = Field(description='What it follows: "workspace" (all activity) or "roadmap".')
    object_id: int | None = Field(description="The roadmap's id; null for the workspace.")
    label: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    created_at: datetime


class AtomFeedCreated(AtomFeedOut):
    token: str = Field(description="The secret; shown once.")
    url: str = Field(description="The feed's URL (/feeds/<token>): paste it into a feed reader.")


# The scopes registered at start-up (the API is loaded after every app's ready()).
ScopeKey = Literal[tuple(sorted(scopes.SCOPES))] if scopes.SCOPES else str  # type: ignore[valid-type]


class AtomFeedIn(Schema):
    scope: ScopeKey = Field(description='What to follow: "workspace" (all activity) or "roadmap".')
    object_id: BodyId | None = Field(None, description="The roadmap's id (not for the workspace).")


@router.get(
    f"{WS}/atom-feeds",
    response=responses(200, list[AtomFeedOut]),
    summary="My Atom feed URLs (never their secrets)",
)
def list_atom_feeds(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "feed.own")
    return list(selectors.my_feeds(member=member))


@router.post(
    f"{WS}/atom-feeds",
    response=responses(201, AtomFeedCreated),
    summary="Create an Atom feed URL for myself (the token is shown once)",
)
def create_atom_feed(request: HttpRequest, slug: str, data: AtomFeedIn):
    feed, raw = services.feed_create(
        member=member_for(request, slug), scope=data.scope, object_id=data.object_id
    )
    feed.token, feed.url = raw, atom.base_url() + reverse("atom_feed", args=[raw])
    return Status(201, feed)


@router.delete(
    f"{WS}/atom-feeds/{{atom_feed_id}}",
    response=responses(204),
    summary="Revoke an Atom feed URL (mine; an admin: anyone's)",
)
def revoke_atom_feed(request: HttpRequest, slug: str, atom_feed_id: Id):
    services.feed_revoke(member=member_for(request, slug), feed_id=atom_feed_id)
    return Status(204, None)
