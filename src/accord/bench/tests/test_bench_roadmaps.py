"""The big-timeline bench: its seeding keeps the model's rules, its runs measure what they say."""

import pytest

from accord.bench import registry
from accord.bench import roadmaps as bench
from accord.roadmaps import selectors
from accord.roadmaps.models import Dependency, ItemSnapshot, RoadmapItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    return bench.seed_roadmap(items=60, lanes=4, dependencies=12)


def test_the_roadmap_figures_are_registered():
    assert {"export_png_1k_s", "move_item_p50_ms", "timeline_1k_p50_ms"} <= set(registry.known())


def test_seeding_keeps_the_services_invariants(seeded):
    items = list(RoadmapItem.objects.filter(roadmap_id=seeded["roadmap_id"]))
    assert len(items) == seeded["items"] == 60 and seeded["containers"] >= 4
    for it in items:
        assert it.start_date <= it.end_date and it.lane_id and 0 <= it.percent_done <= 100
        if it.parent_id:
            parent = next(p for p in items if p.pk == it.parent_id)
            assert parent.lane_id == it.lane_id and parent.parent_id is None
            assert parent.start_date <= it.start_date and it.end_date <= parent.end_date
    assert ItemSnapshot.objects.filter(roadmap_id=seeded["roadmap_id"]).count() == 60
    deps = Dependency.objects.filter(workspace__slug=seeded["slug"])
    assert deps.count() == 12 and all(d.predecessor_id != d.successor_id for d in deps)
    data = selectors.timeline(roadmap=selectors.roadmap(
        workspace=deps[0].workspace, roadmap_id=seeded["roadmap_id"]))  # fmt: skip
    assert len(data["lanes"]) == 4 and data["dependencies"].violated  # some conflict on purpose


def test_the_export_and_move_runs_check_their_answers(seeded):
    export = bench.run_export(seeded["slug"], seeded["roadmap_id"], runs=1)
    assert len(export["seconds"]) == 1 and export["width"] >= 1600
    move = bench.run_move(seeded["slug"], seeded["roadmap_id"], seeded["token"], requests=5)
    assert move["requests"] == 5 and move["p50_ms"] > 0
    assert RoadmapItem.objects.filter(roadmap_id=seeded["roadmap_id"], version__gt=1).exists()


def test_the_timeline_run(seeded):
    result = bench.run_timeline(seeded["slug"], seeded["roadmap_id"], requests=2)
    assert result["requests"] == 2
