"""The API, the pages and the CLI over the small planning world."""

from datetime import date

import pytest
from django.core.management import call_command

from accord.capacity.models import PlanRun, RunStatus, Scenario
from accord.capacity.tasks import run_plan


def test_the_api_solves_reports_progress_and_refuses_bad_input(api, cast, world):
    admin = api(cast.tokens["admin"])
    cells = admin.get("/workspaces/acme/capacity").json()
    eng = next(c for c in cells if c["team"] == "Eng" and c["period"] == "2031-Q1")
    assert eng["capacity"] == 60 and eng["overbooked_by"] == 0

    refused = admin.post(
        "/workspaces/acme/capacity",
        {
            "team_id": eng["team_id"],
            "period_id": eng["period_id"],
            "people": -1,
            "days_per_person": 60,
        },
    )
    assert refused.status_code == 422
    assert (
        admin.post(
            "/workspaces/acme/capacity/efforts",
            {"idea_id": world.ideas["Alpha"].pk, "team_id": eng["team_id"], "person_days": -5},
        ).status_code
        == 422
    )

    started = admin.post(f"/workspaces/acme/scenarios/{world.scenario.pk}/solve")
    assert started.status_code == 202 and started.json()["status"] == "queued"
    run_plan(started.json()["id"])  # the worker's part (the test transaction never commits)
    plan = admin.get(f"/workspaces/acme/plans/{started.json()['id']}").json()
    assert plan["status"] == "done" and plan["result"]["status"] == "optimal"
    assert [r["label"] for r in plan["result"]["left_out"]] == ["Zeta"]

    copy = admin.post(
        f"/workspaces/acme/scenarios/{world.scenario.pk}/copy", {"name": "Hire"}
    ).json()
    changed = admin.post(
        f"/workspaces/acme/scenarios/{copy['id']}/capacity-changes",
        {"team_id": eng["team_id"], "period_id": eng["period_id"], "people": 0.5},
    )
    assert changed.json()["capacity_changes"][0]["people"] == 0.5
    second = admin.post(f"/workspaces/acme/scenarios/{copy['id']}/solve").json()
    run_plan(second["id"])
    compared = admin.get(
        "/workspaces/acme/plans/compare", {"a": plan["id"], "b": second["id"]}
    ).json()
    assert [r["label"] for r in compared["only_b"]] == ["Zeta"] and compared[
        "difference"
    ] == pytest.approx(20)

    conflict = admin.post(
        f"/workspaces/acme/scenarios/{copy['id']}/constraints",
        {"kind": "pin", "idea_id": world.ideas["Alpha"].pk},
    )
    assert conflict.status_code == 422 and conflict.json()["errors"][0]["field"] == "period_id"


def test_the_pages_show_load_plan_and_comparison(client, cast, world):
    client.force_login(cast.members["editor"].user)
    page = client.get("/w/acme/capacity")
    assert page.status_code == 200 and b"Load per team and period" in page.content
    assert client.post(f"/w/acme/capacity/scenarios/{world.scenario.pk}/solve").status_code == 302
    run = PlanRun.objects.get(scenario=world.scenario)
    progress = client.get(f"/w/acme/capacity/plans/{run.pk}/progress")
    assert b"Queued" in progress.content
    run_plan(run.pk)
    page = client.get(f"/w/acme/capacity/scenarios/{world.scenario.pk}")
    assert b"Left out, and what would make it fit" in page.content and b"Zeta" in page.content
    assert client.get(f"/w/acme/capacity/compare?a={run.pk}&b={run.pk}").status_code == 200
    client.force_login(cast.members["viewer"].user)
    assert client.post(f"/w/acme/capacity/scenarios/{world.scenario.pk}/solve").status_code == 403


def test_the_cli_plans_a_scenario(world, capsys):
    call_command("plan", workspace="acme", scenario="Base")
    out = capsys.readouterr().out
    assert "value 360.0" in out and "OUT" in out and "Zeta" in out
    assert PlanRun.objects.get(scenario=world.scenario).status == RunStatus.DONE
    with pytest.raises(Exception, match="No scenario named 'Nope'"):
        call_command("plan", workspace="acme", scenario="Nope")
    assert Scenario.objects.count() == 1


