"""The roadmap web pages through the Django test client: who may open and post what, the timeline's
query count, moves with optimistic concurrency (409), the board, the table's row edits, "what changed"."""

import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accord.roadmaps import services
from accord.roadmaps.models import ItemSnapshot, RoadmapItem, SavedView

D0 = timezone.localdate() + timedelta(days=30)  # the plan lies ahead: nothing is late


def d(days: int) -> date:
    return D0 + timedelta(days=days)


def iso(days: int) -> str:
    return d(days).isoformat()


@pytest.fixture
def plan(cast):
    """In acme: a product roadmap (two lanes, a container with a child, undated cards, a milestone),
    a marketing roadmap whose launch waits for the release (in conflict), a portfolio of both."""
    admin = cast.members["admin"]
    product = services.roadmap_create(member=admin, name="Product", lanes=["Reporting", "Platform"])
    marketing = services.roadmap_create(member=admin, name="Marketing", kind="marketing", lanes=["Launches"])
    lanes = {lane.name: lane.pk for lane in (*product.lanes.all(), *marketing.lanes.all())}
    release = services.item_create(
        member=admin, roadmap_id=product.pk, title="Release 2.0", lane_id=lanes["Reporting"],
        start_date=d(0), end_date=d(41), status="in_progress", tags=["reporting"],
    )
    child = services.item_create(
        member=admin, roadmap_id=product.pk, title="PDF export", lane_id=lanes["Reporting"],
        start_date=d(0), end_date=d(20), parent_id=release.pk,
    )
    now = services.item_create(member=admin, roadmap_id=product.pk, title="Pricing meter", bucket="now")
    later = services.item_create(member=admin, roadmap_id=product.pk, title="NL questions", bucket="now")
    launch = services.item_create(
        member=admin, roadmap_id=marketing.pk, title="Launch campaign", lane_id=lanes["Launches"],
        start_date=d(30), end_date=d(50),
    )
    dep = services.dependency_create(member=admin, predecessor_id=release.pk, successor_id=launch.pk)
    milestone = services.milestone_create(member=admin, name="GA", date_=d(42), roadmap_id=product.pk)
    view = services.saved_view_create(
        member=admin, roadmap_id=product.pk, name="Reporting only", filters={"tag": "reporting"}
    )
    portfolio = services.roadmap_create(
        member=admin, name="Portfolio", kind="portfolio", includes=[product.pk, marketing.pk]
    )
    return {
        "product": product, "marketing": marketing, "portfolio": portfolio, "lanes": lanes,
        "release": release, "child": child, "now": now, "later": later, "launch": launch,
        "dep": dep, "milestone": milestone, "view": view,
    }


@pytest.fixture
def as_role(cast, client):
    def sign_in(role: str):
        member = cast.outsider if role == "outsider" else cast.members[role]
        client.force_login(member.user)
        return client

    return sign_in


def _pages(plan) -> list[str]:
    p, rid = plan["product"].pk, plan["release"].pk
    return [
        reverse("roadmaps", args=["acme"]),
        reverse("roadmap", args=["acme", p]),
        reverse("roadmap", args=["acme", plan["portfolio"].pk]),
        reverse("roadmap", args=["acme", plan["marketing"].pk]),
        reverse("roadmap_board", args=["acme", p]),
        reverse("roadmap_board", args=["acme", plan["portfolio"].pk]),
        reverse("roadmap_table", args=["acme", p]) + "?sort=-title",
        reverse("roadmap_table", args=["acme", plan["portfolio"].pk]),
        reverse("roadmap_changes", args=["acme", p]),
        reverse("roadmap_item", args=["acme", rid]),
        reverse("roadmap_item_row", args=["acme", rid]),
        reverse("roadmap_dependency_add", args=["acme", p]),
    ]


