"""Goals in a real browser, on the demo workspace: the executive's big-screen scoreboard (no login,
refreshing itself), the product manager's goals tree, goal page and goal lanes on the roadmap
(items serving no goal stand out), and a marketer pushing a week of leads through the API with a
token and seeing the chart move. Screenshots land in test-artifacts/goals-*.png."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def shot(page, artifacts, name, max_height=2600):
    page.evaluate("window.scrollTo(0, 0)")
    size = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollHeight]")
    clip = {"x": 0, "y": 0, "width": size[0], "height": min(size[1], max_height)}
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True, clip=clip)


def sign_in(page, email, password):
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))


def assert_reads_from_across_the_room(screen):
    """At 1920x1080 the scoreboard uses the whole screen without scrolling; values are at least 48 px
    tall and sparklines wide enough to read."""
    board = screen.get_by_test_id("scoreboard").bounding_box()
    assert board["width"] >= 1800, board
    assert screen.evaluate("document.documentElement.scrollHeight <= innerHeight + 1")
    stage = screen.locator(".gl-kiosk-stage").last
    assert stage.evaluate("s => s.scrollHeight <= s.clientHeight + 1"), "the scoreboard scrolls on the wall screen"
    sizes = screen.locator(".gl-sb-kr-value strong").evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 48, sizes
    sparks = screen.locator(".gl-spark").evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
    assert sparks and min(sparks) >= 150, sparks


def test_executive_opens_the_scoreboard_on_the_big_screen(new_page, demo, artifacts, console_errors):
    page = new_page(1440, 900)
    sign_in(page, demo["email"], demo["password"])
    page.get_by_role("link", name="Scoreboard").first.click()
    board = page.get_by_test_id("scoreboard")
    expect(board).to_contain_text("Grow annual recurring revenue")
    expect(board.locator("#sb-product")).to_have_text("Product")
    expect(board).to_contain_text("Keep customers longer")
    expect(board).to_contain_text("Fill the pipeline")
    shot(page, artifacts, "goals-1-scoreboard")

    page.get_by_label("Name").fill("Lobby screen")
    page.get_by_label(re.compile("Check for new numbers")).fill("10")
    page.get_by_role("button", name="Create link").click()
    url = page.get_by_test_id("new-scoreboard-link").input_value()
    assert "/scoreboard/sbd_" in url

    screen = new_page(1920, 1080)  # the big screen: no cookies, no login
    screen.goto("/" + url.split("/", 3)[3])
    expect(screen.get_by_test_id("scoreboard")).to_contain_text("Net revenue retention")
    expect(screen.locator("[data-kiosk-live]")).to_contain_text("Live")
    assert not screen.locator("a[href*='/w/']").count()  # no way into the app from the screen
    assert_reads_from_across_the_room(screen)
    screen.screenshot(path=str(artifacts / "goals-2-big-screen.png"))

    # New numbers arrive: the screen swaps in the fresh board by itself (kiosk polling).
    from accord.goals import services
    from accord.goals.models import KeyResult
    from accord.workspaces.models import Membership

    kr = KeyResult.objects.get(name="Net promoter score")
    admin = Membership.objects.select_related("workspace", "user").get(user__email=demo["email"], workspace__slug="lumen")
    services.measurements_record(
        member=admin, on_duplicate="replace",
        rows=[{"key_result_id": kr.pk, "date": timezone.localdate(), "value": 77}],
    )  # fmt: skip
    expect(screen.get_by_test_id("scoreboard")).to_contain_text("77", timeout=30_000)
    assert not console_errors, console_errors


def test_product_manager_sees_which_items_serve_which_goal(new_page, demo, artifacts, console_errors):
    from accord.roadmaps import services as rm_services
    from accord.roadmaps.models import Roadmap
    from accord.workspaces.models import Membership

    page = new_page(1440, 900)
    sign_in(page, demo["email"], demo["password"])
    page.goto("/w/lumen/goals")
    tree = page.get_by_test_id("goal-tree")
    expect(tree).to_contain_text("Grow annual recurring revenue")
    expect(tree.locator(".gl-tree .gl-node", has_text="Keep customers longer")).to_be_visible()  # nested
    shot(page, artifacts, "goals-3-tree")

    tree.get_by_role("link", name="Keep customers longer").click()
    expect(page.get_by_test_id("linked-items")).to_contain_text("Onboarding checklist with sample data")
    expect(page.get_by_test_id("key-result").first.locator("svg polyline")).to_have_count(1)
    shot(page, artifacts, "goals-4-goal-page")

    admin = Membership.objects.select_related("workspace", "user").get(user__email=demo["email"], workspace__slug="lumen")
    product = Roadmap.objects.get(workspace__slug="lumen", name="Product roadmap")
    rm_services.roadmap_update(member=admin, roadmap_id=product.pk, version=product.version, lane_mode="goal")
    page.goto(f"/w/lumen/roadmaps/{product.pk}")
    page.wait_for_selector("[data-timeline][data-ready]")
    expect(page.locator(".tl-corner-title")).to_have_text("Goals")
    expect(page.get_by_text("No goal", exact=True).first).to_be_visible()
    expect(page.locator(".tl-bar.is-flagged").first).to_be_visible()
    shot(page, artifacts, "goals-5-timeline-by-goal")
    page.goto(f"/w/lumen/roadmaps/{product.pk}/table")
    expect(page.locator(".rm-flag-mark", has_text="No goal").first).to_be_visible()
    assert not console_errors, console_errors


def test_marketer_pushes_a_week_of_leads_and_sees_the_chart_move(new_page, demo, artifacts, console_errors):
    from accord.goals.models import Goal
    from accord.workspaces import services as ws_services
    from accord.workspaces.models import Membership

    marketer = Membership.objects.select_related("workspace", "user").get(user__email__startswith="aiko", workspace__slug="lumen")
    _token, raw = ws_services.token_create(member=marketer, name="HubSpot export")
    goal = Goal.objects.get(workspace__slug="lumen", title="Fill the pipeline")
    leads = goal.key_results.get(name__startswith="Marketing-qualified leads")

    page = new_page(1280, 900)
    sign_in(page, marketer.user.email, demo["password"])
    page.goto(f"/w/lumen/goals/{goal.pk}")
    before = page.get_by_test_id("kr-latest").first.inner_text()

    today = timezone.localdate()
    week = [{"key_result_id": leads.pk, "date": (today - timedelta(days=6 - n)).isoformat(), "value": 300 + 15 * n}
            for n in range(7)]  # fmt: skip
    response = page.request.post(
        "/api/v1/workspaces/lumen/measurements",
        data={"measurements": week, "on_duplicate": "replace"},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status == 201, response.text()
    assert response.json()["key_results"][0]["latest_value"] == 390

    page.reload()
    after = page.get_by_test_id("kr-latest").first.inner_text()
    assert after != before and after.startswith("390")
    page.locator(".gl-numbers summary").first.click()
    expect(page.locator(".gl-numbers").first).to_contain_text("390")
    shot(page, artifacts, "goals-6-after-push")
    assert not console_errors, console_errors


def test_the_scoreboard_takes_its_turn_in_a_roadmap_kiosk_rotation(new_page, demo, artifacts, console_errors):
    from accord.roadmaps import services as rm_services
    from accord.roadmaps.models import Roadmap
    from accord.workspaces.models import Membership

    admin = Membership.objects.select_related("workspace", "user").get(user__email=demo["email"], workspace__slug="lumen")
    roadmap = Roadmap.objects.filter(workspace=admin.workspace).order_by("pk").first()
    _link, raw = rm_services.share_link_create(
        member=admin, name="Lobby rotation", rotate_seconds=10,
        views=[{"roadmap": roadmap.pk, "view": "board"}, {"view": "scoreboard"}],
    )  # fmt: skip
    screen = new_page(1920, 1080)
    screen.goto(f"/share/{raw}")
    expect(screen.locator("[data-kiosk-position]")).to_contain_text("View 1 of 2")
    expect(screen.locator("[data-kiosk-dot]").nth(1)).to_have_text("Goals scoreboard")
    # The rotation swaps in the scoreboard after 10 seconds.
    expect(screen.get_by_test_id("scoreboard")).to_contain_text("Grow annual recurring revenue", timeout=30_000)
    expect(screen.locator("[data-kiosk-position]")).to_contain_text("View 2 of 2")
    assert not screen.locator("a[href*='/w/']").count()
    screen.wait_for_timeout(1000)  # the swap fades in: screenshot the settled screen
    assert_reads_from_across_the_room(screen)
    screen.screenshot(path=str(artifacts / "goals-5-kiosk-rotation.png"))
    assert not console_errors, console_errors
