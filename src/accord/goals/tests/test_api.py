"""The goals API over HTTP: goals and key results, measurement batches, bad input, links, scoreboard."""

from datetime import timedelta

import pytest

from accord.goals import services
from accord.goals.models import Goal, KeyResult, Measurement
from accord.goals.tests.conftest import days_ago

WS = "/workspaces/acme"


def batch(kr, today, values, start=7, **extra):
    """One row per day from `start` days ago."""
    return {
        "measurements": [
            {"key_result_id": kr.pk, "date": days_ago(today, start - i), "value": v}
            for i, v in enumerate(values)
        ],
        **extra,
    }


def test_a_company_goal_with_a_key_result_and_measurements(editor, cast, today):
    created = editor.post(
        f"{WS}/goals",
        {"title": "Win the mid-market", "level": "company", "period_kind": "year", "period": str(today.year),
         "description": "Because **retention** there is twice as high."},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    goal = created.json()
    assert (goal["period"], goal["status"], goal["progress"]) == (str(today.year), "no_data", None)
    with_kr = editor.post(
        f"{WS}/goals/{goal['id']}/key-results",
        {"name": "Net revenue retention", "unit": "percent", "baseline": 95, "target": 110},
    )
    assert with_kr.status_code == 201, with_kr.content
    kr = with_kr.json()["key_results"][0]
    assert (kr["unit"], kr["direction"], kr["status"]) == ("percent", "increase", "no_data")

    start = max(today.replace(month=1, day=1), today - timedelta(days=2))
    rows = [{"key_result_id": kr["id"], "date": start.isoformat(), "value": 95 + 7.5, "unit": "percent"}]
    pushed = editor.post(f"{WS}/measurements", {"measurements": rows})
    assert pushed.status_code == 201, pushed.content
    assert pushed.json()["created"] == 1
    assert pushed.json()["key_results"][0]["progress"] == 0.5

    detail = editor.get(f"{WS}/goals/{goal['id']}").json()
    assert detail["progress"] == 0.5
    assert detail["key_results"][0]["latest_value"] == 102.5
    listed = editor.get(f"{WS}/key-results/{kr['id']}/measurements").json()
    assert listed["count"] == 1 and listed["items"][0]["entered_by"] == "editor@acme.test"


def test_a_contributor_pushes_a_week_of_leads_with_a_token(api, cast, company_goal, today):
    _goal, kr = company_goal
    marketer = api(cast.tokens["contributor"])
    response = marketer.post(f"{WS}/measurements", batch(kr, today, [120, 140, 150, 175, 190, 210, 230]))
    assert response.status_code == 201, response.content
    out = response.json()["key_results"][0]
    assert out["latest_value"] == 230 and out["measurement_count"] == 7
    assert out["status"] == "on_track"  # +18 a day: far past 500 by the end date
    assert round(out["progress"], 3) == round((230 - 100) / 400, 3)
    assert KeyResult.objects.get(pk=kr.pk).summary["latest"][1] == 230
    refused = marketer.post(f"{WS}/goals", {"title": "Mine", "period_kind": "year", "period": "2030"})
    assert refused.status_code == 403  # contributors record numbers, editors set goals


def test_bad_rows_are_named_and_nothing_is_saved(editor, cast, company_goal, today):
    _goal, kr = company_goal
    other = services.goal_create(
        member=cast.outsider, title="Other", period_kind="year", period=str(today.year)
    )
    foreign = services.key_result_create(member=cast.outsider, goal_id=other.pk, name="X", baseline=0, target=1)
    rows = [
        {"key_result_id": kr.pk, "date": days_ago(today, 1), "value": 10},  # fine
        {"key_result_id": 999999, "date": days_ago(today, 1), "value": 10},  # unknown metric
        {"key_result_id": foreign.pk, "date": days_ago(today, 1), "value": 10},  # another workspace's
        {"key_result_id": kr.pk, "date": days_ago(today, 2), "value": 10, "unit": "currency"},  # wrong unit
        {"key_result_id": kr.pk, "date": days_ago(today, 3), "value": 10.5},  # a count is whole
        {"key_result_id": kr.pk, "date": days_ago(today, 400), "value": 10},  # before the period
        {"key_result_id": kr.pk, "date": (today + timedelta(days=3)).isoformat(), "value": 10},  # future
        {"key_result_id": kr.pk, "date": days_ago(today, 1), "value": 11},  # same date twice
    ]
    response = editor.post(f"{WS}/measurements", {"measurements": rows})
    assert response.status_code == 422, response.content
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(fields) == {
        "measurements.1.key_result_id", "measurements.2.key_result_id", "measurements.3.unit",
        "measurements.4.value", "measurements.5.date", "measurements.6.date", "measurements.7.date",
    }  # fmt: skip
    assert "outside the goal's period" in fields["measurements.5.date"]
    assert "nothing was saved" in response.json()["detail"]
    assert not Measurement.objects.exists()

    non_numeric = editor.post(
        f"{WS}/measurements",
        {"measurements": [{"key_result_id": kr.pk, "date": days_ago(today, 1), "value": "lots"}]},
    )
    assert non_numeric.status_code == 422
    assert non_numeric.json()["errors"][0]["field"] == "measurements.0.value"
    assert not Measurement.objects.exists()


def test_duplicates_by_date_are_refused_or_replaced_explicitly(editor, company_goal, today):
    _goal, kr = company_goal
    assert editor.post(f"{WS}/measurements", batch(kr, today, [150, 160])).status_code == 201
    again = editor.post(f"{WS}/measurements", batch(kr, today, [155, 165, 170]))
    assert again.status_code == 422
    assert "on_duplicate=replace" in again.json()["errors"][0]["message"]
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [150, 160]

    replaced = editor.post(f"{WS}/measurements", batch(kr, today, [155, 165, 170], on_duplicate="replace"))
    assert replaced.status_code == 201
    assert (replaced.json()["created"], replaced.json()["replaced"]) == (1, 2)
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [155, 165, 170]


def test_batches_are_limited_to_ten_thousand_rows(editor, company_goal, today):
    _goal, kr = company_goal
    rows = [{"key_result_id": kr.pk, "date": days_ago(today, 1), "value": 1}] * 10_001
    response = editor.post(f"{WS}/measurements", {"measurements": rows})
    assert response.status_code == 422
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"baseline": 100, "target": 100}, "target"),  # target equals baseline
        ({"baseline": 100, "target": 50}, "target"),  # increase towards a lower target
        ({"baseline": 100, "target": 50, "direction": "decrease", "unit": "bogus"}, "unit"),
        ({"baseline": 100, "target": 40, "direction": "range"}, "target_min"),
        ({"baseline": 100, "target": 40, "target_min": 60, "direction": "range"}, "target_min"),
        ({"baseline": "100", "target": 200}, "baseline"),
    ],
)
def test_bad_key_results_are_refused(editor, company_goal, body, field):
    goal, _kr = company_goal
    response = editor.post(f"{WS}/goals/{goal.pk}/key-results", {"name": "Bad", **body})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == field
    assert goal.key_results.count() == 1


