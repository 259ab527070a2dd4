"""Evidence criteria: inputs filled from data that higher capabilities register, never rated."""

import pytest

from accord.core.errors import Invalid
from accord.ideas import evidence, selectors, services
from accord.ideas.models import IdeaScore, ScoreEvent

# Raw evidence per idea id, changed by the tests as "the data behind the source".
RAW: dict[int, float] = {}


def _compute(workspace_id: int, idea_ids: list[int] | None) -> dict[int, float]:
    return {pk: v for pk, v in RAW.items() if idea_ids is None or pk in idea_ids}


@pytest.fixture
def demand_source():
    RAW.clear()
    source = evidence.EvidenceSource(
        key="test.demand", label="Test demand", saturation=10, compute=_compute, unit="items"
    )
    evidence.register(source)
    yield source
    evidence.SOURCES.pop(source.key, None)
    RAW.clear()


@pytest.fixture
def demand_model(cast, demand_source):
    return services.scoring_model_create(
        member=cast.members["editor"],
        name="Demand-weighted",
        kind="weighted",
        criteria=[
            {"key": "value", "role": "benefit", "weight": 50},
            {"key": "demand", "role": "benefit", "weight": 50, "source": "test.demand"},
        ],
    )


def inputs_of(idea, model) -> dict:
    return IdeaScore.objects.get(idea=idea, model=model).inputs


def test_a_new_idea_starts_at_the_bottom_of_an_evidence_scale(cast, make_idea, demand_model):
    idea = make_idea("Dark mode")
    assert inputs_of(idea, demand_model) == {"demand": 1.0}


def test_evidence_rises_linearly_to_the_saturation_and_rescores_with_history(
    cast, make_idea, demand_model
):
    idea = make_idea("Dark mode")
    services.idea_set_inputs(
        member=cast.members["editor"], idea_id=idea.pk, model_id=demand_model.pk, values={"value": 5}
    )
    before = IdeaScore.objects.get(idea=idea, model=demand_model).value
    RAW[idea.pk] = 5  # half the saturation of 10: halfway up the 1-5 scale
    assert evidence.refresh(workspace_id=cast.workspace.pk, keys={"test.demand"}, idea_ids=[idea.pk]) == 1
    score = IdeaScore.objects.get(idea=idea, model=demand_model)
    assert score.inputs["demand"] == 3.0
    # benefit 5/5 of 50 + 3/5 of 50 = 80, up from 5/5 of 50 + 1/5 of 50 = 60
    assert (before, score.value) == (60.0, 80.0)
    assert ScoreEvent.objects.filter(idea=idea, note__startswith="evidence changed").exists()
    RAW[idea.pk] = 1000  # beyond the saturation: the top of the scale, no further
    evidence.refresh(workspace_id=cast.workspace.pk, keys={"test.demand"})
    assert inputs_of(idea, demand_model)["demand"] == 5.0


def test_scores_stay_absolute_when_another_idea_gains_evidence(cast, make_idea, demand_model):
    first, second = make_idea("First"), make_idea("Second")
    RAW[first.pk] = 4
    evidence.refresh(workspace_id=cast.workspace.pk, keys={"test.demand"})
    kept = inputs_of(first, demand_model)
    RAW[second.pk] = 10
    evidence.refresh(workspace_id=cast.workspace.pk, keys={"test.demand"})
    assert inputs_of(first, demand_model) == kept
    assert inputs_of(second, demand_model)["demand"] == 5.0


def test_a_saturation_per_criterion_and_allowed_steps_are_respected(cast, make_idea, demand_source):
    model = services.scoring_model_create(
        member=cast.members["editor"],
        name="WSJF with demand",
        kind="weighted",
        criteria=[
            {"key": "demand", "source": "test.demand", "saturation": 2, "allowed": [1, 2, 3, 5, 8]}
        ],
    )
    idea = make_idea("Stepped")
    RAW[idea.pk] = 1  # half of 2 -> 4.5 on 1-5... snapped to the nearest allowed step
    evidence.refresh(workspace_id=cast.workspace.pk)
    assert inputs_of(idea, model)["demand"] in (3.0, 5.0)


def test_an_evidence_criterion_cannot_be_rated_by_people(cast, make_idea, demand_model):
    idea = make_idea()
    with pytest.raises(Invalid) as err:
        services.idea_set_inputs(
            member=cast.members["editor"], idea_id=idea.pk, model_id=demand_model.pk, values={"demand": 5}
        )
    assert err.value.errors[0].field == "values.demand"


def test_a_scoring_round_leaves_evidence_criteria_out(cast, make_idea, demand_model):
    idea = make_idea()
    scoring_round = services.round_open(
        member=cast.members["editor"], model_id=demand_model.pk, title="Q3", idea_ids=[idea.pk]
    )
    data = selectors.consensus(scoring_round=scoring_round, viewer=cast.members["editor"].user)
    assert [c.key for c in data["criteria"]] == ["value"]


def test_an_unknown_source_or_a_bad_saturation_names_the_field(cast, demand_source):
    with pytest.raises(Invalid) as err:
        services.scoring_model_create(
            member=cast.members["editor"],
            name="Bad",
            kind="weighted",
            criteria=[{"key": "a", "source": "nope.nothing"}, {"key": "b", "saturation": 0}],
        )
    fields = {e.field for e in err.value.errors}
    assert fields == {"criteria.0.source", "criteria.1.saturation"}


def test_choosing_a_source_for_an_existing_criterion_fills_it_at_once(cast, make_idea, demand_source, scorecard):
    idea = make_idea()
    RAW[idea.pk] = 10
    services.scoring_model_update(
        member=cast.members["editor"],
        model_id=scorecard.pk,
        version=scorecard.version,
        criteria=[
            {"key": "value", "role": "benefit", "weight": 60, "source": "test.demand"},
            {"key": "effort", "role": "cost", "weight": 40},
        ],
    )
    assert inputs_of(idea, scorecard)["value"] == 5.0


def test_the_api_lists_sources_and_takes_them_on_criteria(cast, api, demand_source):
    listed = api(cast.tokens["viewer"]).get("/evidence-sources").json()
    assert {"key": "test.demand", "label": "Test demand", "saturation": 10.0, "unit": "items"} in listed
    created = api(cast.tokens["editor"]).post(
        "/workspaces/acme/scoring-models",
        {"name": "API demand", "kind": "weighted", "criteria": [{"key": "d", "source": "test.demand", "saturation": 4}]},
    )
    assert created.status_code == 201, created.content
    assert created.json()["criteria"][0]["source"] == "test.demand"
    bad = api(cast.tokens["editor"]).post(
        "/workspaces/acme/scoring-models",
        {"name": "API bad", "kind": "weighted", "criteria": [{"key": "d", "source": "nope"}]},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "criteria.0.source"
