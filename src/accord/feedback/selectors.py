"""Reads for feedback, customers and links, each in a constant number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accord.core.errors import Invalid, NotFound
from accord.ideas.models import Idea
from accord.workspaces.models import Workspace

from . import evidence
from .models import Customer, Feedback, FeedbackLink, FeedbackStatus, Importance, Source

SORTS = {
    "received": "received_at",
    "-received": "-received_at",
    "created": "created_at",
    "-created": "-created_at",
}
CUSTOMER_SORTS = {
    "name": "name",
    "-name": "-name",
    "revenue": "revenue_weight",
    "-revenue": "-revenue_weight",
    "feedback": "feedback_count",
    "-feedback": "-feedback_count",
}


def feedback_list(
    *,
    workspace: Workspace,
    q: str | None = None,
    status: str | None = None,
    source: str | None = None,
    segment: str | None = None,
    customer_id: int | None = None,
    idea_id: int | None = None,
    linked: bool | None = None,
    sort: str = "-received",
) -> QuerySet[Feedback]:
    """The inbox: newest first, filtered. Unknown filter values are 422 (never a silent empty list)."""
    if status and status not in FeedbackStatus.values:
        raise Invalid.field("status", f"Use one of {', '.join(FeedbackStatus.values)}.")
    if source and source not in Source.values:
        raise Invalid.field("source", f"Use one of {', '.join(Source.values)}.")
    if sort not in SORTS:
        raise Invalid.field("sort", f"Use one of {', '.join(SORTS)}.")
    qs = (
        Feedback.objects.filter(workspace=workspace)
        .select_related("customer", "captured_by")
        .defer("embedding")
    )
    if q:
        for word in q.split()[:10]:
            qs = qs.filter(
                Q(text__icontains=word) | Q(title__icontains=word)
                | Q(customer__name__icontains=word) | Q(customer__company__icontains=word)
            )
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if segment:
        qs = qs.filter(customer__segment__iexact=segment)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if idea_id:
        qs = qs.filter(links__idea_id=idea_id)
    if linked is not None:
        has_link = Exists(FeedbackLink.objects.filter(feedback=OuterRef("pk")))
        qs = qs.filter(has_link if linked else ~has_link)
    return qs.order_by(SORTS[sort], "-id")


def with_link_counts(items: list[Feedback]) -> list[Feedback]:
    """Set .link_count and .idea_titles on a page of items (one query)."""
    titles: dict[int, list[str]] = defaultdict(list)
    rows = FeedbackLink.objects.filter(feedback__in=items).values_list("feedback_id", "idea__title")
    for fb_id, title in rows:
        titles[fb_id].append(title)
    for fb in items:
        fb.idea_titles = titles.get(fb.pk, [])
        fb.link_count = len(fb.idea_titles)
    return items


def feedback(*, workspace: Workspace, feedback_id: int) -> Feedback:
    fb = (
        Feedback.objects.filter(workspace=workspace, pk=feedback_id)
        .select_related("customer", "captured_by")
        .defer("embedding")
        .first()
    )
    if fb is None:
        raise NotFound("No such feedback in this workspace.")
    return fb


def links(*, workspace: Workspace, feedback_id: int | None = None, idea_id: int | None = None):
    qs = FeedbackLink.objects.filter(feedback__workspace=workspace).select_related(
        "idea", "created_by", "feedback__customer"
    ).defer("feedback__embedding")
    if feedback_id:
        qs = qs.filter(feedback_id=feedback_id)
    if idea_id:
        qs = qs.filter(idea_id=idea_id)
    return qs


def segments(*, workspace: Workspace) -> list[str]:
    return list(
        Customer.objects.filter(workspace=workspace)
        .exclude(segment="")
        .values_list("segment", flat=True)
        .distinct()
        .order_by("segment")
    )


def customers(
    *, workspace: Workspace, q: str | None = None, segment: str | None = None, sort: str = "name"
) -> QuerySet[Customer]:
    if sort not in CUSTOMER_SORTS:
        raise Invalid.field("sort", f"Use one of {', '.join(CUSTOMER_SORTS)}.")
    qs = Customer.objects.filter(workspace=workspace).annotate(feedback_count=Count("feedback"))
    if q:
        for word in q.split()[:10]:
            qs = qs.filter(Q(name__icontains=word) | Q(email__icontains=word) | Q(company__icontains=word))
    if segment:
        qs = qs.filter(segment__iexact=segment)
    return qs.order_by(CUSTOMER_SORTS[sort], "id")


def customer(*, workspace: Workspace, customer_id: int) -> Customer:
    found = customers(workspace=workspace).filter(pk=customer_id).first()
    if found is None:
        raise NotFound("No such customer in this workspace.")
    return found


def customer_ideas(*, customer: Customer) -> list[dict]:
    """The ideas a customer's feedback supports, most-linked first."""
    return list(
        FeedbackLink.objects.filter(feedback__customer=customer)
        .values("idea_id", "idea__title", "idea__status")
        .annotate(items=Count("id"))
        .order_by("-items", "idea__title")
    )


