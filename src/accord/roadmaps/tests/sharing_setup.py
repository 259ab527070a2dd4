"""Fixtures shared by the share, export and import tests (imported by those modules)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from accord.roadmaps import services


@pytest.fixture(autouse=True, name="fresh_cache")
def fresh_cache_fixture():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(name="plan")
def plan_fixture(cast):
    """Roadmap "Launch plan" (shared), "Hidden plan" (same workspace, not shared), and an item of
    another workspace, each with titles that must not leak."""
    editor = cast.members["editor"]
    today = timezone.localdate()
    shared = services.roadmap_create(member=editor, name="Launch plan", lanes=["Build", "Ship"])
    lanes = {lane.name: lane.pk for lane in shared.lanes.all()}
    items = {
        "alpha": services.item_create(
            member=editor, roadmap_id=shared.pk, title="Alpha engine", lane_id=lanes["Build"],
            start_date=today - timedelta(days=5), end_date=today + timedelta(days=20),
            status="in_progress", percent_done=40, tags=["core"],
        ),
        "beta": services.item_create(
            member=editor, roadmap_id=shared.pk, title="Beta rollout", lane_id=lanes["Ship"],
            start_date=today + timedelta(days=25), end_date=today + timedelta(days=40),
        ),
        "later": services.item_create(
            member=editor, roadmap_id=shared.pk, title="Gamma someday", bucket="later",
        ),
    }  # fmt: skip
    services.dependency_create(
        member=editor, predecessor_id=items["alpha"].pk, successor_id=items["beta"].pk
    )
    services.milestone_create(
        member=editor, name="Go live", date_=today + timedelta(days=41), roadmap_id=shared.pk
    )
    hidden = services.roadmap_create(member=editor, name="Hidden plan", lanes=["Secret"])
    services.item_create(
        member=editor, roadmap_id=hidden.pk, title="Covert acquisition",
        start_date=today, end_date=today + timedelta(days=3),
    )  # fmt: skip
    other = services.roadmap_create(member=cast.outsider, name="Other plan")
    services.item_create(
        member=cast.outsider, roadmap_id=other.pk, title="Outsider secret",
        start_date=today, end_date=today + timedelta(days=3),
    )  # fmt: skip
    return {"roadmap": shared, "hidden": hidden, "items": items, "editor": editor, "lanes": lanes}
