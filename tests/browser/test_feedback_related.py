"""Related feedback in a real browser: the idea page shows unlinked feedback about the idea (loaded
after the page), one click links an item, which then shows as evidence and leaves the list; a
feedback page shows its probable duplicate and idea; the Themes page groups unlinked feedback.

Screenshots land in test-artifacts/feedback-related-*.png (gitignored) to look at after a run.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Strong-test-passw0rd"
FEEDBACK = [
    ("Offline playlists", "Let me download playlists so I can listen offline on the plane.", "Nadia Perez", "enterprise"),
    ("No music on the subway", "Offline mode please: no signal on the subway and the music stops.", "Tom Okafor", "smb"),
    ("", "I need to save songs to my phone to play them without internet.", "Lea Brandt", "smb"),
    ("Invoice PDFs", "Invoices should be exported as PDF with our company logo.", "Finance Ops", "enterprise"),
    ("", "Our accountant needs every invoice as a PDF at the end of the month.", "Kim Ito", "mid-market"),
    ("", "Please let us customise the invoice template and download PDFs.", "Ravi Shah", "smb"),
    ("", "Dark mode would be easier on the eyes at night.", "Zoe Martin", "consumer"),
]


@pytest.fixture
def workspace():
    from accord.accounts.models import User
    from accord.feedback import services
    from accord.ideas import services as idea_services
    from accord.workspaces import services as ws_services
    from accord.workspaces.models import Membership

    user = User.objects.create_user("pm@acme.test", PASSWORD, name="Paula PM")
    ws = ws_services.workspace_create(user=user, name="Acme Music", slug="acme")
    member = Membership.objects.select_related("workspace", "user").get(workspace=ws, user=user)
    items = [
        services.feedback_create(member=member, title=title, text=text, source="support_ticket",
                                 customer={"name": name, "segment": segment})
        for title, text, name, segment in FEEDBACK
    ]  # embedded on commit, a few at a time, like captures in the app
    idea = idea_services.idea_create(member=member, title="Offline listening",
                                     description="Download music and play it without a connection.")
    return {"idea": idea, "items": items}


def sign_in(page):
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill("pm@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/acme/"))


def shot(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"feedback-related-{name}.png"), full_page=True)


def test_one_click_links_related_feedback_from_the_idea_page(new_page, workspace, artifacts, console_errors):
    page = new_page()
    sign_in(page)
    idea = workspace["idea"]
    page.goto(f"/w/acme/ideas/{idea.pk}#evidence")  # the idea page's Evidence tab

    related = page.get_by_test_id("related-item")
    expect(related.first).to_be_visible()
    offline_ids = {str(fb.pk) for fb in workspace["items"][:3]}
    shown = [related.nth(i).get_attribute("data-feedback-id") for i in range(related.count())]
    assert set(shown[:3]) == offline_ids  # the three offline items first, invoices and dark mode after (if at all)
    page.get_by_test_id("related-feedback").scroll_into_view_if_needed()
    shot(page, artifacts, "idea")

    first = shown[0]
    page.locator(f'[data-testid="related-item"][data-feedback-id="{first}"]').get_by_test_id("related-link").click()

    expect(page.get_by_test_id("evidence-items")).to_have_text("1")
    expect(page.locator(f'[data-testid="related-item"][data-feedback-id="{first}"]')).to_have_count(0)
    expect(page.get_by_test_id("related-item").first).to_be_visible()
    page.get_by_test_id("related-feedback").scroll_into_view_if_needed()
    shot(page, artifacts, "idea-linked")
    assert not console_errors


def test_feedback_page_and_themes(new_page, workspace, artifacts, console_errors):
    page = new_page()
    sign_in(page)
    fb = workspace["items"][1]
    page.goto(f"/w/acme/feedback/{fb.pk}")
    expect(page.get_by_test_id("likely-idea").first).to_contain_text("Offline listening")
    page.get_by_test_id("similar-panel").scroll_into_view_if_needed()
    shot(page, artifacts, "feedback")

    page.get_by_role("link", name="Themes").click()
    themes = page.get_by_test_id("theme")
    expect(themes).to_have_count(2)
    expect(page.get_by_test_id("themes")).to_contain_text("invoice")
    shot(page, artifacts, "themes")

    page.set_viewport_size({"width": 390, "height": 800})
    shot(page, artifacts, "themes-phone")
    assert not console_errors
