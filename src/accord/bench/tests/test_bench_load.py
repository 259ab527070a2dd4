"""The load figures are known; a short load run is in accord/operations/tests/test_faults.py (on
PostgreSQL with Redis, sharing that module's migrated database)."""

from accord.bench import registry


def test_registry_knows_the_load_figures():
    assert {"load_rps", "load_p99_ms", "load_errors", "load_lost_writes", "app_rss_mb", "app_rss_growth_mb"} <= set(
        registry.known()
    )
