"""Ideas and prioritization in a real browser: the ideas table (htmx filters and sort), an idea's
score breakdown, keyboard scoring in an open round with the consensus and heat map, parking an idea,
the board, and the value-vs-effort matrix.

Screenshots land in test-artifacts/ideas-*.png (gitignored) to look at after a run.
"""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)  # desktop, phone


def shot(page, artifacts, name, max_height=3200):
    """The whole page (from the top, up to max_height pixels) as test-artifacts/ideas-<name>.png."""
    page.evaluate("window.scrollTo(0, 0)")
    size = page.evaluate(
        "[document.documentElement.clientWidth, document.documentElement.scrollHeight]"
    )
    clip = {"x": 0, "y": 0, "width": size[0], "height": min(size[1], max_height)}
    page.screenshot(path=str(artifacts / f"ideas-{name}.png"), full_page=True, clip=clip)


def sign_in(page, demo):
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))


def mark_document(page):
    """A flag on window that survives htmx swaps but not a page load."""
    page.evaluate("window.__sameDocument = true")


def same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def wait_until(page, expression, timeout=10.0):
    """Poll a JavaScript expression from Python until it is truthy.

    Not page.wait_for_function: it compiles its predicate with eval inside the page, which the
    app's Content Security Policy (no 'unsafe-eval') refuses on every poll after the first, so it
    failed whenever the htmx swap had not happened by then. page.evaluate goes through the
    DevTools protocol, which the policy does not apply to.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def hx_response(page, fragment):
    return page.expect_response(
        lambda r: fragment in r.url and r.request.headers.get("hx-request") == "true"
    )


def test_table_filters_sort_bulk_and_breakdown(new_page, demo, artifacts, console_errors):
    page = new_page()
    sign_in(page, demo)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Ideas").click()
    page.wait_for_url(re.compile(r"/w/lumen/ideas$"))
    assert nav.get_by_role("link", name="Ideas").get_attribute("aria-current") == "page"
    table = page.get_by_test_id("ideas-table")
    rows = table.locator("tbody tr")
    assert rows.count() == 25  # 24, and the idea a post-mortem action item became
    shot(page, artifacts, "01-table")

    # Filters and sort swap #idea-rows (htmx): the page itself stays.
    mark_document(page)
    with hx_response(page, "status=scored"):
        page.get_by_label("Status", exact=True).select_option("scored")
    wait_until(
        page,
        "[...document.querySelectorAll('[data-testid=ideas-table] tbody tr')]"
        ".every(tr => tr.textContent.includes('Scored'))"
    )
    scored = rows.count()
    assert 0 < scored < 24
    with hx_response(page, "sort=title"):
        page.get_by_label("Sort", exact=True).select_option("title")
    wait_until(
        page,
        "(() => { const t = [...document.querySelectorAll('[data-testid=ideas-table] .row-title')]"
        ".map(a => a.textContent.trim()); return t.length && t.join('|') === [...t].sort((a, b) => "
        "a.localeCompare(b)).join('|'); })()"
    )
    with hx_response(page, "q=dashboard"):
        page.get_by_label("Search", exact=True).fill("dashboard")
    wait_until(
        page,
        "[...document.querySelectorAll('[data-testid=ideas-table] .row-title')]"
        ".every(a => /dashboard/i.test(a.closest('td').textContent))"
    )
    assert 0 < rows.count() < scored
    assert same_document(page)
    assert "q=dashboard" in page.url and "sort=title" in page.url  # hx-push-url
    # Sort by one criterion of the model: its column appears.
    with hx_response(page, "criterion=customer_value"):
        page.get_by_label("By criterion").select_option("customer_value")
    table.get_by_role("columnheader", name="Customer value").wait_for()
    assert same_document(page)
    shot(page, artifacts, "02-table-filtered")

    # Bulk: tag two ideas at once (a normal form post, then back to the same filters).
    page.get_by_role("link", name="Reset").click()
    page.wait_for_url(re.compile(r"/w/lumen/ideas$"))
    bar = page.locator("[data-bulk]")
    expect(bar).to_have_attribute("data-selected", "0")
    page.get_by_label("Select Dark mode").check()
    page.get_by_label("Select Customer health score").check()
    assert bar.get_attribute("data-selected") == "2"
    page.get_by_label("Action", exact=True).select_option("tag")
    page.get_by_label("Tags", exact=True).fill("q3-shortlist")
    shot(page, artifacts, "03-bulk-bar")
    page.get_by_role("button", name="Apply to selected").click()
    page.get_by_text("2 ideas updated.").wait_for()
    assert page.locator(".chip", has_text="q3-shortlist").count() == 2

    # An idea: it opens in the side drawer over the table; its full page has every model's score,
    # the breakdown per criterion and the formula, in the Scores tab.
    page.get_by_role("link", name="HubSpot two-way sync").click()
    drawer = page.get_by_role("dialog", name="HubSpot two-way sync")
    expect(drawer).to_be_visible()
    with page.expect_navigation():
        drawer.get_by_role("link", name="Open full page").click()
    page.wait_for_url(re.compile(r"/ideas/\d+$"))
    page.get_by_role("tab", name=re.compile("^Scores")).click()
    block = page.get_by_test_id("score-weighted").filter(has_text="Customer value")  # the scorecard
    breakdown = block.locator("table.breakdown")
    breakdown.wait_for()
    criteria = breakdown.locator("tbody th").all_inner_texts()
    assert any("Customer value" in c for c in criteria) and any("Risk" in c for c in criteria)
    assert breakdown.locator("svg.bar rect.bar-fill").count() == 6
    assert "total" in block.locator(".formula-text").inner_text()
    assert page.locator(".score-block").count() == 7  # one per scoring model (with "Customer demand")
    page.get_by_role("heading", name="Score history").wait_for()
    assert page.locator(".history-chart polyline").count() == 1
    page.get_by_role("tab", name="History").click()
    page.get_by_role("heading", name="History", exact=True).wait_for()
    shot(page, artifacts, "04-idea")
    assert console_errors == []


def test_keyboard_scoring_round_submit_and_heat_map(new_page, demo, artifacts, console_errors):
    page = new_page()
    sign_in(page, demo)
    page.goto("/w/lumen/rounds")
    page.get_by_role("link", name="Q2 intake").click()
    page.wait_for_url(re.compile(r"/rounds/\d+$"))
    round_url = page.url
    grid = page.get_by_test_id("score-grid")
    rows = grid.locator("tbody tr[data-score-row]")
    assert rows.count() == 10
    assert grid.locator("[data-col]").first.input_value() == ""  # nothing scored by admin yet
    shot(page, artifacts, "05-scoring")

    mark_document(page)
    keyboard = page.keyboard
    grid.locator("[data-col='0']").first.focus()
    # Idea 1, left to right with Tab.
    for i, value in enumerate(["4", "3", "5", "2", "2", "1"]):
        keyboard.type(value)
        if i < 5:
            keyboard.press("Tab")
    # Enter: the same criterion (Risk) of idea 2; then right to left with Shift+Tab.
    keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.col") == "5"
    for i, value in enumerate(["2", "3", "1", "4", "5", "5"]):
        keyboard.type(value)
        if i < 5:
            keyboard.press("Shift+Tab")
    # Enter again: Customer value of idea 3. A value off the scale shows the error in the row.
    keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.col") == "0"
    row3 = rows.nth(2)
    keyboard.type("9")
    keyboard.press("Tab")
    row3.locator(".save-error").wait_for()
    assert "between 1 and 5" in row3.locator(".save-state").inner_text()
    # That 422 answer is on purpose (the browser logs every 4xx fetch); nothing else may fail.
    console_errors[:] = [e for e in console_errors if "status of 422" not in e]
    keyboard.press("Shift+Tab")
    keyboard.press("Control+A")
    for value in ["3", "4", "4", "3", "3", "2"]:
        keyboard.type(value)
        keyboard.press("Tab")  # the last Tab leaves the row: its change saves it
    page.wait_for_load_state("networkidle")  # every queued save has answered
    for n in range(3):
        state = rows.nth(n).locator(".save-state")
        state.locator(".save-ok").wait_for()
        assert state.inner_text().strip() == "Saved"
    assert same_document(page) and page.url == round_url  # no page load while scoring
    assert page.locator("[data-done]").inner_text() == "3"
    assert row3.locator("[data-col='0']").input_value() == "3"
    shot(page, artifacts, "06-scoring-saved")

    # The saved values come back pre-filled on a fresh load.
    page.reload()
    assert rows.nth(1).locator("[data-col='5']").input_value() == "2"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit-scores").click()
    page.get_by_text("Scores submitted").wait_for()
    heatmap = page.get_by_test_id("heatmap")
    cells = heatmap.locator("td.heat-cell")
    assert cells.count() == 10 * 6
    classes = cells.evaluate_all("cells => cells.map(c => c.className)")
    assert all(re.search(r"heat-(none|[1-4])", c) for c in classes)
    assert any(re.search(r"heat-[1-4]", c) for c in classes)  # others submitted: a spread to show
    assert heatmap.locator(".heat-legend").is_visible()
    page.get_by_role("heading", name="By department").wait_for()
    participants = page.locator(".participant", has_text="Avery Admin")
    assert "Submitted" in participants.inner_text()
    assert grid.count() == 0  # submitted: scores are locked
    shot(page, artifacts, "07-consensus")

    # The closed round shows flagged disagreements with an icon and a word, not only colour.
    page.goto("/w/lumen/rounds")
    page.get_by_role("link", name="Q1 planning").click()
    flagged = page.locator("td.heat-4")
    assert flagged.count() > 0
    assert "disagreement" in flagged.first.inner_text().lower()
    assert flagged.first.locator("svg.icon").count() == 1
    shot(page, artifacts, "08-heat-map")
    assert console_errors == []


def test_park_an_idea_and_find_it_in_the_parking_lot(new_page, demo, artifacts, console_errors):
    page = new_page()
    sign_in(page, demo)
    page.goto("/w/lumen/ideas?q=Slack")
    page.get_by_role("link", name="Slack digest of key metrics").click()
    drawer = page.get_by_role("dialog", name="Slack digest of key metrics")
    with page.expect_navigation():  # from the drawer to the full page's Decisions tab
        drawer.get_by_role("link", name="Decide, park or merge →").click()
    page.wait_for_url(re.compile(r"/ideas/\d+#decisions$"))
    decide = page.locator("#decide")
    decide.get_by_label("Park", exact=True).check()
    decide.get_by_label("Reason").fill("Slack integrations wait for the new notification service.")
    revisit = (timezone.localdate() + timedelta(days=45)).isoformat()
    decide.get_by_label("Revisit on").fill(revisit)
    decide.get_by_label("Or revisit when").fill("the notification service ships")
    shot(page, artifacts, "09-decide")
    decide.get_by_role("button", name="Record decision").click()
    page.get_by_text("Decision recorded.").wait_for()
    assert "Parked" in page.get_by_role("heading", level=1).inner_text()
    decision = page.locator(".decision").first
    assert "notification service" in decision.inner_text()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Parking lot").click()
    page.wait_for_url(re.compile(r"/parking-lot$"))
    lot = page.get_by_test_id("parking-lot")
    items = lot.locator("> li")
    assert items.count() == 4
    first = items.first  # due for review first, highlighted
    assert "Due for review" in first.inner_text() and "parked-due" in first.get_attribute("class")
    ours = items.filter(has_text="Slack digest of key metrics")
    assert "the notification service ships" in ours.inner_text()
    shot(page, artifacts, "10-parking-lot")

    # Reopen from the parking lot, with a reason.
    ours.locator("summary", has_text="Reopen").click()
    ours.get_by_label("Why reopen it?").fill("The notification service shipped early.")
    ours.get_by_role("button", name="Reopen idea").click()
    page.get_by_text("Decision recorded.").wait_for()
    page.goto("/w/lumen/parking-lot")
    assert page.get_by_test_id("parking-lot").locator("> li").count() == 3
    assert console_errors == []


def test_board_moves_a_card_by_menu_and_by_drag(new_page, demo, artifacts, console_errors):
    page = new_page()
    sign_in(page, demo)
    page.goto("/w/lumen/ideas/board")
    planned = page.locator("[data-drop-status=planned]")
    before = planned.locator("[data-card]").count()
    card = page.locator("[data-card]", has_text="HubSpot two-way sync")
    select = card.get_by_label("Status of HubSpot two-way sync")
    select.focus()  # the keyboard path: the card's status menu, then its Move button
    select.select_option("planned")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert planned.locator("[data-card]", has_text="HubSpot two-way sync").count() == 1
    shot(page, artifacts, "11-board")

    dragged = page.locator("[data-card]", has_text="Dark mode")
    with page.expect_navigation():
        dragged.drag_to(planned)
    assert planned.locator("[data-card]").count() == before + 2
    assert console_errors == []


def test_value_effort_matrix(new_page, demo, artifacts, console_errors):
    page = new_page()
    sign_in(page, demo)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scoring models").click()
    page.get_by_role("link", name="Value vs effort").click()
    page.wait_for_url(re.compile(r"/scoring/\d+$"))
    matrix = page.get_by_test_id("matrix")
    svg = matrix.locator("svg.matrix")
    svg.wait_for()
    points = svg.locator("a.matrix-point")
    assert points.count() == 24
    assert points.first.locator("circle").count() == 1
    labels = svg.locator("text.quad-label").all_text_contents()
    assert labels == ["Quick wins", "Big bets", "Fill-ins", "Money pits"]
    assert matrix.locator(".matrix-table tbody tr").count() == 24  # the table alternative
    shot(page, artifacts, "12-matrix")
    assert console_errors == []


PAGES = [
    ("table", "/w/{slug}/ideas"),
    ("table-empty", "/w/{slug}/ideas?q=no-such-idea-anywhere"),
    ("board", "/w/{slug}/ideas/board"),
    ("new", "/w/{slug}/ideas/new"),
    ("rounds", "/w/{slug}/rounds"),
    ("parking-lot", "/w/{slug}/parking-lot"),
    ("models", "/w/{slug}/scoring"),
]


def test_every_ideas_page_at_desktop_and_phone_width(new_page, demo, artifacts, console_errors, page_check):
    """Each page at both widths: 200, no console error (CSP included), no sideways scrolling, no
    serious or critical accessibility violation (axe-core)."""
    from accord.ideas.models import Idea, ScoringModel, ScoringRound

    page = new_page()
    sign_in(page, demo)
    slug = demo["slug"]
    pages = [(name, path.format(slug=slug)) for name, path in PAGES]
    idea = Idea.objects.get(workspace__slug=slug, title="HubSpot two-way sync")
    pages += [("idea", f"/w/{slug}/ideas/{idea.pk}"), ("edit", f"/w/{slug}/ideas/{idea.pk}/edit")]
    for r in ScoringRound.objects.filter(workspace__slug=slug):
        pages.append((f"round-{r.status}", f"/w/{slug}/rounds/{r.pk}"))
    for m in ScoringModel.objects.filter(workspace__slug=slug):
        pages.append((f"model-{m.kind}", f"/w/{slug}/scoring/{m.pk}"))
    weighted = ScoringModel.objects.get(workspace__slug=slug, kind="weighted", is_default=True)
    a, b = Idea.objects.filter(workspace__slug=slug, scores__model=weighted).order_by(
        "-scores__value"
    )[:2]
    pages.append(("sensitivity", f"/w/{slug}/scoring/{weighted.pk}?a={a.pk}&b={b.pk}"))

    for name, path in pages:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 860})
            response = page.goto(path)
            assert response.status == 200, (name, response.status)
            shot(page, artifacts, f"page-{name}-{width}")
            page_check(page, name)
    assert console_errors == []
