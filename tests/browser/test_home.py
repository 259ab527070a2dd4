"""The home page and history wording in a real browser: Priya (Head of Product) signs in to what
needs her now, follows a conflict to the item, and reads its history in plain words.
Screenshots: test-artifacts/home-*.png."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def shot(page, artifacts, name, max_height=2600):
    page.evaluate("window.scrollTo(0, 0)")
    size = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollHeight]")
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": size[0], "height": min(size[1], max_height)})  # fmt: skip


def test_the_home_answers_what_needs_me_and_history_reads_in_words(new_page, demo, artifacts, console_errors):
    page = new_page(1280, 900)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill("priya@lumen.example")
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))

    health = page.get_by_test_id("plan-health")
    expect(health.get_by_role("link", name=re.compile(r"Roadmap conflicts"))).to_be_visible()
    expect(health.get_by_role("link", name=re.compile(r"Goals at risk"))).to_be_visible()
    expect(page.get_by_role("heading", name="Your goals at risk")).to_be_visible()
    expect(page.get_by_test_id("home-goals").get_by_role("link", name="Keep customers longer")).to_be_visible()
    expect(page.get_by_test_id("home-feedback").locator(".list-item").first).to_be_visible()
    conflicts = page.get_by_test_id("home-conflicts")
    expect(conflicts).to_contain_text("held up by your Product roadmap")
    shot(page, artifacts, "home-01-priya")

    page.set_viewport_size({"width": 390, "height": 860})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, artifacts, "home-02-priya-phone", max_height=4000)
    page.set_viewport_size({"width": 1280, "height": 900})

    conflicts.get_by_role("link", name="Reporting 2.0 launch campaign").click()
    page.wait_for_url(re.compile(r"/roadmaps/items/\d+"))  # the card links where the action is
    page.goto("/w/lumen/audit?object_type=roadmap+item&action=updated")
    entry = page.get_by_test_id("audit-list").locator("> li").first
    expect(entry).to_contain_text(re.compile(r"Avery Admin moved roadmap item Reporting 2\.0 release 14 days later: \w{3} \d+ → \w{3} \d+"))
    entry.get_by_role("link", name="Reporting 2.0 release").click()
    page.wait_for_url(re.compile(r"/roadmaps/items/\d+"))
    history = page.get_by_role("heading", name="History", exact=True).locator("xpath=..")
    expect(history).to_contain_text("moved this roadmap item 14 days later")
    expect(history).to_contain_text("created this roadmap item")
    assert not re.search(r"lane_id|_id\b|\{'|\bFalse\b|\bTrue\b", history.inner_text())
    history.scroll_into_view_if_needed()
    shot(page, artifacts, "home-03-item-history")
    assert console_errors == []
