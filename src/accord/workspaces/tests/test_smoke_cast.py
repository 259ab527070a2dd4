def test_cast_has_one_member_per_role(cast, api):
    assert {m.role for m in cast.members.values()} == {"viewer", "contributor", "editor", "admin"}
    response = api(cast.tokens["viewer"]).get("/workspaces/acme/members")
    assert response.status_code == 200
    assert response.json()["count"] == 4
