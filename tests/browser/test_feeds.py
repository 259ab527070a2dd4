"""Atom feeds in a real browser on the demo: subscribe from a roadmap's page (the dialog shows the
URL once, with a copy button), the feed answers Atom, "My feeds" on the tokens page revokes it and
it answers 404. Screenshots land in test-artifacts/."""

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


def test_subscribe_to_a_roadmap_then_revoke_the_feed(
    new_page, demo, artifacts, console_errors, page_check
):
    from accord.roadmaps.models import Roadmap

    roadmap = Roadmap.objects.filter(workspace__slug=demo["slug"]).order_by("pk").first()
    page = new_page(1280, 860)
    sign_in(page, demo["email"], demo["password"])
    page.goto(f"/w/{demo['slug']}/roadmaps/{roadmap.pk}")
    page.get_by_role("link", name="Subscribe (Atom)").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Subscribe (Atom)")
    dialog.get_by_role("button", name="Create my feed URL").click()
    url = dialog.locator("#new-feed-url")
    expect(url).to_contain_text("/feeds/atom_")
    expect(dialog.get_by_role("button", name="Copy the feed URL")).to_be_visible()
    page.screenshot(path=str(artifacts / "feeds-1-subscribe-dialog.png"))
    page_check(page, "roadmap page with the subscribe dialog")

    path = "/feeds/" + url.inner_text().strip().rsplit("/feeds/", 1)[1]
    feed = page.request.get(path)
    assert feed.status == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    assert f'<title type="text">Roadmap: {roadmap.name}</title>' in feed.text()

    page.goto(f"/w/{demo['slug']}/tokens#my-feeds")
    section = page.locator("#my-feeds")
    expect(section).to_contain_text(f"Roadmap: {roadmap.name}")
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "feeds-2-my-feeds.png"))
    page_check(page, "tokens page with my feeds")
    page.once("dialog", lambda d: d.accept())
    section.get_by_role("button", name=re.compile("^Revoke")).click()
    expect(page.locator("#my-feeds")).to_contain_text("No feeds yet")
    assert page.request.get(path).status == 404
    assert console_errors == []
