"""The sharing page in a real browser: an admin creates a kiosk link through the form and sees it once.

Screenshot at 1280px: test-artifacts/sharing-1280.png.
"""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_share_link(new_page, demo, artifacts, console_errors):
    page = new_page(1280)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)

    page.goto(f"/w/{demo['slug']}/sharing")
    page.get_by_role("link", name="Sharing").wait_for()
    page.get_by_label("Name", exact=True).fill("Lobby screen")
    boxes = page.locator('input[name="views"]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_label("Rotate every (seconds)").fill("30")
    page.get_by_role("button", name="Create share link").click()

    code = page.locator("#new-share-link")
    code.wait_for()
    assert "/share/shr_" in code.inner_text()
    assert page.get_by_test_id("share-links").locator(".row-title", has_text="Lobby screen").is_visible()
    page.screenshot(path=str(artifacts / "sharing-1280.png"), full_page=True)
    assert not console_errors, console_errors
