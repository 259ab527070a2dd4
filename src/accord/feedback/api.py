"""REST API for feedback, customers and links (thin: services do the work). Feedback is never
locked in: everything can be listed, filtered, exported (CSV or JSON) and deleted."""

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import BeforeValidator

from accord.core.api_support import (
    BodyId,
    BodyInt,
    DateTimeIn,
    Id,
    JsonObject,
    Page,
    PageParams,
    PatchSchema,
    paginate,
    responses,
)
from accord.core.markdown import render_markdown
from accord.ideas import selectors as idea_selectors
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import exports, selectors, services
from .models import FeedbackStatus, Importance, Source

router = Router(auth=API_AUTH, tags=["feedback"])

# ---------------------------------------------------------------- schemas


def _text_only(value):
    # The schema says a date-time string; a bare number would otherwise become a Unix timestamp.
    if not isinstance(value, str):
        raise ValueError("Use an ISO 8601 date-time, e.g. 2025-01-31T09:00:00Z.")
    return value


ReceivedAt = Annotated[DateTimeIn, BeforeValidator(_text_only)]


def _number_only(value):
    # JSON numbers only: pydantic would also read true as 1.0 and "3" as 3.0.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Input should be a number")
    return value


RevenueWeight = Annotated[float, Field(ge=0, le=1e9), BeforeValidator(_number_only)]

TriageStatus = Literal["new", "reviewed", "archived"]  # "linked" follows from the links


class CustomerOut(Schema):
    id: int
    name: str
    email: str
    company: str
    segment: str
    revenue_weight: float
    created_at: datetime
    version: int


class CustomerListOut(CustomerOut):
    feedback_count: int


class CustomerIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    company: str = Field("", max_length=200)
    segment: str = Field("", max_length=60, description="e.g. enterprise, mid-market, smb, consumer.")
    revenue_weight: RevenueWeight | None = Field(None, description="e.g. ARR in thousands.")


class CustomerPatch(PatchSchema):
    version: BodyInt
    name: str = Field(None, min_length=1, max_length=200)
    email: str = Field(None, max_length=254)
    company: str = Field(None, max_length=200)
    segment: str = Field(None, max_length=60)
    revenue_weight: RevenueWeight = Field(None)


class CustomerNamed(Schema):
    """A customer named inline: found by e-mail (else by name and company) or created."""

    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    company: str = Field("", max_length=200)
    segment: str = Field("", max_length=60)
    revenue_weight: RevenueWeight | None = Field(None)


class FeedbackOut(Schema):
    id: int
    title: str
    text: str
    source: Source
    status: FeedbackStatus
    customer: CustomerOut | None
    unverified_email: str = Field(
        description="A portal sender's address they have not confirmed yet: until they do, the item "
        "has no customer and is not counted as evidence. Empty otherwise."
    )
    captured_by: str | None
    received_at: datetime
    created_at: datetime
    updated_at: datetime
    version: int

    @staticmethod
    def resolve_captured_by(obj) -> str | None:
        return obj.captured_by.email if obj.captured_by else None


class LinkOut(Schema):
    id: int
    feedback_id: int
    idea_id: int
    idea_title: str
    quote: str
    importance: Importance
    created_by: str | None
    created_at: datetime

    @staticmethod
    def resolve_idea_title(obj) -> str:
        return obj.idea.title

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.email if obj.created_by else None


class FeedbackDetailOut(FeedbackOut):
    text_html: str
    links: list[LinkOut]

    @staticmethod
    def resolve_text_html(obj) -> str:
        return render_markdown(obj.text)

    @staticmethod
    def resolve_links(obj) -> list:
        return list(obj.links.select_related("idea", "created_by"))


class FeedbackIn(Schema):
    text: str = Field(min_length=1, max_length=20000, description="Markdown.")
    title: str = Field("", max_length=200)
    source: Source = Source.API
    customer_id: BodyId | None = Field(None, description="An existing customer.")
    customer: Annotated[CustomerNamed, JsonObject] | None = Field(None, description="Or name one (found or created).")
    received_at: ReceivedAt | None = Field(None, description="Default: now.")


class BatchItem(FeedbackIn):
    status: TriageStatus = "new"


class BatchIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {"items": [{"text": "Export to Excel please", "source": "support_ticket",
                            "customer": {"name": "Ada", "email": "ada@example.com", "segment": "smb"}}]}
            ]
        }
    }

    items: list[Annotated[BatchItem, JsonObject]] = Field(min_length=1, max_length=1000)


class BatchOut(Schema):
    created: int
    ids: list[int]


class FeedbackPatch(PatchSchema):
    version: BodyInt
    text: str = Field(None, min_length=1, max_length=20000)
    title: str = Field(None, max_length=200)
    source: Source = None
    status: TriageStatus = None
    received_at: ReceivedAt = None
    customer_id: BodyId | None = Field(None, description="null removes the customer.")


class FeedbackBulkIn(Schema):
    feedback_ids: list[BodyId] = Field(min_length=1, max_length=1000)
    status: TriageStatus


