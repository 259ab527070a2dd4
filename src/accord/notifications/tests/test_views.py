"""The bell, the notifications page and drawer, marking read, and the settings page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.notifications import services
from accord.notifications.models import DigestSchedule, Notification, NotificationPreference


@pytest.fixture
def viewer(client, cast):
    client.force_login(cast.members["viewer"].user)
    return cast.members["viewer"]


def _notify(cast, member, title="Ada Admin moved roadmap item SSO", n=1, url="/w/acme/teams"):
    for i in range(n):
        services.notify(workspace=cast.workspace, users=[member.user], kind="watching",
                        title=f"{title} {i}" if n > 1 else title, url=url)  # fmt: skip


def test_the_bell_shows_the_unread_count_in_one_query(client, cast, viewer):
    _notify(cast, viewer, n=3)
    services.notify(
        workspace=cast.other, users=[cast.outsider.user], kind="watching", title="x", url=""
    )
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/w/acme/teams").content.decode()
    assert 'data-testid="bell"' in page and 'aria-label="Notifications, 3 unread"' in page
    assert '<span class="bell-count" aria-hidden="true" data-testid="bell-count">3</span>' in page
    assert sum("notifications_notification" in q["sql"] for q in ctx.captured_queries) == 1


def test_no_unread_no_count(client, cast, viewer):
    page = client.get("/w/acme/teams").content.decode()
    assert 'aria-label="Notifications"' in page and "bell-count" not in page


def test_the_page_lists_my_notifications_only(client, cast, viewer):
    _notify(cast, viewer, title="For the viewer")
    _notify(cast, cast.members["editor"], title="For the editor")
    page = client.get("/w/acme/notifications").content.decode()
    assert "For the viewer" in page and "For the editor" not in page
    assert "Mark all read" in page


def test_the_bell_opens_the_drawer(client, cast, viewer):
    _notify(cast, viewer, title="In the drawer")
    response = client.get(
        "/w/acme/notifications", headers={"HX-Request": "true", "HX-Target": "accord-drawer-body"}
    )
    body = response.content.decode()
    assert 'data-testid="notifications-drawer"' in body and "In the drawer" in body
    assert "<html" not in body


def test_open_marks_read_and_goes_to_the_object(client, cast, viewer):
    _notify(cast, viewer, url="/w/acme/teams")
    n = Notification.objects.get()
    response = client.post("/w/acme/notifications/read", {"id": n.pk, "go": n.url})
    assert response.status_code == 302 and response["Location"] == "/w/acme/teams"
    n.refresh_from_db()
    assert n.read_at is not None


def test_open_goes_only_to_this_site(client, cast, viewer):
    _notify(cast, viewer)
    n = Notification.objects.get()
    response = client.post("/w/acme/notifications/read", {"id": n.pk, "go": "//evil.example.com/"})
    assert response["Location"] == "/w/acme/notifications"


def test_mark_all_read_and_others_stay_unread(client, cast, viewer):
    _notify(cast, viewer, n=2)
    _notify(cast, cast.members["editor"])
    client.post("/w/acme/notifications/read", {"all": "1"})
    assert not Notification.objects.filter(recipient=viewer.user, read_at__isnull=True).exists()
    assert (
        Notification.objects.filter(
            recipient=cast.members["editor"].user, read_at__isnull=True
        ).count()
        == 1
    )


def test_i_cannot_mark_someone_elses_notification(client, cast, viewer):
    _notify(cast, cast.members["editor"])
    n = Notification.objects.get()
    client.post("/w/acme/notifications/read", {"id": n.pk})
    n.refresh_from_db()
    assert n.read_at is None


def test_unread_filter(client, cast, viewer):
    _notify(cast, viewer, title="Old news")
    services.mark_all_read(member=viewer)
    _notify(cast, viewer, title="Fresh news")
    page = client.get("/w/acme/notifications?show=unread").content.decode()
    assert "Fresh news" in page and "Old news" not in page


def test_outsiders_get_404(client, cast):
    client.force_login(cast.outsider.user)
    assert client.get("/w/acme/notifications").status_code == 404


def test_settings_save_email_in_app_and_weekday(client, cast, viewer):
    page = client.get("/w/acme/notifications/settings").content.decode()
    assert "Someone mentions me" in page and "The weekly digest" in page
    response = client.post("/w/acme/notifications/settings", {
        "in_app_mentioned": "on", "email_mentioned": "on", "in_app_watching": "on",
        "email_digest": "on", "digest_weekday": "friday",
    })  # fmt: skip
    assert response.status_code == 302
    prefs = {
        p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=viewer.user)
    }
    assert prefs["mentioned"] == (True, True)
    assert prefs["watching"] == (True, False)
    assert prefs["responsible"] == (False, False)
    assert prefs["digest"] == (True, True)
    assert DigestSchedule.objects.get(user=viewer.user).get_weekday_display() == "Friday"


def test_settings_refuse_a_weekday_that_is_none(client, cast, viewer):
    response = client.post("/w/acme/notifications/settings", {"digest_weekday": "someday"})
    assert response.status_code in (400, 422)
    assert not DigestSchedule.objects.exists()
