"""What ideas add to the workspace home (accord.workspaces.home): scoring rounds waiting for my
scores, what changed lately on the ideas I follow, and the count of unscored ideas.

The ideas I follow: those I submitted, scored (in a round or by setting values) and, through the
sources other capabilities register here, those I linked feedback to. (Accord has no "watch" yet:
this is what following means until it does.)
"""

from collections.abc import Callable

from django.db.models import QuerySet
from django.urls import reverse

from accord.audit.history import tell
from accord.audit.models import AuditEntry
from accord.workspaces import home
from accord.workspaces.models import Membership
from accord.workspaces.permissions import can

from . import selectors
from .models import Idea, Rating

FollowSource = Callable[[Membership, int], QuerySet | list[int]]
FOLLOW_SOURCES: dict[str, FollowSource] = {}


def register_follow_source(key: str, source: FollowSource) -> None:
    """source(member, limit) -> the ids of at most `limit` ideas the member follows, newest first
    (one query)."""
    FOLLOW_SOURCES[key] = source


def followed(me: home.Me) -> list[int]:
    return me.remember("ideas.followed", lambda: selectors.followed_idea_ids(member=me.member, sources=FOLLOW_SOURCES.values()))


def _submitted(member: Membership, limit: int) -> QuerySet:
    return Idea.objects.filter(workspace_id=member.workspace_id, submitter_id=member.user_id).order_by("-pk").values_list("pk", flat=True)[:limit]


def _rated(member: Membership, limit: int) -> QuerySet:
    return (
        Rating.objects.filter(rater_id=member.user_id, round__workspace_id=member.workspace_id)
        .order_by("-idea_id").values_list("idea_id", flat=True).distinct()[:limit]
    )  # fmt: skip


def _scored(member: Membership, limit: int) -> list[int]:
    """Ideas whose values the member set by hand (recorded as "scored" in the audit trail)."""
    ids = (
        AuditEntry.objects.filter(workspace_id=member.workspace_id, actor_id=member.user_id, object_type="idea", action="scored")
        .order_by("-id").values_list("object_id", flat=True)[: limit * 4]
    )  # fmt: skip
    return list(dict.fromkeys(int(i) for i in ids if i.isdigit()))[:limit]


def rounds_card(me: home.Me) -> dict | None:
    if not can(me.member, "rating.submit"):
        return None
    return {"rounds": selectors.rounds_awaiting(member=me.member)}


def ideas_card(me: home.Me) -> dict | None:
    ids = followed(me)
    if not ids and not can(me.member, "idea.create"):
        return None  # a viewer who follows nothing: nothing to say
    entries = selectors.changes_on_ideas(workspace=me.workspace, idea_ids=ids, since=me.since, by_others_than=me.user.pk)
    return {"followed": len(ids), "stories": tell(entries, slug=me.workspace.slug), "days": home.RECENT_DAYS}


def unscored(me: home.Me) -> home.Figure:
    n = selectors.unscored_count(workspace=me.workspace)
    return home.Figure(label="Unscored ideas", value=n, hint="new or under review", tone="warn" if n else "ok",
                       url=reverse("ideas", args=[me.workspace.slug]) + "?status=new")  # fmt: skip


def register() -> None:
    register_follow_source("ideas.submitted", _submitted)
    register_follow_source("ideas.rated", _rated)
    register_follow_source("ideas.scored", _scored)
    home.register_card(home.HomeCard(key="ideas.rounds", template="ideas/home/_rounds.html", context=rounds_card, order=10))
    home.register_card(home.HomeCard(key="ideas.followed", template="ideas/home/_followed.html", context=ideas_card, order=30))
    home.register_figure(home.HealthFigure(key="ideas.unscored", measure=unscored, order=30))