class FeedbackBulkOut(Schema):
    updated: int


class FeedbackFilter(Schema):
    q: str | None = Field(None, max_length=200)
    status: FeedbackStatus | None = None
    source: Source | None = None
    segment: str | None = Field(None, max_length=60)
    customer_id: Id | None = None
    idea_id: Id | None = Field(None, description="Linked to this idea.")
    linked: bool | None = None
    sort: Literal["received", "-received", "created", "-created"] = "-received"


class ExportFilter(FeedbackFilter):
    format: Literal["csv", "json"] = "csv"


class CustomerFilter(Schema):
    q: str | None = Field(None, max_length=200)
    segment: str | None = Field(None, max_length=60)
    sort: Literal["name", "-name", "revenue", "-revenue", "feedback", "-feedback"] = "name"


class LinkIn(Schema):
    idea_id: BodyId
    quote: str = Field("", max_length=5000, description="A passage of the feedback text.")
    importance: Importance = Importance.IMPORTANT


class LinkPatch(PatchSchema):
    quote: str = Field(None, max_length=5000)
    importance: Importance = None


class LinkFilter(Schema):
    idea_id: Id | None = None
    feedback_id: Id | None = None


class SegmentOut(Schema):
    segment: str
    items: int
    customers: int
    revenue: float


class EvidenceOut(Schema):
    idea_id: int
    items: int
    customers: int
    revenue: float = Field(description="Sum of the distinct customers' revenue weights.")
    demand: float = Field(description="Revenue-weighted demand (importance factors 0.5 / 1 / 2).")
    critical: int
    segments: list[SegmentOut]
    links: list[LinkOut]


# ---------------------------------------------------------------- feedback


def _detail(member, feedback_id: int):
    return selectors.feedback(workspace=member.workspace, feedback_id=feedback_id)


@router.get(
    "/workspaces/{slug}/feedback",
    response=responses(200, Page[FeedbackOut]),
    summary="List feedback (filter by status, source, segment, customer, idea; search)",
)
def list_feedback(request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[FeedbackFilter]):
    member = member_for(request, slug)
    require(member, "feedback.view")
    return paginate(selectors.feedback_list(workspace=member.workspace, **filters.dict()), page)


@router.post("/workspaces/{slug}/feedback", response=responses(201, FeedbackDetailOut), summary="Capture feedback")
def create_feedback(request: HttpRequest, slug: str, data: FeedbackIn):
    member = member_for(request, slug)
    fields = data.dict()
    fb = services.feedback_create(member=member, **fields)
    return Status(201, _detail(member, fb.pk))


# Before /feedback/{feedback_id}: otherwise "batch" would be taken for an id.
@router.post(
    "/workspaces/{slug}/feedback/batch",
    response=responses(201, BatchOut),
    summary="Create up to 1,000 items at once: all or none, every bad row named",
)
def batch_feedback(request: HttpRequest, slug: str, data: BatchIn):
    member = member_for(request, slug)
    created = services.feedback_batch_create(member=member, items=[i.dict() for i in data.items])
    return Status(201, {"created": len(created), "ids": [fb.pk for fb in created]})


@router.post(
    "/workspaces/{slug}/feedback/bulk",
    response=responses(200, FeedbackBulkOut),
    summary="Triage many items at once (reviewed, archived, new)",
)
def bulk_feedback(request: HttpRequest, slug: str, data: FeedbackBulkIn):
    updated = services.feedback_bulk(member=member_for(request, slug), **data.dict())
    return {"updated": updated}


@router.get(
    "/workspaces/{slug}/feedback/export",
    response=responses(200),
    summary="Export feedback (CSV or JSON) with customers and linked ideas",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file.",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/json": {"schema": {"type": "object"}},
                },
            }
        }
    },
)
def export_feedback(request: HttpRequest, slug: str, filters: Query[ExportFilter]) -> HttpResponse:
    member = member_for(request, slug)
    require(member, "feedback.view")
    params = filters.dict()
    fmt = params.pop("format")
    return exports.export_response(member.workspace, fmt, selectors.feedback_list(workspace=member.workspace, **params))


@router.get(
    "/workspaces/{slug}/feedback/{feedback_id}",
    response=responses(200, FeedbackDetailOut),
    summary="Get feedback with its links",
)
def get_feedback(request: HttpRequest, slug: str, feedback_id: Id):
    member = member_for(request, slug)
    require(member, "feedback.view")
    return _detail(member, feedback_id)


@router.patch(
    "/workspaces/{slug}/feedback/{feedback_id}",
    response=responses(200, FeedbackDetailOut),
    summary="Edit or triage feedback",
)
def update_feedback(request: HttpRequest, slug: str, feedback_id: Id, data: FeedbackPatch):
    member = member_for(request, slug)
    fields = data.dict(exclude_unset=True)
    services.feedback_update(
        member=member,
        feedback_id=feedback_id,
        version=data.version,
        text=fields.get("text"),
        title=fields.get("title"),
        source=fields.get("source"),
        status=fields.get("status"),
        received_at=fields.get("received_at"),
        customer_id=fields.get("customer_id"),
        clear_customer="customer_id" in fields and fields["customer_id"] is None,
    )
    return _detail(member, feedback_id)


