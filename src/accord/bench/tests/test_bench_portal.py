"""The portal figures' seeding and measuring, on a small portal."""

from accord.bench import portal, registry


def test_registry_knows_the_portal_figures():
    assert {"portal_home_p50_ms", "portal_api_p50_ms"} <= set(registry.known())


def test_a_small_portal_is_seeded_and_measured(db, monkeypatch):
    for name, value in {"IDEAS": 12, "CUSTOMERS": 30, "VOTES": 90, "COMMENTS": 15}.items():
        monkeypatch.setattr(portal, name, value)
    seeded = portal.seed_portal()
    assert seeded == {"ideas": 12, "customers": 30, "votes": 90, "comments": 15}
    home = portal.run_home(2)
    api = portal.run_api(2)
    assert home["requests"] == api["requests"] == 2
    assert home["p50_ms"] > 0 and api["p50_ms"] > 0
