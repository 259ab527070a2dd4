import pytest
from django.core import mail

from accord.ideas import services as ideas
from accord.portal import limits, services


def test_admin_api_settings_publish_and_counts(api, cast):
    admin = api(cast.tokens["admin"])
    settings = admin.get("/workspaces/acme/portal").json()
    assert settings["enabled"] is False and settings["url"].endswith("/portal/acme/")
    patched = admin.patch("/workspaces/acme/portal", {"version": settings["version"], "enabled": True})
    assert patched.status_code == 200 and patched.json()["enabled"] is True
    assert admin.patch("/workspaces/acme/portal", {"version": settings["version"], "title": "x"}).status_code == 409
    idea = ideas.idea_create(member=cast.members["admin"], title="Dark mode")
    published = admin._call("put", f"/workspaces/acme/portal/ideas/{idea.pk}", {"public_title": "Night theme"})
    assert published.status_code == 200 and published.json()["title"] == "Night theme"
    services.vote_member(member=cast.members["viewer"], idea_id=idea.pk)
    listed = api(cast.tokens["viewer"]).get("/workspaces/acme/portal/ideas").json()
    assert [(i["id"], i["votes"], i["status"]) for i in listed["items"]] == [(idea.pk, 1, "open")]
    assert admin.delete(f"/workspaces/acme/portal/ideas/{idea.pk}").status_code == 204
    assert admin.delete(f"/workspaces/acme/portal/ideas/{idea.pk}").status_code == 404


def test_public_api_lists_and_takes_votes(api, portal, cast, django_capture_on_commit_callbacks):
    anonymous = api()
    items = anonymous.get("/portal/acme/ideas", {"sort": "new"}).json()["items"]
    assert [i["title"] for i in items] == ["Dark mode"]
    assert "public_title" not in items[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = anonymous.post(f"/portal/acme/ideas/{portal.idea.pk}/votes", {"email": "cus@example.test"})
    assert response.status_code == 202 and mail.outbox[-1].to == ["cus@example.test"]
    assert anonymous.post(f"/portal/acme/ideas/{portal.idea.pk}/votes", {"email": "bad"}).status_code == 422
    assert anonymous.post("/portal/acme/feedback", {"email": "cus@example.test", "text": "More themes"}).status_code == 202


def test_public_api_hides_everything_unpublished(api, portal, cast):
    anonymous = api()
    hidden = ideas.idea_create(member=cast.members["admin"], title="Hidden")
    foreign = ideas.idea_create(member=cast.outsider, title="Foreign")
    services.idea_publish(member=cast.outsider, idea_id=foreign.pk)  # published, but "other" has no portal on
    assert anonymous.get(f"/portal/acme/ideas/{hidden.pk}").status_code == 404
    assert anonymous.get(f"/portal/acme/ideas/{foreign.pk}").status_code == 404
    assert anonymous.get("/portal/other/ideas").status_code == 404
    assert anonymous.get("/portal/nope/ideas").status_code == 404
    assert anonymous.post(f"/portal/acme/ideas/{foreign.pk}/votes", {"email": "a@example.test"}).status_code == 404


def test_public_api_is_rate_limited(api, portal):
    anonymous = api()
    for n in range(limits.LIMITS["vote"][0]):
        anonymous.post(f"/portal/acme/ideas/{portal.idea.pk}/votes", {"email": f"v{n}@example.test"})
    response = anonymous.post(f"/portal/acme/ideas/{portal.idea.pk}/votes", {"email": "late@example.test"})
    assert response.status_code == 429 and response.json()["detail"]


@pytest.mark.parametrize("action,status", [("approve", "approved"), ("spam", "spam")])
def test_moderation_api(api, portal, cast, action, status):
    comment = services.comment_create(portal=portal, idea_id=portal.idea.pk, name="C", email="c@example.test", body="Hi")
    admin = api(cast.tokens["admin"])
    queue = admin.get("/workspaces/acme/portal/comments").json()
    assert [c["id"] for c in queue["items"]] == [comment.pk]
    response = admin.post(f"/workspaces/acme/portal/comments/{comment.pk}/moderation", {"action": action})
    assert response.json()["status"] == status
    assert admin.get("/workspaces/acme/portal/comments").json()["count"] == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("enabled", 0), ("enabled", 1), ("enabled", None), ("enabled", "true"), ("moderate_comments", 0),
     ("moderate_submissions", None), ("title", None), ("intro", None), ("version", "1"), ("version", True)],
)
def test_the_settings_refuse_what_is_not_exactly_their_type(cast, api, field, value):
    """PATCH /portal took 0 and null for booleans (null silently meant "unchanged")."""
    admin = api(cast.tokens["admin"])
    settings = admin.get("/workspaces/acme/portal").json()
    body = {"version": settings["version"], field: value}
    answer = admin.patch("/workspaces/acme/portal", body)
    assert answer.status_code == 422, answer.content
    assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert admin.get("/workspaces/acme/portal").json() == settings


def test_the_settings_take_true_and_false_and_keep_what_is_left_out(cast, api):
    admin = api(cast.tokens["admin"])
    settings = admin.get("/workspaces/acme/portal").json()
    changed = admin.patch("/workspaces/acme/portal", {"version": settings["version"], "moderate_comments": False}).json()
    assert changed["moderate_comments"] is False and changed["title"] == settings["title"]
    assert changed["enabled"] == settings["enabled"]


def test_the_settings_schema_says_booleans_are_never_null(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["PortalPatch"]["properties"]
    for name in ("enabled", "moderate_comments", "moderate_submissions"):
        assert schema[name]["type"] == "boolean" and "anyOf" not in schema[name] and "default" not in schema[name]
    assert schema["title"]["type"] == "string" and "anyOf" not in schema["title"]
    assert schema["version"] == {"minimum": 1, "title": "Version", "type": "integer"}
