"""Roadmaps in a real browser: the timeline fitted on open (whole titles within its edges, Today
covering no month, a legend of every mark), drag a bar (and see it saved), a conflict on a move
(409), the keyboard (one tab stop, arrows between bars, lanes announced, M to move by days and
weeks), the portfolio with every lane on the page, a blocked campaign on another roadmap, the
board, the table's row edit, and "what changed". Screenshots land in test-artifacts/roadmap-*.png
at 1280 and 390 px."""

import re
from datetime import date, timedelta

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def shot(page, artifacts, name, max_height=3000, full=True):
    if not full:  # a modal dialog: what the viewport shows
        page.screenshot(path=str(artifacts / f"{name}.png"))
        return
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar stays on top of a full-page capture
    size = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollHeight]")
    clip = {"x": 0, "y": 0, "width": size[0], "height": min(size[1], max_height)}
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True, clip=clip)


def sign_in(page, demo):
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))


def open_roadmap(page, name):
    page.goto("/w/lumen/roadmaps")
    page.get_by_test_id("roadmap-list").locator(".rm-summary-link", has_text=name).click()
    page.wait_for_selector("[data-timeline][data-ready]")


def bar(page, title):
    return page.locator(f'.tl-bar[aria-label^="{title};"]').first


def day(value: str) -> date:
    return date.fromisoformat(value)


def add_months(d: date, n: int) -> date:
    month = d.month - 1 + n
    year, month = d.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(d.day, last))


def drag(page, locator, dx: float, dy: float = 0, steps: int = 12):
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, steps + 1):
        page.mouse.move(x + dx * i / steps, y + dy * i / steps)
    page.mouse.up()


def active_bar(page) -> str:
    """The aria-label of the focused timeline bar, or "" when the focus is elsewhere."""
    return page.evaluate("document.activeElement.matches('.tl-bar') ? document.activeElement.getAttribute('aria-label') : ''")


def assert_fitted(page):
    """On open the timeline shows every item without scrolling sideways; every title is whole, inside
    its bar or beside it, within the timeline's edges; the Today tag covers no unit label; the legend
    explains the marks."""
    timeline = page.get_by_test_id("timeline")
    assert timeline.evaluate("t => t.scrollWidth <= t.clientWidth + 1"), "the fitted timeline scrolls sideways"
    track = page.locator(".tl-track").first.bounding_box()
    for label in page.locator(".tl-outside-label").all():
        box = label.bounding_box()
        assert box["x"] >= track["x"] - 1 and box["x"] + box["width"] <= track["x"] + track["width"] + 1, label.inner_text()
        assert label.evaluate("l => l.scrollWidth <= l.clientWidth + 1"), f"clipped: {label.inner_text()}"
    for inner in page.locator(".tl-bar-label").all():
        assert inner.evaluate("l => l.scrollWidth <= l.clientWidth + 1"), f"clipped: {inner.inner_text()}"
    today = page.locator(".tl-today-tag").bounding_box()
    for unit in page.locator(".tl-minor, .tl-major").all():
        box = unit.bounding_box()
        overlap = min(today["y"] + today["height"], box["y"] + box["height"]) - max(today["y"], box["y"])
        assert overlap <= 0 or not unit.inner_text().strip(), f"Today covers {unit.inner_text()}"
    legend = page.locator(".tl-legend")
    for mark in ("Blocked", "Late", "At risk", "Dashed outline: no goal", "Milestone", "Today"):
        expect(legend).to_contain_text(mark)


def admin_member():
    from accord.demo.loader import ADMIN_EMAIL
    from accord.workspaces.models import Membership

    return Membership.objects.select_related("workspace", "user").get(
        workspace__slug="lumen", user__email=ADMIN_EMAIL
    )


def unexpected(console_errors, allowed_status=()):
    """Console errors except the 409s a test provoked on purpose (Chromium logs every failed fetch)."""
    return [
        e for e in console_errors
        if not any(f"status of {code}" in e for code in allowed_status)
    ]


