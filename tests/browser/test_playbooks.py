"""Playbooks in a real browser, on the demo workspace: an IT lead starts a run of "Incident
response" in one click, checks steps off and sees the progress; a post-mortem's action item becomes
an idea, and the idea's page links back. Screenshots land in /tmp/shots-playbooks/ and
test-artifacts/playbooks-*.png."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def shot(page, artifacts, name):
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(artifacts / f"playbooks-{name}.png"), full_page=True)


def test_run_a_playbook_and_turn_an_action_item_into_an_idea(
    new_page, demo, artifacts, console_errors, page_check
):
    page = new_page(1280, 900)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))
    expect(page.get_by_test_id("home-overdue-actions")).to_contain_text(
        "Add a marketing step to the incident playbook"
    )

    page.get_by_role("link", name="Playbooks", exact=True).click()
    expect(page.get_by_test_id("playbooks")).to_contain_text("Tier 1 launch")
    page_check(page, "playbooks")
    shot(page, artifacts, "1-list")

    page.get_by_role("link", name="Incident response", exact=True).click()
    expect(page.get_by_test_id("playbook-steps")).to_contain_text("Name the incident lead")
    page_check(page, "playbook")
    shot(page, artifacts, "2-playbook")
    page.get_by_test_id("start-run").click()

    page.wait_for_url(re.compile(r"/playbooks/runs/\d+$"))
    steps = page.get_by_test_id("run-steps")
    expect(page.get_by_test_id("run-progress")).to_contain_text("0%")
    steps.locator("li", has_text="Name the incident lead").get_by_role(
        "button", name=re.compile("^Check off")
    ).click()
    steps.locator("li", has_text="Tell customer-facing teams").get_by_role(
        "button", name=re.compile("^Check off")
    ).click()
    expect(steps.locator("li", has_text="Tell customer-facing teams")).to_contain_text("Done")
    expect(page.get_by_test_id("run-progress")).to_contain_text(
        "40%"
    )  # 2 of 5: the status page step is skipped
    expect(steps.locator("li", has_text="Post on the status page")).to_contain_text("Skipped")
    page_check(page, "run")
    shot(page, artifacts, "3-run")

    page.get_by_role("link", name="Post-mortems", exact=True).click()
    page.get_by_role("link", name="EU sign-in outage").click()
    items = page.get_by_test_id("action-items")
    expect(page.get_by_test_id("closure-rate")).to_contain_text("25%")
    row = items.locator("li", has_text="Automatic rollback for certificate rotations")
    row.get_by_role("button", name=re.compile("^Make it an idea")).click()
    expect(page.locator("body")).to_contain_text("The action item is now an idea.")
    expect(row).to_contain_text("Idea:")
    page_check(page, "post-mortem")
    shot(page, artifacts, "4-postmortem")

    row.get_by_role("link", name="Automatic rollback for certificate rotations").click()
    expect(page.get_by_test_id("from-postmortem")).to_contain_text("EU sign-in outage")
    shot(page, artifacts, "5-idea")
    assert console_errors == []
