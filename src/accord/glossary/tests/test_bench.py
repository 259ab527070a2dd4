"""The glossary_mark_p50_ms figure runs at a tiny size and marks what it claims to."""

from accord.bench import glossary as bench
from accord.bench.registry import FIGURES, load


def test_the_figure_is_registered():
    load()
    assert FIGURES["glossary_mark_p50_ms"].name.endswith("glossary.mark")


def test_a_tiny_run_marks_terms_in_the_text():
    result = bench.run(terms=50, words=400, runs=2)
    assert result["terms"] == 50 and result["words"] >= 400
    assert 0 < result["marked"] <= 50 and result["p50_ms"] > 0


def test_the_corpus_is_deterministic():
    assert bench.corpus(20, 100) == bench.corpus(20, 100)