def test_goal_levels_and_periods_are_checked(editor, cast, company_goal):
    goal, _kr = company_goal
    no_team = editor.post(f"{WS}/goals", {"title": "Dept", "level": "department", "period_kind": "year", "period": "2030"})
    assert no_team.status_code == 422 and no_team.json()["errors"][0]["field"] == "team_ids"
    bad_period = editor.post(f"{WS}/goals", {"title": "Q", "period_kind": "quarter", "period": "2030-H1"})
    assert bad_period.status_code == 422 and bad_period.json()["errors"][0]["field"] == "period"
    from accord.workspaces.services import team_create

    team = team_create(member=cast.members["admin"], name="Marketing", kind="marketing")
    dept = editor.post(
        f"{WS}/goals",
        {"title": "More leads", "level": "department", "team_ids": [team.pk], "parent_id": goal.pk,
         "period_kind": "quarter", "period": "2030-Q1"},
    )  # fmt: skip
    assert dept.status_code == 201, dept.content
    # A company goal cannot support a department goal; a goal cannot support itself.
    up = editor.patch(f"{WS}/goals/{goal.pk}", {"version": goal.version, "parent_id": dept.json()["id"]})
    assert up.status_code == 422 and up.json()["errors"][0]["field"] == "parent_id"
    stale = editor.patch(f"{WS}/goals/{goal.pk}", {"version": goal.version + 5, "title": "Late"})
    assert stale.status_code == 409


def test_linking_ideas_fills_the_goal_alignment_criterion(editor, cast, company_goal):
    from accord.ideas.models import IdeaScore
    from accord.ideas.services import idea_create, scoring_model_create

    goal, _kr = company_goal
    admin = cast.members["admin"]
    model = scoring_model_create(
        member=admin, name="Aligned", kind="weighted", is_default=True,
        criteria=[
            {"key": "value", "weight": 1, "scale_min": 0, "scale_max": 10},
            {"key": "alignment", "weight": 1, "scale_min": 0, "scale_max": 10, "source": "goals.alignment"},
        ],
    )  # fmt: skip
    idea = idea_create(member=admin, title="Self-serve onboarding")
    linked = editor.post(f"{WS}/goals/{goal.pk}/ideas", {"idea_id": idea.pk})
    assert linked.status_code == 201, linked.content
    assert [i["title"] for i in linked.json()["ideas"]] == ["Self-serve onboarding"]
    score = IdeaScore.objects.filter(model=model, idea=idea).first()
    assert score is not None and score.inputs["alignment"] == 5.0  # company goal 1.0 of saturation 2.0
    assert editor.post(f"{WS}/goals/{goal.pk}/ideas", {"idea_id": idea.pk}).status_code == 409
    assert editor.delete(f"{WS}/goals/{goal.pk}/ideas/{idea.pk}").status_code == 204
    score.refresh_from_db()
    assert score.inputs["alignment"] == 0.0


