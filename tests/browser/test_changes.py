"""Change control in a real browser, on the demo workspace: the IT operations manager files a website
change whose window falls in the Reporting 2.0 launch campaign, sees the conflict (and which rule
fired) and the proposed free slot; the product marketing manager finds it on her home page, assesses
the marketing impact and signs; the change is on the next review meeting's agenda.
Screenshots land in /tmp/shots-changes/ and test-artifacts/changes-*.png."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def shot(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"changes-{name}.png"), full_page=True)


def sign_in(page, email, password):
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))


def test_a_website_change_meets_the_launch_campaign(
    new_page, demo, artifacts, page_check, console_errors
):
    today = timezone.localdate()
    day = (
        today - timedelta(days=today.weekday()) + timedelta(days=55)
    )  # inside the launch campaign (days 49-70)
    it = new_page(1366, 900)
    sign_in(it, "david@lumen.example", demo["password"])
    it.get_by_role("link", name="Changes", exact=True).click()
    expect(it.get_by_test_id("change-calendar")).to_be_visible()
    page_check(it, "changes list")
    it.get_by_role("link", name="New change").click()

    it.get_by_label("What changes").fill("Switch the website's image pipeline")
    it.get_by_label("Area or system").fill("website")
    it.get_by_label("Window starts").fill(f"{day.isoformat()}T20:00")
    it.get_by_label("Window ends").fill(f"{day.isoformat()}T22:00")
    it.get_by_label("Window ends").dispatch_event("change")
    conflicts = it.get_by_test_id("conflicts")
    expect(conflicts).to_contain_text("Reporting 2.0 launch campaign")
    expect(conflicts).to_contain_text(
        "Rule: Campaign on “website” (Marketing roadmap) runs in this window"
    )
    expect(conflicts.get_by_test_id("free-slot")).to_contain_text("Next free slot")
    it.get_by_label("Rollback plan").fill("Switch the pipeline flag back.")
    page_check(it, "new change with its conflicts")
    shot(it, artifacts, "1-conflict-and-free-slot")

    it.get_by_role("button", name="File and submit for review").click()
    expect(it.get_by_role("heading", level=1)).to_contain_text(
        "Switch the website's image pipeline"
    )
    expect(it.get_by_role("heading", level=1)).to_contain_text("In review")
    expect(it.get_by_test_id("impacts")).to_contain_text("Waiting for")
    expect(it.get_by_test_id("conflicts")).to_contain_text("Reporting 2.0 launch campaign")
    change_url = it.url

    marketing = new_page(1366, 900)
    sign_in(marketing, "sofia@lumen.example", demo["password"])
    card = marketing.get_by_test_id("home-changes")
    expect(card).to_contain_text("Switch the website's image pipeline")
    card.get_by_role("link", name="Switch the website's image pipeline").click()
    assert marketing.url == change_url
    mine = marketing.get_by_test_id("impact-marketing")
    mine.get_by_label("Marketing impact").select_option("high")
    mine.get_by_label("Note").fill("Launch week: move it after the campaign.")
    mine.get_by_role("button", name="Assess and sign").click()
    mine = marketing.get_by_test_id("impact-marketing")
    expect(mine).to_contain_text("Signed by Sofia Lindqvist")
    expect(mine).to_contain_text("Impact: high")
    page_check(marketing, "signed change")
    shot(marketing, artifacts, "2-marketing-signed")

    marketing.get_by_role("navigation", name="Main").get_by_role("link", name="Changes").click()
    marketing.get_by_role("link", name="Review meetings").click()
    marketing.get_by_role("link", name="Change advisory board", exact=True).click()
    agenda = marketing.get_by_test_id("agenda")
    expect(agenda).to_contain_text("Switch the website's image pipeline")
    expect(agenda).to_contain_text("Move the marketing website to the new CDN")
    page_check(marketing, "review meeting")
    shot(marketing, artifacts, "3-review-agenda")
    assert console_errors == []
