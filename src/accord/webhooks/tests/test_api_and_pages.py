"""The API and the pages: admins only, the secret shown once, the log, replay, pause and resume."""

import pytest

from accord.webhooks import services as webhook_services
from accord.webhooks.models import Delivery, Webhook
from accord.workspaces import services as ws_services

pytestmark = pytest.mark.django_db


def test_api_round_trip(cast, api, receiver, django_capture_on_commit_callbacks):
    admin = api(cast.tokens["admin"])
    created = admin.post(
        "/workspaces/acme/webhooks",
        {"name": "Ops", "url": receiver.url, "events": ["team.*"], "format": "json"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["secret_prefix"] == body["secret"][:12]
    hook_id = body["id"]
    shown = admin.get(f"/workspaces/acme/webhooks/{hook_id}").json()
    assert "secret" not in shown and shown["state"] == "active"
    with django_capture_on_commit_callbacks(execute=True):
        # the cast's workspace object remembers its subscriptions for 2 s (services.subscriptions):
        # "none" from building the cast, when that was a moment ago; the webhook came by the API
        webhook_services.forget(cast.members["admin"].workspace)
        ws_services.team_create(member=cast.members["admin"], name="Platform")
    log = admin.get("/workspaces/acme/webhook-deliveries", {"webhook_id": hook_id}).json()
    assert (
        log["count"] == 1
        and log["items"][0]["status"] == "delivered"
        and log["items"][0]["can_replay"]
    )
    detail = admin.get(f"/workspaces/acme/webhook-deliveries/{log['items'][0]['id']}").json()
    assert detail["attempt_log"][0]["response_status"] == 200 and '"team.created"' in detail["body"]
    with django_capture_on_commit_callbacks(execute=True):
        replay = admin.post(f"/workspaces/acme/webhook-deliveries/{detail['id']}/replay")
    assert replay.status_code == 201 and replay.json()["replay_of"] == detail["id"]
    assert receiver.wait(2)
    paused = admin.post(
        f"/workspaces/acme/webhooks/{hook_id}/pause", {"reason": "Receiver moving"}
    ).json()
    assert paused["state"] == "paused" and paused["paused_reason"] == "Receiver moving"
    assert (
        admin.post(f"/workspaces/acme/webhook-deliveries/{detail['id']}/replay").status_code == 409
    )
    assert admin.post(f"/workspaces/acme/webhooks/{hook_id}/resume").json()["state"] == "active"
    patched = admin.patch(
        f"/workspaces/acme/webhooks/{hook_id}",
        {"version": shown["version"] + 2, "events": ["*"], "format": "slack"},
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["events"] == ["*"] and patched.json()["format"] == "slack"
    types = admin.get("/workspaces/acme/webhook-event-types").json()
    assert any(
        t["type"] == "roadmap_item" and "roadmap_item.created" in t["events"]
        for t in types["types"]
    )
    assert admin.delete(f"/workspaces/acme/webhooks/{hook_id}").status_code == 204
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "http://169.254.169.254/"),
        ("url", "gopher://x"),
        ("events", ["nope.created"]),
        ("events", ["bad event"]),
    ],
)
def test_bad_input_is_a_422_naming_the_field(cast, api, field, value):
    body = {"name": "X", "url": "https://hooks.example.invalid/x", "events": ["*"], field: value}
    response = api(cast.tokens["admin"]).post("/workspaces/acme/webhooks", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not Webhook.objects.exists()


def test_pages_are_for_admins(cast, client, receiver):
    from accord.webhooks import services

    hook, _secret = services.webhook_create(
        member=cast.members["admin"], name="Ops", url=receiver.url, events=["*"]
    )
    client.force_login(cast.members["editor"].user)
    assert client.get("/w/acme/webhooks").status_code == 403
    client.force_login(cast.members["admin"].user)
    page = client.get("/w/acme/webhooks")
    assert page.status_code == 200 and b"Ops" in page.content
    bad = client.post(
        "/w/acme/webhooks",
        {"name": "Meta", "url": "http://169.254.169.254/", "events": ["*"], "format": "json"},
    )
    assert bad.status_code == 422 and b"metadata" in bad.content
    made = client.post(
        "/w/acme/webhooks",
        {
            "name": "New",
            "url": receiver.url,
            "events": ["team.*"],
            "more_events": "idea.created",
            "format": "slack",
        },
    )
    assert made.status_code == 200 and b"whsec_" in made.content
    assert Webhook.objects.get(name="New").events == ["idea.created", "team.*"]
    assert client.post(f"/w/acme/webhooks/{hook.pk}/pause").status_code == 302
    detail = client.get(f"/w/acme/webhooks/{hook.pk}")
    assert b"paused-banner" in detail.content and b"Resume" in detail.content
    client.post(f"/w/acme/webhooks/{hook.pk}/resume")
    hook.refresh_from_db()
    assert not hook.is_paused
    client.post(f"/w/acme/webhooks/{hook.pk}/delete")
    assert not Webhook.objects.filter(pk=hook.pk).exists()


def test_the_audit_trail_keeps_the_host_not_the_secret_url(cast):
    from accord.audit.models import AuditEntry
    from accord.webhooks import services

    url = "https://hooks.example.invalid/services/T000/B000/SecretPathToken"
    services.webhook_create(
        member=cast.members["admin"], name="Slack", url=url, events=["*"], format="slack"
    )
    entry = AuditEntry.objects.get(object_type="webhook", action="created")
    assert entry.after["host"] == "hooks.example.invalid"
    assert "SecretPathToken" not in str(entry.before) + str(entry.after)
