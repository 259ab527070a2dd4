"""The ideas API: a scoring round end to end over HTTP, filters, errors and isolation."""

import pytest

from accord.ideas import services


@pytest.fixture
def model(cast):
    return services.scoring_model_create(
        member=cast.members["editor"], name="Scorecard", kind="weighted", is_default=True,
        criteria=[{"key": "value", "role": "benefit", "weight": 60}, {"key": "effort", "role": "cost", "weight": 40}],
    )


def test_a_round_runs_end_to_end_through_the_api(cast, api, model):
    editor, contributor = api(cast.tokens["editor"]), api(cast.tokens["contributor"])
    idea = contributor.post("/workspaces/acme/ideas", {"title": "Dark mode", "tags": ["ui"], "description": "<script>x</script>**bold**"})
    assert idea.status_code == 201, idea.content
    body = idea.json()
    assert "<script>" not in body["description_html"] and "<strong>bold</strong>" in body["description_html"]
    idea_id = body["id"]
    opened = editor.post("/workspaces/acme/rounds", {"title": "Q3", "idea_ids": [idea_id]})
    assert opened.status_code == 201, opened.content
    round_id = opened.json()["id"]
    for client, values in ((editor, {"value": 5, "effort": 1}), (contributor, {"value": 3, "effort": 3})):
        saved = client._call("put", f"/workspaces/acme/rounds/{round_id}/ratings/{idea_id}", {"values": values})
        assert saved.status_code == 200, saved.content
        assert client.post(f"/workspaces/acme/rounds/{round_id}/submit").status_code == 200
    detail = editor.get(f"/workspaces/acme/rounds/{round_id}").json()
    value_cell = next(c for c in detail["cells"] if c["criterion"] == "value")
    assert (value_cell["count"], value_cell["mean"], value_cell["min"], value_cell["max"]) == (2, 4, 3, 5)
    closed = editor.post(f"/workspaces/acme/rounds/{round_id}/close")
    assert closed.json()["status"] == "closed"
    scored = editor.get(f"/workspaces/acme/ideas/{idea_id}").json()
    # agreed: value 4, effort 2 -> 60 * 4/5 + 40 * 4/5 = 80
    assert scored["score"] == pytest.approx(80)
    assert scored["scores"][0]["breakdown"] == pytest.approx({"value": 48, "effort": 32})
    assert "effort" in scored["scores"][0]["explanation"].lower()


def test_ratings_outside_the_scale_get_a_422_naming_the_criterion(cast, api, model):
    editor = api(cast.tokens["editor"])
    idea_id = editor.post("/workspaces/acme/ideas", {"title": "X"}).json()["id"]
    round_id = editor.post("/workspaces/acme/rounds", {"title": "R", "idea_ids": [idea_id]}).json()["id"]
    response = editor._call("put", f"/workspaces/acme/rounds/{round_id}/ratings/{idea_id}", {"values": {"value": 7, "nope": 1}})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"values.value", "values.nope"}


def test_the_list_filters_by_score_range_and_sorts_by_score(cast, api, model):
    editor = api(cast.tokens["editor"])
    ids = {}
    for title, value in (("Low", 1), ("High", 5), ("Mid", 3)):
        ids[title] = editor.post("/workspaces/acme/ideas", {"title": title}).json()["id"]
        editor._call("put", f"/workspaces/acme/ideas/{ids[title]}/scores/{model.pk}", {"values": {"value": value, "effort": 3}})
    listed = editor.get("/workspaces/acme/ideas", {"sort": "-score"}).json()
    assert [i["title"] for i in listed["items"]] == ["High", "Mid", "Low"]
    filtered = editor.get("/workspaces/acme/ideas", {"score_min": 40, "score_max": 60}).json()
    assert [i["title"] for i in filtered["items"]] == ["Mid"]
    assert editor.get("/workspaces/acme/ideas", {"sort": "popularity"}).status_code == 422
    assert editor.get("/workspaces/acme/ideas", {"criterion": "nope"}).status_code == 422


def test_bulk_park_records_a_decision_for_every_idea(cast, api, model):
    editor = api(cast.tokens["editor"])
    ids = [editor.post("/workspaces/acme/ideas", {"title": f"I{i}"}).json()["id"] for i in range(3)]
    response = editor.post("/workspaces/acme/ideas/bulk", {"idea_ids": ids, "action": "park", "reason": "Not now", "revisit_condition": "After the launch"})
    assert response.json() == {"updated": 3}
    lot = editor.get("/workspaces/acme/parking-lot").json()
    assert sorted(r["idea"]["id"] for r in lot) == sorted(ids)
    assert {r["revisit_condition"] for r in lot} == {"After the launch"}


def test_a_custom_formula_with_a_bad_token_gets_a_422_pointing_at_it(cast, api):
    response = api(cast.tokens["editor"]).post("/workspaces/acme/scoring-models", {
        "name": "Custom", "kind": "formula", "formula": "reach * * 2",
        "criteria": [{"key": "reach", "role": "input", "scale_min": 0, "scale_max": 100}],
    })
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "formula"
    assert "position" in response.json()["errors"][0]["message"]


