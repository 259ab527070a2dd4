"""Share links: /share/<token> without login shows exactly the shared views, read-only."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accord.roadmaps import services
from accord.roadmaps.models import RoadmapItem, ShareLink
from accord.roadmaps.views_public import MISS_LIMIT, PASSWORD_LIMIT

from .sharing_setup import fresh_cache_fixture, plan_fixture  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def share(plan, views=None, **kwargs):
    views = views or [{"roadmap": plan["roadmap"].pk, "view": "timeline"}]
    return services.share_link_create(
        member=plan["editor"], name=kwargs.pop("name", "Wall screen"), views=views, **kwargs
    )


LEAKS = ["Covert acquisition", "Hidden plan", "Outsider secret", "Other plan", "Acme"]


def assert_nothing_else(html: str, raw_token: str, other_tokens=()):
    for text in LEAKS:
        assert text not in html, text
    assert raw_token not in html
    for token in other_tokens:
        assert token not in html
    assert not re.search(r"\b(shr|cal|acc)_[A-Za-z0-9_-]{20,}", html)  # no token of any kind
    assert 'href="/w/' not in html and "/accounts/" not in html and "/api/" not in html
    assert "<nav" not in html


def assert_public_headers(response):
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_a_timeline_share_shows_exactly_that_view_without_signing_in(client, plan, cast):
    _link, raw = share(plan)
    _other_link, other_raw = share(plan, name="Another")
    _feed, feed_raw = services.calendar_feed_create(
        member=plan["editor"], roadmap_id=plan["roadmap"].pk
    )
    response = client.get(f"/share/{raw}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'data-testid="share-timeline"' in html
    for title in ("Alpha engine", "Beta rollout", "Go live", "Build", "Ship", "Launch plan"):
        assert title in html
    assert "Gamma someday" not in html  # undated: not on a timeline
    assert_nothing_else(html, raw, [other_raw, feed_raw, *cast.tokens.values()])
    assert_public_headers(response)
    assert "roadmaps/kiosk.js" in html
    assert 'data-views="1"' in html and 'data-rotate="0"' in html


def test_the_svg_has_no_style_attribute_and_no_database_ids(client, plan):
    _link, raw = share(plan)
    html = client.get(f"/share/{raw}").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    for item in plan["items"].values():
        assert f"-{item.pk}\"" not in svg and f"item-{item.pk}" not in svg


def test_board_and_table_views(client, plan):
    rm = plan["roadmap"].pk
    _link, raw = share(plan, views=[{"roadmap": rm, "view": "board"}])
    html = client.get(f"/share/{raw}").content.decode()
    assert "share-board" in html
    now = html[html.index('share-column-now"') : html.index('share-column-next"')]
    later = html[html.index('share-column-later"') :]
    assert "Alpha engine" in now and "Gamma someday" in later
    assert "Blocked" not in now
    _link, raw = share(plan, views=[{"roadmap": rm, "view": "table"}])
    html = client.get(f"/share/{raw}").content.decode()
    assert "share-table" in html
    for title in ("Alpha engine", "Beta rollout", "Gamma someday"):
        assert title in html
    assert_nothing_else(html, raw)


def test_the_shared_filters_apply(client, plan):
    rm = plan["roadmap"].pk
    _link, raw = share(
        plan, views=[{"roadmap": rm, "view": "table", "filters": {"status": "in_progress"}}]
    )
    html = client.get(f"/share/{raw}").content.decode()
    assert "Alpha engine" in html and "Beta rollout" not in html
    assert "Status: In progress" in html
    lane = plan["lanes"]["Ship"]
    _link, raw = share(plan, views=[{"roadmap": rm, "view": "table", "filters": {"lane_id": lane}}])
    html = client.get(f"/share/{raw}").content.decode()
    assert "Beta rollout" in html and "Alpha engine" not in html


def test_filters_that_make_no_sense_show_nothing_rather_than_everything(client, plan):
    rm = plan["roadmap"].pk
    link, raw = share(plan, views=[{"roadmap": rm, "view": "table"}])
    for bad in ({"status": "bogus"}, {"lane_id": "x"}, {"team_id": [1]}):
        ShareLink.objects.filter(pk=link.pk).update(
            views=[{"roadmap": rm, "view": "table", "filters": bad}]
        )
        response = client.get(f"/share/{raw}")
        assert response.status_code == 200, bad
        assert "Alpha engine" not in response.content.decode()


def test_a_view_of_a_roadmap_of_another_workspace_shows_nothing(client, plan, cast):
    """Even a tampered link (views naming a foreign roadmap) shows nothing of it."""
    link, raw = share(plan)
    foreign = cast.other.roadmaps.get()
    ShareLink.objects.filter(pk=link.pk).update(views=[{"roadmap": foreign.pk, "view": "table"}])
    assert client.get(f"/share/{raw}").status_code == 404
    ShareLink.objects.filter(pk=link.pk).update(
        views=[{"roadmap": foreign.pk, "view": "table"}, {"roadmap": plan["roadmap"].pk}]
    )
    response = client.get(f"/share/{raw}")
    assert response.status_code == 200
    assert "Outsider secret" not in response.content.decode()
    assert client.get(f"/share/{raw}/state").json()["views"] == 1


def test_unknown_revoked_and_expired_links_get_one_identical_404(client, plan):
    revoked, revoked_raw = share(plan)
    services.share_link_revoke(member=plan["editor"], link_id=revoked.pk)
    expired, expired_raw = share(plan, expires_at=timezone.now() + timedelta(hours=1))
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    bodies = set()
    for raw in ("shr_unknown", revoked_raw, expired_raw, ""):
        for suffix in ("", "/state", "/view/0"):
            if not raw and suffix:
                continue
            response = client.get(f"/share/{raw}{suffix}")
            assert response.status_code == 404, (raw, suffix)
            assert_public_headers(response)
            bodies.add(response.content)
    assert len(bodies) == 1
    assert b"does not work" in bodies.pop()


def test_revoking_makes_the_page_and_every_derived_url_404_at_once(client, plan):
    link, raw = share(plan, views=[{"roadmap": plan["roadmap"].pk}] * 2, rotate_seconds=10)
    for suffix in ("", "/state", "/view/0", "/view/1"):
        assert client.get(f"/share/{raw}{suffix}").status_code == 200
    services.share_link_revoke(member=plan["editor"], link_id=link.pk)
    for suffix in ("", "/state", "/view/0", "/view/1"):
        assert client.get(f"/share/{raw}{suffix}").status_code == 404


def test_a_password_is_asked_first_and_remembered_for_that_link(plan):
    _link, raw = share(plan, password="correct horse")
    browser = Client()
    response = browser.get(f"/share/{raw}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="password"' in html and "Alpha engine" not in html
    assert_public_headers(response)
    assert browser.get(f"/share/{raw}/state").status_code == 401
    assert browser.get(f"/share/{raw}/view/0").status_code == 401

    wrong = browser.post(f"/share/{raw}", {"password": "wrong one"})
    assert wrong.status_code == 401 and "Alpha engine" not in wrong.content.decode()
    right = browser.post(f"/share/{raw}", {"password": "correct horse"})
    assert right.status_code == 302 and right["Location"] == f"/share/{raw}"
    page = browser.get(f"/share/{raw}")
    assert page.status_code == 200 and "Alpha engine" in page.content.decode()
    assert browser.get(f"/share/{raw}/state").status_code == 200

    # Another link with a password is not unlocked by this one; another browser is not either.
    _other, other_raw = share(plan, password="another password")
    assert "Alpha engine" not in browser.get(f"/share/{other_raw}").content.decode()
    assert "Alpha engine" not in Client().get(f"/share/{raw}").content.decode()


def test_the_password_form_needs_the_csrf_token(plan):
    _link, raw = share(plan, password="correct horse")
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(f"/share/{raw}", {"password": "correct horse"}).status_code == 403


def test_wrong_passwords_are_rate_limited_per_link_and_address(plan):
    _link, raw = share(plan, password="correct horse")
    browser = Client()
    for _ in range(PASSWORD_LIMIT):
        assert browser.post(f"/share/{raw}", {"password": "nope"}, REMOTE_ADDR="10.0.0.7").status_code == 401
    limited = browser.post(f"/share/{raw}", {"password": "correct horse"}, REMOTE_ADDR="10.0.0.7")
    assert limited.status_code == 429 and limited["Retry-After"]
    assert "Alpha engine" not in limited.content.decode()
    # Someone else, elsewhere, is not locked out.
    other = Client().post(f"/share/{raw}", {"password": "correct horse"}, REMOTE_ADDR="10.0.0.8")
    assert other.status_code == 302


def test_invalid_tokens_are_rate_limited_per_address(client, plan):
    _link, raw = share(plan)
    for n in range(MISS_LIMIT):
        assert client.get(f"/share/shr_guess{n}", REMOTE_ADDR="10.1.1.1").status_code == 404
    limited = client.get("/share/shr_guess-more", REMOTE_ADDR="10.1.1.1")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert_public_headers(limited)
    # Guessing from that address stops working for every token (the guesser learns nothing) ...
    assert client.get(f"/share/{raw}", REMOTE_ADDR="10.1.1.1").status_code == 429
    assert client.get("/calendar/cal_guess.ics", REMOTE_ADDR="10.1.1.1").status_code == 429
    # ... while other addresses go on as before.
    assert client.get(f"/share/{raw}", REMOTE_ADDR="10.1.1.2").status_code == 200


def test_state_is_cheap_and_changes_when_the_shared_data_changes(client, plan, django_assert_max_num_queries):
    _link, raw = share(plan, views=[{"roadmap": plan["roadmap"].pk}, {"roadmap": plan["roadmap"].pk, "view": "board"}], rotate_seconds=10)
    with django_assert_max_num_queries(12):
        first = client.get(f"/share/{raw}/state")
    assert first.status_code == 200 and first["Content-Type"].startswith("application/json")
    state = first.json()
    assert state["views"] == 2 and state["rotate_seconds"] == 10 and state["version"]
    assert_public_headers(first)
    assert client.get(f"/share/{raw}/state").json()["version"] == state["version"]

    alpha = RoadmapItem.objects.get(pk=plan["items"]["alpha"].pk)
    services.item_update(member=plan["editor"], item_id=alpha.pk, version=alpha.version, title="Alpha engine v2")
    changed = client.get(f"/share/{raw}/state").json()["version"]
    assert changed != state["version"]
    services.milestone_create(member=plan["editor"], name="Party", date_=date.today(), roadmap_id=plan["roadmap"].pk)
    assert client.get(f"/share/{raw}/state").json()["version"] != changed

    fragment = client.get(f"/share/{raw}/view/0")
    assert fragment.status_code == 200 and fragment["X-Share-Version"]
    body = fragment.content.decode()
    assert body.lstrip().startswith("<section") and "Alpha engine v2" in body and "<html" not in body
    assert "share-board" in client.get(f"/share/{raw}/view/1").content.decode()
    assert client.get(f"/share/{raw}/view/2").status_code == 404


def test_a_kiosk_link_rotates_with_a_progress_indicator(client, plan):
    rm = plan["roadmap"].pk
    _link, raw = share(plan, views=[{"roadmap": rm}, {"roadmap": rm, "view": "table"}], rotate_seconds=15)
    html = client.get(f"/share/{raw}").content.decode()
    assert 'data-views="2"' in html and 'data-rotate="15"' in html
    assert "data-kiosk-progress" in html and "View 1 of 2" in html
    assert html.count("data-kiosk-dot") == 2


def test_share_pages_only_answer_get_and_the_password_post(client, plan):
    _link, raw = share(plan)
    assert client.post(f"/share/{raw}/state").status_code == 405
    assert client.delete(f"/share/{raw}").status_code == 405


def test_a_registered_view_of_another_capability_rotates_with_the_roadmap_views(client, plan, monkeypatch):
    from accord.core.errors import Invalid
    from accord.roadmaps import extensions

    changes = []
    wall = extensions.KioskView(
        kind="wall", label="Wall numbers", version=lambda ws: str(len(changes)),
        render=lambda ws, index: f'<section class="share-view" data-view-index="{index}">Numbers {len(changes)}</section>',
    )  # fmt: skip
    monkeypatch.setitem(extensions.KIOSK_VIEWS, "wall", wall)
    rm = plan["roadmap"].pk
    link, raw = share(plan, views=[{"roadmap": rm}, {"view": "wall"}], rotate_seconds=10)
    assert link.views[1] == {"roadmap": None, "view": "wall", "filters": {}}
    html = client.get(f"/share/{raw}").content.decode()
    assert 'data-views="2"' in html and html.count("data-kiosk-dot") == 2 and "Wall numbers" in html
    state = client.get(f"/share/{raw}/state").json()
    assert state["views"] == 2
    assert "Numbers 0" in client.get(f"/share/{raw}/view/1").content.decode()
    changes.append(1)
    assert client.get(f"/share/{raw}/state").json()["version"] != state["version"]
    assert "Numbers 1" in client.get(f"/share/{raw}/view/1").content.decode()
    with pytest.raises(Invalid):  # an unknown kind without a roadmap is still refused
        share(plan, views=[{"view": "nope"}])