def _editor_posts(plan) -> list[tuple[str, dict]]:
    p, rid = plan["product"].pk, plan["release"].pk
    return [
        (reverse("roadmaps", args=["acme"]), {"name": "New", "kind": "product"}),
        (reverse("roadmap_settings", args=["acme", p]), {"version": 1, "name": "Renamed"}),
        (reverse("roadmap_delete", args=["acme", p]), {}),
        (reverse("roadmap_lane_add", args=["acme", p]), {"name": "Mobile"}),
        (reverse("roadmap_lane", args=["acme", p, plan["lanes"]["Reporting"]]), {"action": "delete"}),
        (reverse("roadmap_milestone_add", args=["acme", p]), {"name": "Beta", "date": iso(5)}),
        (reverse("roadmap_milestone_delete", args=["acme", p, plan["milestone"].pk]), {}),
        (reverse("roadmap_dependency_add", args=["acme", p]), {"predecessor_id": plan["child"].pk, "successor_id": rid}),
        (reverse("roadmap_dependency_delete", args=["acme", p, plan["dep"].pk]), {}),
        (reverse("roadmap_view_add", args=["acme", p]), {"name": "Mine"}),
        (reverse("roadmap_view_delete", args=["acme", p, plan["view"].pk]), {}),
        (reverse("roadmap_item_new", args=["acme", p]), {"title": "New bar", "bucket": "next"}),
        (reverse("roadmap_from_idea", args=["acme", p]), {"idea_id": 1}),
        (reverse("roadmap_item", args=["acme", rid]), {"version": 1, "title": "Changed"}),
        (reverse("roadmap_item_move", args=["acme", rid]), {}),
        (reverse("roadmap_item_place", args=["acme", plan["now"].pk]), {"version": 1, "bucket": "next"}),
        (reverse("roadmap_item_row", args=["acme", rid]), {"version": 1, "title": "Changed"}),
        (reverse("roadmap_item_dependency_add", args=["acme", rid]), {"other_id": plan["launch"].pk}),
        (reverse("roadmap_item_delete", args=["acme", rid]), {}),
    ]


# ---------------------------------------------------------------- who may open and post what


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_every_roadmap_page_opens_for_a_member(as_role, plan, role):
    client = as_role(role)
    for url in _pages(plan):
        assert client.get(url).status_code == 200, url


def test_the_new_item_page_is_for_editors(as_role, plan):
    url = reverse("roadmap_item_new", args=["acme", plan["product"].pk])
    assert as_role("viewer").get(url).status_code == 403
    assert as_role("editor").get(url).status_code == 200


def test_every_roadmap_page_is_404_for_an_outsider(as_role, plan):
    client = as_role("outsider")
    for url in _pages(plan):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_sign_in(client, plan):
    for url in _pages(plan):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["viewer", "contributor"])
def test_editor_only_posts_are_403_below_editor_and_change_nothing(as_role, plan, role):
    client = as_role(role)
    before = (RoadmapItem.objects.count(), SavedView.objects.count(), ItemSnapshot.objects.count())
    for url, data in _editor_posts(plan):
        assert client.post(url, data).status_code == 403, url
    after = (RoadmapItem.objects.count(), SavedView.objects.count(), ItemSnapshot.objects.count())
    assert after == before


def test_a_roadmap_or_item_of_another_workspace_is_404(as_role, cast, plan):
    theirs = services.roadmap_create(member=cast.outsider, name="Theirs")
    item = services.item_create(member=cast.outsider, roadmap_id=theirs.pk, title="Secret", bucket="now")
    client = as_role("admin")
    assert client.get(reverse("roadmap", args=["acme", theirs.pk])).status_code == 404
    assert client.get(reverse("roadmap_item", args=["acme", item.pk])).status_code == 404
    response = client.post(
        reverse("roadmap_item_move", args=["acme", item.pk]),
        json.dumps({"version": 1, "start_date": iso(0), "end_date": iso(1)}),
        content_type="application/json",
    )
    assert response.status_code == 404


# ---------------------------------------------------------------- the timeline


def _timeline_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _bulk_items(roadmap, lanes: list[int], count: int, start: int = 0) -> None:
    tags = list(roadmap.workspace.tags.all())
    RoadmapItem.objects.bulk_create(
        RoadmapItem(
            workspace_id=roadmap.workspace_id, roadmap=roadmap, title=f"Bulk {start + n}",
            lane_id=lanes[n % len(lanes)], start_date=d(n % 90), end_date=d(n % 90 + 10), position=n,
        )
        for n in range(count)
    )
    if tags:
        through = RoadmapItem.tags.through
        through.objects.bulk_create(
            [
                through(roadmapitem_id=pk, tag_id=tags[0].pk)
                for pk in RoadmapItem.objects.filter(roadmap=roadmap).values_list("pk", flat=True)
            ],
            ignore_conflicts=True,
        )


def test_timeline_query_count_does_not_grow_with_items(as_role, plan):
    client = as_role("editor")
    product = plan["product"]
    lanes = list(plan["lanes"].values())[:2]
    url = reverse("roadmap", args=["acme", product.pk])
    _bulk_items(product, lanes, 10)
    client.get(url)  # warm up (session, caches)
    ten = _timeline_queries(client, url)
    _bulk_items(product, lanes, 90, start=10)
    hundred = _timeline_queries(client, url)
    assert hundred == ten, (ten, hundred)
    assert RoadmapItem.objects.filter(roadmap=product).count() > 100


