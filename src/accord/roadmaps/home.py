"""What roadmaps add to the workspace home (accord.workspaces.home): conflicts and blocked items
on the roadmaps that concern me (also those caused upstream on another roadmap, and what changed
there this week), the milestones of the next 30 days, and the workspace's conflicts."""

from datetime import timedelta

from django.urls import reverse

from accord.workspaces import home

from . import selectors

UPSTREAM_DAYS = 7
SHOWN = 6


def _state(me: home.Me) -> selectors.DependencyState:
    return me.remember("roadmaps.state", lambda: selectors.dependency_state(workspace=me.workspace, today=me.today))


def conflicts_card(me: home.Me) -> dict:
    mine = selectors.roadmaps_of(workspace=me.workspace, user_id=me.user.pk, person_id=me.person_id, team_ids=me.team_ids)
    ids = {r.pk for r in mine}
    conflicts = selectors.conflicts_on(state=_state(me), roadmap_ids=ids)
    upstream = [
        u for u in selectors.upstream_changes_for(
            workspace=me.workspace, roadmap_ids=ids, since=me.now - timedelta(days=UPSTREAM_DAYS), until=me.now)
        if u["effect"] != "unaffected"
    ]  # fmt: skip
    return {
        "roadmaps": mine, "conflicts": conflicts[:SHOWN], "more": max(0, len(conflicts) - SHOWN),
        "upstream": upstream[:SHOWN], "upstream_days": UPSTREAM_DAYS,
    }  # fmt: skip


def milestones_card(me: home.Me) -> dict:
    coming = selectors.milestones_between(workspace=me.workspace, start=me.today, end=me.ahead)
    later = None if coming else selectors.next_milestone_after(workspace=me.workspace, day=me.ahead)
    return {"milestones": coming, "later": later, "days": home.AHEAD_DAYS}


def conflicts_figure(me: home.Me) -> home.Figure:
    state = _state(me)
    n, blocked = len(state.violated), len(state.blocked)
    return home.Figure(label="Roadmap conflicts", value=n, tone="bad" if n else "ok",
                       hint=f"{blocked} item{'s' * (blocked != 1)} blocked", url=reverse("roadmaps", args=[me.workspace.slug]))  # fmt: skip


def register() -> None:
    home.register_card(home.HomeCard(key="roadmaps.conflicts", template="roadmaps/home/_conflicts.html", context=conflicts_card, order=20))
    home.register_card(home.HomeCard(key="roadmaps.milestones", template="roadmaps/home/_milestones.html", context=milestones_card, order=50))
    home.register_figure(home.HealthFigure(key="roadmaps.conflicts", measure=conflicts_figure, order=10))
