"""The demo story end to end through the services: the mobile app does not fit, a scenario with one
more engineer in the second quarter makes it fit, the plan is applied to the product roadmap and
undone."""

import pytest

from accord.capacity import selectors, services
from accord.capacity.models import PlanRun, RunStatus, Scenario
from accord.capacity.tasks import run_plan
from accord.roadmaps.models import Roadmap, RoadmapItem
from accord.workspaces.models import Membership, Team

MOBILE = "Mobile app for dashboards"


@pytest.fixture(scope="module")
def demo_once(django_db_setup, module_transaction):
    from accord.demo.loader import load_demo

    with module_transaction():
        load_demo()
        yield


@pytest.fixture
def owner(demo_once, db):
    return Membership.objects.select_related("workspace", "user").get(
        workspace__slug="lumen", role="admin", user__email="admin@accord.example"
    )


def _solve(owner, scenario) -> PlanRun:
    run = services.solve(member=owner, scenario_id=scenario.pk)
    assert run_plan(run.pk) == RunStatus.DONE
    run.refresh_from_db()
    return run


def test_the_mobile_app_does_not_fit_and_one_more_engineer_makes_it_fit(
    owner, django_assert_max_num_queries
):
    current = Scenario.objects.get(workspace=owner.workspace, name="Current plan")
    run = _solve(owner, current)
    result = run.result
    assert result["status"] == "optimal" and result["gap"] is not None and result["gap"] <= 1e-3
    assert result["value"] >= result["greedy"]["value"]
    out = {r["label"]: r for r in result["left_out"]}
    assert MOBILE in out
    reason = out[MOBILE]["reason"]
    assert reason["kind"] == "capacity"
    assert (
        "Platform Engineering" in reason["text"] and result["periods"][1]["name"] in reason["text"]
    )
    assert any(m["team_label"] == "Platform Engineering" for m in reason["more"])
    planned = {r["label"]: r for r in result["planned"]}
    assert planned["Self-serve SSO (SAML/OIDC) setup"]["reason"]["kind"] == "pinned"
    assert all(r["reason"]["text"] for r in result["planned"])

    more = services.scenario_copy(
        member=owner, scenario_id=current.pk, name="One more engineer in Q2"
    )
    platform = Team.objects.get(workspace=owner.workspace, name="Platform Engineering")
    periods = selectors.periods(workspace=owner.workspace)
    services.capacity_change_set(
        member=owner, scenario_id=more.pk, team_id=platform.pk, period_id=periods[1].pk, people=1
    )
    run2 = _solve(owner, more)
    planned2 = {r["label"]: r for r in run2.result["planned"]}
    assert MOBILE in planned2 and planned2[MOBILE]["start"] == periods[1].name
    with django_assert_max_num_queries(0):
        compared = selectors.compare(run, run2)
    assert [r["label"] for r in compared["only_b"]] == [MOBILE]
    assert compared["difference"] > 0

    product = Roadmap.objects.get(workspace=owner.workspace, name="Product roadmap")
    before = RoadmapItem.objects.filter(roadmap=product).count()
    applied = services.apply(member=owner, run_id=run2.pk, roadmap_id=product.pk)
    created = applied.changes["created"]
    assert MOBILE in [c["title"] for c in created]
    item = RoadmapItem.objects.get(roadmap=product, title=MOBILE)
    assert item.start_date == periods[1].start_date and item.end_date == periods[1].end_date
    # One item changed by hand, then undo: the others go, the hand-changed one stays and is reported.
    other = (
        RoadmapItem.objects.filter(pk__in=[c["id"] for c in created]).exclude(pk=item.pk).first()
    )
    from accord.roadmaps import services as roadmap_services

    roadmap_services.item_update(
        member=owner, item_id=other.pk, version=other.version, title="Renamed by hand"
    )
    undone = services.undo(member=owner, application_id=applied.pk)
    assert [x["id"] for x in undone.changes["left_on_undo"]] == [other.pk]
    assert RoadmapItem.objects.filter(roadmap=product).count() == before + 1