def test_timeline_renders_the_data_for_the_script(as_role, plan):
    response = as_role("viewer").get(reverse("roadmap", args=["acme", plan["marketing"].pk]))
    text = response.content.decode()
    assert 'id="timeline-data"' in text and "timeline.js" in text
    payload = json.loads(text.split('id="timeline-data" type="application/json">')[1].split("</script>")[0])
    launch = next(i for i in payload["items"] if i["t"] == "Launch campaign")
    assert launch["blk"] is True  # waits for a release that ends after it starts
    assert payload["deps"][0]["x"] is True
    assert payload["ext"][str(plan["release"].pk)]["rmn"] == "Product"
    assert payload["editable"] is False
    assert "1 dependency in conflict" in text  # the callout, readable without the script
    assert 'style="' not in text  # the CSP forbids inline styles


def test_filters_and_saved_views(as_role, plan):
    client = as_role("editor")
    url = reverse("roadmap", args=["acme", plan["product"].pk])
    text = client.get(url + "?tag=reporting").content.decode()
    assert "Release 2.0" in text.split('id="timeline-data"')[1]
    assert "Pricing meter" not in text.split('id="timeline-data"')[1]
    assert client.get(url + "?status=nonsense").status_code == 400
    response = client.post(
        reverse("roadmap_view_add", args=["acme", plan["product"].pk]),
        {"name": "In progress", "view": "table", "status": "in_progress"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/table?status=in_progress")
    assert SavedView.objects.get(name="In progress").filters == {"status": "in_progress"}


# ---------------------------------------------------------------- moves (timeline), places (board), rows (table)


def _move(client, item, **body):
    return client.post(
        reverse("roadmap_item_move", args=["acme", item.pk]),
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )


def test_a_move_saves_and_returns_the_new_flags(as_role, plan):
    client = as_role("editor")
    release = plan["release"]
    response = _move(client, release, version=release.version, start_date=iso(-20), end_date=iso(5))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["item"]["s"] == iso(-20) and body["item"]["v"] == release.version + 1
    assert plan["launch"].pk in body["flags"]["checked"]
    assert plan["launch"].pk not in body["flags"]["blocked"]  # the release now ends before the launch
    assert body["flags"]["deps"] == [{"id": plan["dep"].pk, "x": False}]
    release.refresh_from_db()
    assert release.start_date == d(-20)


def test_a_stale_move_is_409_with_where_the_bar_is_now(as_role, plan):
    client = as_role("editor")
    release = plan["release"]
    version = release.version
    assert _move(client, release, version=version, start_date=iso(-20), end_date=iso(5)).status_code == 200
    response = _move(client, release, version=version, start_date=iso(60), end_date=iso(90))
    assert response.status_code == 409
    assert response.json()["item"]["s"] == iso(-20)
    release.refresh_from_db()
    assert release.start_date == d(-20)


def test_a_move_to_another_lane_and_invalid_moves(as_role, plan):
    client = as_role("editor")
    release = plan["release"]
    platform = plan["lanes"]["Platform"]
    ok = _move(client, release, version=1, start_date=iso(0), end_date=iso(41), lane_id=platform)
    assert ok.status_code == 200 and ok.json()["item"]["lane"] == platform
    backwards = _move(client, release, version=2, start_date=iso(60), end_date=iso(30))
    assert backwards.status_code == 422
    foreign = _move(client, release, version=2, start_date=iso(60), end_date=iso(90), lane_id=plan["lanes"]["Launches"])
    assert foreign.status_code == 422
    assert client.post(reverse("roadmap_item_move", args=["acme", release.pk]), "[1]", content_type="application/json").status_code == 400


def test_the_board_places_cards_and_keeps_the_order(as_role, plan):
    client = as_role("editor")
    now, later = plan["now"], plan["later"]
    url = reverse("roadmap_item_place", args=["acme", later.pk])
    response = client.post(url, {"version": later.version, "bucket": "now", "before": now.pk, "roadmap": plan["product"].pk}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    order = list(RoadmapItem.objects.filter(bucket="now", start_date__isnull=True).order_by("position", "id").values_list("title", flat=True))
    assert order == ["NL questions", "Pricing meter"]
    # The keyboard alternative: the card's own form, one step down, then to another column.
    later.refresh_from_db()
    response = client.post(url, {"version": later.version, "bucket": "now", "direction": "down", "roadmap": plan["product"].pk})
    assert response.status_code == 302
    order = list(RoadmapItem.objects.filter(bucket="now", start_date__isnull=True).order_by("position", "id").values_list("title", flat=True))
    assert order == ["Pricing meter", "NL questions"]
    later.refresh_from_db()
    client.post(url, {"version": later.version, "bucket": "later", "roadmap": plan["product"].pk})
    later.refresh_from_db()
    assert later.bucket == "later"
    stale = client.post(url, {"version": 1, "bucket": "next"}, HTTP_ACCEPT="application/json")
    assert stale.status_code == 409
    board = client.get(reverse("roadmap_board", args=["acme", plan["product"].pk])).content.decode()
    assert "Someone else changed" in board
    dated = client.post(reverse("roadmap_item_place", args=["acme", plan["release"].pk]), {"version": 1, "bucket": "next"}, HTTP_ACCEPT="application/json")
    assert dated.status_code == 422


def test_the_table_edits_a_row_and_shows_a_conflict(as_role, plan):
    client = as_role("editor")
    release = plan["release"]
    url = reverse("roadmap_item_row", args=["acme", release.pk])
    edit = client.get(url + "?edit=1", HTTP_HX_REQUEST="true")
    assert 'name="version" value="1"' in edit.content.decode()
    saved = client.post(url, {"version": 1, "title": "Release 2.0 GA", "status": "at_risk", "percent_done": 40, "start_date": iso(0), "end_date": iso(41)}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "Release 2.0 GA" in saved.content.decode()
    release.refresh_from_db()
    assert (release.status, release.percent_done) == ("at_risk", 40)
    stale = client.post(url, {"version": 1, "title": "Mine", "status": "done", "percent_done": 100, "start_date": iso(0), "end_date": iso(41)}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "Someone else changed" in text and 'value="Release 2.0 GA"' in text and 'name="version" value="2"' in text
    invalid = client.post(url, {"version": 2, "title": "Release", "percent_done": 140, "start_date": iso(0), "end_date": iso(41)}, HTTP_HX_REQUEST="true")
    assert invalid.status_code == 422 and "between 0 and 100" in invalid.content.decode()


# ---------------------------------------------------------------- items, roadmaps, what changed


def test_create_a_roadmap_and_items_and_edit_them(as_role, plan):
    client = as_role("editor")
    response = client.post(reverse("roadmaps", args=["acme"]), {"name": "IT", "kind": "it", "time_scale": "weeks", "lanes": "Infra\nSecurity"})
    assert response.status_code == 302
    it = plan["product"].workspace.roadmaps.get(name="IT")
    assert [lane.name for lane in it.lanes.all()] == ["Infra", "Security"]
    duplicate = client.post(reverse("roadmaps", args=["acme"]), {"name": "IT", "kind": "it"})
    assert duplicate.status_code == 422 and "already exists" in duplicate.content.decode()
    new = client.post(reverse("roadmap_item_new", args=["acme", it.pk]), {"title": "Patch", "start_date": iso(0), "end_date": iso(4), "tags": "ops, q1", "status": "planned"})
    assert new.status_code == 302
    item = RoadmapItem.objects.get(title="Patch")
    page = client.post(reverse("roadmap_item", args=["acme", item.pk]), {"version": item.version, "title": "Patch Tuesday", "start_date": "", "end_date": "", "bucket": "later", "status": "planned", "percent_done": 0})
    assert page.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.start_date, item.bucket) == ("Patch Tuesday", None, "later")
    stale = client.post(reverse("roadmap_item", args=["acme", item.pk]), {"version": 1, "title": "Old"})
    assert stale.status_code == 409
    settings = client.post(reverse("roadmap_settings", args=["acme", it.pk]), {"version": it.version, "name": "IT plan", "time_scale": "quarters", "lane_mode": "team", "color_by": "team"})
    assert settings.status_code == 302
    it.refresh_from_db()
    assert (it.name, it.time_scale, it.lane_mode, it.color_by) == ("IT plan", "quarters", "team", "team")
    assert client.get(reverse("roadmap", args=["acme", it.pk])).status_code == 200


def test_the_item_page_shows_dependencies_and_history(as_role, plan):
    client = as_role("viewer")
    text = client.get(reverse("roadmap_item", args=["acme", plan["launch"].pk])).content.decode()
    assert "Waits for" in text and "Release 2.0" in text and "Conflict" in text and "Blocked" in text
    assert "created" in text  # the audit trail


def test_what_changed_reads_like_a_diff(as_role, cast, plan):
    admin_client = as_role("admin")
    release = plan["release"]
    ItemSnapshot.objects.update(at=ItemSnapshot.objects.earliest("at").at - timedelta(days=30))
    services.item_move(member=cast.members["admin"], item_id=release.pk, version=release.version, start_date=d(14), end_date=d(55 + 14))
    since = (timezone.localdate() - timedelta(days=3)).isoformat()
    text = admin_client.get(reverse("roadmap_changes", args=["acme", plan["product"].pk]) + f"?since={since}").content.decode()
    assert "Moved 14 days later (2 weeks)" in text
    assert "Re-scoped from 42 to 56 days" in text
    assert admin_client.get(reverse("roadmap_changes", args=["acme", plan["product"].pk]) + "?since=nope").status_code == 400
