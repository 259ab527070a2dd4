"""Stage as a first-class field beyond the initiatives' own pages: the roadmap views filter by it
(timeline, board, table, saved views, share links, exports) and colour their bars by it (timeline,
legend, SVG/PNG/PDF, API); the ideas table shows it and the ideas board groups by it; the goals
tree shows it and groups by it."""

import json
import re
from datetime import date

import pytest
from django.utils import timezone

from accord.core.errors import Invalid
from accord.roadmaps import colours
from accord.roadmaps import services as rm
from accord.roadmaps.models import RoadmapItem, SavedView

D = date(2030, 1, 1)


@pytest.fixture
def plan(ws):
    """A roadmap of four dated items: one in a Build initiative, one in Build and Discovery, one in
    Launch only, one in no initiative; and an archived Launch initiative holding the first item."""
    admin = ws.members["admin"]
    roadmap = rm.roadmap_create(member=admin, name="Product")
    mk = lambda title: rm.item_create(member=admin, roadmap_id=roadmap.pk, title=title,  # noqa: E731
                                      start_date=D, end_date=date(2030, 2, 1))  # fmt: skip
    items = {t: mk(t) for t in ("Reports engine", "Alert rules", "Launch emails", "Loose end")}
    ws.mk(
        "Reports 2.0",
        key="build",
        roadmap_item_ids=[items["Reports engine"].pk, items["Alert rules"].pk],
    )
    ws.mk("Alerts", key="discovery", roadmap_item_ids=[items["Alert rules"].pk])
    ws.mk("Spring launch", key="launch", roadmap_item_ids=[items["Launch emails"].pk])
    old = ws.mk("Old launch", key="launch", roadmap_item_ids=[items["Reports engine"].pk])
    old.archived_at = timezone.now()
    old.save()
    ws.roadmap, ws.items = roadmap, items
    return ws


@pytest.fixture
def editor(client, plan):
    client.force_login(plan.members["editor"].user)
    return client


