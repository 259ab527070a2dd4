"""The sharing page /w/<slug>/sharing: who may see and manage share links and calendar feeds, the
token shown once after creation (and never in the list), revocation, and form errors."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accord.roadmaps.models import CalendarFeed, ShareLink

from .sharing_setup import fresh_cache_fixture, plan_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"\b(?:shr|cal)_[A-Za-z0-9_-]{20,}")


@pytest.fixture
def url():
    return reverse("sharing", args=["acme"])


def signed_in(cast, role):
    client = Client()
    member = cast.outsider if role == "outsider" else cast.members[role]
    client.force_login(member.user)
    return client


def create_link(client, url, plan, **extra):
    rid = plan["roadmap"].pk
    data = {
        "action": "create_link",
        "name": "Lobby screen",
        "views": [f"{rid}:timeline", f"{rid}:board"],
        "rotate_seconds": "30",
        **extra,
    }
    return client.post(url, data)


def test_viewer_sees_the_list_but_may_not_create_or_revoke(cast, plan, url):
    editor = signed_in(cast, "editor")
    create_link(editor, url, plan)
    link = ShareLink.objects.get()
    viewer = signed_in(cast, "viewer")
    page = viewer.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lobby screen" in html and "Launch plan · Timeline" in html
    assert "Create a share link" not in html and "Revoke" not in html
    assert create_link(viewer, url, plan).status_code == 403
    assert viewer.post(url, {"action": "revoke_link", "id": link.pk}).status_code == 403
    feed = {"action": "create_feed", "roadmap": plan["roadmap"].pk}
    assert viewer.post(url, feed).status_code == 403
    assert ShareLink.objects.count() == 1 and not CalendarFeed.objects.exists()


def test_editor_creates_a_rotation_sees_the_url_once_and_revokes_it(cast, plan, url):
    editor = signed_in(cast, "editor")
    response = create_link(editor, url, plan)
    assert response.status_code == 200
    html = response.content.decode()
    assert "the only time it is shown" in html
    match = re.search(r'<code id="new-share-link">(http://[^<]+/share/([^<]+))</code>', html)
    assert match, html
    raw = match.group(2)
    link = ShareLink.objects.get()
    assert link.rotate_seconds == 30 and [v["view"] for v in link.views] == ["timeline", "board"]
    assert Client().get(f"/share/{raw}").status_code == 200  # works without signing in

    listing = editor.get(url).content.decode()
    assert raw not in listing and not TOKEN.search(listing)
    assert "Launch plan · Timeline" in listing and "Launch plan · Board" in listing
    assert "every 30 s" in listing and "active" in listing

    revoked = editor.post(url, {"action": "revoke_link", "id": link.pk})
    assert revoked.status_code == 302
    assert Client().get(f"/share/{raw}").status_code == 404
    assert "revoked" in editor.get(url).content.decode()


def test_calendar_feed_url_is_shown_once_and_answers(cast, plan, url):
    editor = signed_in(cast, "editor")
    response = editor.post(url, {"action": "create_feed", "roadmap": plan["roadmap"].pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "the only time it is shown" in html
    match = re.search(r'<code id="new-calendar-feed">http://[^<]+(/calendar/[^<]+\.ics)</code>', html)
    assert match, html
    assert Client().get(match.group(1)).status_code == 200
    listing = editor.get(url).content.decode()
    assert not TOKEN.search(listing) and "by Editor" in listing

    feed = CalendarFeed.objects.get()
    assert editor.post(url, {"action": "revoke_feed", "id": feed.pk}).status_code == 302
    assert Client().get(match.group(1)).status_code == 404


def test_outsider_gets_404(cast, plan, url):
    outsider = signed_in(cast, "outsider")
    assert outsider.get(url).status_code == 404
    assert create_link(outsider, url, plan).status_code == 404


def test_bad_input_is_422_with_field_errors(cast, plan, url):
    editor = signed_in(cast, "editor")
    response = create_link(editor, url, plan, views=[], rotate_seconds="5")
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose at least one view to share." in html
    assert "Rotate every 10 to 3600 seconds" in html
    assert 'value="Lobby screen"' in html  # the form keeps what was typed
    assert not ShareLink.objects.exists()

    other = create_link(editor, url, plan, views=[f"{plan['hidden'].pk + 999}:timeline"])
    assert other.status_code == 422 and "Choose views from the list." in other.content.decode()
    short = create_link(editor, url, plan, password="short")
    assert short.status_code == 422 and "at least 8 characters" in short.content.decode()
    assert not ShareLink.objects.exists()


def test_the_form_names_each_view_by_its_roadmap_and_keeps_the_rotation_order(cast, plan, url):
    """Each checkbox says which roadmap it shares; the order of the list is the rotation's order
    (arrows move a view up or down), kept when the form comes back with an error."""
    editor = signed_in(cast, "editor")
    html = editor.get(url).content.decode()
    name = plan["roadmap"].name
    assert re.search(rf'<input type="checkbox" name="views" value="{plan["roadmap"].pk}:board"[^>]*>\s*{name} · Board</label>', html), html
    assert f'aria-label="Move {name} · Board up"' in html and f'aria-label="Move {name} · Board down"' in html

    rid = plan["roadmap"].pk
    response = create_link(editor, url, plan, views=[f"{rid}:table", f"{rid}:timeline"], rotate_seconds="5")
    assert response.status_code == 422
    again = response.content.decode()
    table, timeline, board = (again.index(f'value="{rid}:{v}"') for v in ("table", "timeline", "board"))
    assert table < timeline < board  # the chosen order first, then the views left out

    create_link(editor, url, plan, views=[f"{rid}:table", f"{rid}:timeline"])
    assert [v["view"] for v in ShareLink.objects.get().views] == ["table", "timeline"]
