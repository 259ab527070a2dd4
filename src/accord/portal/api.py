"""REST API of the portal.

- Admin, under /workspaces/{slug}/portal: settings, publishing, vote counts, moderation (reads need
  portal.view, every member; writes and the moderation queue need portal.manage, admins).
- Public, under /portal/{slug}/ (no authentication, same answer for everyone, rate limited per
  address): the published ideas with their vote counts, one idea, a vote request (a verification
  mail is sent) and feedback submission. A disabled portal or unknown slug is a plain 404.
"""

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from accord.core.api_support import (
    Id,
    JsonInteger,
    Page,
    PageParams,
    PatchSchema,
    StrictBool,
    paginate,
    responses,
)
from accord.core.errors import ServiceError
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import limits, selectors, services

router = Router(auth=API_AUTH, tags=["portal"])
public_router = Router(auth=None, tags=["portal (public)"])

WS = "/workspaces/{slug}/portal"
PUBLIC = "/portal/{slug}"

PublicStatus = Literal["open", "review", "planned", "shipped", "parked", "closed"]
Sort = Literal["top", "new"]
ModerationStatus = Literal["pending", "approved", "rejected", "spam"]


class TooManyRequests(ServiceError):
    status = 429


def _limit(request: HttpRequest, bucket: str) -> None:
    if limits.exceeded(request, "page") or (bucket != "page" and limits.exceeded(request, bucket)):
        raise TooManyRequests("Too many requests from your address; wait a little.")


# ---------------------------------------------------------------- schemas


class PortalOut(Schema):
    enabled: bool
    title: str
    intro: str
    moderate_comments: bool
    moderate_submissions: bool
    url: str = Field(description="The public portal's address.")
    version: int

    @staticmethod
    def resolve_url(obj) -> str:
        return services.absolute(f"/portal/{obj.workspace.slug}/")


class PortalPatch(PatchSchema):
    version: Annotated[int, Field(ge=1), JsonInteger]
    enabled: StrictBool = None
    title: str = Field(None, max_length=120)
    intro: str = Field(None, max_length=5000)
    moderate_comments: StrictBool = None
    moderate_submissions: StrictBool = None


class PublicIdeaOut(Schema):
    id: int = Field(description="The idea's id.")
    title: str
    description: str = Field(description="Markdown (public text, or the idea's own).")
    status: PublicStatus
    status_label: str
    status_changed_at: datetime | None
    votes: int = Field(description="Verified votes.")
    comments: int = Field(description="Approved comments.")
    published_at: datetime


class PortalIdeaOut(PublicIdeaOut):
    public_title: str
    public_description: str


class PublishIn(Schema):
    public_title: str = Field("", max_length=200, description="Empty: the idea's own title.")
    public_description: str = Field("", max_length=20000, description="Empty: the idea's own text.")


class ModerateIn(Schema):
    action: Literal["approve", "reject", "spam"]


class CommentModOut(Schema):
    id: int
    idea_id: int
    author_name: str
    email: str
    body: str
    status: ModerationStatus
    created_at: datetime


class SubmissionModOut(Schema):
    id: int
    name: str
    email: str
    title: str
    text: str
    status: ModerationStatus
    feedback_id: int | None = Field(description="The feedback item, once approved.")
    created_at: datetime


class IdeaFilters(Schema):
    sort: Sort = "top"
    status: PublicStatus | None = None


class ModerationFilters(Schema):
    status: ModerationStatus = "pending"


class VoteIn(Schema):
    email: str = Field(min_length=3, max_length=254)


class SubmissionIn(Schema):
    email: str = Field(min_length=3, max_length=254)
    name: str = Field("", max_length=120)
    title: str = Field("", max_length=200)
    text: str = Field(min_length=1, max_length=10000)


class Accepted(Schema):
    detail: str


# ---------------------------------------------------------------- serializers


def _public(published) -> dict:
    key, label = selectors.public_status(published.idea.status)
    return {
        "id": published.idea_id,
        "title": published.title,
        "description": published.description,
        "status": key,
        "status_label": label,
        "status_changed_at": published.status_changed_at,
        "votes": published.votes,
        "comments": published.comments,
        "published_at": published.published_at,
        "public_title": published.public_title,
        "public_description": published.public_description,
    }


def _comment(c) -> dict:
    return {
        "id": c.pk, "idea_id": c.idea_id, "author_name": c.author_name, "email": c.contact.email,
        "body": c.body, "status": c.status, "created_at": c.created_at,
    }  # fmt: skip


def _submission(s) -> dict:
    return {
        "id": s.pk, "name": s.name, "email": s.contact.email, "title": s.title, "text": s.text,
        "status": s.status, "feedback_id": s.feedback_id, "created_at": s.created_at,
    }  # fmt: skip


def _member(request: HttpRequest, slug: str, action: str):
    member = member_for(request, slug)
    require(member, action)
    return member


# ---------------------------------------------------------------- admin


@router.get(WS, response=responses(200, PortalOut), summary="The portal's settings")
def get_portal(request: HttpRequest, slug: str):
    member = _member(request, slug, "portal.view")
    return selectors.portal_settings(workspace=member.workspace)


