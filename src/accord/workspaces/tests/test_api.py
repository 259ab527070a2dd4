"""The workspaces REST API over HTTP: errors, pagination, filters, concurrency, schema and docs."""

import re

import pytest

from accord.workspaces import services


@pytest.fixture
def admin_api(cast, api):
    return api(cast.tokens["admin"])


@pytest.fixture
def lumen_people(cast):
    """Three listed people in acme, on two teams, besides the members' own person rows."""
    admin = cast.members["admin"]
    product = services.team_create(member=admin, name="Product", kind="product")
    it = services.team_create(member=admin, name="IT", kind="it")
    services.person_create(
        member=admin,
        name="Priya Natarajan",
        email="priya@lumen.test",
        title="Head of Product",
        team_ids=[product.pk],
        skills=["Roadmapping", "SQL"],
    )
    services.person_create(
        member=admin,
        name="Omar Haddad",
        email="omar@lumen.test",
        title="Engineer",
        team_ids=[it.pk],
        skills=["PostgreSQL"],
    )
    services.person_create(
        member=admin,
        name="Grace Kim",
        email="grace@lumen.test",
        title="Platform lead",
        team_ids=[it.pk, product.pk],
        skills=["Python", "sql"],
    )
    return {"product": product, "it": it}


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {p["name"] for p in response.json()["items"]}


# ---------------------------------------------------------------- error format


def _assert_error_shape(body: dict) -> None:
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    for error in body["errors"]:
        assert set(error) == {"field", "message"}


def test_invalid_input_gets_422_naming_the_field(admin_api):
    response = admin_api.post("/workspaces/acme/teams", {"name": "", "kind": "product"})
    assert response.status_code == 422
    body = response.json()
    _assert_error_shape(body)
    assert [e["field"] for e in body["errors"]] == ["name"]