def test_roadmap_items_link_to_goals_and_show_in_goal_lanes(editor, cast, company_goal):
    from accord.roadmaps import selectors as rm_selectors
    from accord.roadmaps import services as rm_services

    goal, _kr = company_goal
    admin = cast.members["admin"]
    roadmap = rm_services.roadmap_create(member=admin, name="Product", lane_mode="goal")
    served = rm_services.item_create(member=admin, roadmap_id=roadmap.pk, title="Onboarding", bucket="now")
    loose = rm_services.item_create(member=admin, roadmap_id=roadmap.pk, title="Refactor", bucket="next")
    assert editor.post(f"{WS}/goals/{goal.pk}/items", {"item_id": served.pk}).status_code == 201
    data = rm_selectors.timeline(roadmap=rm_selectors.roadmap(workspace=cast.workspace, roadmap_id=roadmap.pk))
    lanes = [(lane.name, [i.title for i in lane.items]) for lane in data["lanes"]]
    assert lanes == [("Grow qualified demand", ["Onboarding"]), ("No goal", ["Refactor"])]
    assert loose.pk in services_flags(cast.workspace.pk, [served.pk, loose.pk])
    detail = editor.get(f"{WS}/goals/{goal.pk}").json()
    assert detail["roadmap_items"][0]["roadmap"]["name"] == "Product"


def services_flags(workspace_id, ids):
    from accord.roadmaps import extensions

    return {k for k, labels in extensions.flags_for(workspace_id, ids).items() if "No goal" in labels}


def test_the_scoreboard_puts_company_product_and_marketing_goals_side_by_side(editor, cast, company_goal, today):
    from accord.workspaces.services import team_create

    admin = cast.members["admin"]
    product = team_create(member=admin, name="Product", kind="product")
    marketing = team_create(member=admin, name="Marketing", kind="marketing")
    for team, title in ((product, "Retention"), (marketing, "Brand awareness")):
        services.goal_create(
            member=admin, title=title, level="department", team_ids=[team.pk], period_kind="custom",
            start_date=today - timedelta(days=30), end_date=today + timedelta(days=60),
        )  # fmt: skip
    board = editor.get(f"{WS}/scoreboard").json()
    assert [g["title"] for g in board["company"]] == ["Grow qualified demand"]
    assert [(c["department"], [g["title"] for g in c["goals"]]) for c in board["departments"]] == [
        ("product", ["Retention"]), ("marketing", ["Brand awareness"]),
    ]  # fmt: skip
    assert "least-squares" in board["explained"]


def test_scoreboard_links_are_created_once_and_revoked(editor, client):
    created = editor.post(f"{WS}/scoreboard-links", {"name": "Lobby screen", "refresh_seconds": 30})
    assert created.status_code == 201, created.content
    url = created.json()["url"]
    page = client.get(url)
    assert page.status_code == 200
    assert b"Grow qualified demand" in page.content or b"Company goals" in page.content
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert editor.delete(f"{WS}/scoreboard-links/{created.json()['id']}").status_code == 204
    assert client.get(url).status_code == 404
    assert client.get("/scoreboard/sbd_not-a-token").status_code == 404


def test_deleting_a_goal_keeps_supporting_goals(editor, cast, company_goal, today):
    goal, _kr = company_goal
    child = services.goal_create(
        member=cast.members["admin"], title="Child", level="company", parent_id=goal.pk,
        period_kind="year", period=str(today.year),
    )  # fmt: skip
    assert editor.delete(f"{WS}/goals/{goal.pk}").status_code == 204
    child.refresh_from_db()
    assert child.parent_id is None and not Goal.objects.filter(pk=goal.pk).exists()


def test_a_nul_character_anywhere_in_a_batch_refuses_it(editor, company_goal, today):
    _goal, kr = company_goal
    rows = batch(kr, today, [120, 130])
    rows["measurements"][1]["note"] = "week\x0019"
    response = editor.post(f"{WS}/measurements", rows)
    assert response.status_code == 422 and "measurements" in str(response.json()["errors"])
    assert not Measurement.objects.exists()


def test_patches_refuse_null_where_null_would_silently_mean_unchanged(editor, company_goal):
    """A field left out keeps its value; null is refused with the field named. Only what null
    clears takes it: a goal's parent and owner, a key result's owner."""
    goal, kr = company_goal
    for field in ("title", "description", "level", "team_ids", "period_kind", "period", "start_date", "end_date"):
        answer = editor.patch(f"{WS}/goals/{goal.pk}", {"version": goal.version, field: None})
        assert answer.status_code == 422, (field, answer.content)
        assert [e["field"] for e in answer.json()["errors"]] == [field]
    for field in ("name", "unit", "currency", "direction", "baseline", "target", "target_min"):
        answer = editor.patch(f"{WS}/key-results/{kr.pk}", {"version": kr.version, field: None})
        assert answer.status_code == 422, (field, answer.content)
        assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert editor.patch(f"{WS}/goals/{goal.pk}", {"version": goal.version, "parent_id": None, "owner_id": None}).status_code == 200
    assert editor.patch(f"{WS}/key-results/{kr.pk}", {"version": kr.version, "owner_id": None}).status_code == 200
    goal.refresh_from_db()
    assert goal.title == "Grow qualified demand"
