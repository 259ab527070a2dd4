"""The change-control figures at a tiny size: seeding keeps the model's rules, runs check answers."""

import pytest

from accord.bench import changes as bench
from accord.bench import registry
from accord.changes.models import Change, Freeze

pytestmark = pytest.mark.django_db


def test_the_change_figures_run_at_a_tiny_size():
    assert {"change_conflicts_p50_ms", "change_calendar_p50_ms"} <= set(registry.known())
    seeded = bench.seed_changes(changes=300, freezes=20, milestones=20, campaigns=20)
    assert Change.objects.count() == 300 and Freeze.objects.count() == 20
    assert all(c.end > c.start for c in Change.objects.all())
    out = bench.run_conflicts(3)
    assert out["runs"] == 3 and out["p50_ms"] > 0 and out["queries"] == 5  # one per conflict source
    cal = bench.run_calendar(seeded["token"], 2)
    assert cal["runs"] == 2 and cal["changes"] > 0
