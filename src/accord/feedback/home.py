"""What feedback adds to the workspace home (accord.workspaces.home): new feedback linked to the
ideas I follow, feedback links as a way to follow an idea, and the untriaged feedback count."""

from django.urls import reverse

from accord.ideas import home as ideas_home
from accord.workspaces import home
from accord.workspaces.models import Membership
from accord.workspaces.permissions import can

from . import selectors
from .models import FeedbackLink

SHOWN = 4


def linked_by(member: Membership, candidates: list[int] | None):
    """The ideas a member linked feedback to: they follow them."""
    links = FeedbackLink.objects.filter(created_by_id=member.user_id, feedback__workspace_id=member.workspace_id)
    if candidates is None:
        return links.values_list("idea_id", flat=True)
    return links.filter(idea_id__in=candidates).order_by().values_list("idea_id", flat=True).distinct()


def feedback_card(me: home.Me) -> dict | None:
    if not can(me.member, "feedback.view"):
        return None
    recent = selectors.recent_links(workspace=me.workspace, since=me.since, by_others_than=me.user.pk)
    mine = ideas_home.followed_among(me, [idea for _link, idea in recent])
    links = selectors.links_by_id(ids=[link for link, idea in recent if idea in mine][:SHOWN])
    if not links and not ideas_home.follows_any(me) and not can(me.member, "idea.create"):
        return None  # a viewer who follows no idea
    return {"links": links, "follows": bool(links) or ideas_home.follows_any(me), "days": home.RECENT_DAYS}


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
