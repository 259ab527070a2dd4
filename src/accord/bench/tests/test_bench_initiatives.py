"""The initiatives figure at a tiny size: seeded through the services, measured with a constant
number of queries."""

from accord.bench import initiatives, registry


def test_registry_knows_the_portfolio_figure():
    assert registry.FIGURES["initiatives_portfolio_p50_ms"].units == {
        "initiatives_portfolio_p50_ms": "ms"
    }


def test_the_portfolio_is_measured_with_as_many_queries_as_for_five(db):
    seeded = initiatives.seed_initiatives(12)
    assert seeded["initiatives"] == 12 and seeded["signers"] == 24 and seeded["criteria"] >= 2 * 12
    out = initiatives.run_portfolio(2)
    assert out["requests"] == 2 and out["p50_ms"] > 0 and out["queries"] < 25
