"""Feedback in a real browser, on the demo workspace: the inbox, capturing a pasted e-mail, linking
a selected passage from the feedback page, the idea's evidence panel where two items are linked in
one click and the "Customer demand" score rises, and the import preview of a real CSV.
Screenshots land in test-artifacts/feedback-*.png."""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

IS22 = Path("/work/shared/data/feedback/is22_feature_specific_reviews.csv")
EMAIL = """From: "Dana Whitfield" <dana.whitfield@northwind.example>
Subject: RE: Monday numbers
Date: Tue, 14 Oct 2025 09:12:00 +0200

Hi team,

Our CFO wants the dashboard as a PDF every Monday morning, she never logs in.

Best regards,
Dana Whitfield
Finance, Northwind

On Mon, Oct 13, 2025 at 10:00 AM Support <support@lumen.example> wrote:
> Thanks for reaching out!
"""
SHOWCASE = "Scheduled PDF reports by e-mail"


def shot(page, artifacts, name, max_height=3200):
    page.evaluate("window.scrollTo(0, 0)")
    size = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollHeight]")
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": size[0], "height": min(size[1], max_height)})


def sign_in(page, demo):
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))


def demand_score(page) -> float:
    block = page.locator(".score-block", has_text="Customer demand")
    return float(block.locator(".score-block-value .score").first.inner_text())


def test_triage_capture_link_and_see_demand_rise(demo, new_page, artifacts, console_errors):
    page = new_page()
    sign_in(page, demo)

    # The inbox: every channel and segment; filter to unlinked enterprise feedback.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", name="Feedback inbox")).to_be_visible()
    expect(page.get_by_test_id("feedback-table").locator("tbody tr")).to_have_count(50)
    shot(page, artifacts, "feedback-inbox")
    page.get_by_label("Linked to ideas").select_option("no")
    page.get_by_label("Segment").select_option("enterprise")
    expect(page).to_have_url(re.compile(r"segment=enterprise"))
    expect(page.locator(".results-count")).not_to_have_text(re.compile(r"^0 items"))
    for badge in page.get_by_test_id("feedback-table").locator(".badge").all()[:10]:
        expect(badge).not_to_have_text("Linked")

    # Capture: paste an e-mail, let Accord fill the fields, save.
    page.goto("/w/lumen/feedback/new?capture=1")
    page.get_by_label("Pasted e-mail or chat").fill(EMAIL)
    page.get_by_test_id("parse").click()
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("dana.whitfield@northwind.example")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Dana Whitfield")
    expect(page.get_by_label("What they said")).to_have_value(re.compile(r"^Hi team,\s+Our CFO wants the dashboard as a PDF every Monday morning, she never logs in\.$"))
    expect(page.get_by_label("Short title (optional)")).to_have_value("Monday numbers")
    shot(page, artifacts, "feedback-capture")
    page.get_by_test_id("save-feedback").click()
    expect(page.get_by_test_id("fb-status")).to_have_text("New")

    # On the item: select the passage that matters, link it to the idea as critical.
    page.evaluate("""() => {
        const el = document.querySelector('[data-testid=feedback-text]');
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        let node; while ((node = walker.nextNode()) && !node.textContent.includes('as a PDF every Monday')) {}
        const start = node.textContent.indexOf('the dashboard as a PDF');
        const range = document.createRange();
        range.setStart(node, start); range.setEnd(node, start + 'the dashboard as a PDF every Monday morning'.length);
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        el.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    expect(page.get_by_label("Quote")).to_have_value("the dashboard as a PDF every Monday morning")
    page.get_by_label("Idea", exact=True).select_option(label=SHOWCASE)
    page.get_by_label("Importance").select_option("critical")
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.get_by_test_id("fb-status")).to_have_text("Linked")
    expect(page.locator(".quote mark")).to_have_text("the dashboard as a PDF every Monday morning")
    shot(page, artifacts, "feedback-item-linked")

    # The idea: its evidence by segment, then two related unlinked items linked in one click.
    page.locator("#links").get_by_role("link", name=SHOWCASE).click()
    panel = page.get_by_test_id("evidence-panel")
    expect(panel).to_be_visible()
    before_items = int(panel.get_by_test_id("evidence-items").inner_text())
    before_score = demand_score(page)
    expect(panel.locator("mark", has_text="the dashboard as a PDF every Monday morning")).to_be_visible()
    panel.get_by_text("Link feedback from the inbox").click()
    panel.get_by_label("Search unlinked feedback").fill("PDF")
    expect(panel.locator("#feedback-picker")).to_contain_text("PDF")
    expect(page.locator(".htmx-request")).to_have_count(0)  # the search has settled
    boxes = panel.locator("#feedback-picker input[type=checkbox]")
    assert boxes.count() >= 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    shot(page, artifacts, "feedback-evidence-picking")
    panel.get_by_test_id("link-selected").click()
    expect(page.locator(".alert-success, .messages").first).to_contain_text("Linked 2 feedback items")
    panel = page.get_by_test_id("evidence-panel")
    expect(panel.get_by_test_id("evidence-items")).to_have_text(str(before_items + 2))
    after_score = demand_score(page)
    assert after_score > before_score, (before_score, after_score)
    panel.scroll_into_view_if_needed()
    shot(page, artifacts, "feedback-evidence-panel")

    # Customers: the biggest first, and what one of them asks for.
    page.get_by_role("link", name="Customers").click()
    rows = page.get_by_test_id("customers-table").locator("tbody tr")
    expect(rows.first).to_contain_text("Helen Park")
    shot(page, artifacts, "feedback-customers")
    rows.first.get_by_role("link", name="Helen Park").click()
    expect(page.get_by_role("heading", name="Ideas they support")).to_be_visible()
    shot(page, artifacts, "feedback-customer")
    assert not console_errors, console_errors


def test_the_inbox_on_a_phone(demo, new_page, artifacts, console_errors):
    page = new_page(width=390)
    sign_in(page, demo)
    page.goto("/w/lumen/feedback?status=new")
    expect(page.get_by_test_id("feedback-table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "no sideways scrolling"
    shot(page, artifacts, "feedback-inbox-390", max_height=2400)
    assert not console_errors, console_errors


@pytest.mark.skipif(not IS22.exists(), reason="shared data set not mounted")
def test_import_preview_maps_columns_of_a_real_csv(demo, new_page, artifacts, console_errors):
    page = new_page()
    sign_in(page, demo)
    page.goto("/w/lumen/feedback/import")
    page.get_by_label("CSV or JSON file").set_input_files(str(IS22))
    page.get_by_test_id("upload").click()
    preview = page.get_by_test_id("import-preview")
    expect(preview).to_be_visible()
    expect(page.get_by_label("Feedback text")).to_have_value("review_text")
    page.get_by_label("Title").select_option("feature_query")
    page.get_by_label("Company").select_option("app")
    page.get_by_label("Source of rows without one").select_option("review")
    shot(page, artifacts, "feedback-import-preview")
    # Importing 410 rows (tasks run inline in tests: the embedding too) takes seconds on an idle
    # machine and more on a loaded CI one: wait for the answer as long as the import may take.
    with page.expect_navigation(timeout=120_000):
        page.get_by_test_id("run-import").click(no_wait_after=True)
    expect(page.get_by_role("heading", name="Feedback inbox")).to_be_visible()
    expect(page.locator(".alert-success, .messages").first).to_contain_text("Imported 410 feedback items")
    assert not console_errors, console_errors
