"""Capacity, efforts, constraints and solving through the services, with the bad input the issue lists."""

import pytest

from accord.capacity import capacity_csv, selectors, services
from accord.capacity.models import (
    CapacityChange,
    Constraint,
    Effort,
    PlanRun,
    RunStatus,
    TeamCapacity,
)
from accord.capacity.tasks import run_plan
from accord.core.errors import Conflict, Forbidden, Invalid
from accord.ideas.models import IdeaScore
from accord.roadmaps import services as roadmap_services
from accord.workspaces import services as ws_services


def _solve(world, scenario=None):
    run = services.solve(member=world.admin, scenario_id=(scenario or world.scenario).pk)
    assert run_plan(run.pk) == RunStatus.DONE
    run.refresh_from_db()
    return run.result


def test_values_are_the_scoring_models_scores(world):
    assert IdeaScore.objects.get(
        idea=world.ideas["Alpha"], model=world.model
    ).value == pytest.approx(100)


def test_the_plan_beats_or_equals_greedy_and_explains_every_idea(world):
    result = _solve(world)
    assert result["status"] == "optimal"
    assert result["value"] >= result["greedy"]["value"]
    assert {r["label"] for r in result["planned"]} | {
        r["label"] for r in result["left_out"]
    } == set(world.ideas)
    for r in result["planned"] + result["left_out"]:
        assert r["reason"]["text"]
    # 4 x 60 Eng person-days for 230 wanted: one idea must go; Zeta (20 for 30 pd) is the cheapest loss.
    assert [r["label"] for r in result["left_out"]] == ["Zeta"]
    assert result["left_out"][0]["reason"]["kind"] == "capacity"
    assert "Eng" in result["left_out"][0]["reason"]["text"]


def test_a_pin_a_deadline_an_exclusion_and_a_dependency(world):
    a = world.admin
    p = world.periods
    services.constraint_add(
        member=a,
        scenario_id=world.scenario.pk,
        kind="pin",
        idea_id=world.ideas["Delta"].pk,
        period_id=p[3].pk,
    )
    services.constraint_add(
        member=a,
        scenario_id=world.scenario.pk,
        kind="exclusive",
        idea_id=world.ideas["Alpha"].pk,
        other_idea_id=world.ideas["Epsilon"].pk,
    )
    services.constraint_add(
        member=a,
        scenario_id=world.scenario.pk,
        kind="deadline",
        idea_id=world.ideas["Gamma"].pk,
        period_id=p[0].pk,
    )
    roadmap = roadmap_services.roadmap_create(member=a, name="Product", kind="product")
    first = roadmap_services.item_create(
        member=a,
        roadmap_id=roadmap.pk,
        title="Beta bar",
        idea_id=world.ideas["Beta"].pk,
        bucket="later",
    )
    second = roadmap_services.item_create(
        member=a,
        roadmap_id=roadmap.pk,
        title="Zeta bar",
        idea_id=world.ideas["Zeta"].pk,
        bucket="later",
    )
    roadmap_services.dependency_create(member=a, predecessor_id=first.pk, successor_id=second.pk)
    result = _solve(world)
    planned = {r["label"]: r for r in result["planned"]}
    out = {r["label"]: r for r in result["left_out"]}
    assert planned["Delta"]["start"] == "2031-Q4" and planned["Delta"]["reason"]["kind"] == "pinned"
    assert planned["Gamma"]["start"] == "2031-Q1"
    assert ("Alpha" in out) != ("Epsilon" in out)
    excluded = out.get("Alpha") or out.get("Epsilon")
    assert excluded["reason"]["kind"] == "exclusion"
    if "Zeta" in planned:
        assert planned["Zeta"]["start"] > planned["Beta"]["start"]


def test_one_more_person_lets_the_left_out_idea_in_and_compare_says_so(world):
    base = PlanRun.objects.get(
        pk=services.solve(member=world.admin, scenario_id=world.scenario.pk).pk
    )
    run_plan(base.pk)
    copy = services.scenario_copy(member=world.admin, scenario_id=world.scenario.pk, name="Hire")
    services.capacity_change_set(
        member=world.admin,
        scenario_id=copy.pk,
        team_id=world.teams["Eng"].pk,
        period_id=world.periods[1].pk,
        people=0.5,
    )
    run = services.solve(member=world.admin, scenario_id=copy.pk)
    run_plan(run.pk)
    base.refresh_from_db()
    run.refresh_from_db()
    compared = selectors.compare(base, run)
    assert [r["label"] for r in compared["only_b"]] == ["Zeta"]
    assert compared["difference"] == pytest.approx(20)


def test_a_viewer_cannot_change_capacity(world, cast):
    with pytest.raises(Forbidden):
        services.capacity_set(
            member=cast.members["viewer"],
            team_id=world.teams["Eng"].pk,
            period_id=world.periods[0].pk,
            people=1,
            days_per_person=5,
        )


