"""REST API for comments, mentions and watching on every discussable object (ideas, roadmap items,
feedback, goals, key results, initiatives, launches, changes, post-mortems). The object is named by
its kind (the URL form of its type: "roadmap-item") and id; reading needs the object's own view
permission, and an object of another workspace, or one the caller may not see, is a 404."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from accord.core.api_support import Id, Page, PageParams, responses
from accord.workspaces.auth import API_AUTH, member_for

from . import selectors, services
from .registry import DISCUSSABLE

router = Router(auth=API_AUTH, tags=["collab"])
WS = "/workspaces/{slug}"
OBJ = f"{WS}/discussions/{{kind}}/{{object_id}}"

# The kinds registered at start-up (the apps' ready() ran before the URLs load this module).
_slugs = tuple(e.slug for e in DISCUSSABLE.ordered())
Kind = Literal[_slugs] if _slugs else str  # type: ignore[valid-type]


class CollabMentionOut(Schema):
    user_id: int
    name: str


class CollabCommentOut(Schema):
    id: int
    object_type: str = Field(
        description='The discussed object\'s type, as in the audit trail: "roadmap item".'
    )
    object_id: int
    author_id: int | None
    author: str
    body: str = Field(description="Markdown; a mention is written @[Name](user:ID).")
    html: str = Field(description="The body rendered (sanitised), mentions as names.")
    mentions: list[CollabMentionOut] = Field(
        description="Members mentioned who may see the object."
    )
    created_at: datetime
    edited_at: datetime | None


class CollabCommentIn(Schema):
    body: str = Field(
        min_length=1,
        max_length=services.MAX_BODY,
        description="Markdown. Mention a member with @[Name](user:ID) or @their-email; they start watching.",
    )


class CollabWatchStateOut(Schema):
    watching: bool
    reason: str = Field(
        description='manual, created, mentioned, responsible; "" when not watching.'
    )


class CollabWatchOut(Schema):
    id: int
    object_type: str
    kind: str = Field(description="The kind as written in the discussion URLs.")
    object_id: int
    label: str
    url: str
    reason: str
    since: datetime


class CollabPersonOut(Schema):
    user_id: int
    name: str
    email: str


class CollabPeopleQuery(Schema):
    q: str = Field(
        "",
        max_length=100,
        description="The start of a name (or of any word of it) or of an e-mail.",
    )


def _comment_out(view: selectors.CommentView) -> dict:
    c = view.comment
    return {
        "id": c.pk, "object_type": c.object_type, "object_id": c.object_id, "author_id": c.author_id,
        "author": view.author, "body": c.body, "html": str(view.html),
        "mentions": [{"user_id": uid, "name": name} for uid, name in view.mentioned.items()],
        "created_at": c.created_at, "edited_at": c.edited_at,
    }  # fmt: skip


def _one(member, comment) -> dict:
    entry = DISCUSSABLE[comment.object_type]
    return _comment_out(selectors.present(member, entry, [comment])[0])


@router.get(f"{OBJ}/comments", response=responses(200, Page[CollabCommentOut]),
            summary="The comments on an object, oldest first")  # fmt: skip
def list_comments(
    request: HttpRequest, slug: str, kind: Kind, object_id: Id, page: Query[PageParams]
):
    member = member_for(request, slug)
    entry, obj = services.target(member, kind, object_id)
    rows = selectors.comments(member.workspace_id, entry, obj.pk)
    items = list(rows[page.offset : page.offset + page.limit])
    return {
        "items": [_comment_out(v) for v in selectors.present(member, entry, items)],
        "count": rows.count(), "limit": page.limit, "offset": page.offset,
    }  # fmt: skip


@router.post(f"{OBJ}/comments", response=responses(201, CollabCommentOut),
             summary="Comment on an object (Markdown, @mentions)")  # fmt: skip
def add_comment(request: HttpRequest, slug: str, kind: Kind, object_id: Id, data: CollabCommentIn):
    member = member_for(request, slug)
    comment = services.comment_add(member=member, kind=kind, object_id=object_id, body=data.body)
    return Status(201, _one(member, comment))


@router.patch(f"{WS}/discussion-comments/{{discussion_comment_id}}", response=responses(200, CollabCommentOut),
              summary="Edit one's own comment")  # fmt: skip
def edit_comment(request: HttpRequest, slug: str, discussion_comment_id: Id, data: CollabCommentIn):
    member = member_for(request, slug)
    comment = services.comment_edit(member=member, comment_id=discussion_comment_id, body=data.body)
    return _one(member, comment)


@router.delete(f"{WS}/discussion-comments/{{discussion_comment_id}}", response=responses(204),
               summary="Delete one's own comment (admins: anyone's)")  # fmt: skip
def delete_comment(request: HttpRequest, slug: str, discussion_comment_id: Id):
    services.comment_delete(member=member_for(request, slug), comment_id=discussion_comment_id)
    return Status(204, None)


@router.get(f"{OBJ}/watch", response=responses(200, CollabWatchStateOut),
            summary="Whether I watch an object, and why")  # fmt: skip
def get_watch(request: HttpRequest, slug: str, kind: Kind, object_id: Id):
    member = member_for(request, slug)
    entry, obj = services.target(member, kind, object_id)
    reason = selectors.watch_state(member, entry, obj.pk)
    return {"watching": bool(reason), "reason": reason}


@router.put(f"{OBJ}/watch", response=responses(200, CollabWatchStateOut),
            summary="Watch an object: hear of its changes and comments")  # fmt: skip
def watch(request: HttpRequest, slug: str, kind: Kind, object_id: Id):
    member = member_for(request, slug)
    row = services.watch(member=member, kind=kind, object_id=object_id)
    return {"watching": True, "reason": row.reason}


@router.delete(f"{OBJ}/watch", response=responses(204),
               summary="Stop watching an object (also one I created, was mentioned in or am responsible for)")  # fmt: skip
def unwatch(request: HttpRequest, slug: str, kind: Kind, object_id: Id):
    services.unwatch(member=member_for(request, slug), kind=kind, object_id=object_id)
    return Status(204, None)


@router.get(f"{OBJ}/people", response=responses(200, list[CollabPersonOut]),
            summary="Members who may be mentioned on an object, by the start of their name or e-mail")  # fmt: skip
def mentionable(
    request: HttpRequest, slug: str, kind: Kind, object_id: Id, query: Query[CollabPeopleQuery]
):
    member = member_for(request, slug)
    entry, _obj = services.target(member, kind, object_id)
    return selectors.mentionable(member, entry, query.q)


@router.get(f"{WS}/watches", response=responses(200, Page[CollabWatchOut]), summary="What I watch")
def my_watches(request: HttpRequest, slug: str, page: Query[PageParams]):
    member = member_for(request, slug)
    rows = selectors.my_watches(member)
    items = selectors.labelled(member, list(rows[page.offset : page.offset + page.limit]))
    return {
        "items": [{**{k: row[k] for k in ("object_type", "object_id", "label", "url", "reason", "since")},
                   "id": row["watch"].pk, "kind": DISCUSSABLE[row["object_type"]].slug} for row in items],
        "count": rows.count(), "limit": page.limit, "offset": page.offset,
    }  # fmt: skip