@router.patch(WS, response=responses(200, PortalOut), summary="Change the portal's settings (turn it on or off)")
def patch_portal(request: HttpRequest, slug: str, data: PortalPatch):
    return services.portal_update(member=member_for(request, slug), **data.dict())


@router.get(
    f"{WS}/ideas",
    response=responses(200, Page[PortalIdeaOut]),
    summary="Published ideas with their verified vote counts",
)
def list_portal_ideas(
    request: HttpRequest, slug: str, filters: Query[IdeaFilters], page: Query[PageParams]
):
    member = _member(request, slug, "portal.view")
    qs = selectors.published_ideas(workspace_id=member.workspace_id, **filters.dict())
    return paginate(qs, page, _public)


@router.put(
    f"{WS}/ideas/{{idea_id}}",
    response=responses(200, PortalIdeaOut),
    summary="Publish an idea on the portal (or change its public title and text)",
)
def publish_idea(request: HttpRequest, slug: str, idea_id: Id, data: PublishIn):
    member = member_for(request, slug)
    services.idea_publish(member=member, idea_id=idea_id, **data.dict())
    return _public(selectors.published_idea(workspace_id=member.workspace_id, idea_id=idea_id))


@router.delete(f"{WS}/ideas/{{idea_id}}", response=responses(204), summary="Take an idea off the portal")
def unpublish_idea(request: HttpRequest, slug: str, idea_id: Id):
    services.idea_unpublish(member=member_for(request, slug), idea_id=idea_id)
    return Status(204, None)


@router.get(
    f"{WS}/comments",
    response=responses(200, Page[CommentModOut]),
    summary="Portal comments by moderation status (the queue: pending)",
)
def list_comments(
    request: HttpRequest, slug: str, filters: Query[ModerationFilters], page: Query[PageParams]
):
    member = _member(request, slug, "portal.manage")
    qs = selectors.moderation_comments(workspace=member.workspace, status=filters.status)
    return paginate(qs, page, _comment)


@router.post(
    f"{WS}/comments/{{comment_id}}/moderation",
    response=responses(200, CommentModOut),
    summary="Approve, reject or mark a portal comment as spam",
)
def moderate_comment(request: HttpRequest, slug: str, comment_id: Id, data: ModerateIn):
    comment = services.comment_moderate(
        member=member_for(request, slug), comment_id=comment_id, action=data.action
    )
    return _comment(comment)


@router.get(
    f"{WS}/submissions",
    response=responses(200, Page[SubmissionModOut]),
    summary="Feedback sent through the portal, by moderation status (the queue: pending)",
)
def list_submissions(
    request: HttpRequest, slug: str, filters: Query[ModerationFilters], page: Query[PageParams]
):
    member = _member(request, slug, "portal.manage")
    qs = selectors.moderation_submissions(workspace=member.workspace, status=filters.status)
    return paginate(qs, page, _submission)


@router.post(
    f"{WS}/submissions/{{submission_id}}/moderation",
    response=responses(200, SubmissionModOut),
    summary="Approve (into the feedback inbox), reject or mark portal feedback as spam",
)
def moderate_submission(request: HttpRequest, slug: str, submission_id: Id, data: ModerateIn):
    submission = services.submission_moderate(
        member=member_for(request, slug), submission_id=submission_id, action=data.action
    )
    return _submission(submission)


# ---------------------------------------------------------------- public (no authentication)


@public_router.get(
    f"{PUBLIC}/ideas",
    response=responses(200, Page[PublicIdeaOut]),
    summary="Public: the portal's published ideas with vote counts",
)
def public_ideas(
    request: HttpRequest, slug: str, filters: Query[IdeaFilters], page: Query[PageParams]
):
    _limit(request, "page")
    portal = selectors.open_portal(slug)
    qs = selectors.published_ideas(workspace_id=portal.workspace_id, **filters.dict())
    return paginate(qs, page, _public)


@public_router.get(
    f"{PUBLIC}/ideas/{{idea_id}}",
    response=responses(200, PublicIdeaOut),
    summary="Public: one published idea",
)
def public_idea(request: HttpRequest, slug: str, idea_id: Id):
    _limit(request, "page")
    portal = selectors.open_portal(slug)
    return _public(selectors.published_idea(workspace_id=portal.workspace_id, idea_id=idea_id))


@public_router.post(
    f"{PUBLIC}/ideas/{{idea_id}}/votes",
    response=responses(202, Accepted),
    summary="Public: ask to vote; a link to confirm is mailed (one vote per e-mail)",
)
def public_vote(request: HttpRequest, slug: str, idea_id: Id, data: VoteIn):
    _limit(request, "vote")
    portal = selectors.open_portal(slug)
    services.vote_request(portal=portal, idea_id=idea_id, email=data.email)
    return Status(202, {"detail": "Check your inbox: the vote counts once you open the link."})


@public_router.post(
    f"{PUBLIC}/feedback",
    response=responses(202, Accepted),
    summary="Public: send feedback (it may wait for moderation)",
)
def public_feedback(request: HttpRequest, slug: str, data: SubmissionIn):
    _limit(request, "submit")
    portal = selectors.open_portal(slug)
    services.submission_create(portal=portal, **data.dict())
    return Status(202, {"detail": "Thank you: your feedback reached the team. If we mailed you a link "
                                  "to confirm your address, open it so the team can count your feedback."})
