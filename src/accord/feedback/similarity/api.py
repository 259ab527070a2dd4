"""REST API of feedback similarity: related feedback for an idea, duplicates and likely ideas for
a feedback item, themes of unlinked feedback, embedding progress (thin: selectors do the work)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from accord.core.api_support import Id, responses
from accord.feedback import selectors as feedback_selectors
from accord.ideas import selectors as idea_selectors
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import selectors

router = Router(auth=API_AUTH, tags=["feedback similarity"])


class FeedbackBrief(Schema):
    id: int
    title: str
    text: str
    source: str
    status: str
    customer_name: str | None
    received_at: datetime

    @staticmethod
    def resolve_customer_name(obj) -> str | None:
        return obj.customer.name if obj.customer else None


class ScoredFeedbackOut(Schema):
    feedback: FeedbackBrief
    score: float = Field(description="0-1: how close in meaning and words.")


class LikelyIdeaOut(Schema):
    idea_id: int
    title: str
    status: str
    score: float


class SimilarOut(Schema):
    duplicates: list[ScoredFeedbackOut]
    ideas: list[LikelyIdeaOut]


class ThemeOut(Schema):
    label: str
    summary: str
    size: int
    revenue: float
    feedback_ids: list[int]


class IndexStatusOut(Schema):
    total: int
    pending: int
    percent: int


class Limit(Schema):
    limit: int = Field(10, ge=1, le=100, description="How many to return (1-100).")


def _scored(items: list[selectors.Scored]) -> list[dict]:
    return [{"feedback": s.feedback, "score": round(s.score, 4)} for s in items]


@router.get(
    "/workspaces/{slug}/ideas/{idea_id}/related-feedback",
    response=responses(200, list[ScoredFeedbackOut]),
    summary="Feedback probably about this idea and not linked to it yet, best match first",
)
def related_feedback(request: HttpRequest, slug: str, idea_id: Id, params: Query[Limit]):
    member = member_for(request, slug)
    require(member, "feedback.view")
    idea = idea_selectors.idea(workspace=member.workspace, idea_id=idea_id)
    return _scored(selectors.related_for_idea(idea=idea, limit=params.limit))


@router.get(
    "/workspaces/{slug}/feedback/{feedback_id}/similar",
    response=responses(200, SimilarOut),
    summary="Probable duplicates of a feedback item and the open ideas it is probably about",
)
def similar_feedback(request: HttpRequest, slug: str, feedback_id: Id):
    member = member_for(request, slug)
    require(member, "feedback.view")
    fb = feedback_selectors.feedback(workspace=member.workspace, feedback_id=feedback_id)
    return {
        "duplicates": _scored(selectors.duplicates_of(feedback=fb)),
        "ideas": [
            {"idea_id": i.idea.pk, "title": i.idea.title, "status": i.idea.status, "score": round(i.score, 4)}
            for i in selectors.likely_ideas(feedback=fb)
        ],
    }


@router.get(
    "/workspaces/{slug}/feedback-themes",
    response=responses(200, list[ThemeOut]),
    summary="Themes: groups of similar feedback that no idea covers yet, largest first",
)
def themes(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "feedback.view")
    return [
        {"label": t.label, "summary": t.summary, "size": t.size, "revenue": t.revenue,
         "feedback_ids": [fb.pk for fb in t.items]}
        for t in selectors.themes(workspace_id=member.workspace_id)
    ]


@router.get(
    "/workspaces/{slug}/feedback-index",
    response=responses(200, IndexStatusOut),
    summary="Embedding progress: how many feedback items are still to be indexed for similarity",
)
def index_status(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "feedback.view")
    status = selectors.index_status(workspace_id=member.workspace_id)
    return {"total": status.total, "pending": status.pending, "percent": status.percent}
