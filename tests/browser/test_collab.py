"""Comments in a real browser, on the demo workspace: the first demo idea shows its thread (with a
mention), a new comment mentions someone picked from the people autocomplete with the keyboard, the
thread re-renders in place with the mention as a name, and the author watches the idea."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_comment_with_a_mention_from_the_autocomplete(
    new_page, demo, console_errors, page_check, artifacts
):
    from accord.ideas.models import Idea

    idea = Idea.objects.filter(workspace__slug=demo["slug"]).order_by("pk").first()
    page = new_page(1280, 900)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))

    page.goto(f"/w/lumen/ideas/{idea.pk}")
    section = page.get_by_test_id("discussion")
    expect(section.get_by_test_id("comment")).to_have_count(3)
    expect(section.locator(".mention").first).to_be_visible()

    box = section.get_by_label("Add a comment")
    box.click()
    box.press_sequentially("Worth a look before the round, @vic", delay=20)
    listbox = section.get_by_role("listbox", name="People to mention")
    expect(listbox.get_by_role("option")).to_contain_text(["Victor Alvarez"])
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"-person-0$"))
    page_check(page, "idea with the mention picker")
    page.screenshot(path=str(artifacts / "collab-1-autocomplete.png"), full_page=False)
    box.press("Enter")  # picks the highlighted person, does not send the form
    expect(box).to_have_value(re.compile(r"@\[Victor Alvarez\]\(user:\d+\) $"))
    box.press_sequentially("what do the numbers say?", delay=5)
    section.get_by_role("button", name="Comment").click()

    section = page.get_by_test_id("discussion")
    expect(section.get_by_test_id("comment")).to_have_count(4)
    expect(section.get_by_test_id("comment-count")).to_have_text("4")
    last = section.get_by_test_id("comment").last
    expect(last).to_contain_text(
        "Worth a look before the round, @Victor Alvarez what do the numbers say?"
    )
    expect(last.locator(".mention")).to_have_text("@Victor Alvarez")
    expect(
        section.get_by_test_id("unwatch")
    ).to_be_visible()  # the author watches what they discuss
    page_check(page, "idea with a new comment")
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "collab-2-thread.png"), full_page=False)
    assert console_errors == []
