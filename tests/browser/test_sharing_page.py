"""The sharing page in a real browser: an admin creates a kiosk link through the form, choosing the
views by their roadmap's name and putting them in rotation order with the arrow buttons (and by
dragging), and sees the link once.

Screenshots at 1280px: test-artifacts/sharing-*.png.
"""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_share_link_in_rotation_order(new_page, demo, artifacts, console_errors):
    from accord.roadmaps.models import Roadmap, ShareLink

    page = new_page(1280)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)

    page.goto(f"/w/{demo['slug']}/sharing")
    page.get_by_role("link", name="Sharing").wait_for()
    page.get_by_label("Name", exact=True).fill("Lobby screen")
    # Each view's checkbox says which roadmap it shows.
    page.get_by_role("checkbox", name="Product roadmap · Timeline").check()
    page.get_by_role("checkbox", name="Marketing roadmap · Board").check()
    page.get_by_role("checkbox", name="Goals scoreboard").check()
    # The scoreboard first: up, up, up... with the keyboard focus staying on its button.
    up = page.get_by_role("button", name="Move Goals scoreboard up")
    for _ in range(page.locator("[data-reorder-item]").count()):
        up.click()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Move Goals scoreboard up"
    assert page.locator("[data-reorder-status]").inner_text().startswith("Goals scoreboard: 1 of")
    # Then the board before the timeline, dragged there.
    board = page.locator("[data-reorder-item]", has_text="Marketing roadmap · Board")
    board.drag_to(page.locator("[data-reorder-item]", has_text="Product roadmap · Timeline"), target_position={"x": 40, "y": 2})
    order = page.locator("[data-reorder-item] label").all_inner_texts()
    assert order.index("Marketing roadmap · Board") < order.index("Product roadmap · Timeline")
    page.get_by_label("Rotate every (seconds)").fill("30")
    page.locator(".share-order").screenshot(path=str(artifacts / "sharing-order-1280.png"))
    page.get_by_role("button", name="Create share link").click()

    code = page.locator("#new-share-link")
    code.wait_for()
    assert "/share/shr_" in code.inner_text()
    assert page.get_by_test_id("share-links").locator(".row-title", has_text="Lobby screen").is_visible()
    page.screenshot(path=str(artifacts / "sharing-1280.png"), full_page=True)

    names = dict(Roadmap.objects.values_list("pk", "name"))
    stored = [names.get(v.get("roadmap"), v["view"]) for v in ShareLink.objects.get(name="Lobby screen").views]
    assert stored == ["scoreboard", "Marketing roadmap", "Product roadmap"]
    assert not console_errors, console_errors