@pytest.mark.parametrize(("field", "kwargs"), [
    ("people", {"people": -1, "days_per_person": 60}),
    ("days_per_person", {"people": 1, "days_per_person": -5}),
    ("holidays", {"people": 1, "days_per_person": 10, "holidays": 20}),
])  # fmt: skip
def test_negative_capacity_is_refused_naming_the_field(world, field, kwargs):
    before = list(TeamCapacity.objects.values_list("people", "days_per_person", "holidays"))
    with pytest.raises(Invalid) as exc:
        services.capacity_set(
            member=world.admin,
            team_id=world.teams["Eng"].pk,
            period_id=world.periods[0].pk,
            **kwargs,
        )
    assert exc.value.errors[0].field == field
    assert list(TeamCapacity.objects.values_list("people", "days_per_person", "holidays")) == before


def test_negative_effort_and_effort_for_a_team_without_capacity_are_refused(world):
    count = Effort.objects.count()
    with pytest.raises(Invalid) as exc:
        services.effort_set(
            member=world.admin,
            idea_id=world.ideas["Alpha"].pk,
            team_id=world.teams["Eng"].pk,
            person_days=-3,
        )
    assert exc.value.errors[0].field == "person_days"
    sales = ws_services.team_create(member=world.admin, name="Sales", kind="sales")
    with pytest.raises(Invalid) as exc:
        services.effort_set(
            member=world.admin, idea_id=world.ideas["Alpha"].pk, team_id=sales.pk, person_days=3
        )
    assert exc.value.errors[0].field == "team_id" and "Sales has no capacity" in exc.value.detail
    assert Effort.objects.count() == count


def test_a_scenario_taking_a_teams_capacity_below_zero_is_refused(world):
    with pytest.raises(Invalid) as exc:
        services.capacity_change_set(
            member=world.admin,
            scenario_id=world.scenario.pk,
            team_id=world.teams["Eng"].pk,
            period_id=world.periods[0].pk,
            people=-2,
        )
    assert exc.value.errors[0].field == "people"
    assert not CapacityChange.objects.exists()


def test_a_dependency_cycle_is_named_and_nothing_is_queued(world):
    a = world.admin
    roadmap = roadmap_services.roadmap_create(member=a, name="Product", kind="product")

    def item(title, idea):
        return roadmap_services.item_create(
            member=a,
            roadmap_id=roadmap.pk,
            title=title,
            idea_id=world.ideas[idea].pk,
            bucket="later",
        )

    a1, b1, b2, a2 = (
        item("A1", "Alpha"),
        item("B1", "Beta"),
        item("B2", "Beta"),
        item("A2", "Alpha"),
    )
    roadmap_services.dependency_create(member=a, predecessor_id=a1.pk, successor_id=b1.pk)
    roadmap_services.dependency_create(member=a, predecessor_id=b2.pk, successor_id=a2.pk)
    with pytest.raises(Invalid) as exc:
        services.solve(member=a, scenario_id=world.scenario.pk)
    assert exc.value.errors[0].field == "dependencies"
    assert (
        "“Alpha” → “Beta” → “Alpha”" in exc.value.detail
        or "“Beta” → “Alpha” → “Beta”" in exc.value.detail
    )
    assert not PlanRun.objects.exists()


def test_impossible_pins_name_the_conflict_and_nothing_is_saved(world):
    a, p = world.admin, world.periods
    services.constraint_add(
        member=a,
        scenario_id=world.scenario.pk,
        kind="pin",
        idea_id=world.ideas["Alpha"].pk,
        period_id=p[0].pk,
    )
    with pytest.raises(Invalid) as exc:
        services.constraint_add(
            member=a,
            scenario_id=world.scenario.pk,
            kind="pin",
            idea_id=world.ideas["Beta"].pk,
            period_id=p[0].pk,
        )
    assert exc.value.errors[0].field == "constraints"
    assert (
        "“Alpha” pinned to 2031-Q1" in exc.value.detail
        and "“Beta” pinned to 2031-Q1" in exc.value.detail
    )
    assert Constraint.objects.count() == 1


def test_a_pin_outside_the_deadline_leaves_no_slot(world):
    a, p = world.admin, world.periods
    services.constraint_add(
        member=a,
        scenario_id=world.scenario.pk,
        kind="deadline",
        idea_id=world.ideas["Alpha"].pk,
        period_id=p[1].pk,
    )
    with pytest.raises(Invalid) as exc:
        services.constraint_add(
            member=a,
            scenario_id=world.scenario.pk,
            kind="pin",
            idea_id=world.ideas["Alpha"].pk,
            period_id=p[3].pk,
        )
    assert exc.value.errors[0].field == "period_id" and "deadline 2031-Q2" in exc.value.detail
    assert Constraint.objects.count() == 1


