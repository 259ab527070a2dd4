"""The public pages: no login, only what is published, uniform 404s, limits, honeypot, headers."""

import re

import pytest
from django.core import mail
from django.test import Client

from accord.ideas import services as ideas
from accord.portal import limits, services
from accord.portal.models import Comment, Submission, Vote


@pytest.fixture
def visitor():
    return Client(enforce_csrf_checks=False)


def _url(portal, rest=""):
    return f"/portal/acme/{rest}"


def test_home_lists_published_ideas_only_with_public_headers(portal, cast, visitor, django_assert_max_num_queries):
    ideas.idea_create(member=cast.members["admin"], title="Secret acquisition plan")
    with django_assert_max_num_queries(8):
        response = visitor.get(_url(portal))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dark mode" in body and "Secret acquisition plan" not in body
    assert "<strong>more</strong>" in body  # the intro's Markdown
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert "<script" not in body


@pytest.mark.parametrize("sort", ["top", "new"])
def test_home_sorts_and_filters(portal, visitor, sort):
    assert visitor.get(_url(portal), {"sort": sort, "status": "open"}).status_code == 200
    assert visitor.get(_url(portal), {"sort": "bogus"}).status_code == 302


def test_unknown_disabled_and_unpublished_are_one_404(portal, cast, visitor):
    hidden = ideas.idea_create(member=cast.members["admin"], title="Hidden")
    foreign = ideas.idea_create(member=cast.outsider, title="Other")
    services.portal_update(member=cast.outsider, version=1, enabled=False)
    pages = [
        "/portal/nope/",
        "/portal/other/",
        _url(portal, f"ideas/{hidden.pk}"),
        _url(portal, f"ideas/{foreign.pk}"),
        _url(portal, "verify/vote_bogus"),
        _url(portal, "unsubscribe/unsub_bogus"),
    ]
    bodies = set()
    for page in pages:
        response = visitor.get(page)
        assert response.status_code == 404, page
        assert response.headers["Referrer-Policy"] == "no-referrer"
        bodies.add(response.content)
    assert len(bodies) == 1


def test_idea_page_vote_flow_through_the_mailed_link(portal, visitor, django_capture_on_commit_callbacks):
    idea = _url(portal, f"ideas/{portal.idea.pk}")
    page = visitor.get(idea).content.decode()
    assert "<em>eyes</em>" in page and 'name="email"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post(f"{idea}/vote", {"email": "cus@example.test"})
    assert response.status_code == 302 and "sent=check" in response.url
    link = re.search(r"http://[^/]+(/portal/\S+)", mail.outbox[-1].body).group(1)
    assert link not in visitor.get(idea).content.decode()  # a page never shows a token
    response = visitor.get(link)
    assert response.status_code == 302 and "sent=verified" in response.url
    assert 'data-testid="vote-count">1<' in visitor.get(response.url).content.decode()


def test_a_bad_email_shows_the_form_again(portal, visitor):
    response = visitor.post(_url(portal, f"ideas/{portal.idea.pk}/vote"), {"email": "nope"})
    assert response.status_code == 422
    assert "valid e-mail" in response.content.decode()


def test_the_honeypot_pretends_and_stores_nothing(portal, visitor):
    idea = _url(portal, f"ideas/{portal.idea.pk}")
    response = visitor.post(f"{idea}/vote", {"email": "bot@example.test", "website": "http://spam"})
    assert response.status_code == 302
    visitor.post(f"{idea}/comments", {"name": "Bot", "comment_email": "bot@example.test", "body": "x", "website": "y"})
    visitor.post(_url(portal, "submit"), {"email": "bot@example.test", "text": "x", "website": "y"})
    assert not Vote.objects.exists() and not Comment.objects.exists() and not Submission.objects.exists()
    assert mail.outbox == []


