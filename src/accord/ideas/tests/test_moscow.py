"""MoSCoW's effort balance: Must-haves against the effort planned for this time (Won't-haves left
out), on the model page and in the API."""

import math

import pytest
from django.urls import reverse

from accord.ideas import services
from accord.ideas.moscow import effort_balance, effort_warning


@pytest.fixture
def moscow(cast):
    return services.scoring_model_create(member=cast.members["editor"], name="Release scope", kind="moscow")


@pytest.fixture
def plan(cast, moscow, make_idea):
    """Must 60, Should 30, Won't 30 (and a Could with no estimate yet)."""

    def make(rows):
        for title, category, effort in rows:
            idea = make_idea(title)
            values = {"category": category} if effort is None else {"category": category, "effort": effort}
            services.idea_set_inputs(member=cast.members["editor"], idea_id=idea.pk, model_id=moscow.pk, values=values)

    return make


ISSUE_PLAN = [("SSO", 4, 60), ("Dark mode", 3, 30), ("Fax export", 1, 30), ("Widgets", 2, None)]


# ---------------------------------------------------------------- the rule


def test_wont_haves_are_not_part_of_the_planned_effort():
    """The acceptance-test case: Must 60 / Should 30 / Won't 30 is 60 of 90 planned, 67 %."""
    balance = effort_balance([(4, 60), (3, 30), (1, 30)])
    assert (balance.must_effort, balance.planned_effort, balance.wont_effort) == (60, 90, 30)
    assert balance.share == pytest.approx(2 / 3)
    assert balance.threshold == 0.6 and balance.warning
    assert "67 %" in balance.message and "(60 of 90;" in balance.message


def test_moscow_effort_warning_over_60_percent():
    """DSDM Agile Project Framework handbook, section 10.4.1: "Levels of Must Have
    effort above 60% introduce a risk of failure" (fliphtml5.com/glqi/jhlm, page 74).
    Hand-computed: Must effort 8 + 10 = 18 of 8 + 10 + 4 + 2 = 24 planned (the Won't left out) = 75 %.
    """
    warning = effort_warning([(4, 8), (4, 10), (3, 4), (2, 2), (1, 1)])
    assert warning is not None
    assert "75 %" in warning
    assert "(18 of 24;" in warning


def test_moscow_effort_warning_at_or_below_60_percent():
    assert effort_warning([(4, 6), (3, 4)]) is None  # exactly 60 %
    assert effort_warning([(4, 6), (3, 4), (1, 50)]) is None  # Won'ts change nothing
    assert effort_warning([(4, 0.3), (3, 0.2)]) is None  # 60 % with float noise
    assert effort_warning([(4, 1), (3, 9)]) is None
    assert effort_warning([]) is None
    assert effort_warning([(3, 5), (2, 5)]) is None
    only_wont = effort_balance([(1, 5)])
    assert only_wont.share is None and not only_wont.warning


def test_moscow_effort_warning_just_above_60_shows_a_decimal():
    warning = effort_warning([(4, 60.3), (3, 39.7)])
    assert warning is not None and "60.3 %" in warning


def test_moscow_effort_warning_ignores_missing_or_bad_estimates():
    assert effort_warning([(4, None), (3, 1)]) is None
    balance = effort_balance([(4, 5), (3, None), (3, 0), (3, -2), (3, math.nan), (3, "x"), (None, 4), (9, 4)])
    assert balance.warning and (balance.estimated, balance.unestimated) == (1, 5)


# ---------------------------------------------------------------- the page and the API


def test_the_model_page_warns_when_wont_haves_hid_the_overload(cast, client, moscow, plan):
    plan(ISSUE_PLAN)
    client.force_login(cast.members["viewer"].user)
    page = client.get(reverse("scoring_model", args=["acme", moscow.pk])).content.decode()
    assert "Must-have items take 67 % of the effort planned for this time" in page


def test_the_api_gives_the_balance_with_its_figures(cast, api, moscow, plan):
    plan(ISSUE_PLAN)
    answer = api(cast.tokens["viewer"]).get(f"/workspaces/acme/scoring-models/{moscow.pk}/moscow")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["must_effort"] == 60 and body["planned_effort"] == 90 and body["wont_effort"] == 30
    assert body["share"] == pytest.approx(2 / 3) and body["threshold"] == 0.6 and body["warning"] is True
    assert (body["estimated"], body["unestimated"]) == (3, 1)
    assert body["message"].startswith("Must-have items take 67 %")


def test_the_api_balance_within_the_limit_and_for_other_models(cast, api, moscow, plan, scorecard):
    plan([("SSO", 4, 50), ("Dark mode", 3, 50)])
    viewer = api(cast.tokens["viewer"])
    body = viewer.get(f"/workspaces/acme/scoring-models/{moscow.pk}/moscow").json()
    assert (body["share"], body["warning"], body["message"]) == (0.5, False, None)
    other = viewer.get(f"/workspaces/acme/scoring-models/{scorecard.pk}/moscow")
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "model_id"


def test_the_model_page_shows_a_balance_within_the_limit_quietly(cast, client, moscow, plan):
    plan([("SSO", 4, 50), ("Dark mode", 3, 50), ("Fax export", 1, 400)])
    client.force_login(cast.members["viewer"].user)
    page = client.get(reverse("scoring_model", args=["acme", moscow.pk])).content.decode()
    assert 'data-testid="moscow-warning"' not in page
    assert "Must-haves take 50 % of the effort planned for this time" in page