def test_contradictory_shares_are_refused(world):
    a = world.admin
    eng = world.teams["Eng"].pk
    services.constraint_add(
        member=a,
        scenario_id=world.scenario.pk,
        kind="max_share",
        team_id=eng,
        group_kind="tag",
        tag="stability",
        share=20,
    )
    with pytest.raises(Invalid) as exc:
        services.constraint_add(
            member=a,
            scenario_id=world.scenario.pk,
            kind="min_share",
            team_id=eng,
            group_kind="tag",
            tag="stability",
            share=30,
        )
    assert exc.value.errors[0].field == "share"
    # A minimum share no set of ideas can reach: the solver's infeasibility names it.
    with pytest.raises(Invalid) as exc:
        services.constraint_add(
            member=a,
            scenario_id=world.scenario.pk,
            kind="min_share",
            team_id=world.teams["Design"].pk,
            group_kind="tag",
            tag="stability",
            share=10,
        )
    assert "at least 10 % of Design on tag “stability”" in exc.value.detail
    assert Constraint.objects.count() == 1


def test_a_max_share_holds_in_the_plan(world):
    eng = world.teams["Eng"].pk
    services.constraint_add(
        member=world.admin,
        scenario_id=world.scenario.pk,
        kind="max_share",
        team_id=eng,
        group_kind="tag",
        tag="stability",
        share=10,
    )
    result = _solve(world)
    used = sum(
        r["effort"].get(str(eng), 0) for r in result["planned"] if r["label"] in ("Delta", "Zeta")
    )
    assert used <= 0.1 * 240


