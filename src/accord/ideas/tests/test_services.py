"""Ideas, agreed inputs, rescoring, rounds, decisions and merges, through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accord.audit.models import AuditEntry
from accord.core.errors import Conflict, Forbidden, Invalid, NotFound, StaleVersion
from accord.ideas import selectors, services
from accord.ideas.models import Decision, IdeaScore, IdeaStatus, Rating, ScoreEvent


def score_of(idea, model):
    return IdeaScore.objects.get(idea=idea, model=model)


# ---------------------------------------------------------------- ideas


def test_a_contributor_submits_an_idea_with_tags_and_it_is_audited(cast, make_idea):
    idea = make_idea("Dark mode", tags=["UI", "ui ", "Theme"], problem="Late work", product_area="UI")
    assert idea.submitter == cast.members["contributor"].user
    assert sorted(t.name for t in idea.tags.all()) == ["Theme", "UI"]
    entry = AuditEntry.objects.get(object_type="idea", object_id=str(idea.pk), action="created")
    assert entry.after["title"] == "Dark mode"


def test_a_viewer_cannot_submit_an_idea(cast):
    with pytest.raises(Forbidden):
        services.idea_create(member=cast.members["viewer"], title="Nope")


def test_an_idea_needs_a_title(cast):
    with pytest.raises(Invalid) as err:
        services.idea_create(member=cast.members["editor"], title="  ")
    assert err.value.errors[0].field == "title"


def test_the_submitter_edits_their_new_idea_but_not_its_status(cast, make_idea):
    idea = make_idea()
    member = cast.members["contributor"]
    updated = services.idea_update(member=member, idea_id=idea.pk, version=idea.version, title="Better title")
    assert updated.title == "Better title"
    with pytest.raises(Forbidden):
        services.idea_update(member=member, idea_id=idea.pk, version=updated.version, status="planned")


def test_a_stale_edit_gets_a_conflict_and_the_first_change_survives(cast, make_idea):
    idea = make_idea()
    editor = cast.members["editor"]
    services.idea_update(member=editor, idea_id=idea.pk, version=1, title="First")
    with pytest.raises(StaleVersion):
        services.idea_update(member=editor, idea_id=idea.pk, version=1, title="Second")
    idea.refresh_from_db()
    assert idea.title == "First"


def test_ideas_of_another_workspace_are_not_found(cast, make_idea):
    idea = make_idea()
    with pytest.raises(NotFound):
        services.idea_update(member=cast.outsider, idea_id=idea.pk, version=1, title="x")


def test_bulk_status_is_all_or_nothing(cast, make_idea):
    a, b = make_idea("A"), make_idea("B")
    with pytest.raises(Invalid):
        services.ideas_bulk(member=cast.members["editor"], idea_ids=[a.pk, b.pk, 999999], action="status", status="done")
    a.refresh_from_db()
    assert a.status == IdeaStatus.NEW
    assert services.ideas_bulk(member=cast.members["editor"], idea_ids=[a.pk, b.pk], action="tag", tags=["q3"]) == 2
    assert list(b.tags.values_list("name", flat=True)) == ["q3"]


# ---------------------------------------------------------------- scoring


def test_agreed_inputs_give_the_productplan_weighted_score(cast, scorecard, make_idea):
    idea = make_idea()
    services.idea_set_inputs(member=cast.members["editor"], idea_id=idea.pk, model_id=scorecard.pk, values={"value": 5, "effort": 1})
    assert score_of(idea, scorecard).value == pytest.approx(100)  # all benefits 5, all costs 1: the sum of weights
    services.idea_set_inputs(member=cast.members["editor"], idea_id=idea.pk, model_id=scorecard.pk, values={"value": 3, "effort": 4})
    # 60 * 3/5 + 40 * (6-4)/5 = 36 + 16
    assert score_of(idea, scorecard).value == pytest.approx(52)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SCORED


def test_scores_are_absolute_adding_an_idea_changes_no_other_score(cast, scorecard, make_idea):
    first = make_idea("First")
    services.idea_set_inputs(member=cast.members["editor"], idea_id=first.pk, model_id=scorecard.pk, values={"value": 4, "effort": 2})
    before = score_of(first, scorecard).value
    second = make_idea("Second")
    services.idea_set_inputs(member=cast.members["editor"], idea_id=second.pk, model_id=scorecard.pk, values={"value": 1, "effort": 5})
    assert score_of(first, scorecard).value == before


def test_out_of_scale_and_unknown_criteria_are_refused_naming_the_field(cast, scorecard, make_idea):
    idea = make_idea()
    with pytest.raises(Invalid) as err:
        services.idea_set_inputs(member=cast.members["editor"], idea_id=idea.pk, model_id=scorecard.pk, values={"value": 9, "reach": 1})
    fields = {e.field for e in err.value.errors}
    assert fields == {"values.value", "values.reach"}
    assert not ScoreEvent.objects.filter(idea=idea).exists()


def test_changing_a_weight_rescores_every_idea(cast, scorecard, make_idea):
    ideas = [make_idea(f"Idea {i}") for i in range(3)]
    for i, idea in enumerate(ideas):
        services.idea_set_inputs(member=cast.members["editor"], idea_id=idea.pk, model_id=scorecard.pk, values={"value": i + 2, "effort": 3})
    criteria = [{"key": "value", "role": "benefit", "weight": 100}, {"key": "effort", "role": "cost", "weight": 0}]
    services.scoring_model_update(member=cast.members["editor"], model_id=scorecard.pk, version=scorecard.version, criteria=criteria)
    assert [score_of(i, scorecard).value for i in ideas] == pytest.approx([40, 60, 80])


def test_duplicate_criterion_keys_are_refused_and_nothing_changes(cast, scorecard):
    criteria = [{"key": "value", "weight": 1}, {"key": "value", "weight": 2}]
    with pytest.raises(Invalid) as err:
        services.scoring_model_update(member=cast.members["editor"], model_id=scorecard.pk, version=scorecard.version, criteria=criteria)
    assert err.value.errors[0].field == "criteria.1.key"
    assert scorecard.criteria.count() == 2


def test_a_formula_with_a_bad_token_is_refused_pointing_at_it(cast):
    with pytest.raises(Invalid) as err:
        services.scoring_model_create(
            member=cast.members["editor"], name="Custom", kind="formula",
            criteria=[{"key": "reach", "role": "input", "scale_min": 0, "scale_max": 1000}, {"key": "effort", "role": "input", "scale_min": 0, "scale_max": 10}],
            formula="reach / efort",
        )
    assert err.value.errors[0].field == "formula"
    assert "efort" in err.value.errors[0].message and "position 8" in err.value.errors[0].message


def test_division_by_zero_leaves_that_idea_undefined_and_others_scored(cast, make_idea):
    model = services.scoring_model_create(
        member=cast.members["editor"], name="Custom", kind="formula",
        criteria=[{"key": "reach", "role": "input", "scale_min": 0, "scale_max": 1000}, {"key": "effort", "role": "input", "scale_min": 0, "scale_max": 10}],
        formula="reach / effort",
    )
    good, bad = make_idea("Good"), make_idea("Bad")
    services.idea_set_inputs(member=cast.members["editor"], idea_id=good.pk, model_id=model.pk, values={"reach": 100, "effort": 4})
    services.idea_set_inputs(member=cast.members["editor"], idea_id=bad.pk, model_id=model.pk, values={"reach": 100, "effort": 0})
    assert score_of(good, model).value == 25
    assert score_of(bad, model).value is None
    assert "division by zero" in score_of(bad, model).undefined_reason


def test_score_history_replays_inputs_and_weight_changes(cast, scorecard, make_idea):
    idea = make_idea()
    editor = cast.members["editor"]
    services.idea_set_inputs(member=editor, idea_id=idea.pk, model_id=scorecard.pk, values={"value": 5, "effort": 5})
    services.scoring_model_update(member=editor, model_id=scorecard.pk, version=scorecard.version, criteria=[
        {"key": "value", "role": "benefit", "weight": 50}, {"key": "effort", "role": "cost", "weight": 50},
    ])
    points = selectors.score_history(idea=idea, model=scorecard)
    # 60 * 5/5 + 40 * 1/5 = 68, then 50 + 10 = 60
    assert [p.value for p in points] == pytest.approx([68, 60])


def test_sensitivity_names_the_weight_change_that_swaps_two_ideas(cast, scorecard, make_idea):
    a, b = make_idea("A"), make_idea("B")
    editor = cast.members["editor"]
    services.idea_set_inputs(member=editor, idea_id=a.pk, model_id=scorecard.pk, values={"value": 5, "effort": 5})  # 60 + 8 = 68
    services.idea_set_inputs(member=editor, idea_id=b.pk, model_id=scorecard.pk, values={"value": 3, "effort": 1})  # 36 + 40 = 76
    result = selectors.sensitivity(model=scorecard, idea_a=a, idea_b=b)
    best = result["changes"][0]
    # f_a - f_b: value 1 - 0.6 = 0.4, effort 0.2 - 1 = -0.8; diff = -8 -> value +20 or effort -10
    assert (best.criterion, round(best.delta, 6)) == ("effort", -10)


# ---------------------------------------------------------------- rounds


def test_a_round_hides_scores_until_the_rater_submits_then_agrees_the_mean(cast, scorecard, make_idea):
    idea = make_idea()
    editor, admin, contributor = cast.members["editor"], cast.members["admin"], cast.members["contributor"]
    scoring_round = services.round_open(member=editor, model_id=scorecard.pk, title="Q3", idea_ids=[idea.pk])
    services.ratings_save(member=admin, round_id=scoring_round.pk, idea_id=idea.pk, values={"value": 5, "effort": 1})
    services.ratings_save(member=contributor, round_id=scoring_round.pk, idea_id=idea.pk, values={"value": 1, "effort": 5})
    # Nobody has submitted: the contributor sees only their own score.
    seen = selectors.consensus(scoring_round=scoring_round, viewer=contributor.user)
    assert all(len(cell.ratings) == 1 for cell in seen["cells"].values())
    services.ratings_submit(member=admin, round_id=scoring_round.pk)
    # Still only their own until they submit themselves (no anchoring).
    seen = selectors.consensus(scoring_round=scoring_round, viewer=contributor.user)
    assert all(len(cell.ratings) == 1 for cell in seen["cells"].values())
    services.ratings_submit(member=contributor, round_id=scoring_round.pk)
    seen = selectors.consensus(scoring_round=scoring_round, viewer=contributor.user)
    value_cell = next(c for (i, crit), c in seen["cells"].items() if crit == scorecard.criteria.get(key="value").pk)
    assert (value_cell.mean, value_cell.min, value_cell.max, value_cell.disagreement) == (3, 1, 5, True)
    with pytest.raises(Conflict):
        services.ratings_save(member=contributor, round_id=scoring_round.pk, idea_id=idea.pk, values={"value": 2})
    services.round_close(member=editor, round_id=scoring_round.pk)
    assert score_of(idea, scorecard).inputs == {"value": 3, "effort": 3}
    assert score_of(idea, scorecard).value == pytest.approx(60 * 3 / 5 + 40 * 3 / 5)


def test_a_viewer_cannot_score_and_a_contributor_cannot_close_a_round(cast, scorecard, make_idea):
    idea = make_idea()
    scoring_round = services.round_open(member=cast.members["editor"], model_id=scorecard.pk, title="Q3", idea_ids=[idea.pk])
    with pytest.raises(Forbidden):
        services.ratings_save(member=cast.members["viewer"], round_id=scoring_round.pk, idea_id=idea.pk, values={"value": 3})
    with pytest.raises(Forbidden):
        services.round_close(member=cast.members["contributor"], round_id=scoring_round.pk)
    assert not Rating.objects.exists()


# ---------------------------------------------------------------- decisions and merge


def test_parking_keeps_the_reason_the_score_snapshot_and_the_revisit_trigger(cast, scorecard, make_idea):
    idea = make_idea()
    editor = cast.members["editor"]
    services.idea_set_inputs(member=editor, idea_id=idea.pk, model_id=scorecard.pk, values={"value": 2, "effort": 4})
    revisit = timezone.localdate() + timedelta(days=30)
    decision = services.decide(member=editor, idea_id=idea.pk, kind="park", reason="No evidence yet", revisit_on=revisit)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PARKED
    assert decision.score_snapshot["Scorecard"]["value"] == pytest.approx(40)
    lot = selectors.parking_lot(workspace=cast.workspace)
    assert [(r["idea"].pk, r["due"]) for r in lot] == [(idea.pk, False)]
    Decision.objects.filter(pk=decision.pk).update(revisit_on=timezone.localdate())
    assert selectors.parking_lot(workspace=cast.workspace)[0]["due"] is True


def test_parking_needs_a_reason_and_a_trigger(cast, make_idea):
    idea = make_idea()
    with pytest.raises(Invalid) as err:
        services.decide(member=cast.members["editor"], idea_id=idea.pk, kind="park", reason="Later")
    assert err.value.errors[0].field == "revisit_on"
    with pytest.raises(Forbidden):
        services.decide(member=cast.members["contributor"], idea_id=idea.pk, kind="promote", reason="Yes")


def test_thresholds_suggest_a_decision(cast, make_idea):
    model = services.scoring_model_create(member=cast.members["editor"], name="T", kind="ice", promote_threshold=7, park_threshold=4)
    assert selectors.suggestion(model, 8) == "promote"
    assert selectors.suggestion(model, 3) == "park"
    assert selectors.suggestion(model, 5) is None


def test_merging_moves_tags_inputs_and_ratings_to_the_survivor(cast, scorecard, make_idea):
    editor = cast.members["editor"]
    survivor, duplicate = make_idea("SSO", tags=["enterprise"]), make_idea("Single sign-on", tags=["security"])
    services.idea_set_inputs(member=editor, idea_id=duplicate.pk, model_id=scorecard.pk, values={"value": 4, "effort": 2})
    scoring_round = services.round_open(member=editor, model_id=scorecard.pk, title="R", idea_ids=[duplicate.pk])
    services.ratings_save(member=editor, round_id=scoring_round.pk, idea_id=duplicate.pk, values={"value": 5})
    services.idea_merge(member=editor, source_id=duplicate.pk, target_id=survivor.pk)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (IdeaStatus.MERGED, survivor.pk)
    assert sorted(survivor.tags.values_list("name", flat=True)) == ["enterprise", "security"]
    assert score_of(survivor, scorecard).inputs == {"value": 4, "effort": 2}
    assert Rating.objects.get().idea_id == survivor.pk
    with pytest.raises(Invalid):
        services.idea_merge(member=editor, source_id=survivor.pk, target_id=survivor.pk)


def test_kano_answers_are_classified_and_the_majority_wins(cast, make_idea):
    model = services.scoring_model_create(member=cast.members["editor"], name="Kano", kind="kano")
    idea = make_idea()
    for n, (f, d) in enumerate([("like", "dislike"), ("like", "dislike"), ("neutral", "dislike")]):
        services.kano_answer_set(member=cast.members["contributor"], model_id=model.pk, idea_id=idea.pk, respondent=f"r{n}", functional=f, dysfunctional=d)
    score = score_of(idea, model)
    assert score.category == "O"
    assert score.value == pytest.approx(2 / 3, abs=1e-4)  # Better = (A + O) / (A + O + M + I)