def test_another_workspaces_idea_is_not_found_and_unchanged(cast, api, model):
    idea_id = api(cast.tokens["editor"]).post("/workspaces/acme/ideas", {"title": "Secret"}).json()["id"]
    outsider = api(cast.tokens["outsider"])
    assert outsider.get(f"/workspaces/acme/ideas/{idea_id}").status_code == 404
    assert outsider.get(f"/workspaces/other/ideas/{idea_id}").status_code == 404
    assert outsider.patch(f"/workspaces/other/ideas/{idea_id}", {"version": 1, "title": "Mine"}).status_code == 404
    assert api(cast.tokens["viewer"]).get(f"/workspaces/acme/ideas/{idea_id}").json()["title"] == "Secret"


def test_a_merged_idea_points_to_its_survivor(cast, api, model):
    editor = api(cast.tokens["editor"])
    a = editor.post("/workspaces/acme/ideas", {"title": "SSO"}).json()["id"]
    b = editor.post("/workspaces/acme/ideas", {"title": "Single sign-on"}).json()["id"]
    merged = editor.post(f"/workspaces/acme/ideas/{b}/merge", {"target_id": a})
    assert merged.json()["id"] == a
    duplicate = editor.get(f"/workspaces/acme/ideas/{b}").json()
    assert (duplicate["status"], duplicate["merged_into_id"]) == ("merged", a)
    assert b not in [i["id"] for i in editor.get("/workspaces/acme/ideas").json()["items"]]


def test_the_list_sorts_by_one_criterion(cast, api, model):
    editor = api(cast.tokens["editor"])
    for title, effort in (("Small", 1), ("Large", 5), ("Medium", 3)):
        idea_id = editor.post("/workspaces/acme/ideas", {"title": title}).json()["id"]
        editor._call("put", f"/workspaces/acme/ideas/{idea_id}/scores/{model.pk}", {"values": {"value": 3, "effort": effort}})
    listed = editor.get("/workspaces/acme/ideas", {"criterion": "effort", "sort": "-score"}).json()
    assert [i["title"] for i in listed["items"]] == ["Large", "Medium", "Small"]
    listed = editor.get("/workspaces/acme/ideas", {"criterion": "effort", "sort": "score"}).json()
    assert [i["title"] for i in listed["items"]] == ["Small", "Medium", "Large"]


def test_the_score_range_applies_to_the_chosen_model_only(cast, api, model):
    editor = api(cast.tokens["editor"])
    other = services.scoring_model_create(member=cast.members["editor"], name="ICE", kind="ice")
    idea_id = editor.post("/workspaces/acme/ideas", {"title": "Only ICE is high"}).json()["id"]
    editor._call("put", f"/workspaces/acme/ideas/{idea_id}/scores/{model.pk}", {"values": {"value": 1, "effort": 5}})  # 12
    editor._call("put", f"/workspaces/acme/ideas/{idea_id}/scores/{other.pk}", {"values": {"impact": 9, "confidence": 9, "ease": 9}})  # 9
    assert editor.get("/workspaces/acme/ideas", {"score_min": 5, "score_max": 10}).json()["count"] == 0
    found = editor.get("/workspaces/acme/ideas", {"score_min": 5, "score_max": 10, "model_id": other.pk}).json()
    assert [i["id"] for i in found["items"]] == [idea_id]


def test_a_score_range_with_its_minimum_above_its_maximum_is_refused(cast, api, model):
    """Not silently "0 ideas": the range is empty, and the answer names both fields."""
    editor = api(cast.tokens["editor"])
    editor.post("/workspaces/acme/ideas", {"title": "Dark mode"})
    answer = editor.get("/workspaces/acme/ideas", {"score_min": 60, "score_max": 40})
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"score_min", "score_max"}
    assert "above" in answer.json()["detail"]
    assert editor.get("/workspaces/acme/ideas", {"score_min": 40, "score_max": 40}).status_code == 200
    assert editor.get("/workspaces/acme/ideas", {"score_min": "nan"}).status_code == 422


def test_is_default_takes_true_or_false_only(cast, api, model):
    editor = api(cast.tokens["editor"])
    created = editor.post("/workspaces/acme/scoring-models", {"name": "ICE", "kind": "ice", "is_default": 1})
    assert created.status_code == 422 and created.json()["errors"][0]["field"] == "is_default"
    patched = editor.patch(f"/workspaces/acme/scoring-models/{model.pk}", {"version": model.version, "is_default": "true"})
    assert patched.status_code == 422 and patched.json()["errors"][0]["field"] == "is_default"
    assert editor.post("/workspaces/acme/scoring-models", {"name": "ICE", "kind": "ice", "is_default": True}).status_code == 201


@pytest.mark.parametrize(
    ("weight", "message"),
    [("NaN", "NaN is not a JSON number"), ("Infinity", "Infinity is not a JSON number"),
     ("1e400", "1e400 is out of range"), ('"1_0"', "valid number"), ('"12,5"', "valid number")],
)  # fmt: skip
def test_api_numbers_are_json_numbers_never_text_or_nan(client, cast, model, weight, message):
    """'1_0' was read as 10 and NaN was refused as "not at most 1,000,000": say what is wrong instead."""
    body = f'{{"name": "M2", "kind": "weighted", "criteria": [{{"key": "a", "weight": {weight}}}]}}'
    response = client.post(
        "/api/v1/workspaces/acme/scoring-models", body, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {cast.tokens['editor']}",
    )  # fmt: skip
    assert response.status_code == 422, response.content
    assert message in response.json()["detail"]
