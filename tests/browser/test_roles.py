"""The RACI grid in a real browser, on the demo workspace: a product manager opens an initiative's
matrix, moves with the arrow keys, sets a cell by typing R and sees the "no Responsible" check go
away, clears it with Delete and sees it come back. Screenshots land in /tmp/shots-roles/."""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # with the other screenshots
NO_R = "“Positioning and pitch” has no Responsible."


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"roles-{name}.png"), full_page=True)


def test_keyboard_raci_grid_with_live_checks(new_page, demo, page_check, console_errors):
    from accord.roles.models import Activity

    activity = Activity.objects.select_related("initiative").get(
        initiative__workspace__slug="lumen", name="Positioning and pitch"
    )
    page = new_page(1440, 900)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))
    page.goto(f"/w/lumen/initiatives/{activity.initiative_id}/raci")

    grid = page.get_by_test_id("raci-grid")
    checks = page.locator("#raci-checks-box")
    expect(grid).to_be_visible()
    expect(checks).to_contain_text(NO_R)
    expect(checks).to_contain_text("Hannah Okafor is both product owner and scrum master")
    expect(checks).to_contain_text("has 2 Accountables")
    shot(page, "roles-1-grid")
    page_check(page, "RACI grid")

    headers = grid.locator("thead th .raci-col-name").all_inner_texts()
    target = headers.index("Marco Bianchi")
    row = grid.locator(f"tbody tr[data-activity='{activity.pk}']")
    row.locator("td.raci-cell").first.click()
    for _ in range(target):
        page.keyboard.press("ArrowRight")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith("Positioning and pitch, Marco Bianchi"), focused
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")

    page.keyboard.press("r")
    expect(page.get_by_test_id("raci-status")).to_contain_text(
        "Positioning and pitch, Marco Bianchi set to R"
    )
    expect(checks).not_to_contain_text(NO_R)
    expect(row.locator("td.raci-cell").nth(target)).to_have_text("R")
    shot(page, "roles-2-set-r")

    page.keyboard.press("Delete")
    expect(page.get_by_test_id("raci-status")).to_contain_text("set to empty")
    expect(checks).to_contain_text(NO_R)
    expect(row).to_have_class(re.compile("raci-flagged"))

    api_row = grid.locator("tbody tr", has_text="Build the report scheduler API")
    api_row.get_by_role("button", name="Suggest").click()
    expect(page.get_by_test_id("raci-suggestions")).to_contain_text(
        "Mei Chen"
    )  # has APIs, not yet on the row
    expect(page.get_by_test_id("raci-suggestions")).to_contain_text("has APIs")
    shot(page, "roles-3-cleared-and-suggested")
    page_check(page, "RACI grid after edits")
    assert list(console_errors) == []
