"""The glossary in context, in a real browser on the demo: a marketer hovers “activation” in an idea
and reads the marketing definition; an engineer reaches the same word with the keyboard and reads
the IT one, then closes it with Escape. Then the glossary page with its review queue. Screenshots
land in /tmp/shots-glossary/ (and test-artifacts/)."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

MARKETING = "first moment of value"
IT = "activated_at timestamp"


def sign_in(page, email, password):
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/"))


def shot(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"{name}.png"))


def _tip(page, word):
    button = page.locator(".term-ref", has_text=re.compile(rf"^{word}$", re.I)).first
    return button, page.locator(f"#{button.get_attribute('aria-describedby')}")


def test_marketer_hovers_and_engineer_focuses_activation(
    new_page, demo, artifacts, console_errors, page_check
):
    from accord.ideas.models import Idea

    idea = Idea.objects.get(workspace__slug="lumen", title="Onboarding checklist with sample data")
    url = f"/w/lumen/ideas/{idea.pk}"

    marketer = new_page(1280, 860)
    sign_in(marketer, "sofia@lumen.example", demo["password"])
    marketer.goto(url)
    button, tip = _tip(marketer, "activation")
    expect(button).to_be_visible()
    expect(tip).to_be_hidden()
    button.hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(MARKETING)
    expect(tip).to_contain_text("Marketing:")
    expect(tip).not_to_contain_text(IT)
    shot(marketer, artifacts, "glossary-1-marketer-hovers")
    page_check(marketer, "idea page with a term shown")
    marketer.mouse.move(5, 5)
    expect(tip).to_be_hidden()

    engineer = new_page(1280, 860)
    sign_in(engineer, "grace@lumen.example", demo["password"])
    engineer.goto(url)
    button, tip = _tip(engineer, "activation")
    engineer.locator("#content").focus()
    for _ in range(120):  # Tab until the word has the focus, as a keyboard user would
        engineer.keyboard.press("Tab")
        if engineer.evaluate(
            "document.activeElement.classList.contains('term-ref') && /^activation$/i.test(document.activeElement.textContent)"
        ):
            break
    else:
        pytest.fail("the marked word is not reachable with Tab")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(IT)
    expect(tip).to_contain_text("IT:")
    expect(tip).not_to_contain_text(MARKETING)
    assert button.get_attribute("aria-describedby") == tip.get_attribute("id")
    assert tip.get_attribute("role") == "tooltip"
    shot(engineer, artifacts, "glossary-2-engineer-focuses")
    engineer.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    assert engineer.evaluate("document.activeElement.classList.contains('term-ref')")  # focus stays

    # The glossary: everyone's vocabulary, the conflicts to review.
    engineer.get_by_role("link", name="Glossary").click()
    expect(engineer.get_by_test_id("glossary-terms")).to_contain_text("Activation")
    page_check(engineer, "glossary")
    engineer.get_by_test_id("tab-review").click()
    terms = engineer.get_by_test_id("glossary-terms")
    expect(terms).to_contain_text("SQL")
    expect(terms).to_contain_text("Pipeline")
    shot(engineer, artifacts, "glossary-3-review-queue")
    engineer.get_by_role("link", name="SQL", exact=True).click()
    expect(engineer.get_by_test_id("review-banner")).to_contain_text("Flagged for review")
    page_check(engineer, "term page")
    shot(engineer, artifacts, "glossary-4-term")
    assert console_errors == []
