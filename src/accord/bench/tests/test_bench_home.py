"""The home figure: the demo built among the bench's data, and the home measured on it."""

from accord.bench import home, registry
from accord.bench.seed import foreign_data


def test_registry_knows_the_home_figure():
    assert {"home_p50_ms", "home_large_p50_ms"} <= set(registry.known())
    assert registry.FIGURES["home_p50_ms"].units == {"home_p50_ms": "ms"}
    assert registry.FIGURES["home_large_p50_ms"].units == {"home_large_p50_ms": "ms"}


def test_the_demo_is_built_as_bench_data_and_its_home_measured(db):
    seeded = home.seed_home()
    assert seeded["ideas"] >= 20 and seeded["goals"] >= 5 and seeded["audit"] > 500
    assert foreign_data("bench-next") is None  # other figures may still seed the same database
    out = home.run(2)
    assert set(out["roles"]) == {"admin", "viewer", "editor"}
    admin = out["roles"]["admin"]
    assert admin["who"] == "Priya Natarajan" and admin["requests"] == 2 and admin["p50_ms"] > 0
    assert admin["queries"] < 40
