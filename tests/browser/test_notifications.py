"""Notifications in a real browser, on the demo workspace: the bell in the header shows the unread
count, opens the latest notifications in the drawer, and Mark all read empties the count. Also on
a phone-sized screen, the header still fits."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_the_bell_opens_the_notifications_and_marks_them_read(
    new_page, demo, console_errors, page_check, artifacts
):
    from accord.accounts.models import User
    from accord.notifications import services
    from accord.notifications.models import Notification
    from accord.workspaces.models import Workspace

    admin = User.objects.get(email=demo["email"])
    services.notify(workspace=Workspace.objects.get(slug=demo["slug"]), users=[admin], kind="webhook_paused",
                    title="Webhook \u201cDeploys to Slack\u201d is paused after 20 failed deliveries",
                    url=f"/w/{demo['slug']}/", text="The last answer was 500 Internal Server Error.")  # fmt: skip
    unread = Notification.objects.filter(
        recipient=admin, workspace__slug=demo["slug"], read_at__isnull=True
    ).count()

    page = new_page(1280, 900)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))

    bell = page.get_by_test_id("bell")
    expect(bell).to_have_attribute("aria-label", f"Notifications, {unread} unread")
    expect(page.get_by_test_id("bell-count")).to_have_text(str(unread))
    bell.click()
    drawer = page.get_by_test_id("notifications-drawer")
    expect(drawer).to_be_visible()
    expect(drawer.get_by_test_id("notification").first).to_contain_text("Deploys to Slack")
    expect(drawer.locator(".notif-unread")).to_have_count(unread)
    page_check(page, "the notifications drawer")
    page.screenshot(path=str(artifacts / "notifications-1-drawer.png"), full_page=False)

    drawer.get_by_test_id("mark-all-read").click()
    page.wait_for_url(re.compile(r"/w/lumen/notifications$"))
    expect(page.get_by_test_id("bell-count")).to_have_count(0)
    expect(page.get_by_test_id("bell")).to_have_attribute("aria-label", "Notifications")
    expect(page.locator(".notif-unread")).to_have_count(0)
    page_check(page, "the notifications page")
    page.screenshot(path=str(artifacts / "notifications-2-page.png"), full_page=False)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/w/lumen/notifications")
    page_check(page, "the notifications page on a phone")
    assert console_errors == []