def test_an_unknown_enum_value_gets_422_naming_the_field(admin_api):
    response = admin_api.post("/workspaces/acme/teams", {"name": "Legal", "kind": "lawyers"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


def test_a_broken_rule_in_a_service_gets_422_naming_the_field(admin_api):
    assert admin_api.post("/workspaces/acme/teams", {"name": "Design"}).status_code == 201
    response = admin_api.post("/workspaces/acme/teams", {"name": "design"})
    assert response.status_code == 422
    body = response.json()
    _assert_error_shape(body)
    assert body["errors"][0]["field"] == "name"


def test_something_missing_gets_404_in_the_same_format(admin_api):
    response = admin_api.get("/workspaces/acme/teams/999999")
    assert response.status_code == 404
    _assert_error_shape(response.json())
    assert response.json()["errors"] == []


def test_an_unknown_workspace_and_a_foreign_one_answer_alike(admin_api):
    missing, foreign = admin_api.get("/workspaces/nowhere"), admin_api.get("/workspaces/other")
    assert missing.status_code == foreign.status_code == 404
    assert missing.json() == foreign.json()


def test_no_token_gets_401_in_the_same_format(api, cast):
    response = api().get("/workspaces/acme")
    assert response.status_code == 401
    _assert_error_shape(response.json())
    assert api("acc_not-a-real-token").get("/workspaces/acme").status_code == 401


def test_a_refused_action_gets_403_in_the_same_format(cast, api):
    response = api(cast.tokens["viewer"]).post("/workspaces/acme/teams", {"name": "Design"})
    assert response.status_code == 403
    _assert_error_shape(response.json())


# ---------------------------------------------------------------- concurrency


def test_a_stale_patch_gets_409_and_changes_nothing(admin_api):
    team = admin_api.post(
        "/workspaces/acme/teams", {"name": "Design", "description": "Research"}
    ).json()
    first = admin_api.patch(
        f"/workspaces/acme/teams/{team['id']}", {"version": team["version"], "description": "First"}
    )
    assert first.status_code == 200 and first.json()["version"] == team["version"] + 1
    stale = admin_api.patch(
        f"/workspaces/acme/teams/{team['id']}",
        {"version": team["version"], "name": "Renamed", "description": "Second"},
    )
    assert stale.status_code == 409
    _assert_error_shape(stale.json())
    assert stale.json()["errors"][0]["field"] == "version"
    now = admin_api.get(f"/workspaces/acme/teams/{team['id']}").json()
    assert (now["name"], now["description"], now["version"]) == (
        "Design",
        "First",
        team["version"] + 1,
    )


def test_a_stale_workspace_patch_gets_409(admin_api):
    assert (
        admin_api.patch("/workspaces/acme", {"version": 1, "name": "Acme Inc"}).status_code == 200
    )
    assert (
        admin_api.patch("/workspaces/acme", {"version": 1, "description": "lost"}).status_code
        == 409
    )
    body = admin_api.get("/workspaces/acme").json()
    assert (body["name"], body["description"], body["version"]) == ("Acme Inc", "", 2)


def test_a_patch_without_a_version_is_refused(admin_api):
    response = admin_api.patch("/workspaces/acme", {"name": "Acme Inc"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "version"


# ---------------------------------------------------------------- pagination


def test_lists_are_paginated_with_limit_offset_and_count(admin_api, lumen_people):
    everyone = admin_api.get("/workspaces/acme/people", {"limit": 1000}).json()
    total = everyone["count"]
    assert total == len(everyone["items"]) == 7  # four members and three listed people
    page = admin_api.get("/workspaces/acme/people", {"limit": 2, "offset": 3}).json()
    assert (page["count"], page["limit"], page["offset"]) == (total, 2, 3)
    assert [p["id"] for p in page["items"]] == [p["id"] for p in everyone["items"][3:5]]
    past_the_end = admin_api.get("/workspaces/acme/people", {"offset": 100}).json()
    assert past_the_end["items"] == [] and past_the_end["count"] == total


def test_the_default_page_is_fifty(admin_api):
    body = admin_api.get("/workspaces/acme/members").json()
    assert (body["limit"], body["offset"]) == (50, 0)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 1001}, "limit"), ({"limit": 0}, "limit"), ({"offset": -1}, "offset")],
)
def test_a_page_out_of_bounds_gets_422(admin_api, params, field):
    response = admin_api.get("/workspaces/acme/people", params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


# ---------------------------------------------------------------- filters


def test_people_are_searched_by_name_email_and_title(admin_api, lumen_people):
    assert _names(admin_api.get("/workspaces/acme/people", {"q": "grace"})) == {"Grace Kim"}
    assert _names(admin_api.get("/workspaces/acme/people", {"q": "omar@lumen"})) == {"Omar Haddad"}
    assert _names(admin_api.get("/workspaces/acme/people", {"q": "head of"})) == {"Priya Natarajan"}


def test_people_are_filtered_by_team(admin_api, lumen_people):
    it = lumen_people["it"].pk
    assert _names(admin_api.get("/workspaces/acme/people", {"team_id": it})) == {
        "Omar Haddad",
        "Grace Kim",
    }


def test_people_are_filtered_by_skill_ignoring_case(admin_api, lumen_people):
    assert _names(admin_api.get("/workspaces/acme/people", {"skill": "SQL"})) == {
        "Priya Natarajan",
        "Omar Haddad",
        "Grace Kim",
    }
    assert _names(admin_api.get("/workspaces/acme/people", {"skill": "python"})) == {"Grace Kim"}


def test_filters_combine_and_count_what_matches(admin_api, lumen_people):
    body = admin_api.get(
        "/workspaces/acme/people",
        {"team_id": lumen_people["product"].pk, "skill": "sql", "limit": 1},
    ).json()
    assert body["count"] == 2 and len(body["items"]) == 1


def test_a_team_of_another_workspace_filters_to_nothing(cast, admin_api, lumen_people):
    theirs = services.team_create(member=cast.outsider, name="Theirs")
    assert _names(admin_api.get("/workspaces/acme/people", {"team_id": theirs.pk})) == set()


# ---------------------------------------------------------------- people and tokens over HTTP


def test_a_person_is_created_with_teams_and_read_back(admin_api, lumen_people):
    response = admin_api.post(
        "/workspaces/acme/people",
        {
            "name": "Mei Chen",
            "email": "MEI@lumen.test",
            "team_ids": [lumen_people["it"].pk],
            "skills": ["Demos", "demos"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "mei@lumen.test"
    assert body["skills"] == ["Demos"]
    assert body["teams"] == [{"id": lumen_people["it"].pk, "name": "IT"}]
    assert admin_api.get(f"/workspaces/acme/people/{body['id']}").json() == body


def test_a_person_with_unknown_teams_gets_422_on_team_ids(admin_api):
    response = admin_api.post("/workspaces/acme/people", {"name": "Mei", "team_ids": [999999]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "team_ids"


def test_a_new_token_is_shown_once(cast, api, admin_api):
    created = admin_api.post("/workspaces/acme/tokens", {"name": "Sync", "valid_days": 7})
    assert created.status_code == 201
    raw = created.json()["token"]
    assert created.json()["prefix"] == raw[:10]
    listed = admin_api.get("/workspaces/acme/tokens").json()["items"]
    assert all("token" not in t for t in listed)
    assert raw not in str(listed)
    assert api(raw).get("/workspaces/acme").status_code == 200


def test_a_member_sees_only_their_own_tokens_and_admins_see_all(cast, api, admin_api):
    viewer_tokens = api(cast.tokens["viewer"]).get("/workspaces/acme/tokens").json()
    assert {t["owner"] for t in viewer_tokens["items"]} == {"viewer@acme.test"}
    assert admin_api.get("/workspaces/acme/tokens").json()["count"] == 4


def test_an_api_token_lists_only_its_own_workspace(cast, api):
    services.member_add(member=cast.outsider, user=cast.members["admin"].user, role="viewer")
    body = api(cast.tokens["admin"]).get("/workspaces").json()
    assert [w["slug"] for w in body["items"]] == ["acme"]


# ---------------------------------------------------------------- schema and docs


def test_the_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Accord API"
    assert "/api/v1/workspaces/{slug}/people" in schema["paths"]
    assert "/api/v1/workspaces/{slug}/audit" in schema["paths"]
    people = schema["paths"]["/api/v1/workspaces/{slug}/people"]["get"]
    assert {"200", "404", "422"} <= set(people["responses"])


def test_the_api_docs_use_local_static_files_not_a_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/") for s in sources), sources
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    for source in sources:
        if source.startswith("/static/"):
            assert client.get(source).status_code == 200, source