def link_choices(*, workspace: Workspace, q: str | None = None, limit: int = 20) -> list[Idea]:
    """Ideas feedback can be linked to (not merged), for the link picker."""
    qs = Idea.objects.filter(workspace=workspace).exclude(status="merged").only("id", "title", "status")
    if q:
        for word in q.split()[:10]:
            qs = qs.filter(title__icontains=word)
    return list(qs.order_by("-created_at")[:limit])


@dataclass
class SegmentRow:
    segment: str
    items: int = 0
    customers: set = field(default_factory=set)
    revenue: float = 0.0

    @property
    def customer_count(self) -> int:
        return len(self.customers)


@dataclass
class IdeaEvidence:
    links: list[FeedbackLink]
    segments: list[SegmentRow]
    items: int
    customers: int
    revenue: float  # revenue of distinct customers (plain, no importance factor)
    demand: float  # feedback.revenue's raw value: with importance factors
    critical: int
    unverified: int = 0  # linked portal feedback whose sender has not confirmed their address


def idea_evidence(*, workspace: Workspace, idea: Idea) -> IdeaEvidence:
    """All of an idea's evidence, grouped by segment, with revenue (two queries)."""
    link_list = list(links(workspace=workspace, idea_id=idea.pk).order_by("-feedback__received_at"))
    by_segment: dict[str, SegmentRow] = {}
    revenue_of: dict[int, float] = {}
    counted = [link for link in link_list if not link.feedback.unverified_email]
    for link in counted:
        customer = link.feedback.customer
        seg = (customer.segment if customer else "") or "unknown"
        row = by_segment.setdefault(seg, SegmentRow(seg))
        row.items += 1
        if customer:
            if customer.pk not in row.customers:
                row.revenue += customer.revenue_weight
            row.customers.add(customer.pk)
            revenue_of[customer.pk] = customer.revenue_weight
    demand = evidence.revenue_demand(workspace.pk, [idea.pk]).get(idea.pk, 0.0)
    return IdeaEvidence(
        links=link_list,
        segments=sorted(by_segment.values(), key=lambda r: (-r.revenue, -r.items, r.segment)),
        items=len(counted),
        customers=len(revenue_of),
        revenue=sum(revenue_of.values()),
        demand=demand,
        critical=sum(1 for link in counted if link.importance == Importance.CRITICAL),
        unverified=len(link_list) - len(counted),
    )


def inbox_counts(*, workspace: Workspace) -> dict[str, int]:
    rows = Feedback.objects.filter(workspace=workspace).values("status").annotate(n=Count("id"))
    counts = {s: 0 for s in FeedbackStatus.values}
    counts.update({r["status"]: r["n"] for r in rows})
    counts["all"] = sum(counts.values())
    return counts



# ---------------------------------------------------------------- the home: what needs me now


def recent_links(*, workspace: Workspace, since, by_others_than: int, limit: int = 300) -> list[tuple[int, int]]:
    """(link id, idea id) of the feedback linked to ideas since a moment, by someone else, newest
    first (the home keeps those on ideas the member follows). The latest links by id (the primary
    key's index, read backwards; no index on the date), then the date: bounded by `limit`. One query."""
    rows = (
        FeedbackLink.objects.filter(feedback__workspace=workspace)
        .order_by("-id").values_list("pk", "idea_id", "created_at", "created_by_id")[:limit]
    )  # fmt: skip
    return [(pk, idea) for pk, idea, at, by in rows if at >= since and by != by_others_than]


def links_by_id(*, ids: list[int]) -> list[FeedbackLink]:
    """These links with their feedback, customer and idea, in the order given. One query."""
    found = {link.pk: link for link in FeedbackLink.objects.filter(pk__in=ids).select_related("feedback__customer", "idea")}
    return [found[i] for i in ids if i in found]


def untriaged_count(*, workspace: Workspace) -> int:
    return Feedback.objects.filter(workspace=workspace, status=FeedbackStatus.NEW).count()
