"""`accord bench` ideas figures: registry, a quick real run, and the data the seeding writes."""

import io
import json
from collections import defaultdict
from statistics import fmean

import pytest
from django.core.management import call_command
from django.db import connection

from accord.bench import registry
from accord.bench.seed_ideas import ROUND_SIZE, STATUS_MIX, seed_ideas

IDEAS_FIGURES = {
    "ideas_list_p50_ms": "ms",
    "ideas_list_p99_ms": "ms",
    "ideas_list_tag_p50_ms": "ms",
    "ideas_list_tag_p99_ms": "ms",
    "rescore_100k_s": "s",
}


def test_registry_knows_the_ideas_figures():
    assert set(IDEAS_FIGURES) <= set(registry.known())
    assert {name: registry.FIGURES[name].units[name] for name in IDEAS_FIGURES} == IDEAS_FIGURES
    # The list is measured on the data as seeded, before the rescoring rewrites every score.
    assert registry.select(["rescore_100k_s", "ideas_list_p50_ms"]) == [
        "ideas_list_p50_ms",
        "rescore_100k_s",
    ]


@pytest.mark.django_db(transaction=True)  # the seeding and the measuring run in other processes
def test_quick_run_measures_the_ideas_figures():
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "bench",
        only=["rescore_100k_s", "ideas_list_p99_ms", "ideas_list_p50_ms"],
        scale=0.002,
        stdout=out,
        stderr=err,
    )
    result = json.loads(out.getvalue())
    assert result["database"] == connection.vendor
    figures = result["figures"]
    assert list(figures) == ["ideas_list_p50_ms", "ideas_list_p99_ms", "rescore_100k_s"]
    assert all(f["value"] > 0 for f in figures.values())
    assert figures["rescore_100k_s"]["unit"] == "s"
    assert figures["rescore_100k_s"]["size"].startswith("200 ideas")
    assert "200 scores rescored" in figures["rescore_100k_s"]["size"]
    assert "status=scored&limit=50&sort=-score" in figures["ideas_list_p50_ms"]["size"]
    assert "match scoring.weighted_score" in err.getvalue()  # the rescoring was checked


@pytest.mark.django_db
def test_seeded_ideas_are_what_rounds_and_rescoring_would_leave():
    from accord.ideas.models import Idea, IdeaScore, Rating, ScoringModel, ScoringRound
    from accord.ideas.services.rescore import Scorer
    from accord.ideas.services.rounds import consensus_value

    seeded = seed_ideas(ideas=300, criteria=10, raters=5, slug="bench-ideas-t")
    model = ScoringModel.objects.get(pk=seeded["model_id"])
    ideas = list(Idea.objects.filter(workspace=model.workspace))
    assert len(ideas) == seeded["ideas"] == 300
    assert {i.status for i in ideas} <= set(STATUS_MIX)
    by_pk = {i.pk: i for i in ideas}
    merged = [i for i in ideas if i.status == "merged"]
    assert all(by_pk[i.merged_into_id].status != "merged" for i in merged if i.merged_into_id)
    scores = {s.idea_id: s for s in IdeaScore.objects.filter(model=model)}
    assert set(scores) == set(by_pk)  # every idea has its score under the model
    scorer = Scorer(model)
    ratings = defaultdict(lambda: defaultdict(list))
    for idea_id, key, value in Rating.objects.filter(idea__in=ideas).values_list(
        "idea_id", "criterion__key", "value"
    ):
        ratings[idea_id][key].append(value)
    assert Rating.objects.filter(idea__in=ideas).count() == seeded["ratings"] > 0
    for idea in ideas:
        score = scores[idea.pk]
        stored = (score.value, score.category, score.undefined_reason)
        assert stored == scorer.stored(score.inputs)  # what rescore() would write
        if idea.status in ("new", "under_review"):
            assert score.inputs == {} and idea.pk not in ratings
            continue
        agreed = {k: consensus_value(v, None) for k, v in ratings[idea.pk].items()}
        assert score.inputs == agreed and all(len(v) == 5 for v in ratings[idea.pk].values())
    assert all(r.ideas.count() <= ROUND_SIZE for r in ScoringRound.objects.filter(model=model))
    assert sum(s.value is None and bool(s.inputs) for s in scores.values()) < 30
    assert fmean(s.value for s in scores.values() if s.value is not None) > 0
