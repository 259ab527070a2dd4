"""The launches figures at a tiny size: seeded through the services, both pages measured."""

from accord.bench import launches, registry


def test_registry_knows_the_launch_figures():
    assert registry.FIGURES["launch_page_p50_ms"].units == {
        "launches_list_p50_ms": "ms",
        "launch_page_p50_ms": "ms",
    }


def test_seed_and_measure_at_a_tiny_size(db, monkeypatch):
    monkeypatch.setattr(launches, "BIG_TASKS", 12)
    monkeypatch.setattr(launches, "BIG_ATTRIBUTES", 8)
    monkeypatch.setattr(launches, "BIG_VERSIONS", 3)
    seeded = launches.seed_launches(3)
    assert seeded["launches"] == 3 and seeded["tasks"] == 3 * 9 + 12
    out = launches.run(2)
    assert out["list"]["requests"] == 2 and out["list"]["p50_ms"] > 0 and out["page"]["p50_ms"] > 0
    assert out["list"]["queries"] < 40 and out["page"]["queries"] < 40
