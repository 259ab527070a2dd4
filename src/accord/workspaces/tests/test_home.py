"""The home's registry: cards and plan-health figures that capabilities plug in."""

import pytest
from django.test import RequestFactory

from accord.core.registry import Registry
from accord.workspaces import home


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(home, "CARDS", Registry("Home card"))
    monkeypatch.setattr(home, "FIGURES", Registry("Plan-health figure"))


def test_cards_render_in_order_and_none_hides_a_card(registry, cast, monkeypatch):
    monkeypatch.setattr(home, "render_to_string", lambda template, context, request=None: f"[{context['card_key']}:{context['word']}]")
    home.register_card(home.HomeCard(key="b.second", template="card.html", context=lambda me: {"word": "two"}, order=20))
    home.register_card(home.HomeCard(key="a.first", template="card.html", context=lambda me: {"word": "one"}, order=10))
    home.register_card(home.HomeCard(key="c.hidden", template="card.html", context=lambda me: None, order=5))
    me = home.me_of(cast.members["editor"])
    request = RequestFactory().get("/")
    assert [str(h) for h in home.render_cards(request, me)] == ["[a.first:one]", "[b.second:two]"]
    with pytest.raises(ValueError):
        home.register_card(home.HomeCard(key="a.first", template="other.html", context=lambda me: {}))


def test_figures_and_who_sees_the_summary(registry, cast):
    home.register_figure(home.HealthFigure(key="x.none", measure=lambda me: None))
    home.register_figure(home.HealthFigure(key="x.one", measure=lambda me: home.Figure("Things", 3, "/x"), order=1))
    assert [f.label for f in home.health(home.me_of(cast.members["admin"]))] == ["Things"]
    assert {role for role, m in cast.members.items() if home.shows_summary(m)} == {"admin", "viewer"}


def test_me_is_the_member_as_a_person_with_their_teams(cast):
    from accord.workspaces import services
    from accord.workspaces.models import Person

    admin = cast.members["admin"]
    team = services.team_create(member=admin, name="Design")
    person = Person.objects.get(workspace=cast.workspace, user=cast.members["editor"].user)  # made when they joined
    services.person_update(member=admin, person_id=person.pk, version=person.version, team_ids=[team.pk])
    me = home.me_of(cast.members["editor"])
    assert (me.person_id, me.team_ids) == (person.pk, frozenset({team.pk}))
    assert me.remember("k", lambda: 1) == 1 and me.remember("k", lambda: 2) == 1
