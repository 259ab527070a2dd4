"""How roadmap items, dependencies, milestones and sharing read in the history: "Editor moved
roadmap item Self-serve SSO from Build to Ship, Jan 5 → Jan 19 (14 days later)"."""

from datetime import date

import pytest

from accord.audit import history
from accord.audit.models import AuditEntry
from accord.roadmaps import services
from accord.roadmaps.models import RoadmapItem


def told(workspace, **filters):
    entry = AuditEntry.objects.filter(workspace=workspace, **filters).order_by("-id").first()
    return history.tell([entry], slug=workspace.slug)[0]


@pytest.fixture
def editor(cast):
    return cast.members["editor"]


@pytest.fixture
def roadmap(editor):
    return services.roadmap_create(member=editor, name="Product", lanes=["Build", "Ship"])


@pytest.fixture
def sso(editor, roadmap):
    build = roadmap.lanes.get(name="Build")
    return services.item_create(member=editor, roadmap_id=roadmap.pk, title="Self-serve SSO", lane_id=build.pk,
                                start_date=date(2030, 1, 5), end_date=date(2030, 2, 1))  # fmt: skip


def test_a_new_item_names_its_roadmap_lane_and_dates(cast, sso):
    story = told(cast.workspace, object_type="roadmap item")
    assert story.text == "Editor created roadmap item Self-serve SSO"
    assert [d.text for d in story.details] == [
        "Roadmap: Product", "Lane: Build", "Start: Jan 5, 2030", "End: Feb 1, 2030", "Status: Planned", "Percent done: 0 %",
    ]  # fmt: skip


def test_dragging_a_bar_to_another_lane_and_two_weeks_later(cast, editor, roadmap, sso):
    ship = roadmap.lanes.get(name="Ship")
    services.item_move(member=editor, item_id=sso.pk, version=sso.version, start_date=date(2030, 1, 19),
                       end_date=date(2030, 2, 15), lane_id=ship.pk)  # fmt: skip
    story = told(cast.workspace, object_type="roadmap item", action="updated")
    assert story.text == "Editor moved roadmap item Self-serve SSO from Build to Ship, Jan 5, 2030 → Jan 19, 2030 (14 days later)"
    assert story.text_here == "Editor moved this roadmap item from Build to Ship, Jan 5, 2030 → Jan 19, 2030 (14 days later)"


def test_dates_only_stretching_and_other_fields(cast, editor, sso):
    services.item_move(member=editor, item_id=sso.pk, version=sso.version, start_date=date(2030, 1, 12), end_date=date(2030, 2, 8))
    assert told(cast.workspace, action="updated").text == "Editor moved roadmap item Self-serve SSO 7 days later: Jan 5, 2030 → Jan 12, 2030"
    item = RoadmapItem.objects.get(pk=sso.pk)
    services.item_update(member=editor, item_id=sso.pk, version=item.version, end_date=date(2030, 3, 1), status="at_risk", percent_done=40)
    story = told(cast.workspace, action="updated")
    assert story.text == "Editor moved the end of roadmap item Self-serve SSO from Feb 8, 2030 to Mar 1, 2030"
    assert [d.text for d in story.details] == ["Changed Status from Planned to At risk", "Changed Percent done from 0 % to 40 %"]
    item = RoadmapItem.objects.get(pk=sso.pk)
    services.item_update(member=editor, item_id=sso.pk, version=item.version, undate=True, bucket="next")
    assert told(cast.workspace, action="updated").text == "Editor moved roadmap item Self-serve SSO from Jan 12, 2030\u2013Mar 1, 2030 to Next"


def test_dependencies_milestones_and_share_links_without_secrets(cast, editor, roadmap, sso):
    launch = services.item_create(member=editor, roadmap_id=roadmap.pk, title="Launch", start_date=date(2030, 3, 1), end_date=date(2030, 3, 9))
    services.dependency_create(member=editor, predecessor_id=sso.pk, successor_id=launch.pk)
    dep = told(cast.workspace, object_type="dependency")
    assert dep.text == "Editor added the dependency Launch waits for Self-serve SSO"
    assert [d.text for d in dep.details] == ["Kind: Finish to start"]
    services.milestone_create(member=editor, name="GA", date_=date(2030, 3, 10), roadmap_id=roadmap.pk)
    milestone = told(cast.workspace, object_type="milestone")
    assert (milestone.text, [d.text for d in milestone.details]) == ("Editor created milestone GA", ["Date: Mar 10, 2030", "Roadmap: Product"])
    services.share_link_create(member=cast.members["admin"], name="Board room", password="a-long-password",
                               views=[{"roadmap": roadmap.pk, "view": "board"}])  # fmt: skip
    link = told(cast.workspace, object_type="share link")
    assert link.text == "Ada Admin created share link Board room"
    assert [d.text for d in link.details] == ["Shows: Product (Board)", "With a password"]
    assert "password" not in link.as_text().replace("With a password", "")
