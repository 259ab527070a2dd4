"""A kiosk share link in a real browser: no sign-in, the timeline SVG, rotation to the next view,
a change made elsewhere showing up without a page reload, and revocation taking the screen down.

Screenshots at 1920x1080 land in test-artifacts/share-*.png.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kiosk(cast):
    from accord.roadmaps import services

    editor = cast.members["editor"]
    today = timezone.localdate()
    roadmap = services.roadmap_create(
        member=editor, name="Launch plan", lanes=["Platform", "Apps", "Marketing"]
    )
    lanes = {lane.name: lane.pk for lane in roadmap.lanes.all()}

    def item(title, lane, start, days, **extra):
        return services.item_create(
            member=editor, roadmap_id=roadmap.pk, title=title, lane_id=lanes[lane],
            start_date=today + timedelta(days=start), end_date=today + timedelta(days=start + days),
            **extra,
        )  # fmt: skip

    api = item("Public API v2", "Platform", -20, 50, status="in_progress", percent_done=45)
    item("Billing migration", "Platform", 35, 40, status="at_risk")
    mobile = item("Mobile app redesign", "Apps", -5, 45, status="in_progress", percent_done=20)
    item("Offline mode", "Apps", 45, 30)
    launch = item("Launch campaign", "Marketing", 40, 25)
    item("Customer webinar", "Marketing", 70, 3)
    item("Q3 planning", "Marketing", -40, 10, status="done", percent_done=100)
    services.dependency_create(member=editor, predecessor_id=api.pk, successor_id=launch.pk)
    services.milestone_create(
        member=editor, name="General availability", date_=today + timedelta(days=66),
        roadmap_id=roadmap.pk,
    )  # fmt: skip
    link, raw = services.share_link_create(
        member=editor,
        name="Office wall screen",
        views=[{"roadmap": roadmap.pk, "view": "timeline"}, {"roadmap": roadmap.pk, "view": "table"}],
        rotate_seconds=10,
    )
    return {"raw": raw, "link": link, "editor": editor, "mobile": mobile}


def test_a_kiosk_link_rotates_and_updates_in_place(new_page, kiosk, artifacts, console_errors):
    from accord.roadmaps import services
    from accord.roadmaps.models import RoadmapItem

    page = new_page(1920, 1080)
    response = page.goto(f"/share/{kiosk['raw']}")
    assert response.status == 200
    assert "/accounts/login" not in page.url  # no sign-in
    svg = page.locator("[data-testid=share-timeline] svg")
    svg.wait_for()
    assert "Mobile app redesign" in svg.inner_html()
    box = svg.bounding_box()
    assert box["width"] > 1500  # the timeline fills the screen
    assert page.locator("[data-kiosk-position]").inner_text() == "View 1 of 2"
    assert page.locator("a").count() == 0  # nothing to click into the app
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    page.wait_for_timeout(1200)  # the progress bar has started
    page.screenshot(path=str(artifacts / "share-1-timeline.png"))

    # The rotation brings the second view (the table) after 10 seconds.
    page.wait_for_selector("[data-view-kind=table]", timeout=16_000)
    assert page.locator("[data-kiosk-position]").inner_text() == "View 2 of 2"
    assert page.locator("[data-kiosk-dot].is-current").inner_text().endswith("Table")
    page.wait_for_timeout(600)
    page.screenshot(path=str(artifacts / "share-2-table.png"))

    # Someone moves on: the kiosk shows it within a poll, in place.
    mobile = RoadmapItem.objects.get(pk=kiosk["mobile"].pk)
    services.item_update(
        member=kiosk["editor"], item_id=mobile.pk, version=mobile.version,
        title="Mobile app redesign (beta out)", status="done", percent_done=100,
    )  # fmt: skip
    page.locator("[data-kiosk-stage]").get_by_text("(beta out)").first.wait_for(timeout=12_000)
    assert page.evaluate("window.__sameDocument") is True
    page.screenshot(path=str(artifacts / "share-3-updated.png"))

    # And back to the timeline, which has the change too.
    page.wait_for_selector("[data-view-kind=timeline]", timeout=16_000)
    assert "(beta out)" in page.locator("[data-testid=share-timeline] svg").inner_html()
    assert page.evaluate("window.__sameDocument") is True
    page.wait_for_timeout(600)
    page.screenshot(path=str(artifacts / "share-4-timeline-updated.png"))
    assert console_errors == []

    # Revoking the link takes the screen down at the next poll.
    services.share_link_revoke(member=kiosk["editor"], link_id=kiosk["link"].pk)
    page.wait_for_selector("text=This link does not work", timeout=12_000)
    assert "Mobile app" not in page.content()
    page.screenshot(path=str(artifacts / "share-5-revoked.png"))
    unexpected = [e for e in console_errors if "404" not in e]
    assert unexpected == []
