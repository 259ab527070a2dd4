"""The admin pages: portal settings with publishing, and the moderation queue (admins only)."""

import pytest

from accord.feedback.models import Feedback
from accord.portal import services
from accord.portal.models import Comment, Moderation, Portal, PublishedIdea


def _login(client, cast, role="admin"):
    client.force_login(cast.members[role].user)
    return client


@pytest.mark.parametrize("role", ["viewer", "contributor", "editor"])
def test_only_admins_open_the_portal_pages(client, cast, role):
    _login(client, cast, role)
    assert client.get("/w/acme/portal").status_code == 403
    assert client.get("/w/acme/portal/moderation").status_code == 403
    assert 'href="/w/acme/portal"' not in client.get("/w/acme/ideas").content.decode()


def test_admin_turns_the_portal_on_and_publishes_an_idea(client, cast, django_assert_max_num_queries):
    from accord.ideas import services as ideas

    idea = ideas.idea_create(member=cast.members["admin"], title="Offline mode")
    _login(client, cast)
    assert 'href="/w/acme/portal"' in client.get("/w/acme/ideas").content.decode()  # the nav link
    with django_assert_max_num_queries(14):
        page = client.get("/w/acme/portal")
    assert "Offline mode" in page.content.decode()
    response = client.post("/w/acme/portal", {"version": 1, "enabled": "on", "title": "Acme ideas", "intro": "Hi"})
    assert response.status_code == 302
    portal = Portal.objects.get()
    assert portal.enabled and portal.title == "Acme ideas" and not portal.moderate_comments
    client.post(f"/w/acme/portal/ideas/{idea.pk}", {"action": "publish", "public_title": "Work offline"})
    assert PublishedIdea.objects.get().title == "Work offline"
    assert "Work offline" in client.get("/portal/acme/").content.decode()
    client.post(f"/w/acme/portal/ideas/{idea.pk}", {"action": "unpublish"})
    assert not PublishedIdea.objects.exists()
    stale = client.post("/w/acme/portal", {"version": 1, "title": "Old"})
    assert stale.status_code == 422


def test_moderation_queue_approves_comments_and_feedback(client, cast, portal):
    comment = services.comment_create(portal=portal, idea_id=portal.idea.pk, name="Cus", email="c@example.test", body="Great idea")
    submission = services.submission_create(portal=portal, name="Cus", email="c@example.test", title="", text="Need SSO")
    _login(client, cast)
    page = client.get("/w/acme/portal/moderation").content.decode()
    assert "Great idea" in page and "Need SSO" in page
    client.post("/w/acme/portal/moderation", {"kind": "comment", "id": comment.pk, "action": "approve"})
    client.post("/w/acme/portal/moderation", {"kind": "submission", "id": submission.pk, "action": "spam"})
    assert Comment.objects.get().status == Moderation.APPROVED
    assert not Feedback.objects.exists()
    page = client.get("/w/acme/portal/moderation").content.decode()
    assert "No comments waiting" in page and "No feedback waiting" in page


def test_the_idea_page_shows_the_portal_panel_and_publishes_from_it(client, cast, portal):
    from accord.ideas import services as ideas

    services.vote_member(member=cast.members["viewer"], idea_id=portal.idea.pk)
    _login(client, cast, "viewer")
    page = client.get(f"/w/acme/ideas/{portal.idea.pk}").content.decode()
    assert 'data-testid="portal-votes">1<' in page and "Publish on the portal" not in page
    other = ideas.idea_create(member=cast.members["admin"], title="Offline mode")
    _login(client, cast)
    assert "Publish on the portal" in client.get(f"/w/acme/ideas/{other.pk}").content.decode()
    back = f"/w/acme/ideas/{other.pk}"
    response = client.post(f"/w/acme/portal/ideas/{other.pk}", {"action": "publish", "next": back})
    assert response.url == back and PublishedIdea.objects.filter(idea=other).exists()
    response = client.post(f"/w/acme/portal/ideas/{other.pk}", {"action": "unpublish", "next": "https://evil.example/"})
    assert response.url.startswith("/w/acme/portal")
