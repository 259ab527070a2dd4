"""Terms marked in context: only text nodes, whole words, longest first, the reader's definition,
one compiled pattern per term-list version."""

import re

import pytest
from django.test import RequestFactory

from accord.core import markup
from accord.core.markdown import render_markdown
from accord.glossary import services
from accord.glossary.marking import Reader, compile_terms, mark_html

from .conftest import person_for


def _compiled(*terms):
    """terms: (name, synonyms, definitions)."""
    return compile_terms([(i, n, s, "agreed", d) for i, (n, s, d) in enumerate(terms, start=1)])


DEFS = {"marketing": "Marketing meaning", "it": "IT meaning"}
BASIC = _compiled(
    ("Lead", ["Prospect"], DEFS), ("Sales qualified lead", ["SQL"], DEFS), ("Release", [], DEFS),
    ("R&D", [], DEFS), ("Activity", [], DEFS),
)  # fmt: skip


def _mark(text: str, compiled=BASIC, audiences=frozenset({"marketing"})) -> str:
    return mark_html(render_markdown(text), Reader(compiled, set(audiences)))


def _marked_words(html: str) -> list[str]:
    return re.findall(r'<button type="button" class="term-ref"[^>]*>(.*?)</button>', html)


def test_whole_words_case_insensitive_longest_first_plurals_and_first_occurrence_only():
    html = _mark(
        "Our sales qualified LEAD count fell; each lead and every Leads list. Releases, activities, misleading."
    )
    assert _marked_words(html) == ["sales qualified LEAD", "lead", "Releases", "activities"]
    assert "misleading" in html and "mis<" not in html


def test_never_inside_links_code_attributes_or_headings_markup():
    html = _mark(
        'See [the lead report](https://x.test/lead "lead") and `lead` in code:\n\n    lead = 1\n\n![lead](https://x.test/lead.png)'
    )
    assert _marked_words(html) == []
    assert 'href="https://x.test/lead"' in html and 'title="lead"' in html
    html = _mark("## Lead\n\nA *release* here")
    assert _marked_words(html) == ["Lead", "release"]


def test_html_special_characters_in_terms_and_text_stay_escaped():
    html = _mark("R&D and <script>alert(1)</script> a lead")
    assert _marked_words(html) == ["R&amp;D", "lead"]
    assert "<script>" not in html


def test_the_tooltip_is_linked_by_aria_describedby_and_shows_the_readers_definition():
    html = _mark("A lead.", audiences={"it"})
    button = re.search(r'aria-describedby="([^"]+)"', html).group(1)
    tip = re.search(
        rf'<span class="term-tip" role="tooltip" id="{button}">(.*?)</span></span>', html
    ).group(1)
    assert "IT meaning" in tip and "Marketing meaning" not in tip
    # Nobody's department defined: every definition, by audience.
    html = _mark("A lead.", audiences=set())
    assert (
        "IT meaning" in html
        and "Marketing meaning" in html
        and "IT:" in html
        and "Marketing:" in html
    )


def test_tooltip_ids_are_unique_across_the_texts_of_one_page():
    reader = Reader(BASIC, {"it"})
    first, second = (mark_html(render_markdown("a lead"), reader) for _ in range(2))
    ids = re.findall(r'id="(term-tip-\d+)"', first + second)
    assert len(ids) == 2 and len(set(ids)) == 2


def test_definitions_are_escaped_in_the_tooltip():
    compiled = _compiled(("Lead", [], {"it": "<img src=x onerror=alert(1)>"}))
    assert "<img" not in _mark("a lead", compiled, {"it"}) and "&lt;img" in _mark(
        "a lead", compiled, {"it"}
    )


def test_map_text_leaves_tags_and_skipped_elements_alone():
    html = '<p title="a > b">x<a href="/x">x</a><code>x</code>x<br>x</p>'
    assert (
        markup.map_text(html, lambda t: t.upper())
        == '<p title="a > b">X<a href="/x">x</a><code>x</code>X<br>X</p>'
    )


@pytest.fixture
def reader_request(cast):
    def make(role: str):
        request = RequestFactory().get("/")
        request.member = cast.members[role]
        return request

    return make


def test_the_registered_marker_follows_the_term_list_version(
    cast, admin, reader_request, django_assert_num_queries
):
    person_for(cast, "editor", "it")
    term = services.term_create(
        member=admin,
        name="Churn",
        definitions={"marketing": "Customers who leave", "it": "Cancelled subscriptions"},
    )
    html = render_markdown("Monthly churn is up")
    request = reader_request("editor")
    assert "Cancelled subscriptions" in markup.mark(
        html, request
    ) and "Customers who leave" not in markup.mark(html, request)
    fresh = reader_request("editor")
    with django_assert_num_queries(
        2
    ):  # the stamp and the reader's departments; the pattern is cached
        markup.mark(html, fresh)
    with django_assert_num_queries(0):  # another text of the same page
        markup.mark(html, fresh)
    services.term_update(
        member=admin, term_id=term.pk, version=term.version, synonyms=["Monthly churn"]
    )
    assert _marked_words(markup.mark(html, reader_request("editor"))) == ["Monthly churn"]
    services.term_delete(member=admin, term_id=term.pk)
    assert _marked_words(markup.mark(html, reader_request("editor"))) == []


def test_pages_outside_a_workspace_are_left_alone(term):
    html = render_markdown("activation")
    assert markup.mark(html, RequestFactory().get("/")) == html
    assert markup.mark(html, None) == html


def test_the_idea_page_marks_the_term_for_the_readers_department(cast, client, term):
    from accord.ideas import services as ideas

    person_for(cast, "contributor", "marketing")
    person_for(cast, "editor", "it")
    idea = ideas.idea_create(
        member=cast.members["admin"], title="Checklist", description="Lift **activation** of trials"
    )
    url = f"/w/acme/ideas/{idea.pk}"
    client.force_login(cast.members["contributor"].user)
    page = client.get(url).content.decode()
    assert (
        'class="term-ref"' in page and "A trial account reaching its first dashboard share." in page
    )
    assert "The activated_at timestamp" not in page
    client.force_login(cast.members["editor"].user)
    page = client.get(url).content.decode()
    assert (
        "The activated_at timestamp" in page
        and "A trial account reaching its first dashboard share." not in page
    )


def test_playbooks_and_scoring_models_mark_the_term_too(cast, client, term):
    from accord.ideas import services as ideas
    from accord.playbooks import services as playbooks

    person_for(cast, "contributor", "marketing")
    admin = cast.members["admin"]
    playbook = playbooks.playbook_create(member=admin, name="Trial nurture", kind="campaign",
                                         body="Every step raises **activation**.")  # fmt: skip
    model = ideas.scoring_model_create(member=admin, name="Growth", kind="rice",
                                       description="Favours what lifts activation.")  # fmt: skip
    criterion = model.criteria.order_by("pk").first()
    criterion.description = "How many trials reach activation because of it."
    criterion.save(update_fields=["description"])
    client.force_login(cast.members["contributor"].user)
    for url in (f"/w/acme/playbooks/{playbook.pk}", f"/w/acme/scoring/{model.pk}"):
        page = client.get(url).content.decode()
        assert 'class="term-ref"' in page, url
        assert "A trial account reaching its first dashboard share." in page, url
    assert "How many trials reach" in client.get(f"/w/acme/scoring/{model.pk}").content.decode()  # the criterion
