"""Initiatives in a real browser, on the demo workspace: the product marketing manager opens the
portfolio, goes to Lumen Insights 2.0 (in Build, its gate partly met and waiting for her signature),
ticks the last criterion with evidence, signs the gate and moves the release on to Launch; the
stage history shows the move. Screenshots land in /tmp/shots-initiatives/."""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # with the other screenshots


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"initiatives-{name}.png"), full_page=True)


def test_check_sign_and_move_a_release_through_its_gate(new_page, demo, page_check, console_errors):
    page = new_page(1440, 900)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill("sofia@lumen.example")
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))
    expect(page.get_by_test_id("home-gates")).to_contain_text("Lumen Insights 2.0")

    page.get_by_role("link", name="Initiatives").first.click()
    board = page.get_by_test_id("portfolio")
    build = board.locator("[data-stage=build]")
    expect(build).to_contain_text("Lumen Insights 2.0")
    expect(build.get_by_test_id("readiness")).to_have_text("2/3 criteria, 2/3 signed")
    expect(board.locator("[data-stage=discovery]")).to_contain_text("Spring campaign")
    page_check(page, "portfolio")
    shot(page, "1-portfolio")

    build.get_by_role("link", name="Lumen Insights 2.0").click()
    gate = page.get_by_test_id("gate")
    expect(gate.get_by_test_id("gate-readiness")).to_have_text("2/3 criteria, 2/3 signed")
    expect(gate).to_contain_text("Owner: own gate")  # Marco signed the gate of his own release
    page_check(page, "initiative page")
    shot(page, "2-initiative")

    criterion = "Quality, security and operations checks passed"
    gate.get_by_label(f"Evidence for {criterion}").fill("Pen test report, Oct 12")
    gate.locator("li", has_text=criterion).get_by_role(
        "button", name=re.compile(r"^Mark met")
    ).click()
    expect(page.get_by_test_id("gate-readiness")).to_have_text("3/3 criteria, 2/3 signed")

    page.get_by_test_id("sign-form").get_by_label("Comment").fill("Positioning and launch plan are ready")
    page.get_by_role("button", name="Sign the Build gate").click()
    expect(page.get_by_test_id("gate-readiness")).to_have_text("3/3 criteria, 3/3 signed")
    shot(page, "3-gate-met")

    page.get_by_label("To", exact=True).select_option(label="Launch (next)")
    page.get_by_label("Evidence").fill("Release candidate signed off by QA and marketing")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Launch")
    expect(page.get_by_test_id("stage-history")).to_contain_text("Build → Launch")
    expect(page.get_by_test_id("stage-history")).to_contain_text("Release candidate signed off")
    expect(page.get_by_test_id("gate-readiness")).to_have_text("0/3 criteria, no signers")
    shot(page, "4-moved")

    narrow = new_page(390, 844)
    narrow.context.add_cookies(page.context.cookies())
    narrow.goto(page.url.split("/initiatives")[0] + "/initiatives")
    expect(narrow.get_by_test_id("portfolio")).to_contain_text("Lumen Insights 2.0")
    page_check(narrow, "portfolio on a phone")
    shot(narrow, "5-portfolio-phone")
    assert console_errors == []