def _payload(html: str) -> dict:
    found = re.search(
        r'<script id="timeline-data" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(found.group(1))


def _titles(payload: dict) -> set[str]:
    return {i["t"] for i in payload["items"]}


def test_the_roadmap_views_filter_by_stage(editor, plan):
    url = f"/w/acme/roadmaps/{plan.roadmap.pk}"
    page = editor.get(url, {"stage": "build"}).content.decode()
    assert 'id="f_stage"' in page and '<option value="build" selected>Build</option>' in page
    assert _titles(_payload(page)) == {"Reports engine", "Alert rules"}
    assert "<strong>2</strong> items match the filters" in page
    # the export menu and the other views keep the filter
    assert "export.svg?stage=build" in page.replace(f"/w/acme/roadmaps/{plan.roadmap.pk}/", "")
    board = editor.get(f"{url}/board", {"stage": "launch"}).content.decode()
    assert (
        "<strong>1</strong> item match" in board
    )  # Launch emails: Reports engine's Launch is archived
    table = editor.get(f"{url}/table", {"stage": "discovery"}).content.decode()
    assert "Alert rules" in table and "Reports engine" not in table
    # the table shows each item's stages, in lifecycle order, in the stage's colour
    everything = editor.get(f"{url}/table").content.decode()
    row = everything[everything.index("Alert rules") :]
    row = row[: row.index("</tbody>")]
    assert re.findall(r'data-facet-value="(\w+)"', row) == ["discovery", "build"]
    assert 'fill="#0f766e"' in row  # Build's colour
    # an unknown stage matches nothing rather than failing
    assert _titles(_payload(editor.get(url, {"stage": "nope"}).content.decode())) == set()


def test_a_saved_view_and_a_share_link_keep_the_stage_filter(editor, plan):
    admin = plan.members["admin"]
    response = editor.post(
        f"/w/acme/roadmaps/{plan.roadmap.pk}/views",
        {"view": "table", "name": "In build", "stage": "build"},
    )
    assert response.status_code == 302 and "stage=build" in response["Location"]
    assert SavedView.objects.get(name="In build").filters == {"stage": "build"}
    with pytest.raises(Invalid) as refused:
        rm.saved_view_create(
            member=admin, roadmap_id=plan.roadmap.pk, name="Bad", filters={"stage": "nope"}
        )
    assert refused.value.errors[0].field == "filters.stage"
    from accord.roadmaps.views_public import SharedView

    link, _token = rm.share_link_create(member=admin, name="Wall", views=[
        {"roadmap": plan.roadmap.pk, "view": "timeline", "filters": {"stage": "launch"}}])  # fmt: skip
    shared = SharedView(0, plan.roadmap, "timeline", link.views[0]["filters"])
    assert [i.title for i in shared.data()["items"]] == ["Launch emails"]
    assert shared.filter_summary() == ["Stage: Launch"]


def test_exports_filter_and_colour_by_stage(editor, plan):
    roadmap = plan.roadmap
    url = f"/w/acme/roadmaps/{roadmap.pk}/export"
    svg = editor.get(f"{url}.svg", {"stage": "build"}).content.decode()
    assert "Reports engine" in svg and "Launch emails" not in svg
    assert editor.get(f"{url}.svg", {"stages": "build"}).status_code == 400  # still strict
    rm.roadmap_update(member=plan.members["admin"], roadmap_id=roadmap.pk, version=roadmap.version,
                      color_by="stage")  # fmt: skip
    svg = editor.get(f"{url}.svg").content.decode()
    build, launch = colours.PALETTE[1], colours.PALETTE[4]  # the nearest to #0f766e and #b45309
    bar = lambda title: re.search(rf'<rect [^>]*fill="(#\w+)"><title>{title} ·', svg).group(1)  # noqa: E731
    assert (bar("Reports engine"), bar("Launch emails")) == (build, launch)
    assert bar("Alert rules") == colours.PALETTE[0]  # in Discovery and Build: the earlier stage
    assert bar("Loose end") == colours.MUTED_FILL
    # the legend says so, in lifecycle order, with the items in no initiative last
    legend = re.findall(r">(Discovery|Build|Launch|No initiative|Planned)</text>", svg)
    assert legend == ["Discovery", "Build", "Launch", "No initiative"]
    assert editor.get(f"{url}.png").content[:4] == b"\x89PNG"
    assert editor.get(f"{url}.pdf").content[:5] == b"%PDF-"


def test_the_timeline_colours_bars_and_chips_by_stage_with_its_legend(editor, plan):
    admin = plan.members["admin"]
    roadmap = plan.roadmap
    rm.item_create(member=admin, roadmap_id=roadmap.pk, title="Someday", bucket="later")
    plan.mk(
        "Someday things",
        key="retire",
        roadmap_item_ids=[RoadmapItem.objects.get(title="Someday").pk],
    )
    settings = editor.get(f"/w/acme/roadmaps/{roadmap.pk}").content.decode()
    assert '<option value="stage" >Stage</option>' in settings.replace("selected", "")  # offered
    rm.roadmap_update(
        member=admin, roadmap_id=roadmap.pk, version=roadmap.version, color_by="stage"
    )
    page = editor.get(f"/w/acme/roadmaps/{roadmap.pk}").content.decode()
    payload = _payload(page)
    assert payload["roadmap"]["colorBy"] == "stage"
    by_title = {i["t"]: str(i["id"]) for i in payload["items"]}
    of = payload["colors"]["maps"]["item"]
    assert of[by_title["Reports engine"]] == 1 and of[by_title["Loose end"]] == "muted"
    assert payload["colors"]["legend"] == [
        {"c": 0, "n": "Discovery"}, {"c": 1, "n": "Build"}, {"c": 4, "n": "Launch"},
        {"c": 6, "n": "Retire"}, {"c": "muted", "n": "No initiative"},
    ]  # fmt: skip
    assert "Colour: stage" in page
    assert re.search(r'class="tl-chip rm-c-6"[^>]*>.*?Someday', page, re.S)  # the undated chip too


def test_colour_by_stage_through_the_api_and_bad_values(
    client, plan, django_assert_max_num_queries
):
    token_user = plan.members["admin"].user
    client.force_login(token_user)
    roadmap = plan.roadmap
    url = f"/api/v1/workspaces/acme/roadmaps/{roadmap.pk}"
    bad = client.patch(
        url, {"version": roadmap.version, "color_by": "mood"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "color_by" in bad.content.decode()
    good = client.patch(
        url, {"version": roadmap.version, "color_by": "stage"}, content_type="application/json"
    )
    assert good.status_code == 200 and good.json()["color_by"] == "stage"
    # the timeline costs the same queries for 4 items as for 24
    page = f"/w/acme/roadmaps/{roadmap.pk}"
    client.get(page)
    with django_assert_max_num_queries(40) as few:
        client.get(page)
    for n in range(20):
        rm.item_create(member=plan.members["admin"], roadmap_id=roadmap.pk, title=f"More {n}", start_date=D,
                       end_date=D)  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(page)


def test_ideas_show_their_stage_and_the_board_groups_by_it(editor, plan):
    from accord.ideas.services import idea_create

    admin = plan.members["admin"]
    both = idea_create(member=admin, title="Anomaly alerts")
    idea_create(member=admin, title="Dark mode")
    plan.mk("Alerts 2", key="build", idea_ids=[both.pk])
    plan.mk("Alerts 3", key="grow", idea_ids=[both.pk])
    table = editor.get("/w/acme/ideas").content.decode()
    assert '<th scope="col">Stage</th>' in table
    row = table[table.index("Anomaly alerts") :]
    row = row[: row.index("</tr>")]
    assert re.findall(r'data-facet-value="(\w+)"', row) == ["build", "grow"]
    board = editor.get("/w/acme/ideas/board", {"by": "stage"}).content.decode()
    columns = re.findall(r'data-testid="board-column-(stage-\w+)"', board)
    assert columns[:3] == [
        "stage-strategy",
        "stage-discovery",
        "stage-build",
    ]  # every stage, in order
    assert columns[-1] == "stage-none"
    build = board[
        board.index('board-column-stage-build"') : board.index('board-column-stage-launch"')
    ]
    grow = board[
        board.index('board-column-stage-grow"') : board.index('board-column-stage-mature"')
    ]
    assert "Anomaly alerts" in build and "Anomaly alerts" in grow  # in both of its stages
    assert "Dark mode" in board[board.index('board-column-stage-none"') :]
    assert "data-status-form" not in board  # the stage is not moved from here
    assert 'aria-current="page"><span>By stage' in board
    assert "data-status-form" in editor.get("/w/acme/ideas/board").content.decode()


def test_goals_show_their_stage_and_group_by_it(editor, plan):
    from accord.goals import services as goals

    admin = plan.members["admin"]
    from accord.workspaces import services as workspaces

    product = workspaces.team_create(member=admin, name="Product", kind="product")
    company = goals.goal_create(member=admin, title="Grow revenue", period="2031-Q1")
    child = goals.goal_create(member=admin, title="Ship the reports", parent_id=company.pk,
                              level="department", team_ids=[product.pk], period="2031-Q1")  # fmt: skip
    plan.mk("Reports 3", key="build", goal_ids=[child.pk])
    tree = editor.get("/w/acme/goals").content.decode()
    assert 'data-facet-value="build"' in tree and 'id="id_group"' in tree
    grouped = editor.get("/w/acme/goals", {"group": "stage"}).content.decode()
    build = grouped[grouped.index('data-testid="goal-group-build"') :]
    assert build.index("Ship the reports") < build.index('data-testid="goal-group-none"')
    assert "Grow revenue" in build[build.index('data-testid="goal-group-none"') :]