@router.delete("/workspaces/{slug}/feedback/{feedback_id}", response=responses(204), summary="Delete feedback")
def delete_feedback(request: HttpRequest, slug: str, feedback_id: Id):
    services.feedback_delete(member=member_for(request, slug), feedback_id=feedback_id)
    return Status(204, None)


# ---------------------------------------------------------------- links


@router.post(
    "/workspaces/{slug}/feedback/{feedback_id}/links",
    response=responses(201, LinkOut),
    summary="Link feedback to an idea (quote, importance)",
)
def create_link(request: HttpRequest, slug: str, feedback_id: Id, data: LinkIn):
    member = member_for(request, slug)
    link = services.link_create(member=member, feedback_id=feedback_id, **data.dict())
    return Status(201, services.get_link(member, link.pk))


@router.get(
    "/workspaces/{slug}/feedback-links",
    response=responses(200, Page[LinkOut]),
    summary="List links between feedback and ideas",
)
def list_links(request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[LinkFilter]):
    member = member_for(request, slug)
    require(member, "feedback.view")
    return paginate(selectors.links(workspace=member.workspace, **filters.dict()), page)


@router.patch(
    "/workspaces/{slug}/feedback-links/{feedback_link_id}",
    response=responses(200, LinkOut),
    summary="Change a link's quote or importance",
)
def update_link(request: HttpRequest, slug: str, feedback_link_id: Id, data: LinkPatch):
    member = member_for(request, slug)
    services.link_update(member=member, link_id=feedback_link_id, **data.dict(exclude_unset=True))
    return services.get_link(member, feedback_link_id)


@router.delete("/workspaces/{slug}/feedback-links/{feedback_link_id}", response=responses(204), summary="Remove a link")
def delete_link(request: HttpRequest, slug: str, feedback_link_id: Id):
    services.link_delete(member=member_for(request, slug), link_id=feedback_link_id)
    return Status(204, None)


@router.get(
    "/workspaces/{slug}/ideas/{idea_id}/evidence",
    response=responses(200, EvidenceOut),
    summary="An idea's evidence: linked feedback by segment and revenue",
)
def idea_evidence(request: HttpRequest, slug: str, idea_id: Id):
    member = member_for(request, slug)
    require(member, "feedback.view")
    idea = idea_selectors.idea(workspace=member.workspace, idea_id=idea_id)
    ev = selectors.idea_evidence(workspace=member.workspace, idea=idea)
    return {
        "idea_id": idea.pk,
        "items": ev.items,
        "customers": ev.customers,
        "revenue": ev.revenue,
        "demand": ev.demand,
        "critical": ev.critical,
        "segments": [
            {"segment": s.segment, "items": s.items, "customers": s.customer_count, "revenue": s.revenue}
            for s in ev.segments
        ],
        "links": ev.links,
    }


# ---------------------------------------------------------------- customers


@router.get("/workspaces/{slug}/customers", response=responses(200, Page[CustomerListOut]), summary="List customers")
def list_customers(request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[CustomerFilter]):
    member = member_for(request, slug)
    require(member, "feedback.view")
    return paginate(selectors.customers(workspace=member.workspace, **filters.dict()), page)


@router.post("/workspaces/{slug}/customers", response=responses(201, CustomerListOut), summary="Add a customer")
def create_customer(request: HttpRequest, slug: str, data: CustomerIn):
    member = member_for(request, slug)
    customer = services.customer_create(member=member, **data.dict())
    return Status(201, selectors.customer(workspace=member.workspace, customer_id=customer.pk))


@router.get("/workspaces/{slug}/customers/{customer_id}", response=responses(200, CustomerListOut), summary="Get a customer")
def get_customer(request: HttpRequest, slug: str, customer_id: Id):
    member = member_for(request, slug)
    require(member, "feedback.view")
    return selectors.customer(workspace=member.workspace, customer_id=customer_id)


@router.patch("/workspaces/{slug}/customers/{customer_id}", response=responses(200, CustomerListOut), summary="Edit a customer")
def update_customer(request: HttpRequest, slug: str, customer_id: Id, data: CustomerPatch):
    member = member_for(request, slug)
    services.customer_update(member=member, customer_id=customer_id, **data.dict(exclude_unset=True))
    return selectors.customer(workspace=member.workspace, customer_id=customer_id)


@router.delete("/workspaces/{slug}/customers/{customer_id}", response=responses(204), summary="Erase a customer (their feedback stays, anonymous)")
def delete_customer(request: HttpRequest, slug: str, customer_id: Id):
    services.customer_delete(member=member_for(request, slug), customer_id=customer_id)
    return Status(204, None)
