"""The ideas web pages, through the Django test client: who may open what, forms, htmx answers."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.ideas import services
from accord.ideas.models import Decision, Idea, IdeaStatus, Rating, ScoringModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast, scorecard, make_idea):
    """Acme with a weighted default model, value/effort and Kano models, scored ideas, an open and a
    closed round, and a parked idea."""
    editor = cast.members["editor"]
    value_effort = services.scoring_model_create(
        member=editor, name="Value vs effort", kind="value_effort"
    )
    kano = services.scoring_model_create(member=editor, name="Kano", kind="kano")
    services.scoring_model_update(
        member=editor, model_id=scorecard.pk, version=scorecard.version, promote_threshold=50
    )
    ideas = [
        make_idea("Dark mode", description="**Why:** late work", problem="Eyes hurt"),
        make_idea("SSO setup", tags=["enterprise"]),
        make_idea("Slack digest"),
        make_idea("Parked one"),
    ]
    for idea, (value, effort) in zip(ideas, [(5, 1), (3, 3), (2, 5), (1, 5)], strict=True):
        services.idea_set_inputs(
            member=editor,
            idea_id=idea.pk,
            model_id=scorecard.pk,
            values={"value": value, "effort": effort},
        )
        services.idea_set_inputs(
            member=editor,
            idea_id=idea.pk,
            model_id=value_effort.pk,
            values={"value": value * 2, "effort": effort * 2},
        )
    services.kano_answer_set(
        member=editor,
        model_id=kano.pk,
        idea_id=ideas[0].pk,
        respondent="c1",
        functional="like",
        dysfunctional="dislike",
    )
    closed = services.round_open(
        member=editor, model_id=scorecard.pk, title="Q1", idea_ids=[ideas[0].pk, ideas[1].pk]
    )
    for role in ("editor", "contributor"):
        services.ratings_save(
            member=cast.members[role],
            round_id=closed.pk,
            idea_id=ideas[0].pk,
            values={"value": 5 if role == "editor" else 1, "effort": 2},
        )
        services.ratings_submit(member=cast.members[role], round_id=closed.pk)
    services.round_close(member=editor, round_id=closed.pk)
    open_round = services.round_open(
        member=editor, model_id=scorecard.pk, title="Q2", idea_ids=[ideas[1].pk, ideas[2].pk]
    )
    services.decide(
        member=editor,
        idea_id=ideas[3].pk,
        kind="park",
        reason="Later",
        revisit_on=timezone.localdate() + timedelta(days=30),
    )
    return {
        "ideas": ideas,
        "scorecard": scorecard,
        "value_effort": value_effort,
        "kano": kano,
        "closed": closed,
        "open": open_round,
    }


@pytest.fixture
def as_role(cast, client):
    def sign_in(role: str):
        member = cast.outsider if role == "outsider" else cast.members[role]
        client.force_login(member.user)
        return client

    return sign_in


def _pages(world) -> list[str]:
    idea = world["ideas"][0]
    a, b = world["ideas"][0], world["ideas"][1]
    return [
        reverse("ideas", args=["acme"]),
        reverse("ideas", args=["acme"]) + "?status=scored&sort=title&q=a&tag=enterprise",
        reverse("ideas", args=["acme"]) + f"?model={world['value_effort'].pk}&criterion=value",
        reverse("ideas_board", args=["acme"]),
        reverse("idea_detail", args=["acme", idea.pk]),
        reverse("idea_edit", args=["acme", idea.pk]),
        reverse("scoring_models", args=["acme"]),
        reverse("scoring_model", args=["acme", world["scorecard"].pk]),
        reverse("scoring_model", args=["acme", world["scorecard"].pk]) + f"?a={a.pk}&b={b.pk}",
        reverse("scoring_model", args=["acme", world["value_effort"].pk]),
        reverse("scoring_model", args=["acme", world["kano"].pk]),
        reverse("rounds", args=["acme"]),
        reverse("round", args=["acme", world["open"].pk]),
        reverse("round", args=["acme", world["closed"].pk]),
        reverse("parking_lot", args=["acme"]),
    ]


def _text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- who may open what


@pytest.mark.parametrize("role", ["viewer", "contributor", "editor", "admin"])
def test_every_ideas_page_opens_for_a_member(as_role, world, role):
    client = as_role(role)
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'aria-current="page"' in _text(response), url  # the nav highlights its section


def test_every_ideas_page_is_404_for_a_non_member(as_role, world):
    client = as_role("outsider")
    for url in [*_pages(world), reverse("idea_new", args=["acme"])]:
        assert client.get(url).status_code == 404, url


def test_an_idea_of_another_workspace_is_404(as_role, cast, world):
    theirs = services.idea_create(member=cast.outsider, title="Theirs")
    client = as_role("admin")
    assert client.get(reverse("idea_detail", args=["acme", theirs.pk])).status_code == 404
    assert client.get(reverse("round", args=["acme", 999999])).status_code == 404


def test_submitting_an_idea_needs_a_contributor(as_role, world):
    url = reverse("idea_new", args=["acme"])
    assert as_role("viewer").get(url).status_code == 403
    assert as_role("contributor").get(url).status_code == 200


def test_the_sidebar_links_every_prioritization_page(as_role, world):
    html = _text(as_role("viewer").get(reverse("ideas", args=["acme"])))
    for name in ("ideas", "rounds", "parking_lot", "scoring_models"):
        assert f'href="{reverse(name, args=["acme"])}"' in html
    assert re.search(r'href="/w/acme/ideas" aria-current="page"', html)


def test_a_viewer_is_refused_every_editor_post(as_role, world):
    client = as_role("viewer")
    idea, other = world["ideas"][0], world["ideas"][1]
    scorecard = world["scorecard"]
    posts = [
        (
            reverse("ideas_bulk", args=["acme"]),
            {"idea_ids": [idea.pk], "action": "tag", "tags": "x"},
        ),
        (
            reverse("idea_status", args=["acme", idea.pk]),
            {"status": "planned", "version": idea.version},
        ),
        (reverse("idea_decide", args=["acme", idea.pk]), {"kind": "promote", "reason": "Go"}),
        (reverse("idea_merge", args=["acme", idea.pk]), {"target_id": other.pk}),
        (reverse("idea_scores", args=["acme", idea.pk, scorecard.pk]), {"c_value": "3"}),
        (reverse("idea_edit", args=["acme", idea.pk]), {"title": "New", "version": idea.version}),
        (reverse("scoring_models", args=["acme"]), {"name": "Mine", "kind": "rice"}),
        (reverse("scoring_model", args=["acme", scorecard.pk]), {"name": "X", "version": 1}),
        (
            reverse("rounds", args=["acme"]),
            {"title": "Q3", "model_id": scorecard.pk, "idea_ids": [idea.pk]},
        ),
        (reverse("round_close", args=["acme", world["open"].pk]), {}),
        (reverse("round_rate", args=["acme", world["open"].pk, other.pk]), {"c_value": "3"}),
        (reverse("round_submit", args=["acme", world["open"].pk]), {}),
        (
            reverse("kano_answer", args=["acme", world["kano"].pk]),
            {
                "idea_id": idea.pk,
                "respondent": "x",
                "functional": "like",
                "dysfunctional": "neutral",
            },
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    idea.refresh_from_db()
    assert idea.title == "Dark mode" and idea.status == IdeaStatus.SCORED
    assert not ScoringModel.objects.filter(name="Mine").exists()


# ---------------------------------------------------------------- what the pages show


def test_the_idea_page_explains_every_score(as_role, world):
    idea = world["ideas"][0]
    html = _text(as_role("viewer").get(reverse("idea_detail", args=["acme", idea.pk])))
    assert "<strong>Why:</strong> late work" in html  # the Markdown description, sanitized
    assert 'class="table breakdown"' in html and "Customer value" in html
    assert re.search(r'<rect class="bar-fill" x="0" y="0" width="100" height="8"/>', html)
    assert "How it is calculated" in html and "total" in html
    assert "The model suggests promoting this idea" in html and "You decide." in html
    assert '<polyline class="chart-line"' in html  # the score history
    assert "Set agreed values" not in html and "Record decision" not in html  # viewer: read only
    editor_html = _text(as_role("editor").get(reverse("idea_detail", args=["acme", idea.pk])))
    assert 'name="c_value"' in editor_html and "Record decision" in editor_html


def test_the_ideas_table_filters_sorts_and_answers_htmx_with_the_rows(as_role, world):
    client = as_role("editor")
    url = reverse("ideas", args=["acme"])
    response = client.get(url, {"q": "slack"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="idea-rows")
    html = _text(response)
    assert response.status_code == 200 and "<html" not in html
    assert "Slack digest" in html and "Dark mode" not in html
    assert 'hx-swap-oob="true"' in html  # the criterion select follows the model
    page = _text(client.get(url, {"sort": "-score"}))
    titles = re.findall(r'class="row-title" href="[^"]+"[^>]*>([^<]+)<', page)
    assert titles[:2] == ["Dark mode", "SSO setup"]
    assert 'id="bulk-form"' in page and 'form="bulk-form"' in page
    bad = client.get(url, {"score_min": "lots"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="idea-rows")
    assert bad.status_code == 400 and "Lowest score: &#x27;lots&#x27; is not a number" in _text(bad)


def test_a_score_range_with_its_minimum_above_its_maximum_says_so(as_role, world):
    client = as_role("viewer")
    url = reverse("ideas", args=["acme"])
    page = client.get(url, {"score_min": "60", "score_max": "40"})
    html = _text(page)
    assert page.status_code == 400
    assert "The lowest score (60) is above the highest (40): no idea can match." in html
    assert re.search(r'id="id_score_min"[^>]*value="60(\.0)?"[^>]*aria-invalid="true"', html)
    assert re.search(r'id="id_score_max"[^>]*value="40(\.0)?"[^>]*aria-invalid="true"', html)
    rows = client.get(url, {"score_min": "60", "score_max": "40"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="idea-rows")
    assert rows.status_code == 400 and "no idea can match" in _text(rows)
    assert client.get(url, {"score_min": "40", "score_max": "60"}).status_code == 200


def test_the_value_effort_model_draws_its_matrix(as_role, world):
    html = _text(
        as_role("viewer").get(reverse("scoring_model", args=["acme", world["value_effort"].pk]))
    )
    assert '<svg class="chart matrix"' in html
    assert html.count('class="matrix-point point-') == 4
    for label in ("Quick wins", "Big bets", "Fill-ins", "Money pits"):
        assert label in html


def test_the_sensitivity_view_names_the_weight_change(as_role, world):
    a, b = world["ideas"][0], world["ideas"][1]
    url = reverse("scoring_model", args=["acme", world["scorecard"].pk])
    html = _text(as_role("viewer").get(url, {"a": a.pk, "b": b.pk}))
    assert re.search(
        r"(Raise|Lower) the <strong>(Customer value|Effort)</strong> weight from", html
    )
    assert "and A and B swap" in html


def test_the_round_hides_others_scores_until_you_submit(as_role, cast, world):
    open_round = world["open"]
    services.ratings_save(
        member=cast.members["editor"],
        round_id=open_round.pk,
        idea_id=world["ideas"][1].pk,
        values={"value": 4, "effort": 2},
    )
    services.ratings_submit(member=cast.members["editor"], round_id=open_round.pk)
    url = reverse("round", args=["acme", open_round.pk])
    html = _text(as_role("contributor").get(url))
    assert "data-score-grid" in html and "Submit my scores" in html
    assert 'class="table table-stack heatmap"' not in html
    closed = _text(as_role("viewer").get(reverse("round", args=["acme", world["closed"].pk])))
    assert 'class="table table-stack heatmap"' in closed
    assert "heat-4" in closed and "Disagreement" in closed  # 5 against 1 on a 1-5 scale
    assert "By department" in closed


def test_the_parking_lot_lists_due_ideas_first(as_role, world):
    parked = world["ideas"][3]
    Decision.objects.filter(idea=parked).update(revisit_on=timezone.localdate() - timedelta(days=1))
    html = _text(as_role("editor").get(reverse("parking_lot", args=["acme"])))
    assert "Parked one" in html and "Due for review" in html and "parked-due" in html
    assert 'name="kind" value="reopen"' in html


# ---------------------------------------------------------------- forms


def test_an_idea_without_a_title_shows_the_field_error_and_keeps_the_input(as_role, world):
    response = as_role("contributor").post(
        reverse("idea_new", args=["acme"]),
        {"title": "", "description": "Keep **me**", "tags": "a, b"},
    )
    assert response.status_code == 422
    html = _text(response)
    assert 'class="field-error" id="err_title"' in html
    assert "Keep **me**" in html and 'value="a, b"' in html


def test_an_idea_is_submitted_and_edited(as_role, world):
    client = as_role("contributor")
    response = client.post(
        reverse("idea_new", args=["acme"]),
        {"title": "Webhooks", "tags": "api", "problem": "Polling"},
    )
    assert response.status_code == 302
    idea = Idea.objects.get(title="Webhooks")
    response = client.post(
        reverse("idea_edit", args=["acme", idea.pk]),
        {"title": "Outgoing webhooks", "tags": "api", "version": idea.version},
    )
    assert response.status_code == 302
    stale = client.post(
        reverse("idea_edit", args=["acme", idea.pk]), {"title": "Again", "version": idea.version}
    )
    assert stale.status_code == 422 and 'role="alert"' in _text(stale)


def test_a_park_without_reason_or_revisit_shows_the_decision_errors(as_role, world):
    idea = world["ideas"][2]
    url = reverse("idea_decide", args=["acme", idea.pk])
    response = as_role("editor").post(url, {"kind": "park", "reason": ""})
    assert response.status_code == 422
    assert re.search(r'class="field-error" id="err_reason">', _text(response))
    response = as_role("editor").post(url, {"kind": "park", "reason": "Not now"})
    assert response.status_code == 422
    assert "Say when to look at it again" in _text(response)
    ok = as_role("editor").post(
        url, {"kind": "park", "reason": "Not now", "revisit_condition": "when asked twice"}
    )
    assert ok.status_code == 302
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PARKED


def test_agreed_values_off_the_scale_show_the_error(as_role, world):
    idea, scorecard = world["ideas"][0], world["scorecard"]
    url = reverse("idea_scores", args=["acme", idea.pk, scorecard.pk])
    response = as_role("editor").post(url, {"c_value": "9"})
    assert response.status_code == 422
    assert "between 1 and 5" in _text(response)
    assert as_role("editor").post(url, {"c_value": "4", "c_effort": "2"}).status_code == 302


def test_a_scoring_model_form_shows_its_errors(as_role, world):
    client = as_role("editor")
    response = client.post(reverse("scoring_models", args=["acme"]), {"name": "", "kind": "rice"})
    assert response.status_code == 422 and 'id="err_name"' in _text(response)
    bad_formula = client.post(
        reverse("scoring_models", args=["acme"]),
        {"name": "Mine", "kind": "formula", "criteria_keys": "reach, effort", "formula": "reach /"},
    )
    assert bad_formula.status_code == 422 and 'id="err_formula"' in _text(bad_formula)
    scorecard = world["scorecard"]
    scorecard.refresh_from_db()
    url = reverse("scoring_model", args=["acme", scorecard.pk])
    form = {
        "name": "Scorecard",
        "version": scorecard.version,
        "criteria_count": 3,
        "cr_0_key": "value", "cr_0_name": "Customer value", "cr_0_role": "benefit",
        "cr_0_weight": "60", "cr_0_min": "1", "cr_0_max": "5",
        "cr_1_key": "effort", "cr_1_name": "Effort", "cr_1_role": "cost",
        "cr_1_weight": "40", "cr_1_min": "1", "cr_1_max": "5",
        "cr_2_key": "Bad Key", "cr_2_name": "Reach", "cr_2_role": "benefit",
        "cr_2_weight": "10", "cr_2_min": "1", "cr_2_max": "5",
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 422
    html = _text(response)
    assert 'class="row-invalid"' in html and "is not a valid key" in html
    assert 'value="Bad Key"' in html  # what was typed stays
    form["cr_2_key"] = "reach"
    assert client.post(url, form).status_code == 302
    assert [c.key for c in world["scorecard"].criteria.all()] == ["value", "effort", "reach"]


def test_opening_a_round_without_ideas_shows_the_error(as_role, world):
    response = as_role("editor").post(
        reverse("rounds", args=["acme"]), {"title": "Q3", "model_id": world["scorecard"].pk}
    )
    assert response.status_code == 422
    assert "Choose 1 to 500 ideas" in _text(response)


# ---------------------------------------------------------------- the scoring screen (htmx)


def test_round_rate_answers_htmx_with_the_save_state(as_role, cast, world):
    client = as_role("contributor")
    url = reverse("round_rate", args=["acme", world["open"].pk, world["ideas"][1].pk])
    response = client.post(url, {"c_value": "4", "c_effort": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = _text(response)
    assert "<html" not in html and 'class="save-ok"' in html and "Saved" in html
    rating = Rating.objects.get(rater=cast.members["contributor"].user, idea=world["ideas"][1])
    assert rating.value == 4

    bad = client.post(url, {"c_value": "9"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    assert 'class="save-error"' in _text(bad) and "between 1 and 5" in _text(bad)

    page = _text(client.get(reverse("round", args=["acme", world["open"].pk])))
    assert re.search(r'name="c_value" value="4"', page)  # the rater's own value comes back
    assert 'hx-post="' + url + '"' in page and 'hx-trigger="change from:#row-' in page

    without_htmx = client.post(url, {"c_value": "3"})
    assert without_htmx.status_code == 302  # the no-script form posts and comes back


def test_submit_and_close_a_round(as_role, cast, world):
    open_round = world["open"]
    contributor = as_role("contributor")
    contributor.post(
        reverse("round_rate", args=["acme", open_round.pk, world["ideas"][1].pk]),
        {"c_value": "2", "c_effort": "4"},
    )
    assert (
        contributor.post(reverse("round_submit", args=["acme", open_round.pk])).status_code == 302
    )
    html = _text(contributor.get(reverse("round", args=["acme", open_round.pk])))
    assert "You submitted your scores" in html and "Consensus and disagreement" in html
    editor = as_role("editor")
    assert editor.post(reverse("round_close", args=["acme", open_round.pk])).status_code == 302
    open_round.refresh_from_db()
    assert open_round.status == "closed"


def test_moving_a_card_returns_to_the_board_never_elsewhere(as_role, world):
    idea = world["ideas"][1]
    client = as_role("editor")
    url = reverse("idea_status", args=["acme", idea.pk])
    board = reverse("ideas_board", args=["acme"])
    response = client.post(
        url, {"status": "planned", "version": idea.version, "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == board
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PLANNED
    response = client.post(
        url, {"status": "done", "version": idea.version, "next": "/w/acme/ideas"}
    )
    assert response["Location"] == "/w/acme/ideas"
