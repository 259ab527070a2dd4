"""A small planning world in workspace "acme": two teams, four quarters, six ideas scored with RICE
(value = reach, the other inputs neutral), efforts, and a scenario."""

from datetime import date

import pytest

from accord.capacity import services
from accord.ideas import services as idea_services
from accord.workspaces import services as ws_services

# title: (value, {team: person-days})
IDEAS = {
    "Alpha": (100, {"Eng": 50}),
    "Beta": (90, {"Eng": 50}),
    "Gamma": (80, {"Eng": 40, "Design": 10}),
    "Delta": (30, {"Eng": 60}),
    "Epsilon": (60, {"Design": 20}),
    "Zeta": (20, {"Eng": 30}),
}
QUARTERS = [("2031-Q1", date(2031, 1, 1), date(2031, 3, 31)), ("2031-Q2", date(2031, 4, 1), date(2031, 6, 30)),
            ("2031-Q3", date(2031, 7, 1), date(2031, 9, 30)), ("2031-Q4", date(2031, 10, 1), date(2031, 12, 31))]  # fmt: skip


class World:
    pass


def build_world(cast) -> World:
    admin = cast.members["admin"]
    w = World()
    w.admin = admin
    w.teams = {
        n: ws_services.team_create(member=admin, name=n, kind=k)
        for n, k in (("Eng", "it"), ("Design", "design"))
    }
    w.periods = [
        services.period_create(member=admin, name=n, start_date=s, end_date=e)
        for n, s, e in QUARTERS
    ]
    for p in w.periods:
        services.capacity_set(
            member=admin,
            team_id=w.teams["Eng"].pk,
            period_id=p.pk,
            people=1,
            days_per_person=60,
            holidays=0,
        )
        services.capacity_set(
            member=admin,
            team_id=w.teams["Design"].pk,
            period_id=p.pk,
            people=0.5,
            days_per_person=60,
            holidays=0,
        )
    model = idea_services.scoring_model_create(
        member=admin, name="RICE", kind="rice", is_default=True
    )
    w.model = model
    w.ideas = {}
    for title, (value, need) in IDEAS.items():
        idea = idea_services.idea_create(
            member=admin, title=title, tags=["stability"] if title in ("Delta", "Zeta") else []
        )
        idea_services.idea_set_inputs(member=admin, idea_id=idea.pk, model_id=model.pk,
                                      values={"reach": value, "impact": 1, "confidence": 100, "effort": 1})  # fmt: skip
        for team, days in need.items():
            services.effort_set(
                member=admin, idea_id=idea.pk, team_id=w.teams[team].pk, person_days=days
            )
        w.ideas[title] = idea
    w.scenario = services.scenario_create(member=admin, name="Base", time_limit=5)
    return w


@pytest.fixture
def world(cast):
    return build_world(cast)
