"""Atom feeds of a roadmap and of the workspace's activity: valid RFC 4287 (feedparser and the XML
itself), token-protected and revocable, conditional GET, the newest 50 entries in constant queries."""

import io
import logging
from datetime import timedelta
from xml.etree import ElementTree as ET

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from accord.core.logging import redact_secrets
from accord.core.tokens import hash_token
from accord.feeds import atom, services
from accord.feeds.models import FeedToken
from accord.roadmaps import services as roadmaps
from accord.workspaces import services as workspaces

pytestmark = pytest.mark.django_db

A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def plan(cast):
    """Roadmap "Platform" (a lane, two items with a dependency, a milestone) and roadmap "Elsewhere"."""
    editor = cast.members["editor"]
    today = timezone.localdate()
    rm = roadmaps.roadmap_create(member=editor, name="Platform", lanes=["Core"])
    lane = roadmaps.lane_create(member=editor, roadmap_id=rm.pk, name="Growth")
    first = roadmaps.item_create(
        member=editor, roadmap_id=rm.pk, title="Self-serve SSO", bucket="now"
    )
    second = roadmaps.item_create(
        member=editor, roadmap_id=rm.pk, title="Audit <export> & more", lane_id=lane.pk,
        start_date=today, end_date=today + timedelta(days=10),
    )  # fmt: skip
    roadmaps.dependency_create(member=editor, predecessor_id=first.pk, successor_id=second.pk)
    roadmaps.milestone_create(member=editor, name="GA", date_=today, roadmap_id=rm.pk)
    other = roadmaps.roadmap_create(member=editor, name="Elsewhere", lanes=["Misc"])
    roadmaps.item_create(
        member=editor, roadmap_id=other.pk, title="Unrelated thing", bucket="later"
    )
    return rm, other, first, second


def _feed(client, raw, **headers):
    return client.get(f"/feeds/{raw}", **headers)


def _titles(parsed) -> list[str]:
    return [e.title for e in parsed.entries]


def test_a_roadmap_feed_is_valid_atom_with_stable_ids_and_links(client, cast, plan):
    rm, _other, first, _second = plan
    _token, raw = services.feed_create(
        member=cast.members["viewer"], scope="roadmap", object_id=rm.pk
    )
    response = _feed(client, raw)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"

    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Roadmap: Platform"
    assert parsed.feed.id.startswith("tag:")
    assert parsed.feed.updated_parsed is not None
    assert parsed.feed.author == "Acme"
    titles = _titles(parsed)
    assert any("created roadmap item Self-serve SSO" in t for t in titles), titles
    assert any("Audit <export> & more" in t for t in titles), titles  # the plain text, unescaped
    assert any("dependency" in t for t in titles), titles
    assert any("milestone GA" in t for t in titles), titles
    assert any("lane Growth" in t for t in titles), titles
    assert not any("Unrelated" in t or "Elsewhere" in t for t in titles), titles
    for entry in parsed.entries:
        assert entry.id.startswith("tag:")
        assert entry.updated_parsed and entry.author
        assert entry.content[0].type in ("text/html", "text/plain")
        assert entry.link.startswith("http://")

    # The XML itself: the elements RFC 4287 requires, where it requires them.
    root = ET.fromstring(response.content)
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{A}{name}") is not None, name
    self_link = [link for link in root.findall(f"{A}link") if link.get("rel") == "self"]
    assert len(self_link) == 1 and self_link[0].get("href").endswith(f"/feeds/{raw}")
    alternate = [link for link in root.findall(f"{A}link") if link.get("rel") == "alternate"]
    assert alternate[0].get("href").endswith(f"/w/acme/roadmaps/{rm.pk}")
    entries = root.findall(f"{A}entry")
    assert 0 < len(entries) == len(parsed.entries)
    item_entry = next(
        e for e in entries if "created roadmap item Self-serve SSO" in e.findtext(f"{A}title")
    )
    for name in ("id", "title", "updated", "content"):
        assert item_entry.find(f"{A}{name}") is not None, name
    assert item_entry.find(f"{A}content").get("type") == "html"
    assert item_entry.find(f"{A}author/{A}name").text == "Editor"
    (link,) = item_entry.findall(f"{A}link")
    assert link.get("rel") == "alternate"
    assert link.get("href").endswith(f"/w/acme/roadmaps/items/{first.pk}")
    # The HTML is escaped once in the XML: markup of a title never becomes markup of the reader.
    html = next(e for e in entries if "Audit <export>" in e.findtext(f"{A}title")).findtext(
        f"{A}content"
    )
    assert "Audit &lt;export&gt; &amp; more" in html and "<export>" not in html

    # Stable ids: the same entries keep their ids in the next fetch.
    again = feedparser.parse(_feed(client, raw).content)
    assert [e.id for e in again.entries] == [e.id for e in parsed.entries]


