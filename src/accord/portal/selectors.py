"""Reads of the portal: what a visitor may see (published ideas only), and the admin's views."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accord.core.errors import Invalid, NotFound
from accord.ideas.models import Idea, IdeaStatus
from accord.workspaces.models import Workspace

from .models import Comment, Contact, Moderation, Portal, PublishedIdea, Submission, Vote

# What customers read for each internal status (they never see "scored" or "merged").
PUBLIC_STATUS = {
    IdeaStatus.NEW: ("open", "Open"),
    IdeaStatus.UNDER_REVIEW: ("review", "Under review"),
    IdeaStatus.SCORED: ("review", "Under review"),
    IdeaStatus.PLANNED: ("planned", "Planned"),
    IdeaStatus.PARKED: ("parked", "Parked"),
    IdeaStatus.REJECTED: ("closed", "Closed"),
    IdeaStatus.DONE: ("shipped", "Shipped"),
}
PUBLIC_FILTERS = {
    "open": [IdeaStatus.NEW],
    "review": [IdeaStatus.UNDER_REVIEW, IdeaStatus.SCORED],
    "planned": [IdeaStatus.PLANNED],
    "shipped": [IdeaStatus.DONE],
    "parked": [IdeaStatus.PARKED],
    "closed": [IdeaStatus.REJECTED],
}
PUBLIC_FILTERS_LABELS = {
    "open": "Open",
    "review": "Under review",
    "planned": "Planned",
    "shipped": "Shipped",
    "parked": "Parked",
    "closed": "Closed",
}
SORTS = {"top": ("-votes", "-published_at", "-id"), "new": ("-published_at", "-id")}


def public_status(status: str) -> tuple[str, str]:
    return PUBLIC_STATUS.get(status, ("open", "Open"))


def portal_settings(*, workspace: Workspace) -> Portal:
    """The workspace's portal settings; an unsaved default (disabled) until an admin saves them."""
    return Portal.objects.filter(workspace=workspace).first() or Portal(workspace=workspace)


def open_portal(slug: str) -> Portal:
    """The enabled portal of workspace `slug`; anything else is the one NotFound."""
    portal = (
        Portal.objects.select_related("workspace")
        .filter(workspace__slug=slug, enabled=True)
        .first()
    )
    if portal is None:
        raise NotFound("No such portal.")
    return portal


def _count_of(qs: QuerySet) -> Coalesce:
    """A correlated COUNT per published idea (two joins would multiply votes by comments)."""
    counted = qs.filter(idea_id=OuterRef("idea_id")).order_by().values("idea_id")
    return Coalesce(Subquery(counted.annotate(n=Count("id")).values("n")), 0)


def _counted(qs: QuerySet[PublishedIdea]) -> QuerySet[PublishedIdea]:
    return qs.select_related("idea").annotate(
        votes=_count_of(Vote.objects.filter(verified_at__isnull=False)),
        comments=_count_of(Comment.objects.filter(status=Moderation.APPROVED)),
    )


def published_ideas(
    *, workspace_id: int, sort: str = "top", status: str | None = None, q: str | None = None
) -> QuerySet[PublishedIdea]:
    if sort not in SORTS:
        raise Invalid.field("sort", f"Sort by one of {', '.join(SORTS)}.")
    qs = PublishedIdea.objects.filter(workspace_id=workspace_id).exclude(
        idea__status=IdeaStatus.MERGED
    )
    if status:
        if status not in PUBLIC_FILTERS:
            raise Invalid.field("status", f"Filter by one of {', '.join(PUBLIC_FILTERS)}.")
        qs = qs.filter(idea__status__in=PUBLIC_FILTERS[status])
    if q:
        qs = qs.filter(Q(public_title__icontains=q) | Q(idea__title__icontains=q))
    return _counted(qs).order_by(*SORTS[sort])


def published_idea(*, workspace_id: int, idea_id: int) -> PublishedIdea:
    found = (
        _counted(PublishedIdea.objects.filter(workspace_id=workspace_id, idea_id=idea_id))
        .exclude(idea__status=IdeaStatus.MERGED)
        .first()
    )
    if found is None:
        raise NotFound("No such idea.")
    return found


def approved_comments(*, idea_id: int) -> QuerySet[Comment]:
    return Comment.objects.filter(idea_id=idea_id, status=Moderation.APPROVED).order_by(
        "created_at", "id"
    )


def status_counts(*, workspace_id: int) -> dict[str, int]:
    """How many published ideas each public status filter has (for the filter chips)."""
    rows = (
        PublishedIdea.objects.filter(workspace_id=workspace_id)
        .exclude(idea__status=IdeaStatus.MERGED)
        .values_list("idea__status")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(PUBLIC_FILTERS, 0)
    for status, n in rows:
        counts[public_status(status)[0]] += n
    return counts


def member_vote_ids(*, workspace_id: int, email: str) -> set[int]:
    """Ideas a signed-in member has a counted vote on (to show their vote button pressed)."""
    return set(
        Contact.objects.filter(
            workspace_id=workspace_id, email=email.lower(), votes__verified_at__isnull=False
        ).values_list("votes__idea_id", flat=True)
    )


# ---------------------------------------------------------------- admin


def publishable_ideas(*, workspace: Workspace) -> QuerySet[Idea]:
    """Every idea (not merged) with its portal entry and vote count, published ones first."""
    return (
        Idea.objects.filter(workspace=workspace)
        .exclude(status=IdeaStatus.MERGED)
        .select_related("published")
        .annotate(
            votes=Count("portal_votes", filter=Q(portal_votes__verified_at__isnull=False)),
            is_published=Count("published"),
        )
        .order_by("-is_published", "-votes", "title", "id")
    )


def moderation_comments(*, workspace: Workspace, status: str = Moderation.PENDING) -> QuerySet[Comment]:
    if status not in Moderation.values:
        raise Invalid.field("status", f"Use one of {', '.join(Moderation.values)}.")
    return (
        Comment.objects.filter(workspace=workspace, status=status)
        .select_related("contact", "idea", "idea__published")
        .order_by("created_at", "id")
    )


def moderation_submissions(*, workspace: Workspace, status: str = Moderation.PENDING) -> QuerySet[Submission]:
    if status not in Moderation.values:
        raise Invalid.field("status", f"Use one of {', '.join(Moderation.values)}.")
    return (
        Submission.objects.filter(workspace=workspace, status=status)
        .select_related("contact")
        .order_by("created_at", "id")
    )


# ---------------------------------------------------------------- notices


def published_for_notice(idea_id: int) -> PublishedIdea | None:
    return (
        PublishedIdea.objects.select_related("idea", "workspace", "workspace__portal")
        .filter(idea_id=idea_id, workspace__portal__enabled=True)
        .first()
    )


def subscribers(published: PublishedIdea) -> QuerySet[Contact]:
    """Who hears of a status change: verified voters, and portal submitters of feedback linked to
    the idea, minus those who unsubscribed. One query."""
    from accord.feedback.models import FeedbackLink

    linked_feedback = FeedbackLink.objects.filter(idea_id=published.idea_id).values("feedback_id")
    return (
        Contact.objects.filter(workspace_id=published.workspace_id, unsubscribed_at__isnull=True)
        .filter(
            Q(votes__idea_id=published.idea_id, votes__verified_at__isnull=False)
            | Q(submissions__feedback_id__in=linked_feedback)
        )
        .distinct()
        .order_by("id")
    )


def title_of(idea: Idea) -> str:
    """The title customers see (the public override, if the idea is published with one)."""
    try:
        return idea.published.title
    except PublishedIdea.DoesNotExist:  # taken off the portal since
        return idea.title