def test_votes_are_rate_limited_per_address(portal, visitor):
    idea = _url(portal, f"ideas/{portal.idea.pk}/vote")
    allowed = limits.LIMITS["vote"][0]
    for n in range(allowed):
        assert visitor.post(idea, {"email": f"v{n}@example.test"}).status_code == 302
    response = visitor.post(idea, {"email": "late@example.test"})
    assert response.status_code == 429 and response.headers["Retry-After"]
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(idea, {"email": "late@example.test"}).status_code == 302


def test_public_forms_need_csrf(portal):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(_url(portal, f"ideas/{portal.idea.pk}/vote"), {"email": "cus@example.test"})
    assert response.status_code == 403
    page = strict.get(_url(portal, f"ideas/{portal.idea.pk}")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    # No-referrer pages post with "Origin: null": the token is what counts.
    data = {"email": "cus@example.test", "csrfmiddlewaretoken": token}
    assert strict.post(_url(portal, f"ideas/{portal.idea.pk}/vote"), data, HTTP_ORIGIN="null").status_code == 302
    assert strict.post(_url(portal, f"ideas/{portal.idea.pk}/vote"), data, HTTP_ORIGIN="https://evil.example").status_code == 403


def test_comment_and_submission_forms(portal, visitor):
    idea = _url(portal, f"ideas/{portal.idea.pk}")
    response = visitor.post(f"{idea}/comments", {"name": "Cus", "comment_email": "cus@example.test", "body": "Yes <script>alert(1)</script> **please**"})
    assert "sent=comment-pending" in response.url
    assert "please" not in visitor.get(idea).content.decode()  # waits for moderation
    Comment.objects.update(status="approved")
    page = visitor.get(idea).content.decode()
    assert "<strong>please</strong>" in page and "<script>alert" not in page
    assert visitor.post(f"{idea}/comments", {"name": "", "comment_email": "x", "body": ""}).status_code == 422
    assert visitor.get(_url(portal, "submit")).status_code == 200
    response = visitor.post(_url(portal, "submit"), {"name": "Cus", "email": "cus@example.test", "title": "PDF", "text": "PDF export"})
    assert response.status_code == 302 and Submission.objects.get().text == "PDF export"
    assert visitor.post(_url(portal, "submit"), {"email": "cus@example.test", "text": ""}).status_code == 422


def test_a_signed_in_member_votes_with_one_click(portal, cast, client):
    client.force_login(cast.members["viewer"].user)
    idea = _url(portal, f"ideas/{portal.idea.pk}")
    assert "Vote for this idea" in client.get(idea).content.decode()
    assert "sent=voted" in client.post(f"{idea}/vote").url
    assert "Take back my vote" in client.get(idea).content.decode()


def test_one_click_unsubscribe_without_csrf(portal, cast, django_capture_on_commit_callbacks):
    services.vote_member(member=cast.members["viewer"], idea_id=portal.idea.pk)
    portal.idea.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        ideas.idea_update(member=cast.members["editor"], idea_id=portal.idea.pk, version=portal.idea.version, status="done")
    url = re.search(r"http://[^/]+(/portal/acme/unsubscribe/\S+)", mail.outbox[-1].body).group(1)
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(url).status_code == 200
    assert strict.post(url).status_code == 200  # RFC 8058: mail clients post without a CSRF token
    from accord.portal.models import Contact

    assert Contact.objects.get(email="viewer@acme.test").unsubscribed_at
    page = strict.get(_url(portal, f"ideas/{portal.idea.pk}")).content.decode()
    assert "Shipped on" in page


def test_home_shows_fifty_ideas_a_page(portal, cast, visitor):
    from accord.portal.views_public import PER_PAGE

    admin = cast.members["admin"]
    for n in range(PER_PAGE):
        idea = ideas.idea_create(member=admin, title=f"Idea {n:02d}")
        services.idea_publish(member=admin, idea_id=idea.pk)
    first = visitor.get(_url(portal), {"sort": "new"}).content.decode()
    second = visitor.get(_url(portal), {"sort": "new", "page": 2}).content.decode()
    assert first.count('class="portal-card"') == PER_PAGE and "Page 1 of 2" in first
    assert second.count('class="portal-card"') == 1 and "Dark mode" in second
