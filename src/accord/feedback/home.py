"""What feedback adds to the workspace home (accord.workspaces.home): new feedback linked to the
ideas I follow, feedback links as a way to follow an idea, and the untriaged feedback count."""

from django.urls import reverse

from accord.ideas import home as ideas_home
from accord.workspaces import home
from accord.workspaces.models import Membership
from accord.workspaces.permissions import can

from . import selectors
from .models import FeedbackLink


def linked_by(member: Membership, limit: int):
    """The ideas a member linked feedback to: they follow them."""
    return (
        FeedbackLink.objects.filter(created_by_id=member.user_id, idea__workspace_id=member.workspace_id)
        .order_by("-idea_id").values_list("idea_id", flat=True).distinct()[:limit]
    )  # fmt: skip


def feedback_card(me: home.Me) -> dict | None:
    if not can(me.member, "feedback.view"):
        return None
    ids = ideas_home.followed(me)
    if not ids and not can(me.member, "idea.create"):
        return None  # a viewer who follows no idea
    links = selectors.new_links_on(idea_ids=ids, since=me.since, by_others_than=me.user.pk)
    return {"links": links, "followed": len(ids), "days": home.RECENT_DAYS}


def untriaged_figure(me: home.Me) -> home.Figure | None:
    if not can(me.member, "feedback.view"):
        return None
    n = selectors.untriaged_count(workspace=me.workspace)
    return home.Figure(label="Untriaged feedback", value=n, tone="warn" if n else "ok", hint="new, not reviewed yet",
                       url=reverse("feedback_inbox", args=[me.workspace.slug]) + "?status=new")  # fmt: skip


def register() -> None:
    ideas_home.register_follow_source("feedback.linked", linked_by)
    home.register_card(home.HomeCard(key="feedback.new", template="feedback/home/_new.html", context=feedback_card, order=35))
    home.register_figure(home.HealthFigure(key="feedback.untriaged", measure=untriaged_figure, order=40))
