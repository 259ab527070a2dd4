"""rescore(): the shortcut for weighted scores and the chunked, threaded rescoring of a whole model
write exactly what scoring the ideas one by one gives."""

import importlib
import math
import random

import pytest
from django.db import connection, transaction

from accord.ideas import scoring, services
from accord.ideas.models import Criterion, IdeaScore, ScoringModel
from accord.ideas.services.rescore import Scorer

rescore_module = importlib.import_module("accord.ideas.services.rescore")  # not the function

CRITERIA = [
    Criterion(key="value", name="Value", role="benefit", weight=3, scale_min=1, scale_max=5),
    Criterion(key="reach", name="Reach", role="benefit", weight=0.7, scale_min=0, scale_max=10),
    Criterion(key="effort", name="Effort", role="cost", weight=2, scale_min=1, scale_max=5),
    Criterion(key="risk", name="Risk", role="cost", weight=1.5, scale_min=-2, scale_max=3),
    Criterion(key="note", name="Note", role="input", weight=9, scale_min=0, scale_max=1),
]
ODD = [None, "3", "x", True, False, math.nan, math.inf, -math.inf, 99, -99, [], {}, 2**60]


def _as_stored(result: scoring.ScoreResult) -> tuple:
    value = None if result.value is None else round(result.value, 4)
    return value, result.category or "", (result.undefined_reason or "")[:300]


def _inputs(rng: random.Random) -> dict:
    inputs = {}
    for c in CRITERIA:
        roll = rng.random()
        if roll < 0.05:
            continue  # missing
        if roll < 0.12:
            inputs[c.key] = rng.choice(ODD)
        elif roll < 0.5:
            inputs[c.key] = rng.randint(int(c.scale_min), int(c.scale_max))
        else:
            inputs[c.key] = round(rng.uniform(c.scale_min, c.scale_max), rng.choice((1, 2, 4, 9)))
    return inputs


@pytest.mark.parametrize("allowed", [None, [1, 2, 3, 5]])
def test_stored_is_what_score_gives_for_any_inputs(allowed):
    criteria = [Criterion(**{f.attname: getattr(c, f.attname) for f in c._meta.fields}) for c in CRITERIA]
    criteria[0].allowed = allowed  # fixed steps: no shortcut, the engine scores
    scorer = Scorer(ScoringModel(kind="weighted"), criteria)
    assert (scorer._terms is None) == (allowed is not None)
    rng = random.Random(42)
    cases = [{}, {"value": 5, "reach": 10, "effort": 1, "risk": -2}] + [_inputs(rng) for _ in range(5000)]
    defined = 0
    for inputs in cases:
        assert scorer.stored(inputs) == _as_stored(scorer.score(inputs)), inputs
        defined += scorer.stored(inputs)[0] is not None
    assert defined > 1000  # the shortcut was taken often


@pytest.mark.parametrize("kind", ["rice", "ice", "value_effort", "moscow", "kano"])
def test_stored_is_what_score_gives_for_the_other_kinds(kind):
    preset = scoring.PRESETS[kind]
    criteria = [
        Criterion(key=c.key, name=c.name, role=c.role, weight=c.weight, scale_min=c.scale_min,
                  scale_max=c.scale_max, allowed=list(c.allowed) if c.allowed else None)
        for c in preset.criteria
    ]  # fmt: skip
    scorer = Scorer(ScoringModel(kind=kind), criteria)
    rng = random.Random(7)
    for _ in range(300):
        inputs = {c.key: rng.choice(c.allowed) if c.allowed else rng.uniform(c.scale_min, c.scale_max) for c in criteria}
        if kind == "kano":
            inputs = {k: rng.randint(0, 4) for k in "AOMIRQ"}
        assert scorer.stored(inputs) == _as_stored(scorer.score(inputs))


def test_rescoring_in_chunks_writes_what_scoring_one_by_one_gives(cast, scorecard, make_idea, monkeypatch):
    editor = cast.members["editor"]
    rng = random.Random(3)
    for i in range(23):
        idea = make_idea(title=f"Idea {i}")
        if i % 4:
            values = {"value": rng.randint(1, 5), "effort": rng.choice([1, 2.5, 5])}
            services.idea_set_inputs(member=editor, idea_id=idea.pk, model_id=scorecard.pk, values=values)
    IdeaScore.objects.filter(model=scorecard).update(value=-1, category="x", undefined_reason="stale")
    monkeypatch.setattr(rescore_module, "CHUNK", 5)  # five chunks, scored in the helper thread
    monkeypatch.setattr(rescore_module, "PIPELINED", {connection.vendor})
    assert services.rescore(scorecard) == 23
    scorer = Scorer(scorecard)
    rows = list(IdeaScore.objects.filter(model=scorecard))
    assert len({s.updated_at for s in rows}) == 1  # one moment for the whole rescoring
    for s in rows:
        assert (s.value, s.category, s.undefined_reason) == _as_stored(scorer.score(s.inputs))


def test_a_failing_chunk_rolls_back_and_stops_the_helper(cast, scorecard, make_idea, monkeypatch):
    for i in range(12):
        make_idea(title=f"Idea {i}")
    monkeypatch.setattr(rescore_module, "CHUNK", 4)
    monkeypatch.setattr(rescore_module, "PIPELINED", {connection.vendor})
    written = []

    def write(results, *, now=None):
        written.append(len(results))
        if len(written) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(rescore_module, "bulk_write_scores", write)
    with pytest.raises(RuntimeError, match="disk full"), transaction.atomic():
        services.rescore(scorecard)
    assert written == [4, 4]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_a_big_sqlite_write_gives_the_page_cache_back(cast, scorecard, make_idea, monkeypatch):
    for i in range(8):
        idea = make_idea(title=f"Idea {i}")
        values = {"value": 1 + i % 5, "effort": 2}
        services.idea_set_inputs(member=cast.members["editor"], idea_id=idea.pk, model_id=scorecard.pk, values=values)
    monkeypatch.setattr(rescore_module, "CHUNK", 3)  # 8 scores are "many": one write, bigger cache
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        IdeaScore.objects.filter(model=scorecard).update(value=None)
        assert services.rescore(scorecard) == 8
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
    scorer = Scorer(scorecard)
    for s in IdeaScore.objects.filter(model=scorecard):
        assert (s.value, s.category, s.undefined_reason) == _as_stored(scorer.score(s.inputs))


def test_bulk_writes_keep_floats_and_text_exact(cast, scorecard, make_idea):
    """PostgreSQL gets the scores as JSON (or as arrays when a value is no JSON number)."""
    scores = [IdeaScore.objects.get(idea=make_idea(title=f"I{i}"), model=scorecard) for i in range(3)]
    tricky = [
        (scores[0].pk, 0.1 + 0.2, "Must", 'a "quoted" \\ reason, ünïcödé, {"json": [1]}'),
        (scores[1].pk, 1e-300, "", ""),
        (scores[2].pk, None, "", "not scored yet"),
    ]
    rescore_module.bulk_write_scores(tricky)
    got = {s.pk: (s.pk, s.value, s.category, s.undefined_reason) for s in IdeaScore.objects.filter(model=scorecard)}
    assert [got[row[0]] for row in tricky] == tricky
    if connection.vendor == "postgresql":  # SQLite keeps no infinity in a REAL column
        rescore_module.bulk_write_scores([(scores[0].pk, math.inf, "", "")])
        assert IdeaScore.objects.get(pk=scores[0].pk).value == math.inf