def test_a_roadmap_feed_keeps_deleted_items(client, cast, plan):
    rm, _other, first, _second = plan
    editor = cast.members["editor"]
    roadmaps.item_delete(member=editor, item_id=first.pk)
    _token, raw = services.feed_create(member=editor, scope="roadmap", object_id=rm.pk)
    titles = _titles(feedparser.parse(_feed(client, raw).content))
    assert any("deleted roadmap item Self-serve SSO" in t for t in titles), titles


def test_the_workspace_feed_shows_all_activity(client, cast, plan):
    _token, raw = services.feed_create(member=cast.members["viewer"], scope="workspace")
    response = _feed(client, raw)
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0
    assert parsed.feed.title == "Activity: Acme"
    titles = _titles(parsed)
    assert any("Unrelated thing" in t for t in titles) and any(
        "Self-serve SSO" in t for t in titles
    )
    assert parsed.feed.link.endswith("/w/acme/audit")


def test_conditional_get_answers_304_until_something_changes(client, cast, plan):
    rm, *_ = plan
    _token, raw = services.feed_create(
        member=cast.members["viewer"], scope="roadmap", object_id=rm.pk
    )
    first = _feed(client, raw)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified
    assert _feed(client, raw, HTTP_IF_NONE_MATCH=etag).status_code == 304
    unchanged = _feed(client, raw, HTTP_IF_MODIFIED_SINCE=modified)
    assert unchanged.status_code == 304 and unchanged.content == b""
    roadmaps.milestone_create(
        member=cast.members["editor"], name="Beta", date_=timezone.localdate(), roadmap_id=rm.pk
    )
    changed = _feed(client, raw, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "milestone Beta" in _titles(feedparser.parse(changed.content))[0]
    later = http_date((timezone.now() + timedelta(days=1)).timestamp())
    assert _feed(client, raw, HTTP_IF_MODIFIED_SINCE=later).status_code == 304


def test_revoked_feeds_are_404(client, cast, plan):
    rm, *_ = plan
    viewer = cast.members["viewer"]
    token, raw = services.feed_create(member=viewer, scope="roadmap", object_id=rm.pk)
    assert _feed(client, raw).status_code == 200
    services.feed_revoke(member=viewer, feed_id=token.pk)
    assert _feed(client, raw).status_code == 404
    assert _feed(client, "atom_nonsense").status_code == 404


def test_a_feed_stops_when_its_member_leaves_or_is_deactivated(client, cast, plan):
    rm, *_ = plan
    viewer, contributor = cast.members["viewer"], cast.members["contributor"]
    _t, left = services.feed_create(member=viewer, scope="workspace")
    _t, deactivated = services.feed_create(member=contributor, scope="roadmap", object_id=rm.pk)
    workspaces.member_remove(member=cast.members["admin"], membership_id=viewer.pk)
    assert _feed(client, left).status_code == 404
    contributor.user.is_active = False
    contributor.user.save(update_fields=["is_active"])
    assert _feed(client, deactivated).status_code == 404


def test_a_feed_of_a_deleted_roadmap_is_404(client, cast, plan):
    rm, *_ = plan
    _t, raw = services.feed_create(member=cast.members["viewer"], scope="roadmap", object_id=rm.pk)
    roadmaps.roadmap_delete(member=cast.members["editor"], roadmap_id=rm.pk)
    assert _feed(client, raw).status_code == 404


def test_feeds_do_not_cross_workspaces(cast, plan):
    from accord.core.errors import Invalid, NotFound

    rm, *_ = plan
    with pytest.raises(Invalid) as exc:
        services.feed_create(member=cast.outsider, scope="roadmap", object_id=rm.pk)
    assert exc.value.as_dict()["errors"][0]["field"] == "object_id"
    token, _raw = services.feed_create(member=cast.members["viewer"], scope="workspace")
    with pytest.raises(NotFound):
        services.feed_revoke(member=cast.outsider, feed_id=token.pk)
    with pytest.raises(Invalid):
        services.feed_create(member=cast.members["viewer"], scope="nothing")
    with pytest.raises(Invalid):
        services.feed_create(member=cast.members["viewer"], scope="roadmap")


def _entries_and_queries(client, raw) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = _feed(client, raw)
    assert response.status_code == 200
    return len(feedparser.parse(response.content).entries), len(queries)


def test_newest_50_entries_in_a_constant_number_of_queries(client, cast):
    editor = cast.members["editor"]
    rm = roadmaps.roadmap_create(member=editor, name="Scale", lanes=["Core"])
    lane = rm.lanes.get()

    def add(n: int) -> None:
        for i in range(n):
            item = roadmaps.item_create(
                member=editor, roadmap_id=rm.pk, title=f"Item {i}", lane_id=lane.pk, bucket="next"
            )
            roadmaps.item_update(
                member=editor, item_id=item.pk, version=item.version, status="in_progress"
            )

    add(2)
    _t, raw = services.feed_create(member=cast.members["viewer"], scope="roadmap", object_id=rm.pk)
    few, few_queries = _entries_and_queries(client, raw)
    add(30)
    many, many_queries = _entries_and_queries(client, raw)
    assert few == 5 and many == 50  # the roadmap and 2 x 2 entries; then the newest 50 of 65
    assert many_queries == few_queries <= 8
    etag = _feed(client, raw)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        assert _feed(client, raw, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(queries) < many_queries  # the 304 skips the wording


def test_the_feed_token_is_stored_hashed_and_never_logged(client, cast, plan):
    rm, *_ = plan
    viewer = cast.members["viewer"]
    token, raw = services.feed_create(member=viewer, scope="roadmap", object_id=rm.pk)
    assert raw.startswith("atom_") and raw not in str(list(FeedToken.objects.values()))
    assert FeedToken.objects.get(pk=token.pk).token_hash == hash_token(raw)
    buffer = io.StringIO()
    handlers = [
        h
        for h in logging.getLogger("django.server").handlers
        if isinstance(h, logging.StreamHandler)
    ]
    assert handlers
    previous = [h.stream for h in handlers]
    for h in handlers:
        h.stream = buffer
    try:
        path = reverse("atom_feed", args=[raw])
        logging.getLogger("django.server").info(
            '"%s" %s %s', f"GET {path} HTTP/1.1", "200", "31",
            extra={"request": object(), "server_time": "01/Jan/2026 10:00:00", "status_code": 200},
        )  # fmt: skip
    finally:
        for h, stream in zip(handlers, previous, strict=True):
            h.stream = stream
    assert '"GET /feeds/[redacted] HTTP/1.1" 200 31' in buffer.getvalue()
    assert raw not in buffer.getvalue()
    assert raw not in redact_secrets(f"{atom.base_url()}{path}?x=1")
