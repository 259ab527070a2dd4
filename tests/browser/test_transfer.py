"""Workspace export and import in a real browser on the demo: the admin downloads the export from
the settings page, tries to import it where its slug is taken (a clear refusal), then imports it
under a new address and lands in the copy. Screenshots land in test-artifacts/."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def sign_in(page, email, password):
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/"))


def test_admin_exports_the_demo_and_imports_it_under_a_new_address(
    new_page, demo, artifacts, console_errors, page_check
):
    from accord.ideas.models import Idea

    page = new_page(1280, 860)
    sign_in(page, demo["email"], demo["password"])
    page.goto(f"/w/{demo['slug']}/settings")
    export = page.get_by_role("region", name="Export")
    expect(export).to_contain_text("Everything in this workspace")
    link = export.get_by_role("link", name="Download export (.json)")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/json"
    data = response.body()
    assert data.startswith(b'{"format":"accord-workspace"')
    page_check(page, "settings with export")

    export.get_by_role("link", name="Import a workspace").click()
    expect(page.get_by_role("heading", name="Import a workspace")).to_be_visible()
    file = {"name": "lumen.json", "mimeType": "application/json", "buffer": data}
    page.get_by_label("File (.json)").set_input_files(file)
    page.get_by_role("button", name="Import workspace").click()
    expect(page.locator(".field-error")).to_contain_text(
        "exists already"
    )  # the slug lumen is taken
    page.screenshot(path=str(artifacts / "transfer-1-slug-taken.png"), full_page=True)
    page_check(page, "import page with a refusal")

    page.get_by_label("File (.json)").set_input_files(file)
    page.get_by_label("Address (optional)").fill("lumen-copy")
    page.get_by_role("button", name="Import workspace").click()
    page.wait_for_url(re.compile(r"/w/lumen-copy/$"), timeout=60_000)
    expect(page.locator("body")).to_contain_text("imported")
    page.screenshot(path=str(artifacts / "transfer-2-imported.png"))
    assert (
        Idea.objects.filter(workspace__slug="lumen-copy").count()
        == Idea.objects.filter(workspace__slug="lumen").count()
    )
    assert console_errors == []