def test_timeline_drag_keyboard_conflict_board_table_and_changes(new_page, demo, artifacts, console_errors):
    from accord.roadmaps import services
    from accord.roadmaps.models import RoadmapItem

    page = new_page(1280, 900)
    sign_in(page, demo)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Roadmaps").click()
    page.wait_for_url(re.compile(r"/w/lumen/roadmaps$"))
    expect(page.get_by_test_id("roadmap-list")).to_contain_text("Company portfolio")
    shot(page, artifacts, "roadmap-list-1280")

    # The product roadmap opens fitted to its items; drag the release later with the mouse (at the
    # Months zoom); a reload shows it saved.
    open_roadmap(page, "Product roadmap")
    shot(page, artifacts, "roadmap-timeline-1280")
    assert_fitted(page)
    page.locator("[data-zoom=months]").click()
    release = bar(page, "Reporting 2.0 release")
    start, end = day(release.get_attribute("data-start")), day(release.get_attribute("data-end"))
    with page.expect_response(lambda r: r.url.endswith("/move")) as moved:
        drag(page, release, dx=100)  # months zoom: 6.5 px a day, so 15 days later
    assert moved.value.status == 200
    expect(release).to_have_attribute("data-start", (start + timedelta(days=15)).isoformat())
    page.reload()
    page.wait_for_selector("[data-timeline][data-ready]")
    release = bar(page, "Reporting 2.0 release")
    assert release.get_attribute("data-start") == (start + timedelta(days=15)).isoformat()
    assert release.get_attribute("data-end") == (end + timedelta(days=15)).isoformat()
    release.click()  # selected: the items it waits for and blocks get arrows, the others go grey
    expect(page.locator("[data-tl-details]")).to_contain_text("Reporting 2.0 launch campaign")
    expect(page.locator(".tl-dep").first).to_be_attached()
    other = bar(page, "Onboarding checklist with sample data")
    # Not faded to unreadable: full opacity, dark text on a light grey bar.
    assert other.evaluate("b => getComputedStyle(b).opacity") == "1"
    assert other.evaluate("b => getComputedStyle(b).color") == "rgb(59, 66, 86)"
    shot(page, artifacts, "roadmap-timeline-selected-1280")

    # Someone else moves the release meanwhile: our drag gets 409, we are told, the bar goes back.
    item = RoadmapItem.objects.get(title="Reporting 2.0 release")
    services.item_move(member=admin_member(), item_id=item.pk, version=item.version,
                       start_date=item.start_date + timedelta(days=7), end_date=item.end_date + timedelta(days=7))
    with page.expect_response(lambda r: r.url.endswith("/move")) as stale:
        drag(page, bar(page, "Reporting 2.0 release"), dx=-60)
    assert stale.value.status == 409
    alert = page.locator("[data-tl-alert]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Someone else changed “Reporting 2.0 release”")
    expect(bar(page, "Reporting 2.0 release")).to_have_attribute("data-start", (item.start_date + timedelta(days=7)).isoformat())
    shot(page, artifacts, "roadmap-timeline-conflict-1280")

    # The keyboard: the whole timeline is one tab stop (roving tabindex); the arrow keys go from bar
    # to bar, a new lane is announced by its name; M picks a bar up, an arrow moves it one day, Shift
    # with an arrow one week, Enter saves.
    assert page.locator('.tl-bar[tabindex="0"]').count() == 1
    assert page.locator(".tl-bar").count() > 5
    page.locator(".tl-help summary").focus()
    page.keyboard.press("Tab")
    assert active_bar(page)
    page.keyboard.press("Tab")
    assert not active_bar(page)  # one Tab and the timeline is behind us
    page.keyboard.press("Shift+Tab")
    assert active_bar(page)
    page.evaluate("""() => {  // what the live region says, in order
        window.__said = [];
        const region = document.querySelector("[data-tl-status]");
        new MutationObserver(() => region.textContent && window.__said.push(region.textContent))
            .observe(region, { childList: true, characterData: true, subtree: true });
    }""")
    for key in ["ArrowDown"] * 3 + ["ArrowUp"] * 3 + ["ArrowRight"] * 2:
        if active_bar(page).startswith("Self-serve SSO;"):
            break
        page.keyboard.press(key)
    assert active_bar(page).startswith("Self-serve SSO;"), active_bar(page)
    expect(page.locator("[data-tl-status]")).not_to_have_text("")
    assert "Lane Platform." in page.evaluate("window.__said"), page.evaluate("window.__said")
    sso = bar(page, "Self-serve SSO")
    sso_start = day(sso.get_attribute("data-start"))
    page.keyboard.press("m")
    expect(sso).to_have_class(re.compile(r"\bis-grabbed\b"))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(bar(page, "Self-serve SSO")).to_have_attribute("data-start", (sso_start + timedelta(days=8)).isoformat())
    expect(page.locator("[data-tl-status]")).to_contain_text("days.")
    page.screenshot(path=str(artifacts / "roadmap-timeline-keyboard-1280.png"))
    with page.expect_response(lambda r: r.url.endswith("/move")) as keyed:
        page.keyboard.press("Enter")
    assert keyed.value.status == 200
    expect(bar(page, "Self-serve SSO")).to_have_attribute("data-start", (sso_start + timedelta(days=8)).isoformat())
    assert active_bar(page).startswith("Self-serve SSO;")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Edit dates")
    expect(dialog).to_be_visible()
    new_start = add_months(sso_start, 2)
    dialog.get_by_label("Start").fill(new_start.isoformat())
    dialog.get_by_label("End").fill((new_start + timedelta(days=30)).isoformat())
    shot(page, artifacts, "roadmap-timeline-dialog-1280", full=False)
    with page.expect_response(lambda r: r.url.endswith("/move")) as dated:
        dialog.get_by_role("button", name="Save dates").click()
    assert dated.value.status == 200
    expect(bar(page, "Self-serve SSO")).to_have_attribute("data-start", new_start.isoformat())
    page.reload()
    page.wait_for_selector("[data-timeline][data-ready]")
    assert bar(page, "Self-serve SSO").get_attribute("data-end") == (new_start + timedelta(days=30)).isoformat()

    # The portfolio: every lane of every roadmap on the page, none hidden in an inner scroll.
    open_roadmap(page, "Company portfolio")
    assert_fitted(page)
    timeline = page.get_by_test_id("timeline")
    assert timeline.evaluate("t => t.scrollHeight <= t.clientHeight + 1")
    expect(timeline.locator(".tl-lane", has_text="Onboarding")).to_be_visible()
    lanes = timeline.locator(".tl-lane:not(.tl-lane-linked)").count()
    assert lanes >= 10
    shot(page, artifacts, "roadmap-portfolio-1280")

    # The marketing roadmap: the launch campaign waits for the release, which now ends after it starts.
    open_roadmap(page, "Marketing roadmap")
    launch = bar(page, "Reporting 2.0 launch campaign")
    expect(launch).to_have_class(re.compile(r"\bis-blocked\b"))
    assert "blocked: waits for Reporting 2.0 release" in launch.get_attribute("aria-label")
    expect(page.locator(".tl-outside-label", has_text="Blocked · Reporting 2.0 launch campaign")).to_be_visible()
    expect(page.locator("#conflicts")).to_contain_text("Reporting 2.0 launch campaign")
    launch.click()
    details = page.locator("[data-tl-details]")
    expect(details).to_contain_text("Waits for")
    expect(details).to_contain_text("Conflict")
    expect(page.locator(".tl-ghost", has_text="")).to_have_count(2)  # the release and the freeze, from other roadmaps
    shot(page, artifacts, "roadmap-marketing-blocked-1280")

    # The board: drag a card to another column; it stays there after a reload.
    open_roadmap(page, "Product roadmap")
    page.get_by_role("navigation", name="Roadmap view").get_by_role("link", name="Board").click()
    board = page.get_by_test_id("board")
    card = board.locator("[data-rm-card]", has_text="Natural-language questions")
    with page.expect_response(lambda r: "/place" in r.url) as placed:
        card.drag_to(board.locator("[data-rm-bucket=next] [data-rm-cards]"))
    assert placed.value.status == 200
    page.reload()
    expect(page.locator("[data-rm-bucket=next]")).to_contain_text("Natural-language questions")
    shot(page, artifacts, "roadmap-board-1280")

    # The table: edit a row in place; a concurrent change shows the current state instead of overwriting it.
    page.get_by_role("navigation", name="Roadmap view").get_by_role("link", name="Table").click()
    table = page.get_by_test_id("roadmap-table")
    expect(table).to_contain_text("Onboarding checklist with sample data")
    table.get_by_role("button", name="Edit Onboarding checklist with sample data").click()
    row = table.locator("tr.rm-row-edit")
    expect(row).to_be_visible()
    onboarding = RoadmapItem.objects.get(title="Onboarding checklist with sample data")
    services.item_update(member=admin_member(), item_id=onboarding.pk, version=onboarding.version, percent_done=45)
    row.get_by_label("Percent done").fill("30")
    row.get_by_role("button", name=re.compile("^Save")).click()
    expect(table.locator("tbody.is-conflict")).to_contain_text("Someone else changed “Onboarding checklist with sample data”")
    expect(table.locator("tr.rm-row-edit").get_by_label("Percent done")).to_have_value("45")
    shot(page, artifacts, "roadmap-table-conflict-1280")
    table.locator("tr.rm-row-edit").get_by_label("Percent done").fill("50")
    table.locator("tr.rm-row-edit").get_by_role("button", name=re.compile("^Save")).click()
    expect(table.locator("tr.is-saved")).to_contain_text("Saved")
    expect(table.locator("tr.is-saved")).to_contain_text("50%")
    shot(page, artifacts, "roadmap-table-1280")

    # What changed since Monday: the release moved (by the demo's slip and by our drags).
    page.get_by_role("link", name="What changed").click()
    changes = page.get_by_test_id("changes")
    expect(changes).to_contain_text("Reporting 2.0 release")
    expect(changes.locator(".rm-change", has_text="Reporting 2.0 release")).to_contain_text(re.compile(r"Moved \d+ days later"))
    shot(page, artifacts, "roadmap-changes-1280")

    assert unexpected(console_errors, allowed_status=(409,)) == []


