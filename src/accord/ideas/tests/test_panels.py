"""The idea page's panel hook: higher apps add panels without ideas knowing them."""

import pytest
from django.test import Client

from accord.ideas import panels


@pytest.fixture
def test_panel():
    seen = []

    def context(request, member, idea):
        seen.append(member.role)
        if member.role == "viewer":
            return None  # hidden for this member
        return {"title": f"Panel for {idea.title}", "text": "From a test app."}

    panel = panels.IdeaPanel(key="test.panel", template="_empty.html", context=context, order=1)
    panels.register(panel)
    yield seen
    panels.PANELS.pop("test.panel", None)


def test_a_registered_panel_shows_on_the_idea_page_unless_its_context_hides_it(cast, make_idea, test_panel):
    idea = make_idea("Dark mode")
    editor, viewer = Client(), Client()
    editor.force_login(cast.members["editor"].user)
    viewer.force_login(cast.members["viewer"].user)
    assert b"Panel for Dark mode" in editor.get(f"/w/acme/ideas/{idea.pk}").content
    assert b"Panel for Dark mode" not in viewer.get(f"/w/acme/ideas/{idea.pk}").content
    assert test_panel == ["editor", "viewer"]


def test_a_key_cannot_be_taken_twice(test_panel):
    with pytest.raises(ValueError):
        panels.register(panels.IdeaPanel(key="test.panel", template="other.html", context=lambda *a: {}))
