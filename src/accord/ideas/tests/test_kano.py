"""Kano: both satisfaction coefficients, Better (the score) and Worse, in the API and on the idea page.

Berger et al. 1993: Better = (A + O) / (A + O + M + I), Worse = -(O + M) / (A + O + M + I).
"""

import pytest
from django.urls import reverse

from accord.ideas import services

# Two One-dimensional answers, one Must-be, one Indifferent, one Reverse (left out of both).
ANSWERS = [("like", "dislike"), ("like", "dislike"), ("neutral", "dislike"), ("neutral", "neutral"), ("dislike", "like")]


@pytest.fixture
def kano_idea(cast, make_idea):
    model = services.scoring_model_create(member=cast.members["editor"], name="Kano survey", kind="kano")
    idea = make_idea("Offline mode")
    for n, (functional, dysfunctional) in enumerate(ANSWERS):
        services.kano_answer_set(
            member=cast.members["contributor"], model_id=model.pk, idea_id=idea.pk,
            respondent=f"customer {n}", functional=functional, dysfunctional=dysfunctional,
        )
    return model, idea


def test_the_api_returns_worse_beside_better(cast, api, kano_idea, scorecard):
    model, idea = kano_idea
    scores = api(cast.tokens["viewer"]).get(f"/workspaces/acme/ideas/{idea.pk}").json()["scores"]
    kano = next(s for s in scores if s["model_id"] == model.pk)
    assert kano["value"] == pytest.approx(2 / 4, abs=1e-4)  # Better = (0 + 2) / 4
    assert kano["worse"] == pytest.approx(-3 / 4, abs=1e-4)  # Worse = -(2 + 1) / 4
    assert "Worse = -(O + M) / (A + O + M + I)" in kano["explanation"]
    weighted = next(s for s in scores if s["model_id"] == scorecard.pk)
    assert weighted["worse"] is None


def test_worse_is_null_while_nobody_answered(cast, api, make_idea):
    model = services.scoring_model_create(member=cast.members["editor"], name="Kano survey", kind="kano")
    idea = make_idea("No answers yet")
    kano = api(cast.tokens["viewer"]).get(f"/workspaces/acme/ideas/{idea.pk}").json()["scores"][0]
    assert kano["model_id"] == model.pk and kano["value"] is None and kano["worse"] is None


def test_the_idea_page_shows_worse_beside_better(cast, client, kano_idea):
    _model, idea = kano_idea
    client.force_login(cast.members["viewer"].user)
    page = client.get(reverse("idea_detail", args=["acme", idea.pk])).content.decode()
    assert 'data-testid="kano-better">0.50<' in page
    assert 'data-testid="kano-worse">-0.75<' in page
