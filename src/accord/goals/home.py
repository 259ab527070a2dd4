"""What goals add to the workspace home (accord.workspaces.home): the goals and key results I own
that are at risk or off track, and the workspace's count of goals in trouble."""

from django.urls import reverse

from accord.workspaces import home

from . import selectors


def _views(me: home.Me) -> list[selectors.GoalView]:
    return me.remember("goals.active", lambda: selectors.active_goal_views(workspace=me.workspace, today=me.today))


def goals_card(me: home.Me) -> dict:
    views = _views(me)
    owns = me.person_id is not None and any(
        v.goal.owner_id == me.person_id or any(k.kr.owner_id == me.person_id for k in v.key_results) for v in views
    )
    return {"rows": selectors.in_trouble(views, me.person_id), "owns": owns}


def trouble_figure(me: home.Me) -> home.Figure:
    views = _views(me)
    n = sum(1 for v in views if v.status in selectors.TROUBLE)
    return home.Figure(label="Goals at risk", value=n, tone="bad" if n else "ok", url=reverse("goals", args=[me.workspace.slug]),
                       hint=f"at risk or off track, of {len(views)} active")  # fmt: skip


def register() -> None:
    home.register_card(home.HomeCard(key="goals.trouble", template="goals/home/_trouble.html", context=goals_card, order=40))
    home.register_figure(home.HealthFigure(key="goals.trouble", measure=trouble_figure, order=20))
