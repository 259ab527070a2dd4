"""The Import page in a real browser on the demo: an admin uploads a Trello board, reads the preview
(status mapping and per-row report), changes one status, confirms, and the ideas are there. The
page passes the accessibility and layout checks. Screenshots land in test-artifacts/."""

import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

BOARD = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "accord"
    / "imports"
    / "tests"
    / "files"
    / "trello_board.json"
)


def test_trello_board_preview_edit_a_status_and_confirm(
    new_page, demo, artifacts, console_errors, page_check
):
    from accord.ideas.models import Idea

    page = new_page(1280, 900)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/"))

    page.goto(f"/w/{demo['slug']}/imports/")
    page.get_by_label("From").select_option("trello")
    page.get_by_label("Into").select_option("idea")
    page.get_by_label("File", exact=True).set_input_files(str(BOARD))
    page.get_by_role("button", name="Upload and preview").click()

    report = page.get_by_test_id("row-report")
    expect(report).to_contain_text("An archived card")
    expect(report).to_contain_text("to create")
    assert not Idea.objects.filter(
        workspace__slug=demo["slug"], title="Write the launch blog post"
    ).exists()
    page.get_by_label(re.compile(r"^Doing")).select_option("under_review")
    page.screenshot(path=str(artifacts / "imports-1-preview.png"), full_page=True)
    page_check(page, "import preview")

    page.get_by_test_id("confirm-import").click()
    expect(page.get_by_test_id("row-report")).to_contain_text("created")
    expect(page.get_by_test_id("import-runs")).to_contain_text("trello_board.json")
    page.screenshot(path=str(artifacts / "imports-2-done.png"), full_page=True)
    idea = Idea.objects.get(workspace__slug=demo["slug"], title="Write the launch blog post")
    assert idea.status == "under_review" and "- [x] Product review" in idea.description
    assert list(console_errors) == []