def test_a_second_solve_while_one_runs_is_refused_and_cancel_works(world):
    run = services.solve(member=world.admin, scenario_id=world.scenario.pk)
    with pytest.raises(Conflict):
        services.solve(member=world.admin, scenario_id=world.scenario.pk)
    services.cancel(member=world.admin, run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert run_plan(run.pk) == "skipped"


def test_capacity_csv_with_decimal_commas_all_or_nothing(world):
    world.admin.workspace.decimal_separator = "comma"
    good = b"team;period;people;days_per_person;holidays\nEng;2031-Q1;2,5;60;5\nDesign;2031-Q2;1;58,5;0\n"
    assert capacity_csv.capacity_import(member=world.admin, data=good) == 2
    row = TeamCapacity.objects.get(team=world.teams["Eng"], period=world.periods[0])
    assert row.person_days == pytest.approx(145)
    bad = b"team;period;people;days_per_person\nEng;2031-Q1;3;60\nNobody;2031-Q1;1;60\nEng;2031-Q2;-1;60\n"
    with pytest.raises(Invalid) as exc:
        capacity_csv.capacity_import(member=world.admin, data=bad)
    messages = [e.message for e in exc.value.errors]
    assert any("Row 3, team" in m for m in messages) and any("Row 4, people" in m for m in messages)
    assert TeamCapacity.objects.get(team=world.teams["Eng"], period=world.periods[0]).people == 2.5


def test_the_load_view_counts_hand_made_plans_and_marks_overbooking(
    world, django_assert_max_num_queries
):
    a = world.admin
    roadmap = roadmap_services.roadmap_create(member=a, name="Product", kind="product")
    for name in ("Alpha", "Beta"):
        roadmap_services.item_create(member=a, roadmap_id=roadmap.pk, title=name, idea_id=world.ideas[name].pk,
                                     start_date=world.periods[0].start_date, end_date=world.periods[0].end_date)  # fmt: skip
    with django_assert_max_num_queries(6):  # periods, teams, units, capacity, efforts, items
        data = selectors.load(workspace=a.workspace)
    eng = next(r for r in data["rows"] if r["team"].name == "Eng")
    assert eng["cells"][0]["allocated"] == pytest.approx(100)
    assert eng["cells"][0]["over"] == pytest.approx(40)


def test_a_team_in_points_plans_in_points_everywhere(world):
    """Design plans in points: its capacity, the load view, the reasons and the warnings say
    points; person-days of Eng and points of Design are never added up."""
    a, design, eng = world.admin, world.teams["Design"], world.teams["Eng"]
    services.team_unit_set(member=a, team_id=design.pk, unit="points")
    with pytest.raises(Invalid) as exc:
        services.team_unit_set(member=a, team_id=design.pk, unit="hours")
    assert exc.value.errors[0].field == "unit"
    for p in world.periods:  # 2 people x 5 points each: 10 points a quarter
        services.capacity_set(
            member=a, team_id=design.pk, period_id=p.pk, people=2, days_per_person=5
        )
    load = selectors.load(workspace=a.workspace)
    row = next(r for r in load["rows"] if r["team"] == design)
    assert row["word"] == "points" and row["cells"][0]["capacity"] == 10
    assert next(r for r in load["rows"] if r["team"] == eng)["word"] == "person-days"
    result = _solve(world)
    assert result["units"] == {str(design.pk): "points", str(eng.pk): "person_days"}
    # Epsilon needs 20 points of Design in one quarter of 10: it can never fit, and says so in points.
    eps = next(r for r in result["left_out"] if r["label"] == "Epsilon")
    assert "needs 20 points, 10 points free" in eps["reason"]["text"]
    assert (
        eps["reason"]["more"][0]["unit"] == "points" and "person-days" not in eps["reason"]["text"]
    )
    gamma = next(r for r in result["planned"] if r["label"] == "Gamma")
    if gamma["reason"]["kind"] in ("value", "later"):
        assert "40 person-days of Eng and 10 points of Design" in gamma["reason"]["text"]
    with pytest.raises(Invalid) as exc:
        services.effort_set(
            member=a, idea_id=world.ideas["Alpha"].pk, team_id=design.pk, person_days=0
        )
    assert "0 points" in exc.value.detail


def test_capacity_csv_sets_a_teams_unit_and_refuses_two_units_for_one_team(world):
    a = world.admin
    mixed = b"team,period,people,days_per_person,unit\nDesign,2031-Q1,2,8,points\nDesign,2031-Q2,2,8,person-days\n"
    with pytest.raises(Invalid) as exc:
        capacity_csv.capacity_import(member=a, data=mixed)
    assert any("Row 3, unit: Design is in points" in e.message for e in exc.value.errors)
    assert services.unit_of(world.teams["Design"]) == "person_days"
    bad = b"team,period,people,days_per_person,unit\nDesign,2031-Q1,2,8,hours\n"
    with pytest.raises(Invalid) as exc:
        capacity_csv.capacity_import(member=a, data=bad)
    assert "Row 2, unit" in exc.value.errors[0].message
    good = b"team,period,people,days_per_person,unit\nDesign,2031-Q1,2,400,points\nDesign,2031-Q2,2,8,Points\n"
    assert capacity_csv.capacity_import(member=a, data=good) == 2
    assert services.unit_of(world.teams["Design"]) == "points"
    row = TeamCapacity.objects.get(team=world.teams["Design"], period=world.periods[0])
    assert row.person_days == pytest.approx(800)  # 400 points per person: more than days allow


def test_compare_does_not_compare_a_team_whose_unit_changed_between_solves(world):
    first = services.solve(member=world.admin, scenario_id=world.scenario.pk)
    run_plan(first.pk)
    services.team_unit_set(member=world.admin, team_id=world.teams["Design"].pk, unit="points")
    second = services.solve(member=world.admin, scenario_id=world.scenario.pk)
    run_plan(second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    cells = selectors.compare(first, second)["load"]
    design = [c for c in cells if c["team_name"] == "Design"]
    assert design and all(not c["comparable"] and "person-days in one plan, points in the other" in c["note"]
                          for c in design)  # fmt: skip
    assert all(c["comparable"] for c in cells if c["team_name"] == "Eng")


def test_a_share_in_every_period_holds_in_each_period(world):
    """At most 50 % of Eng on "stability" in every period: Delta (60 person-days, all of one
    quarter) cannot be planned, although 50 % over the year would allow it; a minimum in every
    period that the two stability ideas cannot cover is refused, naming it."""
    a, eng = world.admin, world.teams["Eng"].pk
    base = _solve(world)
    assert "Delta" in {r["label"] for r in base["planned"]}
    con = services.constraint_add(member=a, scenario_id=world.scenario.pk, kind="max_share", team_id=eng,
                                  group_kind="tag", tag="stability", share=50, scope="period")  # fmt: skip
    assert (
        services.describe_constraint(con)
        == "at most 50 % of Eng in every period on tag “stability”"
    )
    result = _solve(world)
    assert "Delta" not in {r["label"] for r in result["planned"]}
    for period in [p["name"] for p in result["periods"]]:
        on_stability = sum(r["effort"].get(str(eng), 0) for r in result["planned"]
                           if r["label"] in ("Delta", "Zeta") and r["start"] == period)  # fmt: skip
        assert on_stability <= 30
    with pytest.raises(Invalid) as exc:
        services.constraint_add(member=a, scenario_id=world.scenario.pk, kind="max_share", team_id=eng,
                                group_kind="tag", tag="stability", share=50, scope="week")  # fmt: skip
    assert exc.value.errors[0].field == "scope"
    with pytest.raises(Invalid) as exc:
        services.constraint_add(member=a, scenario_id=world.scenario.pk, kind="min_share", team_id=eng,
                                group_kind="tag", tag="stability", share=20, scope="period")  # fmt: skip
    assert "at least 20 % of Eng in every period on tag “stability”" in exc.value.detail
    assert Constraint.objects.filter(scenario=world.scenario).count() == 1
