"""The notifications API: my notifications, marking read, my preferences; bad input is a 422
naming the field, and nothing half-saved."""

from accord.notifications import services
from accord.notifications.models import DigestSchedule, Notification, NotificationPreference


def _notify(cast, role, title="Hello", n=1):
    for i in range(n):
        services.notify(workspace=cast.workspace, users=[cast.members[role].user], kind="mentioned",
                        title=f"{title} {i}", url="/w/acme/ideas")  # fmt: skip


def test_list_and_mark_read(api, cast, django_assert_max_num_queries):
    _notify(cast, "viewer", n=3)
    _notify(cast, "editor")
    client = api(cast.tokens["viewer"])
    body = client.get("/workspaces/acme/notifications").json()
    assert body["count"] == 3
    assert [i["title"] for i in body["items"]] == ["Hello 2", "Hello 1", "Hello 0"]
    assert body["items"][0]["kind"] == "mentioned" and body["items"][0]["read_at"] is None
    editors = list(
        Notification.objects.filter(recipient=cast.members["editor"].user).values_list(
            "pk", flat=True
        )
    )
    first = body["items"][0]["id"]
    response = client.post("/workspaces/acme/notifications/read", {"ids": [first, *editors]})
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 2}
    assert client.get("/workspaces/acme/notifications", {"unread": "true"}).json()["count"] == 2
    assert client.post("/workspaces/acme/notifications/read-all").json() == {
        "marked": 2,
        "unread": 0,
    }
    assert (
        Notification.objects.filter(
            recipient=cast.members["editor"].user, read_at__isnull=True
        ).count()
        == 1
    )


def test_the_list_reads_in_constant_queries(api, cast, django_assert_max_num_queries):
    _notify(cast, "viewer", n=20)
    client = api(cast.tokens["viewer"])
    with django_assert_max_num_queries(6):  # token, membership, page, count (+ token touch)
        assert len(client.get("/workspaces/acme/notifications").json()["items"]) == 20


def test_mark_read_refuses_bad_ids(api, cast):
    client = api(cast.tokens["viewer"])
    for bad in ({"ids": ["x"]}, {"ids": [0]}, {"ids": 5}, {}):
        response = client.post("/workspaces/acme/notifications/read", bad)
        assert response.status_code == 422, bad


def test_preferences_round_trip(api, cast):
    client = api(cast.tokens["editor"])
    body = client.get("/me/notification-preferences").json()
    assert body["digest_weekday"] == "monday"
    kinds = {k["kind"]: k for k in body["kinds"]}
    assert kinds["mentioned"] == {
        "kind": "mentioned",
        "label": "Someone mentions me",
        "email": True,
        "in_app": True,
    }
    assert {"watching", "responsible", "webhook_paused", "digest"} <= kinds.keys()
    response = client.patch("/me/notification-preferences", {
        "kinds": [{"kind": "watching", "email": False}, {"kind": "digest", "email": False}],
        "digest_weekday": "wednesday",
    })  # fmt: skip
    assert response.status_code == 200, response.content
    kinds = {k["kind"]: k for k in response.json()["kinds"]}
    assert kinds["watching"]["email"] is False and kinds["watching"]["in_app"] is True
    assert kinds["mentioned"]["email"] is True
    assert response.json()["digest_weekday"] == "wednesday"


def test_preferences_refuse_unknown_kinds_and_save_nothing(api, cast):
    client = api(cast.tokens["editor"])
    response = client.patch("/me/notification-preferences", {
        "kinds": [{"kind": "watching", "email": False}, {"kind": "gossip", "email": True}],
        "digest_weekday": "friday",
    })  # fmt: skip
    assert response.status_code == 422
    assert "gossip" in response.content.decode()
    assert response.json()["errors"][0]["field"] == "kinds"
    assert not NotificationPreference.objects.exists() and not DigestSchedule.objects.exists()
    for bad in ({"digest_weekday": "someday"}, {"kinds": [{"kind": "watching", "email": "no"}]}):
        assert client.patch("/me/notification-preferences", bad).status_code == 422, bad


def test_an_outsider_sees_no_notifications_of_acme(api, cast):
    _notify(cast, "viewer")
    assert api(cast.tokens["outsider"]).get("/workspaces/acme/notifications").status_code == 404
