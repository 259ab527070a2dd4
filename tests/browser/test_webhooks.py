"""Webhooks in a real browser on the demo: the admin finds them under Organization & settings, the
demo's paused webhook shows why it is paused, its delivery log the failed attempts, a delivery its
request and the errors. Screenshots land in test-artifacts/."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_the_paused_webhook_and_its_delivery_log(
    new_page, demo, artifacts, console_errors, page_check
):
    page = new_page(1280, 900)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/"))
    page.get_by_test_id("nav-more").locator("summary").click()
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", level=1)).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Roadmap news"))
    expect(row).to_contain_text("paused")
    expect(row).to_contain_text("failed deliveries in a row")
    page.screenshot(path=str(artifacts / "webhooks-1-list.png"), full_page=True)
    page_check(page, "webhooks list")

    row.get_by_role("link", name=re.compile("Roadmap news")).click()
    expect(page.get_by_test_id("paused-banner")).to_contain_text("could not be resolved")
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    log = page.get_by_role("region", name="Delivery log")
    expect(log.get_by_role("row")).to_have_count(4)  # the header and three deliveries
    page.screenshot(path=str(artifacts / "webhooks-2-paused.png"), full_page=True)
    page_check(page, "a paused webhook with its delivery log")

    log.get_by_role("link", name=re.compile(r"^#\d+")).first.click()
    expect(page.get_by_role("heading", name=re.compile("Attempt 1"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("Accord-Webhook-Signature: v1=…")
    page.screenshot(path=str(artifacts / "webhooks-3-delivery.png"), full_page=True)
    page_check(page, "a delivery's attempts")
    assert console_errors == []
