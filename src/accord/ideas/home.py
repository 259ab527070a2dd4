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

FollowSource = Callable[[Membership, list[int] | None], QuerySet]
FOLLOW_SOURCES: dict[str, FollowSource] = {}
SHOWN = 6


def register_follow_source(key: str, source: FollowSource) -> None:
    """source(member, candidates) -> a queryset of the ids of those candidate ideas (all ideas when
    None) the member follows; one query on an index, however many ideas they follow."""
    FOLLOW_SOURCES[key] = source


def followed_among(me: home.Me, candidates: list[int]) -> set[int]:
    """Which of these ideas the member follows (remembered for the other cards of the page)."""
    known: dict[int, bool] = me.memo.setdefault("ideas.follows", {})
    missing = [i for i in dict.fromkeys(candidates) if i not in known]
    if missing:
        found = selectors.followed_among(member=me.member, candidates=missing, sources=FOLLOW_SOURCES.values())
        known.update({i: i in found for i in missing})
    return {i for i in candidates if known[i]}


def follows_any(me: home.Me) -> bool:
    return me.remember("ideas.follows_any", lambda: selectors.follows_any(member=me.member, sources=FOLLOW_SOURCES.values()))


def _submitted(member: Membership, candidates: list[int] | None) -> QuerySet:
    ideas = Idea.objects.filter(workspace_id=member.workspace_id, submitter_id=member.user_id)
    return (ideas if candidates is None else ideas.filter(pk__in=candidates)).values_list("pk", flat=True)


def _rated(member: Membership, candidates: list[int] | None) -> QuerySet:
    ratings = Rating.objects.filter(rater_id=member.user_id, round__workspace_id=member.workspace_id)
    if candidates is None:  # "any?": no DISTINCT, which would read all of a rater's ratings first
        return ratings.values_list("idea_id", flat=True)
    return ratings.filter(idea_id__in=candidates).order_by().values_list("idea_id", flat=True).distinct()


def _scored(member: Membership, candidates: list[int] | None) -> QuerySet:
    """Ideas whose values the member set by hand (recorded as "scored" in the audit trail)."""
    entries = AuditEntry.objects.filter(workspace_id=member.workspace_id, actor_id=member.user_id, object_type="idea", action="scored")
    if candidates is None:
        return entries.values_list("object_id", flat=True)
    return entries.filter(object_id__in=[str(i) for i in candidates]).order_by().values_list("object_id", flat=True).distinct()


def rounds_card(me: home.Me) -> dict | None:
    if not can(me.member, "rating.submit"):
        return None
    return {"rounds": selectors.rounds_awaiting(member=me.member)}


def ideas_card(me: home.Me) -> dict | None:
    recent = selectors.recent_idea_changes(workspace=me.workspace, since=me.since, by_others_than=me.user.pk)
    mine = followed_among(me, [idea for _entry, idea in recent])
    entries = selectors.audit_entries_by_id(workspace=me.workspace, ids=[e for e, idea in recent if idea in mine][:SHOWN])
    if not entries and not follows_any(me) and not can(me.member, "idea.create"):
        return None  # a viewer who follows nothing: nothing to say
    return {"follows": bool(entries) or follows_any(me), "stories": tell(entries, slug=me.workspace.slug), "days": home.RECENT_DAYS}


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
