"""The RACI figures: the check run on a small seeded matrix, the suggestion precision."""

from accord.bench import registry, roles


def test_registry_knows_the_roles_figures():
    assert registry.FIGURES["raci_check_p50_ms"].units == {"raci_check_p50_ms": "ms"}
    assert registry.FIGURES["raci_suggest_p3"].units == {"raci_suggest_p3": "P@3"}


def test_the_check_figure_runs_at_tiny_size(db):
    seeded = roles.seed(activities=12, people=5, slug="bench-roles-tiny")
    assert seeded["cells"] == 60
    out = roles.check(runs=2, slug="bench-roles-tiny")
    assert out["activities"] == 12 and out["cells"] == 60 and out["runs"] == 2 and out["p50_ms"] > 0
    assert out["checks"] > 0 and out["queries"] <= 13


def test_suggestion_precision_meets_the_goal():
    out = roles.suggest_quality()
    assert out["cases"] >= 30 and out["p3"] >= 0.8, out["misses"]
