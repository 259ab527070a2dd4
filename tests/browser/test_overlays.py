"""Drawers and dialogs in a real browser, on the demo workspace: an idea opened from the table in the
side drawer (its address shareable, Escape and Back close it, focus goes in and comes back), the full
page in tabs, a roadmap item from the timeline, and dialogs whose refused forms keep what was typed
(New roadmap, Record a measurement) and Promote from the drawer.
Screenshots land in test-artifacts/overlays-*.png."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

IDEA = "HubSpot two-way sync"


def shot(page, artifacts, name):
    page.evaluate("Promise.all(document.getAnimations().map(a => a.finished))")  # the drawer has slid in
    page.screenshot(path=str(artifacts / f"overlays-{name}.png"))  # the viewport: what is over the page


def sign_in(page, demo):
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))


def focused_inside(page, selector: str) -> bool:
    return page.evaluate(f"!!document.activeElement.closest({selector!r})")


def focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def test_an_idea_opens_in_a_drawer_over_the_table(new_page, demo, artifacts, console_errors):
    page = new_page(1280, 860)
    sign_in(page, demo)
    page.goto("/w/lumen/ideas")
    page.evaluate("window.__sameDocument = true")  # survives the drawer, not a page load
    link = page.get_by_test_id("ideas-table").get_by_role("link", name=IDEA)

    # Open: the drawer shows the idea over the table, the address is the idea's, focus is inside.
    link.click()
    drawer = page.get_by_role("dialog", name=IDEA)
    expect(drawer).to_be_visible()
    expect(drawer.get_by_test_id("idea-drawer")).to_contain_text("Scores")
    page.wait_for_url(re.compile(r"/w/lumen/ideas/\d+$"))
    idea_url = page.url
    assert page.evaluate("window.__sameDocument === true")
    assert focused_inside(page, "#accord-drawer") and focused_text(page) == IDEA
    assert page.get_by_test_id("ideas-table").is_visible()  # the list stays under it
    shot(page, artifacts, "1-idea-drawer")

    # Escape closes it: the list's address again, focus back on the link that opened it.
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    page.wait_for_url(re.compile(r"/w/lumen/ideas$"))
    assert focused_text(page) == IDEA and page.evaluate("document.activeElement.matches('a.row-title')")

    # The browser's Back closes it too; Forward opens it again; its Close button closes it.
    link.click()
    expect(drawer).to_be_visible()
    page.go_back()
    expect(drawer).to_be_hidden()
    assert page.url.endswith("/w/lumen/ideas") and focused_text(page) == IDEA
    page.go_forward()
    expect(drawer).to_be_visible()
    assert page.url == idea_url
    drawer.get_by_role("button", name="Close").click()
    expect(drawer).to_be_hidden()
    page.wait_for_url(re.compile(r"/w/lumen/ideas$"))
    assert page.evaluate("window.__sameDocument === true")  # all of it without a page load

    # The shared address: a reload (or a colleague) gets the full page, in tabs.
    page.goto(idea_url)
    tabs = page.get_by_role("tablist", name="Sections of this idea")
    expect(tabs.get_by_role("tab", name="Overview")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("heading", name="Score history")).to_be_hidden()
    tabs.get_by_role("tab", name=re.compile("^Scores")).click()
    expect(page.get_by_role("heading", name="Score history")).to_be_visible()
    assert page.url.endswith("#scores")
    page.keyboard.press("ArrowRight")  # arrow keys move between tabs
    expect(tabs.get_by_role("tab", name="Evidence")).to_be_focused()
    expect(page.get_by_test_id("evidence-panel")).to_be_visible()
    assert page.url.endswith("#evidence")
    page.keyboard.press("End")
    expect(tabs.get_by_role("tab", name="History")).to_have_attribute("aria-selected", "true")
    page.reload()  # the tab is in the address
    expect(tabs.get_by_role("tab", name="History")).to_have_attribute("aria-selected", "true")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, artifacts, "2-idea-page-tabs")

    # A roadmap item from the timeline's details: in the drawer, with what it waits for.
    page.goto("/w/lumen/roadmaps")
    page.get_by_test_id("roadmap-list").locator(".rm-summary-link", has_text="Marketing roadmap").click()
    page.wait_for_selector("[data-timeline][data-ready]")
    page.locator('.tl-bar[aria-label^="Reporting 2.0 launch campaign;"]').first.click()
    page.locator("[data-tl-details]").get_by_role("link", name="Open item").click()
    item = page.get_by_role("dialog", name="Reporting 2.0 launch campaign")
    expect(item.get_by_test_id("drawer-dependencies")).to_contain_text("Waits for")
    page.wait_for_url(re.compile(r"/roadmaps/items/\d+\?from=\d+$"))
    shot(page, artifacts, "3-item-drawer")
    page.keyboard.press("Escape")
    expect(item).to_be_hidden()
    page.wait_for_url(re.compile(r"/roadmaps/\d+$"))
    assert focused_text(page) == "Open item"

    # On a phone the drawer takes the whole screen.
    phone = new_page(390, 844)
    sign_in(phone, demo)
    phone.goto("/w/lumen/feedback")
    phone.get_by_test_id("feedback-table").locator("a.row-title").first.click()
    sheet = phone.locator("#accord-drawer")
    expect(sheet.get_by_test_id("feedback-drawer")).to_be_visible()
    shot(phone, artifacts, "4-feedback-drawer-390")  # once it has slid in
    box = sheet.bounding_box()
    assert (box["x"], box["width"]) == (0, 390)  # the whole screen, whatever the page under it
    assert not console_errors, console_errors


def test_dialogs_keep_what_was_typed_after_a_refusal(new_page, demo, artifacts, console_errors, tmp_path):
    page = new_page(1280, 860)
    sign_in(page, demo)

    # New roadmap: no name. The messages are announced, next to the field, focus on it, nothing lost.
    page.goto("/w/lumen/roadmaps")
    opener = page.get_by_role("link", name="New roadmap")
    opener.click()
    dialog = page.get_by_role("dialog", name="New roadmap")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Name")).to_be_focused()
    dialog.get_by_label("Lanes").fill("Onboarding\nBilling")
    dialog.get_by_label("Description").fill("What the growth team ships this year.")
    with page.expect_response(lambda r: r.url.endswith("/roadmaps/new") and r.request.method == "POST") as sent:
        dialog.get_by_role("button", name="Create roadmap").click()
    assert sent.value.status == 422
    expect(dialog.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(dialog.locator("#err_name")).to_be_visible()
    expect(dialog.get_by_label("Name")).to_be_focused()
    expect(dialog.get_by_label("Lanes")).to_have_value("Onboarding\nBilling")
    expect(dialog.get_by_label("Description")).to_have_value("What the growth team ships this year.")
    shot(page, artifacts, "5-new-roadmap-refused")
    console_errors[:] = [e for e in console_errors if "status of 422" not in e]  # on purpose
    dialog.get_by_label("Name").fill("Growth roadmap")
    dialog.get_by_role("button", name="Create roadmap").click()
    page.wait_for_url(re.compile(r"/w/lumen/roadmaps/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Growth roadmap")
    expect(page.locator(".messages")).to_contain_text("Roadmap Growth roadmap created.")

    # Import items from CSV in a dialog (a file sent by htmx): the rows' problems, then the import.
    page.locator("summary", has_text="Export").click()
    page.get_by_role("menuitem", name="Import items from CSV").click()
    importing = page.get_by_role("dialog", name="Import items into Growth roadmap")
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text("title,start_date\n,2027-01-01\n")
    good.write_text("title,lane,bucket\nSelf-serve upgrade,Billing,next\n")
    importing.get_by_label("CSV file").set_input_files(str(bad))
    importing.get_by_role("button", name="Import").click()
    expect(importing.get_by_test_id("import-errors")).to_contain_text("The title is required.")
    console_errors[:] = [e for e in console_errors if "status of 422" not in e]
    importing.get_by_label("CSV file").set_input_files(str(good))
    importing.get_by_role("button", name="Import").click()
    expect(page.locator(".messages")).to_contain_text("Imported 1 item.")

    # Escape closes a dialog and gives focus back to its button.
    page.goto("/w/lumen/roadmaps")
    page.get_by_role("link", name="New roadmap").click()
    expect(page.get_by_role("dialog", name="New roadmap")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="New roadmap")).to_be_hidden()
    assert focused_text(page) == "New roadmap"

    # Record a measurement: a value that is no number keeps what was typed, next to its error.
    page.goto("/w/lumen/goals")
    page.get_by_test_id("goal-tree").get_by_role("link", name="Keep customers longer").click()
    page.get_by_test_id("key-result").first.get_by_role("link", name=re.compile("^Record a measurement")).click()
    measure = page.get_by_role("dialog", name=re.compile("^Record a measurement of"))
    measure.get_by_label(re.compile(r"^Value")).fill("about ninety")
    measure.get_by_label("Note (optional)").fill("from the churn report")
    measure.get_by_role("button", name="Record").click()
    expect(measure.locator("#err_value")).to_contain_text("Value: 'about ninety' is not a number")
    expect(measure.get_by_label(re.compile(r"^Value"))).to_have_value("about ninety")
    expect(measure.get_by_label(re.compile(r"^Value"))).to_be_focused()
    expect(measure.get_by_label("Note (optional)")).to_have_value("from the churn report")
    shot(page, artifacts, "6-measurement-refused")
    console_errors[:] = [e for e in console_errors if "status of 422" not in e]
    measure.get_by_label(re.compile(r"^Value")).fill("91")
    measure.get_by_label("Replace a value already recorded on that date").check()
    measure.get_by_role("button", name="Record").click()
    expect(page.locator(".messages")).to_contain_text("recorded")

    # Add a key result: the page comes back at its new card (the same address with #kr-…, reloaded).
    page.get_by_role("link", name="Add a key result").click()
    added = page.get_by_role("dialog", name="Add a key result")
    added.get_by_label("Name").fill("Expansion revenue share")
    added.get_by_label("Baseline").fill("18")
    added.get_by_label("Target (range: upper bound)").fill("30")
    added.get_by_role("button", name="Add key result").click()
    expect(page.locator(".messages")).to_contain_text("Key result added.")
    expect(page.get_by_role("heading", name="Expansion revenue share")).to_be_visible()
    assert re.search(r"/goals/\d+#kr-\d+$", page.url)

    # Promote from the idea drawer: pick the roadmap and its lane right there.
    page.goto("/w/lumen/ideas?status=scored")
    row = page.get_by_test_id("ideas-table").locator("a.row-title").first
    title = row.inner_text().strip()
    row.click()
    page.get_by_role("dialog", name=title).get_by_role("link", name="Promote to a roadmap").click()
    promote = page.get_by_role("dialog", name=f"Promote “{title}”")
    promote.get_by_label("Roadmap", exact=True).select_option(label="Product roadmap")
    lanes = promote.get_by_label("Lane", exact=True)
    visible = lanes.evaluate("s => [...s.querySelectorAll('optgroup:not([hidden])')].map(g => g.label)")
    assert visible == ["Product roadmap"]  # only the chosen roadmap's lanes
    lanes.select_option(lanes.evaluate("s => s.querySelector('optgroup:not([disabled]) option').value"))
    promote.get_by_label("Why now").fill("Top of the scorecard this quarter.")
    shot(page, artifacts, "7-promote")
    promote.get_by_role("button", name="Promote").click()
    page.wait_for_url(re.compile(r"/w/lumen/ideas\?status=scored$"))
    expect(page.locator(".messages")).to_contain_text(f"{title} is on Product roadmap now; the idea is planned.")
    assert not console_errors, console_errors