@pytest.mark.parametrize("width", [390])
def test_roadmap_pages_on_a_phone(new_page, demo, artifacts, console_errors, width):
    page = new_page(width, 844)
    sign_in(page, demo)
    page.goto("/w/lumen/roadmaps")
    shot(page, artifacts, f"roadmap-list-{width}")
    open_roadmap(page, "Marketing roadmap")
    launch = bar(page, "Reporting 2.0 launch campaign")
    expect(launch).to_have_class(re.compile(r"\bis-blocked\b"))
    launch.tap()
    expect(page.locator("[data-tl-details]")).to_contain_text("Waits for")
    shot(page, artifacts, f"roadmap-timeline-{width}")
    # Touch: no drag; the details panel's "Edit dates" opens the dialog.
    page.locator("[data-tl-details]").get_by_role("button", name="Edit dates").tap()
    expect(page.get_by_role("dialog", name="Edit dates")).to_be_visible()
    shot(page, artifacts, f"roadmap-dialog-{width}", full=False)
    page.get_by_role("dialog", name="Edit dates").get_by_role("button", name="Cancel").tap()
    open_roadmap(page, "Product roadmap")
    shot(page, artifacts, f"roadmap-timeline-product-{width}")
    page.get_by_role("navigation", name="Roadmap view").get_by_role("link", name="Board").tap()
    expect(page.get_by_test_id("board")).to_be_visible()
    shot(page, artifacts, f"roadmap-board-{width}")
    page.get_by_role("navigation", name="Roadmap view").get_by_role("link", name="Table").tap()
    expect(page.get_by_test_id("roadmap-table")).to_be_visible()
    shot(page, artifacts, f"roadmap-table-{width}")
    page.get_by_role("link", name="What changed").tap()
    expect(page.get_by_test_id("changes")).to_contain_text("Reporting 2.0 release")
    shot(page, artifacts, f"roadmap-changes-{width}")
    assert console_errors == []
