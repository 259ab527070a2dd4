"""The idea drawer, the idea page's tabs, the New idea dialog, "Score in a round" on the table's
bulk bar, "Promote to a roadmap" on the idea, and the parking lot's score snapshot."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.ideas import services
from accord.ideas.models import Idea, IdeaStatus, ScoringRound

pytestmark = pytest.mark.django_db

DRAWER = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "accord-drawer-body"}
DIALOG = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "accord-dialog-body"}


@pytest.fixture
def ideas(cast, scorecard, make_idea):
    editor = cast.members["editor"]
    found = [make_idea("Dark mode", description="**Why:** late work", problem="Eyes hurt"), make_idea("SSO setup")]
    for idea, value in zip(found, (5, 2), strict=True):
        services.idea_set_inputs(
            member=editor, idea_id=idea.pk, model_id=scorecard.pk, values={"value": value, "effort": 1}
        )
    return found


def signed_in(cast, role: str) -> Client:
    client = Client()
    client.force_login(cast.outsider.user if role == "outsider" else cast.members[role].user)
    return client


# ---------------------------------------------------------------- the drawer


@pytest.mark.parametrize("role", ["viewer", "contributor", "editor", "admin"])
def test_every_member_opens_an_idea_in_the_drawer(cast, ideas, role):
    response = signed_in(cast, role).get(reverse("idea_drawer", args=["acme", ideas[0].pk]), **DRAWER)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="accord-drawer-title"' in html and "Dark mode" in html and "<strong>Why:</strong>" in html
    assert f'href="/w/acme/ideas/{ideas[0].pk}"' in html  # the full page
    assert "Vary" in response and "HX-Target" in response["Vary"]
    assert ("Promote to a roadmap" in html) is (role in ("editor", "admin"))


def test_the_drawer_address_outside_the_drawer_is_the_full_page(cast, ideas):
    response = signed_in(cast, "viewer").get(reverse("idea_drawer", args=["acme", ideas[0].pk]))
    assert response.status_code == 302 and response["Location"] == f"/w/acme/ideas/{ideas[0].pk}"


def test_the_drawer_of_another_workspace_is_404_and_anonymous_signs_in(cast, ideas):
    theirs = services.idea_create(member=cast.outsider, title="Secret")
    assert signed_in(cast, "admin").get(reverse("idea_drawer", args=["acme", theirs.pk]), **DRAWER).status_code == 404
    assert signed_in(cast, "outsider").get(reverse("idea_drawer", args=["acme", ideas[0].pk]), **DRAWER).status_code == 404
    anonymous = Client().get(reverse("idea_drawer", args=["acme", ideas[0].pk]), **DRAWER)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


def test_a_merged_idea_opens_its_survivor(cast, ideas):
    services.idea_merge(member=cast.members["editor"], source_id=ideas[1].pk, target_id=ideas[0].pk)
    html = signed_in(cast, "viewer").get(reverse("idea_drawer", args=["acme", ideas[1].pk]), **DRAWER).content.decode()
    assert "“SSO setup” was merged into this idea." in html and 'id="accord-drawer-title" tabindex="-1">Dark mode<' in html


def test_the_table_board_and_parking_lot_open_ideas_in_the_drawer(cast, ideas):
    client = signed_in(cast, "viewer")
    services.decide(member=cast.members["editor"], idea_id=ideas[1].pk, kind="park", reason="Later",
                    revisit_condition="Customers ask")  # fmt: skip
    for name in ("ideas", "ideas_board", "parking_lot"):
        html = client.get(reverse(name, args=["acme"])).content.decode()
        assert re.search(rf'href="/w/acme/ideas/{ideas[1].pk}" data-drawer', html), name


# ---------------------------------------------------------------- the page in tabs


def test_the_idea_page_is_in_tabs_each_with_its_panel(cast, ideas):
    html = signed_in(cast, "editor").get(reverse("idea_detail", args=["acme", ideas[0].pk])).content.decode()
    assert 'role="tablist"' in html
    tabs = re.findall(r'role="tab" id="([a-z]+)-tab" href="#([a-z]+)" aria-controls="([a-z]+)"', html)
    assert [t[0] for t in tabs] == ["overview", "scores", "evidence", "decisions", "history"]
    for name, href, controls in tabs:
        assert name == href == controls
        assert f'role="tabpanel" id="{name}" aria-labelledby="{name}-tab"' in html
    assert html.count('aria-selected="true"') == 1 and 'id="overview-tab" href="#overview" aria-controls="overview" aria-selected="true"' in html


def test_a_refused_decision_opens_the_page_on_its_tab(cast, ideas):
    response = signed_in(cast, "editor").post(reverse("idea_decide", args=["acme", ideas[0].pk]), {"kind": "park"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'aria-controls="decisions" aria-selected="true"' in html and 'aria-controls="overview" aria-selected="false"' in html


def test_a_recorded_decision_returns_to_the_decisions_tab(cast, ideas):
    response = signed_in(cast, "editor").post(
        reverse("idea_decide", args=["acme", ideas[0].pk]), {"kind": "reject", "reason": "Out of scope"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#decisions")


# ---------------------------------------------------------------- the New idea dialog


def test_the_new_idea_form_opens_in_the_dialog_and_alone_as_a_page(cast, ideas):
    client = signed_in(cast, "contributor")
    fragment = client.get(reverse("idea_new", args=["acme"]), **DIALOG).content.decode()
    assert "<html" not in fragment and 'id="accord-dialog-title"' in fragment
    assert f'action="{reverse("idea_new", args=["acme"])}"' in fragment and "data-overlay-close" in fragment
    page = client.get(reverse("idea_new", args=["acme"])).content.decode()
    assert "<html" in page and "<h1>Submit an idea</h1>" in page and "data-overlay-close" not in page
    assert signed_in(cast, "viewer").get(reverse("idea_new", args=["acme"]), **DIALOG).status_code == 403


def test_a_refused_idea_in_the_dialog_comes_back_with_the_message_and_the_text(cast, ideas):
    response = signed_in(cast, "contributor").post(
        reverse("idea_new", args=["acme"]), {"title": "", "problem": "Reports take a day"}, **DIALOG
    )
    html = response.content.decode()
    assert response.status_code == 422 and "<html" not in html
    assert 'role="alert"' in html and 'id="err_title"' in html and 'aria-invalid="true"' in html
    assert "Reports take a day</textarea>" in html
    assert not Idea.objects.filter(problem="Reports take a day").exists()


def test_an_accepted_idea_in_the_dialog_sends_the_browser_to_it(cast, ideas):
    response = signed_in(cast, "contributor").post(reverse("idea_new", args=["acme"]), {"title": "Offline mode"}, **DIALOG)
    idea = Idea.objects.get(title="Offline mode")
    assert response.status_code == 204 and response["HX-Redirect"] == f"/w/acme/ideas/{idea.pk}"


# ---------------------------------------------------------------- Score in a round


def _bulk_round(client, ideas, model_id, title="Q3 intake", query="status=new"):
    return client.post(
        reverse("ideas_bulk", args=["acme"]),
        {"action": "round", "idea_ids": [i.pk for i in ideas], "round_model_id": model_id,
         "round_title": title, "query": query},
    )  # fmt: skip


def test_score_in_a_round_opens_a_round_on_the_ticked_ideas(cast, ideas, scorecard):
    response = _bulk_round(signed_in(cast, "editor"), ideas, scorecard.pk)
    scoring_round = ScoringRound.objects.get(title="Q3 intake")
    assert response.status_code == 302 and response["Location"] == f"/w/acme/rounds/{scoring_round.pk}"
    assert set(scoring_round.ideas.values_list("pk", flat=True)) == {i.pk for i in ideas}
    assert scoring_round.model_id == scorecard.pk


def test_the_bulk_bar_offers_score_in_a_round_to_editors_only(cast, ideas, scorecard):
    editor = signed_in(cast, "editor").get(reverse("ideas", args=["acme"])).content.decode()
    assert '<option value="round">Score in a round</option>' in editor and 'name="round_model_id"' in editor
    contributor = signed_in(cast, "contributor").get(reverse("ideas", args=["acme"])).content.decode()
    assert "Score in a round" not in contributor


def test_score_in_a_round_is_refused_below_editor_and_changes_nothing(cast, ideas, scorecard):
    assert _bulk_round(signed_in(cast, "contributor"), ideas, scorecard.pk).status_code == 403
    assert not ScoringRound.objects.exists()


def test_score_in_a_round_with_a_kano_model_or_nothing_ticked_says_why(cast, ideas, scorecard):
    kano = services.scoring_model_create(member=cast.members["editor"], name="Kano", kind="kano")
    client = signed_in(cast, "editor")
    refused = _bulk_round(client, ideas, kano.pk)
    assert refused.status_code == 302 and refused["Location"] == "/w/acme/ideas?status=new"
    page = client.get(refused["Location"]).content.decode()
    assert "No round opened: Kano models are scored with questionnaire answers" in page
    _bulk_round(client, [], scorecard.pk)
    assert "Choose 1 to 500 ideas" in client.get("/w/acme/ideas").content.decode()
    assert not ScoringRound.objects.exists()


def test_score_in_a_round_with_an_idea_of_another_workspace_opens_nothing(cast, ideas, scorecard):
    theirs = services.idea_create(member=cast.outsider, title="Secret")
    _bulk_round(signed_in(cast, "editor"), [ideas[0], theirs], scorecard.pk)
    assert not ScoringRound.objects.exists()


# ---------------------------------------------------------------- the parking lot


def test_a_parked_card_shows_the_scores_taken_when_it_was_parked(cast, ideas, scorecard):
    editor = cast.members["editor"]
    services.decide(member=editor, idea_id=ideas[0].pk, kind="park", reason="Later",
                    revisit_on=timezone.localdate() + timedelta(days=30))  # fmt: skip
    parked_at = Idea.objects.get(pk=ideas[0].pk).scores.get(model=scorecard).value
    services.idea_set_inputs(member=editor, idea_id=ideas[0].pk, model_id=scorecard.pk, values={"value": 1, "effort": 5})
    html = signed_in(cast, "viewer").get(reverse("parking_lot", args=["acme"])).content.decode()
    snapshot = html[html.index('data-testid="parked-snapshot"'):]
    snapshot = snapshot[: snapshot.index("</dl>")]
    assert "Scores when parked" in snapshot and "<dt>Scorecard</dt>" in snapshot
    assert f'<span class="score">{parked_at:g}</span>' in snapshot
    assert Idea.objects.get(pk=ideas[0].pk).status == IdeaStatus.PARKED


def test_the_idea_drawer_reads_a_constant_number_of_queries(cast, ideas, make_idea, django_assert_max_num_queries):
    editor = cast.members["editor"]
    for n in range(4):  # more models and decisions cost no more queries
        services.scoring_model_create(member=editor, name=f"RICE {n}", kind="rice")
        services.decide(member=editor, idea_id=ideas[0].pk, kind="reject" if n % 2 else "reopen", reason=f"Round {n}")
    client = signed_in(cast, "viewer")
    client.get(reverse("ideas", args=["acme"]))  # signed in and in the workspace already
    with django_assert_max_num_queries(14):  # 11, and the glossary: its version, its terms (cached per version), the reader's department
        assert client.get(reverse("idea_drawer", args=["acme", ideas[0].pk]), **DRAWER).status_code == 200
