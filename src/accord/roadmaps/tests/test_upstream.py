"""What changed, across roadmaps: a release that slips on the product roadmap shows on the
marketing roadmap whose campaign waits for it, with the effect on the campaign."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.roadmaps import selectors, services
from accord.roadmaps.models import ItemSnapshot, RoadmapItem

pytestmark = pytest.mark.django_db

D = date(2030, 1, 1)


def day(n: int) -> date:
    return D + timedelta(days=n)


def fresh(item: RoadmapItem) -> RoadmapItem:
    return RoadmapItem.objects.get(pk=item.pk)


@pytest.fixture
def plans(cast):
    """Product: "Reporting 2.0 release" (days 0-30). Marketing: "Launch campaign" (days 35-50)
    waits for it. The history so far is from yesterday; `since` is an hour ago."""
    editor = cast.members["editor"]
    product = services.roadmap_create(member=editor, name="Product")
    marketing = services.roadmap_create(member=editor, name="Marketing", kind="marketing")
    release = services.item_create(
        member=editor, roadmap_id=product.pk, title="Reporting 2.0 release",
        start_date=day(0), end_date=day(30),
    )  # fmt: skip
    campaign = services.item_create(
        member=editor, roadmap_id=marketing.pk, title="Launch campaign",
        start_date=day(35), end_date=day(50),
    )  # fmt: skip
    services.dependency_create(member=editor, predecessor_id=release.pk, successor_id=campaign.pk)
    ItemSnapshot.objects.update(at=timezone.now() - timedelta(days=1))
    return {
        "editor": editor, "product": product, "marketing": marketing, "release": release,
        "campaign": campaign, "since": timezone.now() - timedelta(hours=1),
    }  # fmt: skip


def move(plans, item, start: int, end: int) -> None:
    services.item_move(
        member=plans["editor"], item_id=item.pk, version=fresh(item).version,
        start_date=day(start), end_date=day(end),
    )  # fmt: skip


def upstream(plans, roadmap="marketing"):
    return selectors.diff(roadmap=plans[roadmap], since=plans["since"])["upstream"]


def test_a_slipping_release_shows_on_the_roadmap_whose_campaign_it_now_blocks(plans):
    move(plans, plans["release"], 14, 44)
    [row] = upstream(plans)
    assert row["text"] == "Launch campaign is now blocked: Reporting 2.0 release moved 14 days later"
    assert (row["effect"], row["blocked_before"], row["blocked_after"]) == ("now_blocked", False, True)
    assert (row["item_id"], row["predecessor_id"]) == (plans["campaign"].pk, plans["release"].pk)
    assert (row["roadmap_name"], row["days"], row["end_days"]) == ("Product", 14, 14)
    # The product roadmap's own page shows the move as its own change, not as an upstream one.
    assert upstream(plans, "product") == []


def test_the_effect_is_told_whatever_it_is(plans):
    move(plans, plans["release"], 2, 32)  # still ends before the campaign starts
    [row] = upstream(plans)
    assert row["effect"] == "unaffected"
    assert row["text"] == "Launch campaign is not blocked: Reporting 2.0 release moved 2 days later"
    services.item_update(
        member=plans["editor"], item_id=plans["release"].pk, end_date=day(40),
        start_date=day(2), version=fresh(plans["release"]).version, status="at_risk",
    )  # fmt: skip
    [row] = upstream(plans)
    assert row["text"] == (
        "Launch campaign is now blocked: Reporting 2.0 release moved 2 days later and is now at risk"
    )
    # Since a moment it was already blocked: it stays blocked, or is freed.
    plans["since"] = timezone.now()
    move(plans, plans["release"], 2, 42)
    assert upstream(plans)[0]["effect"] == "still_blocked"
    move(plans, plans["release"], 2, 30)
    [row] = upstream(plans)
    assert row["effect"] == "unblocked"
    assert row["text"] == (
        "Launch campaign is no longer blocked: Reporting 2.0 release now ends 10 days earlier"
    )


def test_edits_that_do_not_touch_the_schedule_and_unrelated_items_are_not_upstream(plans, cast):
    editor = plans["editor"]
    services.item_update(
        member=editor, item_id=plans["release"].pk, version=fresh(plans["release"]).version,
        title="Reporting 2.0 GA", description="Renamed",
    )  # fmt: skip
    other = services.item_create(
        member=editor, roadmap_id=plans["product"].pk, title="Unrelated",
        start_date=day(0), end_date=day(3),
    )  # fmt: skip
    move(plans, other, 20, 60)
    theirs = services.roadmap_create(member=cast.outsider, name="Product")
    services.item_create(
        member=cast.outsider, roadmap_id=theirs.pk, title="Their release",
        start_date=day(0), end_date=day(3),
    )  # fmt: skip
    assert upstream(plans) == []


def test_a_portfolio_sees_upstream_changes_only_from_roadmaps_it_does_not_include(plans):
    editor = plans["editor"]
    both = services.roadmap_create(
        member=editor, name="Everything", kind="portfolio",
        includes=[plans["product"].pk, plans["marketing"].pk],
    )  # fmt: skip
    launch = services.roadmap_create(
        member=editor, name="Go to market", kind="portfolio", includes=[plans["marketing"].pk]
    )
    plans |= {"both": both, "launch": launch}
    move(plans, plans["release"], 14, 44)
    assert upstream(plans, "both") == []  # the release is one of its own items
    assert [r["effect"] for r in upstream(plans, "launch")] == ["now_blocked"]


def test_the_query_count_does_not_grow_with_dependencies_or_roadmaps(plans):
    move(plans, plans["release"], 14, 44)
    with CaptureQueriesContext(connection) as one:
        assert len(upstream(plans)) == 1
    editor = plans["editor"]
    for n in range(3):
        rm = services.roadmap_create(member=editor, name=f"IT {n}", kind="it")
        for m in range(2):
            pred = services.item_create(
                member=editor, roadmap_id=rm.pk, title=f"Upgrade {n}.{m}",
                start_date=day(0), end_date=day(10),
            )  # fmt: skip
            services.dependency_create(
                member=editor, predecessor_id=pred.pk, successor_id=plans["campaign"].pk,
                kind="start_to_start",
            )  # fmt: skip
            ItemSnapshot.objects.filter(item_id=pred.pk).update(at=plans["since"] - timedelta(hours=1))
            move(plans, pred, 1 + m, 11 + m)
    with CaptureQueriesContext(connection) as seven:
        assert len(upstream(plans)) == 7
    assert len(seven) == len(one)


def test_the_api_and_the_page_show_it(plans, cast, api):
    move(plans, plans["release"], 14, 44)
    since = plans["since"].isoformat()
    response = api(cast.tokens["viewer"]).get(
        f"/workspaces/acme/roadmaps/{plans['marketing'].pk}/changes", {"since": since}
    )
    assert response.status_code == 200, response.content
    [row] = response.json()["upstream"]
    assert row["effect"] == "now_blocked" and row["roadmap_name"] == "Product"
    assert row["before"]["start_date"] == day(0).isoformat()
    assert row["after"]["start_date"] == day(14).isoformat()
    client = Client()
    client.force_login(cast.members["viewer"].user)
    page = client.get(
        f"/w/acme/roadmaps/{plans['marketing'].pk}/changes",
        {"since": timezone.localdate(plans["since"]).isoformat()},
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Launch campaign is now blocked: Reporting 2.0 release moved 14 days later" in html
    assert f"/w/acme/roadmaps/{plans['product'].pk}" in html  # where the change happened
    assert "Nothing changed" not in html
