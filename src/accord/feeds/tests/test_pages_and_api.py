"""Subscribing from the roadmap page and the audit trail, "My feeds" on the tokens page, the API."""

import re

import feedparser
import pytest

from accord.feeds import services
from accord.feeds.models import FeedToken
from accord.roadmaps import services as roadmaps

pytestmark = pytest.mark.django_db


@pytest.fixture
def roadmap(cast):
    rm = roadmaps.roadmap_create(member=cast.members["editor"], name="Platform", lanes=["Core"])
    roadmaps.item_create(member=cast.members["editor"], roadmap_id=rm.pk, title="SSO", bucket="now")
    return rm


def _login(client, cast, role="viewer"):
    client.force_login(cast.members[role].user)


def _feed_url(html: str) -> str:
    match = re.search(r'<code id="new-feed-url">([^<]+)</code>', html)
    assert match, html
    return match.group(1)


def test_subscribe_from_the_roadmap_page_shows_the_url_once(client, cast, roadmap):
    _login(client, cast)
    page = client.get(f"/w/acme/roadmaps/{roadmap.pk}").content.decode()
    assert "Subscribe (Atom)" in page
    button = re.search(r'href="(/w/acme/feeds/new\?[^"]+)"[^>]*data-dialog', page)
    assert button, "the roadmap page links to the subscribe dialog"
    form = client.get(button.group(1).replace("&amp;", "&"))
    assert form.status_code == 200 and "Create my feed URL" in form.content.decode()
    created = client.post("/w/acme/feeds/new", {"scope": "roadmap", "object_id": roadmap.pk})
    assert created.status_code == 200
    url = _feed_url(created.content.decode())
    assert url.startswith("http://") and "/feeds/atom_" in url
    feed = client.get(url.split("127.0.0.1:8000", 1)[1])
    parsed = feedparser.parse(feed.content)
    assert parsed.bozo == 0 and parsed.feed.title == "Roadmap: Platform"
    tokens = client.get("/w/acme/tokens").content.decode()
    assert "My feeds" in tokens and "Roadmap: Platform" in tokens
    assert url.rsplit("/", 1)[1] not in tokens  # shown once, never again


def test_subscribe_from_the_audit_trail_and_revoke_from_my_feeds(client, cast, roadmap):
    _login(client, cast, "contributor")
    page = client.get("/w/acme/audit").content.decode()
    assert "Subscribe (Atom)" in page and "scope=workspace" in page
    url = _feed_url(client.post("/w/acme/feeds/new", {"scope": "workspace"}).content.decode())
    path = url.split("127.0.0.1:8000", 1)[1]
    assert client.get(path).status_code == 200
    feed = FeedToken.objects.get(membership=cast.members["contributor"])
    response = client.post(f"/w/acme/feeds/{feed.pk}/revoke")
    assert response.status_code == 302 and response["Location"].endswith("/w/acme/tokens#my-feeds")
    assert client.get(path).status_code == 404
    assert "No feeds yet" in client.get("/w/acme/tokens").content.decode()


def test_the_subscribe_form_refuses_bad_input(client, cast, roadmap):
    _login(client, cast)
    assert client.get("/w/acme/feeds/new?scope=nothing").status_code == 404
    bad = client.post("/w/acme/feeds/new", {"scope": "roadmap", "object_id": "abc"})
    assert bad.status_code == 422 and "Enter a whole number." in bad.content.decode()
    other = roadmaps.roadmap_create(member=cast.outsider, name="Theirs", lanes=["X"])
    refused = client.post("/w/acme/feeds/new", {"scope": "roadmap", "object_id": other.pk})
    assert refused.status_code == 422 and "No such roadmap" in refused.content.decode()
    assert not FeedToken.objects.exists()


def test_members_cannot_revoke_each_others_feeds_but_admins_can(client, cast, roadmap):
    feed, raw = services.feed_create(member=cast.members["editor"], scope="workspace")
    _login(client, cast, "viewer")
    client.post(f"/w/acme/feeds/{feed.pk}/revoke")
    assert client.get(f"/feeds/{raw}").status_code == 200
    _login(client, cast, "admin")
    client.post(f"/w/acme/feeds/{feed.pk}/revoke")
    assert client.get(f"/feeds/{raw}").status_code == 404


def test_the_api_creates_lists_and_revokes_my_feeds(api, cast, roadmap):
    viewer = api(cast.tokens["viewer"])
    created = viewer.post(
        "/workspaces/acme/atom-feeds", {"scope": "roadmap", "object_id": roadmap.pk}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["token"].startswith("atom_") and body["url"].endswith(f"/feeds/{body['token']}")
    assert body["label"] == "Roadmap: Platform" and body["object_id"] == roadmap.pk
    listed = viewer.get("/workspaces/acme/atom-feeds").json()
    assert [f["id"] for f in listed] == [body["id"]] and "token" not in listed[0]
    assert api(cast.tokens["editor"]).get("/workspaces/acme/atom-feeds").json() == []  # mine only
    assert viewer.delete(f"/workspaces/acme/atom-feeds/{body['id']}").status_code == 204
    assert viewer.get("/workspaces/acme/atom-feeds").json() == []
    assert viewer.delete(f"/workspaces/acme/atom-feeds/{body['id']}").status_code == 404


def test_the_api_names_the_bad_field(api, cast, roadmap):
    viewer = api(cast.tokens["viewer"])
    for data, field in [
        ({"scope": "nothing"}, "scope"),
        ({"scope": "roadmap"}, "object_id"),
        ({"scope": "roadmap", "object_id": 2**40}, "object_id"),
    ]:
        response = viewer.post("/workspaces/acme/atom-feeds", data)
        assert response.status_code == 422, response.content
        assert field in response.content.decode()
    theirs = services.feed_create(member=cast.outsider, scope="workspace")[0]
    assert viewer.delete(f"/workspaces/acme/atom-feeds/{theirs.pk}").status_code == 404
    assert api(cast.tokens["outsider"]).get("/workspaces/acme/atom-feeds").status_code == 404
