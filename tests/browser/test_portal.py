"""The public portal in a real browser: a customer votes (confirming by the mailed link), the idea
ships and they get the notice, they unsubscribe with one click; the admin's settings and moderation.

Mail goes to Django's locmem outbox (the test settings), which the live server shares with the test.
Screenshots land in test-artifacts/portal-*.png.
"""

import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUSTOMER = "casey@customer.example"


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _link(message, kind: str) -> str:
    return _path(re.search(rf"(http://\S+/portal/lumen/{kind}/\S+)", message.body).group(1))


def test_a_customer_votes_and_hears_when_the_idea_ships(new_page, demo, artifacts, console_errors):
    from accord.ideas import services as ideas
    from accord.ideas.models import Idea
    from accord.workspaces.models import Membership

    mail.outbox.clear()
    page = new_page(1280, 900)
    response = page.goto("/portal/lumen/")
    assert response.status == 200 and response.headers["referrer-policy"] == "no-referrer"
    cards = page.get_by_test_id("portal-ideas").locator("li")
    assert cards.count() == 8
    page.screenshot(path=artifacts / "portal-home.png", full_page=True)

    page.get_by_role("link", name="Funnel comparison across segments").click()
    before = int(page.get_by_test_id("vote-count").inner_text())
    page.get_by_label("Your e-mail").fill(CUSTOMER)
    page.get_by_role("button", name="Vote for this idea").click()
    page.get_by_text("Check your inbox").wait_for()
    assert int(page.get_by_test_id("vote-count").inner_text()) == before  # not before the e-mail is confirmed
    page.screenshot(path=artifacts / "portal-idea-vote.png", full_page=True)

    [verification] = [m for m in mail.outbox if m.to == [CUSTOMER]]
    page.goto(_link(verification, "verify"))
    page.get_by_text("your vote counts").wait_for()
    assert int(page.get_by_test_id("vote-count").inner_text()) == before + 1
    page.screenshot(path=artifacts / "portal-vote-verified.png", full_page=True)

    # An editor marks the idea done (shipped).
    idea = Idea.objects.get(workspace__slug="lumen", title="Funnel comparison across segments")
    editor = Membership.objects.select_related("workspace", "user").filter(workspace=idea.workspace, role="editor").first()
    ideas.idea_update(member=editor, idea_id=idea.pk, version=idea.version, status="done")

    [notice] = [m for m in mail.outbox if m.to == [CUSTOMER] and "has shipped" in m.subject]
    assert "Funnel comparison across segments" in notice.subject
    assert notice.extra_headers["List-Unsubscribe"].startswith("<http")
    page.reload()
    assert page.get_by_test_id("status-since").inner_text().startswith("Shipped on")
    page.screenshot(path=artifacts / "portal-idea-shipped.png", full_page=True)

    page.goto(_link(notice, "unsubscribe"))
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    page.screenshot(path=artifacts / "portal-unsubscribed.png")
    assert console_errors == []


def test_feedback_and_comments_go_through_moderation(new_page, demo, artifacts, console_errors):
    visitor = new_page(1280, 900)
    visitor.goto("/portal/lumen/")
    visitor.get_by_role("link", name="Send feedback").click()
    visitor.get_by_label("Your name").fill("Casey Customer")
    visitor.get_by_label("E-mail").fill(CUSTOMER)
    visitor.get_by_label("Subject").fill("Cohort export")
    visitor.get_by_label("Your feedback").fill("We need to export cohorts to our warehouse every night.")
    visitor.get_by_role("button", name="Send feedback").click()
    visitor.get_by_role("heading", name="Thank you").wait_for()
    [confirmation] = [m for m in mail.outbox if m.to == [CUSTOMER] and "Confirm your address" in m.subject]

    admin = new_page(1440, 900)
    admin.goto("/accounts/login")
    admin.get_by_label("E-mail").fill(demo["email"])
    admin.get_by_label("Password").fill(demo["password"])
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url(re.compile(r"/w/lumen/$"))
    admin.get_by_role("link", name="Portal", exact=True).click()
    assert admin.get_by_test_id("portal-ideas-admin").locator("tbody tr").count() > 8
    admin.screenshot(path=artifacts / "portal-settings.png", full_page=True)
    admin.get_by_role("link", name=re.compile("Moderation")).click()
    submissions = admin.get_by_test_id("moderation-submissions")
    row = submissions.locator("tr", has_text="Cohort export")
    admin.screenshot(path=artifacts / "portal-moderation.png", full_page=True)
    row.get_by_role("button", name="Approve").click()
    admin.get_by_text("Approved.").wait_for()
    assert submissions.locator("tr", has_text="Cohort export").count() == 0

    from accord.feedback.models import Feedback

    # Until Casey proves the address, the feedback is nobody's and no evidence.
    assert Feedback.objects.filter(source="portal", title="Cohort export", customer=None, unverified_email=CUSTOMER).exists()
    visitor.goto(_link(confirmation, "confirm"))
    visitor.get_by_role("heading", name="Address confirmed").wait_for()
    visitor.screenshot(path=artifacts / "portal-address-confirmed.png")
    assert Feedback.objects.filter(source="portal", title="Cohort export", customer__email=CUSTOMER).exists()

    # The idea page tells the product manager what customers said on the portal.
    admin.get_by_role("link", name="Ideas", exact=True).click()
    admin.get_by_role("link", name="Self-serve SSO (SAML/OIDC) setup").first.click()  # in the side drawer
    with admin.expect_navigation():
        admin.get_by_role("dialog", name="Self-serve SSO (SAML/OIDC) setup").get_by_role("link", name="Open full page").click()
    admin.get_by_role("tab", name="Evidence").click()
    panel = admin.get_by_test_id("portal-panel")
    assert panel.get_by_test_id("portal-votes").inner_text() == "9"
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=artifacts / "portal-idea-panel.png")
    assert console_errors == []
