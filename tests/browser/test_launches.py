"""A launch in a real browser, on the demo workspace: from the nav to the Reporting 2.0 launch,
its readiness at a glance, ticking a checklist task off (readiness moves), then its positioning
(two versions, product approved, marketing waiting) and the comparison of the versions.
Screenshots land in /tmp/shots-launches/."""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # with the other screenshots


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"launches-{name}.png"), full_page=True)


def test_launch_page_readiness_check_a_task_then_positioning(
    new_page, demo, console_errors, page_check
):
    page = new_page(1280, 900)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))

    page.get_by_role("link", name="Launches", exact=True).click()
    expect(page.get_by_test_id("launch-table")).to_contain_text("Reporting 2.0 launch")
    expect(page.get_by_test_id("launch-table")).to_contain_text("4/9 done")
    page_check(page, "launches")
    shot(page, "1-list")

    page.get_by_role("link", name="Reporting 2.0 launch").click()
    checklist = page.get_by_test_id("checklist")
    expect(checklist).to_contain_text("44%")
    expect(checklist).to_contain_text("1 blocked")
    expect(page.get_by_test_id("maps")).to_contain_text("No feature delivers “Trustworthy”")
    expect(page.get_by_test_id("maps")).to_contain_text("No user flow for the advocacy stage")
    page_check(page, "launch")
    shot(page, "2-launch")

    checklist.get_by_test_id("mark-done").first.click()
    expect(page.locator(".messages")).to_contain_text("Task updated")
    expect(page.get_by_test_id("checklist")).to_contain_text("5/9 done")
    expect(page.get_by_test_id("checklist")).to_contain_text("56%")
    shot(page, "3-ticked")

    page.get_by_test_id("positioning-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 2")
    review = page.get_by_test_id("review")
    expect(review).to_contain_text("Approved")
    expect(review.get_by_role("button", name="Approve for marketing")).to_be_visible()
    page.get_by_label("Compare").select_option("1")
    page.get_by_label("with").select_option("2")
    page.get_by_role("button", name="Compare").click()
    diff = page.get_by_test_id("positioning-diff")
    expect(diff).to_contain_text("Numbers that match the warehouse")
    page_check(page, "positioning")
    shot(page, "4-positioning")
    assert console_errors == []