def test_dragging_a_bar_into_an_overbooked_period_warns_with_the_amount(client, cast, world):
    from accord.roadmaps import services as roadmaps

    admin = cast.members["admin"]
    roadmap = roadmaps.roadmap_create(member=admin, name="Product")

    def bar(title, start, end):
        return roadmaps.item_from_idea(member=admin, roadmap_id=roadmap.pk, idea_id=world.ideas[title].pk,
                                       reason="planned", start_date=start, end_date=end)  # fmt: skip

    bar("Alpha", date(2031, 1, 6), date(2031, 3, 27))  # Eng: 50 of 60 in 2031-Q1
    delta = bar("Delta", date(2031, 4, 7), date(2031, 6, 26))  # Eng: 60 of 60 in 2031-Q2
    client.force_login(cast.members["editor"].user)

    def move(item, start, end):
        item.refresh_from_db()
        body = {"version": item.version, "start_date": start, "end_date": end}
        return client.post(
            f"/w/acme/roadmaps/items/{item.pk}/move", body, content_type="application/json"
        )

    fine = move(delta, "2031-07-07", "2031-09-25")
    assert fine.status_code == 200 and fine.json()["warnings"] == []
    over = move(delta, "2031-01-06", "2031-03-27")
    assert over.status_code == 200
    assert over.json()["warnings"] == [
        "Eng is overbooked in 2031-Q1: 110 of 60 person-days (50 over)."
    ]
    plain = roadmaps.item_create(member=admin, roadmap_id=roadmap.pk, title="No effort",
                                 start_date=date(2031, 1, 6), end_date=date(2031, 2, 6))  # fmt: skip
    assert move(plain, "2031-01-13", "2031-02-13").json()["warnings"] == []


def test_the_api_sets_a_teams_unit_and_a_share_in_every_period(api, cast, world):
    admin = api(cast.tokens["admin"])
    design = world.teams["Design"].pk
    bad = admin._call("put", f"/workspaces/acme/capacity/teams/{design}/unit", {"unit": "hours"})
    assert bad.status_code == 422
    done = admin._call("put", f"/workspaces/acme/capacity/teams/{design}/unit", {"unit": "points"})
    assert done.status_code == 200 and done.json() == {
        "team_id": design,
        "team": "Design",
        "unit": "points",
    }
    cells = admin.get("/workspaces/acme/capacity").json()
    assert {c["unit"] for c in cells if c["team_id"] == design} == {"points"}
    assert {c["unit"] for c in cells if c["team"] == "Eng"} == {"person_days"}
    efforts = admin.get("/workspaces/acme/capacity/efforts").json()["items"]
    assert {e["unit"] for e in efforts if e["team_id"] == design} == {"points"}
    added = admin.post(
        f"/workspaces/acme/scenarios/{world.scenario.pk}/constraints",
        {"kind": "max_share", "team_id": world.teams["Eng"].pk, "group_kind": "tag", "tag": "stability",
         "share": 50, "scope": "period"},
    )  # fmt: skip
    assert added.status_code == 201 and added.json()["scope"] == "period"
    assert added.json()["text"] == "at most 50 % of Eng in every period on tag “stability”"
    wrong = admin.post(
        f"/workspaces/acme/scenarios/{world.scenario.pk}/constraints",
        {"kind": "max_share", "team_id": world.teams["Eng"].pk, "group_kind": "tag", "tag": "stability",
         "share": 50, "scope": "sometimes"},
    )  # fmt: skip
    assert wrong.status_code == 422


def test_the_pages_set_a_unit_and_show_it(client, cast, world):
    client.force_login(cast.members["editor"].user)
    design = world.teams["Design"].pk
    done = client.post(
        "/w/acme/capacity/do/unit", {"team_id": design, "unit": "points"}, follow=True
    )
    assert "Design now plans in points." in done.content.decode()
    page = client.get("/w/acme/capacity").content.decode()
    assert 'Design <span class="muted small">(points)</span>' in page
    assert 'Eng <span class="muted small">(person-days)</span>' in page
    scenario = client.get(f"/w/acme/capacity/scenarios/{world.scenario.pk}").content.decode()
    assert 'name="scope"' in scenario and "In every period" in scenario
