"""Capacity planning in a real browser, on the demo workspace: a product manager opens Capacity,
sees each team's load, runs the optimizer, reads why "Mobile app for dashboards" did not fit and
what would make it fit, copies the plan into a scenario with one more engineer in the second
quarter, solves, compares, applies it to the product roadmap and sees the bar on the timeline.
Screenshots land in test-artifacts/capacity-*.png."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
MOBILE = "Mobile app for dashboards"


def shot(page, artifacts, name, max_height=3000):
    page.evaluate("window.scrollTo(0, 0)")
    size = page.evaluate(
        "[document.documentElement.clientWidth, document.documentElement.scrollHeight]"
    )
    page.screenshot(
        path=str(artifacts / f"{name}.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": size[0], "height": min(size[1], max_height)},
    )


def test_plan_within_capacity_then_hire_one_engineer_and_apply(
    new_page, demo, artifacts, page_check, console_errors
):
    from accord.capacity.models import Period

    second = Period.objects.filter(workspace__slug="lumen").order_by("start_date")[1].name
    page = new_page(1440, 900)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))

    page.get_by_role("link", name="Capacity", exact=True).click()
    load = page.get_by_test_id("load")
    expect(load).to_contain_text("Platform Engineering")
    expect(load).to_contain_text("/ 180 pd")
    page_check(page, "capacity")
    shot(page, artifacts, "capacity-1-load")

    page.get_by_role("link", name="Current plan").click()
    page.get_by_role("button", name="Run optimizer").click()
    out = page.get_by_test_id("left-out")
    row = out.get_by_role("row").filter(has_text=MOBILE)
    expect(row).to_contain_text("Capacity of Platform Engineering in " + second)
    expect(row).to_contain_text("more for Platform Engineering in " + second)
    expect(page.get_by_test_id("planned")).to_contain_text("Pinned to")
    page_check(page, "capacity scenario")
    shot(page, artifacts, "capacity-2-plan")

    page.get_by_label("Name of the copy").fill("One more engineer in " + second)
    page.get_by_role("button", name="Copy scenario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("One more engineer in " + second)
    page.get_by_label("Team", exact=True).first.select_option(label="Platform Engineering")
    page.locator("#chg-period").select_option(label=second)
    page.get_by_label("People more (or fewer, negative)").fill("1")
    page.get_by_role("button", name="Change capacity").click()
    expect(page.get_by_text("Platform Engineering in " + second + ": +1 people")).to_be_visible()
    page.get_by_role("button", name="Run optimizer").click()
    expect(page.get_by_test_id("planned")).to_contain_text(MOBILE)
    expect(page.get_by_test_id("plan-load")).to_contain_text("+60 person-days in this scenario")
    shot(page, artifacts, "capacity-3-scenario")

    page.get_by_role("link", name="Compare").click()
    expect(page.get_by_test_id("only-b")).to_contain_text(MOBILE)
    expect(page.get_by_test_id("compare-difference")).to_contain_text("+")
    page_check(page, "capacity compare")
    shot(page, artifacts, "capacity-4-compare")

    page.go_back()
    page.locator("#ap-rm").select_option(label="Product roadmap")
    page.get_by_role("button", name="Apply plan").click()
    expect(
        page.get_by_text(re.compile(r"Applied to Product roadmap: \d+ item\(s\) created"))
    ).to_be_visible()
    page.get_by_role("link", name="Product roadmap").first.click()
    expect(page.get_by_text(MOBILE).first).to_be_visible()
    shot(page, artifacts, "capacity-5-roadmap")
    assert not console_errors
