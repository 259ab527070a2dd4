"""The roadmaps API over HTTP: build, move, conflicts, the timeline JSON, history, sharing, isolation."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.roadmaps import services
from accord.roadmaps.models import Dependency, ItemSnapshot, Milestone, RoadmapItem, ShareLink

D = date(2030, 1, 1)


def day(n: int) -> str:
    return (D + timedelta(days=n)).isoformat()


@pytest.fixture
def editor(cast, api):
    return api(cast.tokens["editor"])


@pytest.fixture
def product(editor):
    response = editor.post(
        "/workspaces/acme/roadmaps", {"name": "Product", "lanes": ["Build", "Ship"]}
    )
    assert response.status_code == 201, response.content
    return response.json()


def add_item(client, roadmap, title="Bar", start=0, end=10, **fields):
    if start is not None:
        fields |= {"start_date": day(start), "end_date": day(end)}
    response = client.post(
        f"/workspaces/acme/roadmaps/{roadmap['id']}/items", {"title": title, **fields}
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_build_a_roadmap_with_lanes_and_items_then_move_a_bar(editor, product):
    assert [lane["name"] for lane in product["lanes"]] == ["Build", "Ship"]
    assert (product["kind"], product["time_scale"], product["item_count"]) == (
        "product",
        "months",
        0,
    )
    lane = editor.post(f"/workspaces/acme/roadmaps/{product['id']}/lanes", {"name": "Launch"})
    assert lane.status_code == 201 and lane.json()["position"] == 2
    build, ship = (lane["id"] for lane in product["lanes"])
    bar = add_item(
        editor, product, "Reporting 2.0", lane_id=build, tags=["reporting"], percent_done=30
    )
    assert (bar["lane"]["name"], bar["roadmap"]["name"], bar["tags"]) == (
        "Build",
        "Product",
        ["reporting"],
    )
    assert (bar["bucket"], bar["version"], bar["blocked"], bar["late"]) == ("", 1, False, False)
    later = add_item(editor, product, "Someday", start=None, bucket="later")
    assert (later["start_date"], later["bucket"]) == (None, "later")

    moved = editor.post(
        f"/workspaces/acme/items/{bar['id']}/move",
        {"version": 1, "start_date": day(7), "end_date": day(20), "lane_id": ship},
    )
    assert moved.status_code == 200, moved.content
    assert (moved.json()["start_date"], moved.json()["lane"]["id"], moved.json()["version"]) == (
        day(7),
        ship,
        2,
    )
    kept = editor.post(
        f"/workspaces/acme/items/{bar['id']}/move",
        {"version": 2, "start_date": day(8), "end_date": day(21)},
    )
    assert kept.json()["lane"]["id"] == ship  # no lane_id: the lane stays
    out = editor.post(
        f"/workspaces/acme/items/{bar['id']}/move",
        {"version": 3, "start_date": day(8), "end_date": day(21), "lane_id": None},
    )
    assert out.json()["lane"] is None  # null: out of its lane

    listed = editor.get("/workspaces/acme/roadmaps").json()
    assert listed["count"] == 1 and listed["items"][0]["item_count"] == 2
    items = editor.get(
        f"/workspaces/acme/roadmaps/{product['id']}/items", {"tag": "reporting"}
    ).json()
    assert [i["title"] for i in items["items"]] == ["Reporting 2.0"]
    assert (
        editor.get(f"/workspaces/acme/roadmaps/{product['id']}/items", {"q": "some"}).json()[
            "count"
        ]
        == 1
    )


def test_a_concurrent_move_gets_409_and_the_loser_sees_the_current_version(
    cast, api, editor, product
):
    bar = add_item(editor, product)
    alice, bob = editor, api(cast.tokens["admin"])
    first = alice.post(
        f"/workspaces/acme/items/{bar['id']}/move",
        {"version": bar["version"], "start_date": day(3), "end_date": day(13)},
    )
    assert first.status_code == 200
    second = bob.post(
        f"/workspaces/acme/items/{bar['id']}/move",
        {"version": bar["version"], "start_date": day(30), "end_date": day(40)},
    )
    assert second.status_code == 409
    body = second.json()
    assert "version 2" in body["detail"]
    assert body["errors"] == [{"field": "version", "message": "stale; current version is 2"}]
    current = bob.get(f"/workspaces/acme/items/{bar['id']}").json()
    assert (current["start_date"], current["version"]) == (day(3), 2)
    stale_patch = bob.patch(f"/workspaces/acme/items/{bar['id']}", {"version": 1, "title": "Mine"})
    assert stale_patch.status_code == 409
    assert RoadmapItem.objects.get(pk=bar["id"]).title == "Bar"


def test_patch_changes_only_what_is_sent_and_null_clears(cast, editor, product):
    team = cast.workspace.teams.create(name="Platform")
    container = add_item(editor, product, "Program", start=0, end=60)
    bar = add_item(
        editor,
        product,
        "Bar",
        lane_id=product["lanes"][0]["id"],
        team_id=team.pk,
        parent_id=container["id"],
    )
    url = f"/workspaces/acme/items/{bar['id']}"
    renamed = editor.patch(url, {"version": 1, "title": "Renamed"}).json()
    assert (
        renamed["title"],
        renamed["lane"]["id"],
        renamed["team"]["id"],
        renamed["parent_id"],
    ) == ("Renamed", product["lanes"][0]["id"], team.pk, container["id"])
    cleared = editor.patch(
        url, {"version": 2, "lane_id": None, "team_id": None, "parent_id": None}
    ).json()
    assert (cleared["lane"], cleared["team"], cleared["parent_id"], cleared["start_date"]) == (
        None,
        None,
        None,
        day(0),
    )
    undated = editor.patch(
        url, {"version": 3, "start_date": None, "end_date": None, "bucket": "now"}
    ).json()
    assert (undated["start_date"], undated["end_date"], undated["bucket"]) == (None, None, "now")
    half = editor.patch(url, {"version": 4, "start_date": None, "end_date": day(3)})
    assert half.status_code == 422 and half.json()["errors"][0]["field"] == "start_date"
    backwards = editor.patch(url, {"version": 4, "start_date": day(5), "end_date": day(1)})
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "end_date"
    assert (
        editor.patch(url, {"version": 4, "percent_done": 101}).json()["errors"][0]["field"]
        == "percent_done"
    )
    assert RoadmapItem.objects.get(pk=bar["id"]).version == 4


def test_validation_errors_name_the_field(editor, product):
    base = f"/workspaces/acme/roadmaps/{product['id']}/items"
    cases = [
        ({"title": "X", "start_date": day(5), "end_date": day(1)}, "end_date"),
        ({"title": "X"}, "bucket"),
        ({"title": "X", "bucket": "someday"}, "bucket"),
        ({"title": "", "bucket": "now"}, "title"),
        ({"title": "X", "bucket": "now", "status": "lost"}, "status"),
        ({"title": "X", "bucket": "now", "lane_id": 2**63}, "lane_id"),
    ]
    for body, field in cases:
        response = editor.post(base, body)
        assert response.status_code == 422, (body, response.content)
        assert response.json()["errors"][0]["field"] == field, (body, response.json())
    duplicate = editor.post("/workspaces/acme/roadmaps", {"name": "Two", "lanes": ["A", "a"]})
    assert duplicate.json()["errors"][0]["field"] == "lanes.1"
    assert (
        editor.post("/workspaces/acme/roadmaps", {"name": "Product"}).json()["errors"][0]["field"]
        == "name"
    )
    assert editor.get(f"/workspaces/acme/items/{2**64}").json()["errors"][0]["field"] == "item_id"
    assert not RoadmapItem.objects.exists()


def _timeline_fixture(cast, editor, product, n_items: int = 3):
    """A product and a marketing roadmap: lanes, items with tags, people and teams, a violated dependency."""
    member = cast.members["editor"]
    team = cast.workspace.teams.create(name="Platform")
    person = cast.workspace.people.create(name="Pat")
    marketing = services.roadmap_create(member=member, name="Marketing", lanes=["Campaigns"])
    lanes = [lane["id"] for lane in product["lanes"]]
    bars = []
    for n in range(n_items):
        bars.append(
            services.item_create(
                member=member,
                roadmap_id=product["id"],
                title=f"Bar {n:02}",
                lane_id=lanes[n % 2],
                start_date=D + timedelta(days=n),
                end_date=D + timedelta(days=n + 10),
                tags=[f"t{n % 3}"],
                team_id=team.pk,
                people_ids=[person.pk],
            )
        )
    campaign = services.item_create(
        member=member,
        roadmap_id=marketing.pk,
        title="Campaign",
        lane_id=marketing.lanes.get().pk,
        start_date=D + timedelta(days=5),
        end_date=D + timedelta(days=40),
    )
    services.dependency_create(member=member, predecessor_id=bars[0].pk, successor_id=campaign.pk)
    services.dependency_create(
        member=member, predecessor_id=bars[1].pk, successor_id=bars[2].pk, kind="start_to_start"
    )
    services.item_create(member=member, roadmap_id=product["id"], title="Later", bucket="later")
    services.milestone_create(
        member=member, name="GA", date_=D + timedelta(days=30), roadmap_id=product["id"]
    )
    services.milestone_create(member=member, name="Board", date_=D + timedelta(days=45))
    services.milestone_create(member=member, name="Not ours", date_=D, roadmap_id=marketing.pk)
    return bars, campaign


def test_the_timeline_json_has_everything_the_ui_renders(cast, editor, product):
    bars, campaign = _timeline_fixture(cast, editor, product)
    response = editor.get(f"/workspaces/acme/roadmaps/{product['id']}/timeline")
    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data) == {
        "roadmap",
        "start",
        "end",
        "today",
        "lanes",
        "items",
        "milestones",
        "dependencies",
        "blocked",
        "late",
        "buckets",
    }
    assert data["roadmap"]["id"] == product["id"]
    assert (data["start"], data["end"]) == (min(day(0), data["today"]), max(day(12), data["today"]))
    by_title = {i["title"]: i for i in data["items"]}
    assert set(by_title) == {"Bar 00", "Bar 01", "Bar 02", "Later"}
    assert (
        by_title["Bar 00"]["people"][0]["name"] == "Pat"
        and by_title["Bar 00"]["team"]["name"] == "Platform"
    )
    assert [(lane["name"], len(lane["item_ids"])) for lane in data["lanes"]] == [
        ("Build", 2),
        ("Ship", 1),
        ("No lane", 1),
    ]
    assert data["buckets"] == {"now": [], "next": [], "later": [by_title["Later"]["id"]]}
    assert [m["name"] for m in data["milestones"]] == ["GA", "Board"]
    assert data["milestones"][1]["roadmap_id"] is None
    deps = {(d["predecessor_id"], d["successor_id"]): d for d in data["dependencies"]}
    # The campaign (on the marketing roadmap) starts before the release ends: violated, blocked.
    assert deps[(bars[0].pk, campaign.pk)]["violated"] is True
    assert deps[(bars[0].pk, campaign.pk)]["successor"]["roadmap_id"] != product["id"]
    assert deps[(bars[1].pk, bars[2].pk)]["violated"] is False  # start-to-start, starts after
    assert campaign.pk in data["blocked"]
    # Long past 2030? No: these bars are in the future, nothing is late.
    assert data["late"] == [] and not any(i["late"] for i in data["items"])
    filtered = editor.get(
        f"/workspaces/acme/roadmaps/{product['id']}/timeline", {"tag": "t1"}
    ).json()
    assert [i["title"] for i in filtered["items"]] == ["Bar 01"]
    board = editor.get(f"/workspaces/acme/roadmaps/{product['id']}/timeline", {"status": "nope"})
    assert board.status_code == 422 and board.json()["errors"][0]["field"] == "status"


def test_late_items_are_flagged_and_block_their_successors(cast, editor, product):
    past = timezone.localdate() - timedelta(days=30)
    late = add_item(
        editor,
        product,
        "Late",
        start=None,
        start_date=(past - timedelta(days=10)).isoformat(),
        end_date=past.isoformat(),
    )
    after = add_item(
        editor,
        product,
        "After",
        start=None,
        start_date=(past + timedelta(days=60)).isoformat(),
        end_date=(past + timedelta(days=70)).isoformat(),
    )
    dep = editor.post(
        "/workspaces/acme/dependencies", {"predecessor_id": late["id"], "successor_id": after["id"]}
    )
    assert dep.status_code == 201 and dep.json()["violated"] is False
    data = editor.get(f"/workspaces/acme/roadmaps/{product['id']}/timeline").json()
    assert data["late"] == [late["id"]] and data["blocked"] == [after["id"]]
    flags = {i["id"]: (i["late"], i["blocked"]) for i in data["items"]}
    assert flags == {late["id"]: (True, False), after["id"]: (False, True)}
    assert editor.get(f"/workspaces/acme/items/{after['id']}").json()["blocked"] is True


def test_the_timeline_query_count_is_the_same_for_10_and_60_items(cast, editor, product):
    def queries(url) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert editor.get(url).status_code == 200
        return len(ctx.captured_queries)

    _timeline_fixture(cast, editor, product, n_items=10)
    timeline = f"/workspaces/acme/roadmaps/{product['id']}/timeline"
    items = f"/workspaces/acme/roadmaps/{product['id']}/items"
    small = (queries(timeline), queries(items))
    member = cast.members["editor"]
    for n in range(50):
        services.item_create(
            member=member,
            roadmap_id=product["id"],
            title=f"More {n}",
            tags=["x", f"y{n}"],
            lane_id=product["lanes"][n % 2]["id"],
            start_date=D,
            end_date=D + timedelta(days=n),
        )
    assert RoadmapItem.objects.filter(roadmap_id=product["id"]).count() == 61
    assert (queries(timeline), queries(items)) == small
    assert small[0] <= 12, (
        small
    )  # auth, roadmap, items + tags + people, dependencies, lanes, milestones


def test_the_changes_endpoint_reports_moves_and_rescoping(editor, product):
    slips = add_item(editor, product, "Release", start=0, end=9)
    grows = add_item(editor, product, "Docs", start=0, end=4)
    ItemSnapshot.objects.update(at=timezone.now() - timedelta(days=7))
    since = timezone.now() - timedelta(days=3)
    editor.post(
        f"/workspaces/acme/items/{slips['id']}/move",
        {"version": 1, "start_date": day(14), "end_date": day(23)},
    )
    editor.post(
        f"/workspaces/acme/items/{grows['id']}/move",
        {"version": 1, "start_date": day(0), "end_date": day(9)},
    )
    new = add_item(editor, product, "New", start=None, bucket="now")
    url = f"/workspaces/acme/roadmaps/{product['id']}/changes"
    response = editor.get(url, {"since": since.isoformat()})
    assert response.status_code == 200, response.content
    data = response.json()
    assert [
        (m["id"], m["days"], m["before"]["start_date"], m["after"]["start_date"])
        for m in data["moved"]
    ] == [(slips["id"], 14, day(0), day(14))]
    assert [(r["id"], r["duration_before"], r["duration_after"]) for r in data["rescoped"]] == [
        (grows["id"], 5, 10)
    ]
    assert [a["id"] for a in data["added"]] == [new["id"]] and data["removed"] == []
    # A date without a zone is read in the server's zone; a moment after "until" is refused by field.
    naive = editor.get(url, {"since": since.replace(tzinfo=None).isoformat(timespec="seconds")})
    assert naive.status_code == 200 and len(naive.json()["moved"]) == 1
    backwards = editor.get(url, {"since": timezone.now().isoformat(), "until": since.isoformat()})
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "since"
    assert editor.get(url, {"since": "12345"}).json()["errors"][0]["field"] == "since"
    assert editor.get(url).json()["errors"][0]["field"] == "since"


def test_a_share_link_returns_its_token_once_and_the_list_never_shows_it(
    cast, api, editor, product
):
    response = editor.post(
        "/workspaces/acme/share-links",
        {
            "name": "Lobby",
            "views": [
                {"roadmap": product["id"]},
                {"roadmap": product["id"], "view": "board", "filters": {"status": "at_risk"}},
            ],
            "rotate_seconds": 30,
            "password": "lobby-screen-1",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    token = created["token"]
    assert token.startswith("shr_") and created["url"] == f"/share/{token}"
    assert created["has_password"] is True and created["active"] is True
    assert created["views"][1] == {
        "roadmap": product["id"],
        "view": "board",
        "filters": {"status": "at_risk"},
    }
    stored = ShareLink.objects.get(pk=created["id"])
    assert (
        "password" not in created
        and "token_hash" not in created
        and stored.token_hash not in response.content.decode()
    )
    for role in ("viewer", "editor"):
        listed = api(cast.tokens[role]).get("/workspaces/acme/share-links")
        assert listed.status_code == 200
        text = listed.content.decode()
        assert token not in text and stored.token_hash not in text and "lobby-screen-1" not in text
        assert stored.password_hash not in text
        assert {"token", "url", "token_hash", "password", "password_hash"}.isdisjoint(
            listed.json()[0]
        )
    assert (
        api(cast.tokens["viewer"])
        .delete(f"/workspaces/acme/share-links/{created['id']}")
        .status_code
        == 403
    )
    assert editor.delete(f"/workspaces/acme/share-links/{created['id']}").status_code == 204
    assert editor.get("/workspaces/acme/share-links").json()[0]["active"] is False
    assert editor.delete(f"/workspaces/acme/share-links/{created['id']}").status_code == 409


def test_a_calendar_feed_returns_its_token_once(editor, product):
    response = editor.post(f"/workspaces/acme/roadmaps/{product['id']}/calendar-feeds")
    assert response.status_code == 201
    token = response.json()["token"]
    assert response.json()["url"] == f"/calendar/{token}.ics"
    listed = editor.get(f"/workspaces/acme/roadmaps/{product['id']}/calendar-feeds")
    assert token not in listed.content.decode() and len(listed.json()) == 1
    assert (
        editor.delete(f"/workspaces/acme/calendar-feeds/{response.json()['id']}").status_code == 204
    )
    assert editor.get(f"/workspaces/acme/roadmaps/{product['id']}/calendar-feeds").json() == []


def test_an_idea_goes_onto_the_roadmap(cast, editor, product):
    from accord.ideas import services as idea_services

    idea = idea_services.idea_create(
        member=cast.members["contributor"], title="Dark mode", tags=["ui"]
    )
    response = editor.post(
        f"/workspaces/acme/roadmaps/{product['id']}/items/from-idea",
        {"idea_id": idea.pk, "reason": "Top of the ranking", "lane_id": product["lanes"][1]["id"]},
    )
    assert response.status_code == 201, response.content
    item = response.json()
    assert (item["idea_id"], item["title"], item["bucket"], item["tags"], item["lane"]["name"]) == (
        idea.pk,
        "Dark mode",
        "next",
        ["ui"],
        "Ship",
    )
    idea.refresh_from_db()
    assert idea.status == "planned"


def test_milestones_dependencies_and_views(editor, product):
    other = editor.post("/workspaces/acme/roadmaps", {"name": "Marketing"}).json()
    ga = editor.post(
        "/workspaces/acme/milestones", {"name": "GA", "date": day(30), "roadmap_id": product["id"]}
    )
    shared = editor.post("/workspaces/acme/milestones", {"name": "Board", "date": day(40)})
    editor.post(
        "/workspaces/acme/milestones",
        {"name": "Theirs", "date": day(40), "roadmap_id": other["id"]},
    )
    assert ga.status_code == shared.status_code == 201
    assert [
        m["name"]
        for m in editor.get("/workspaces/acme/milestones", {"roadmap_id": product["id"]}).json()
    ] == ["GA", "Board"]
    assert len(editor.get("/workspaces/acme/milestones").json()) == 3
    moved = editor.patch(
        f"/workspaces/acme/milestones/{ga.json()['id']}", {"version": 1, "date": day(31)}
    )
    assert (moved.json()["date"], moved.json()["version"]) == (day(31), 2)
    assert (
        editor.patch(
            f"/workspaces/acme/milestones/{ga.json()['id']}", {"version": 1, "name": "X"}
        ).status_code
        == 409
    )

    a, b = add_item(editor, product, "A"), add_item(editor, other, "B", start=20, end=30)
    dep = editor.post(
        "/workspaces/acme/dependencies", {"predecessor_id": a["id"], "successor_id": b["id"]}
    )
    assert dep.status_code == 201
    loop = editor.post(
        "/workspaces/acme/dependencies", {"predecessor_id": b["id"], "successor_id": a["id"]}
    )
    assert loop.status_code == 422 and loop.json()["errors"][0]["field"] == "successor_id"
    assert [
        d["id"]
        for d in editor.get("/workspaces/acme/dependencies", {"roadmap_id": other["id"]}).json()
    ] == [dep.json()["id"]]
    assert editor.delete(f"/workspaces/acme/dependencies/{dep.json()['id']}").status_code == 204
    assert editor.get("/workspaces/acme/dependencies").json() == []

    view = editor.post(
        f"/workspaces/acme/roadmaps/{product['id']}/views",
        {"name": "Risky", "view": "board", "filters": {"status": "at_risk"}},
    )
    assert view.status_code == 201 and view.json()["filters"] == {"status": "at_risk"}
    assert [
        v["name"] for v in editor.get(f"/workspaces/acme/roadmaps/{product['id']}/views").json()
    ] == ["Risky"]
    assert editor.delete(f"/workspaces/acme/views/{view.json()['id']}").status_code == 204


def test_a_portfolio_lists_its_roadmaps_items(editor, product):
    other = editor.post("/workspaces/acme/roadmaps", {"name": "Marketing"}).json()
    add_item(editor, product, "A")
    add_item(editor, other, "B")
    portfolio = editor.post(
        "/workspaces/acme/roadmaps",
        {"name": "All", "kind": "portfolio", "includes": [product["id"], other["id"]]},
    )
    assert portfolio.status_code == 201 and portfolio.json()["includes"] == sorted(
        [product["id"], other["id"]]
    )
    assert portfolio.json()["item_count"] == 2
    items = editor.get(f"/workspaces/acme/roadmaps/{portfolio.json()['id']}/items").json()
    assert sorted(i["title"] for i in items["items"]) == ["A", "B"]
    patched = editor.patch(
        f"/workspaces/acme/roadmaps/{portfolio.json()['id']}",
        {"version": 1, "includes": [other["id"]]},
    )
    assert patched.json()["includes"] == [other["id"]] and patched.json()["item_count"] == 1


def test_ids_of_another_workspace_are_not_found_or_invalid_and_change_nothing(
    cast, api, editor, product
):
    outsider = cast.outsider
    theirs = services.roadmap_create(member=outsider, name="Theirs", lanes=["Secret lane"])
    their_item = services.item_create(
        member=outsider, roadmap_id=theirs.pk, title="Secret", bucket="now"
    )
    their_lane = theirs.lanes.get()
    mine = add_item(editor, product, "Mine")

    def snapshot():
        return (
            list(
                RoadmapItem.objects.order_by("pk").values_list(
                    "pk", "roadmap_id", "lane_id", "title", "start_date", "version"
                )
            ),
            Dependency.objects.count(),
            Milestone.objects.count(),
            ShareLink.objects.count(),
        )

    before = snapshot()
    # In the path: 404, as if it did not exist.
    for method, path, body in [
        ("get", f"/roadmaps/{theirs.pk}", None),
        ("get", f"/roadmaps/{theirs.pk}/timeline", None),
        ("get", f"/roadmaps/{theirs.pk}/items", None),
        ("get", f"/items/{their_item.pk}", None),
        ("post", f"/roadmaps/{theirs.pk}/items", {"title": "In", "bucket": "now"}),
        ("patch", f"/items/{their_item.pk}", {"version": 1, "title": "Mine now"}),
        (
            "post",
            f"/items/{their_item.pk}/move",
            {"version": 1, "start_date": day(0), "end_date": day(1)},
        ),
        ("delete", f"/items/{their_item.pk}", None),
        ("patch", f"/lanes/{their_lane.pk}", {"name": "Renamed"}),
        ("delete", f"/roadmaps/{theirs.pk}", None),
    ]:
        call = getattr(editor, method)
        response = (
            call(f"/workspaces/acme{path}", body)
            if body is not None
            else call(f"/workspaces/acme{path}")
        )
        assert response.status_code == 404, (method, path, response.content)
    # In the body: 422 naming the field.
    for path, body, field in [
        (
            f"/roadmaps/{product['id']}/items",
            {"title": "X", "bucket": "now", "lane_id": their_lane.pk},
            "lane_id",
        ),
        (
            f"/roadmaps/{product['id']}/items",
            {"title": "X", "bucket": "now", "parent_id": their_item.pk},
            "parent_id",
        ),
        (
            f"/items/{mine['id']}/move",
            {"version": 1, "start_date": day(0), "end_date": day(1), "lane_id": their_lane.pk},
            "lane_id",
        ),
        (
            "/dependencies",
            {"predecessor_id": their_item.pk, "successor_id": mine["id"]},
            "predecessor_id",
        ),
        ("/milestones", {"name": "M", "date": day(0), "roadmap_id": theirs.pk}, "roadmap_id"),
        ("/share-links", {"name": "S", "views": [{"roadmap": theirs.pk}]}, "views.0.roadmap"),
        ("/roadmaps", {"name": "P", "kind": "portfolio", "includes": [theirs.pk]}, "includes"),
    ]:
        response = editor.post(f"/workspaces/acme{path}", body)
        assert response.status_code == 422, (path, response.content)
        assert response.json()["errors"][0]["field"] == field
    patched = editor.patch(
        f"/workspaces/acme/items/{mine['id']}", {"version": 1, "roadmap_id": theirs.pk}
    )
    assert patched.status_code == 422 and patched.json()["errors"][0]["field"] == "roadmap_id"
    # Filters with their ids find nothing.
    assert editor.get("/workspaces/acme/dependencies", {"roadmap_id": theirs.pk}).status_code == 404
    assert (
        editor.get(
            f"/workspaces/acme/roadmaps/{product['id']}/items", {"lane_id": their_lane.pk}
        ).json()["count"]
        == 0
    )
    # Their own token does not open acme at all.
    assert (
        api(cast.tokens["outsider"]).get(f"/workspaces/acme/roadmaps/{product['id']}").status_code
        == 404
    )
    assert snapshot() == before
