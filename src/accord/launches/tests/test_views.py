"""The pages (list, launch, positioning, calendar), their forms, the iCalendar feed, the home card
and how launches read in the history."""

import re
from datetime import timedelta

import pytest
from icalendar import Calendar

from accord.audit import history
from accord.audit.models import AuditEntry
from accord.launches import services
from accord.launches.models import LaunchTask, Positioning
from accord.roadmaps import services as rm
from accord.workspaces.models import Person

W = "/w/acme/launches"


@pytest.fixture
def launch(cast, plan):
    return services.launch_create(
        member=cast.members["admin"], name="Reporting 2.0 launch", release_item_id=plan.release.pk,
        campaign_item_ids=[plan.campaign.pk], launch_date=plan.release_end + timedelta(days=1),
    )  # fmt: skip


def login(client, cast, role):
    client.force_login(cast.members[role].user)
    return client


def test_pages_render_for_a_viewer_with_the_nav_link(client, cast, launch):
    login(client, cast, "viewer")
    page = client.get(W)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/w/acme/launches" aria-current="page"' in html and ">Launch</span>" in html
    assert "Reporting 2.0 launch" in html and "Plan a launch" not in html
    detail = client.get(f"{W}/{launch.pk}").content.decode()
    assert "Launch checklist" in detail and "0/9 done" in detail and "Mark done" not in detail
    assert "No user flow for the awareness stage" in detail
    assert client.get(f"{W}/{launch.pk}/positioning").status_code == 200
    assert client.get(f"{W}/calendar").status_code == 200
    assert client.post(f"{W}/{launch.pk}/add-task", {"title": "x"}).status_code == 403


def test_plan_a_launch_through_the_form_and_its_errors(client, cast, plan):
    login(client, cast, "editor")
    assert client.get(f"{W}/new").status_code == 200
    early = client.post(f"{W}/new", {"name": "Early", "release_item_id": plan.release.pk,
                                      "launch_date": (plan.release_end - timedelta(days=2)).isoformat(), "tier": "2"})  # fmt: skip
    assert early.status_code == 422
    assert "is before its release" in early.content.decode()
    wrong = client.post(
        f"{W}/new",
        {
            "name": "Wrong",
            "release_item_id": plan.release.pk,
            "campaign_item_ids": [plan.outage.pk],
        },
    )
    assert (
        wrong.status_code == 422
        and "campaigns come from a marketing roadmap" in wrong.content.decode()
    )
    made = client.post(f"{W}/new", {"name": "Right", "release_item_id": plan.release.pk, "tier": "1",
                                     "campaign_item_ids": [plan.campaign.pk]})  # fmt: skip
    assert made.status_code == 302
    assert LaunchTask.objects.filter(launch__name="Right").count() == 9


def test_a_contributor_ticks_a_task_and_readiness_moves(client, cast, launch):
    login(client, cast, "contributor")
    task = launch.tasks.order_by("offset_days").first()
    response = client.post(
        f"{W}/{launch.pk}/task-status",
        {"task_id": task.pk, "version": task.version, "status": "done"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#checklist")
    assert LaunchTask.objects.get(pk=task.pk).status == "done"
    assert "1/9 done" in client.get(f"{W}/{launch.pk}").content.decode()
    stale = client.post(
        f"{W}/{launch.pk}/task-status",
        {"task_id": task.pk, "version": task.version, "status": "todo"},
    )
    assert stale.status_code == 422 and "changed by someone else" in stale.content.decode()


def test_positioning_form_versions_review_and_compare(client, cast, launch):
    login(client, cast, "admin")
    fields = {
        "problem": "Board packs take days",
        "audience": "Finance",
        "usp": "One click",
        "differentiators": "PDFs",
    }
    assert client.post(f"{W}/{launch.pk}/save-positioning", fields).status_code == 302
    v1 = Positioning.objects.get(launch=launch)
    assert (
        client.post(
            f"{W}/{launch.pk}/approve", {"positioning_id": v1.pk, "department": "product"}
        ).status_code
        == 302
    )
    stale = client.post(
        f"{W}/{launch.pk}/save-positioning", {**fields, "usp": "Two clicks", "based_on": "0"}
    )
    assert stale.status_code == 422 and "Someone saved version 1" in stale.content.decode()
    assert (
        client.post(
            f"{W}/{launch.pk}/save-positioning",
            {**fields, "differentiators": "PDFs\nNotes", "based_on": "1"},
        ).status_code
        == 302
    )
    page = client.get(f"{W}/{launch.pk}/positioning").content.decode()
    assert "Version 2 → version 1" not in page and "Version 1 → version 2" in page
    assert "Approve for product" in page  # the new version's review started over
    assert "Notes" in page


def test_a_slipped_release_shows_a_banner(client, cast, plan, launch):
    release = plan.release
    release.refresh_from_db()
    rm.item_move(member=cast.members["admin"], item_id=release.pk, version=release.version,
                 start_date=release.start_date, end_date=release.end_date + timedelta(days=8))  # fmt: skip
    login(client, cast, "viewer")
    html = client.get(f"{W}/{launch.pk}").content.decode()
    assert 'data-testid="slip-banner"' in html and "7 days after the launch date" in html
    assert "Starts before the release ends" in html and "after the launch</span>" in html
    assert "Release slipped 7 days" in client.get(W).content.decode()
    health = re.search(
        r'data-testid="plan-health"(.*?)</section>', client.get("/w/acme/").content.decode(), re.S
    )
    assert "1 Launches at risk" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", health.group(1)))


def test_the_calendar_feed_is_valid_icalendar_behind_its_token(client, cast, api, launch):
    created = api(cast.tokens["editor"]).post("/workspaces/acme/launch-calendar-feeds")
    assert created.status_code == 201
    url = created.json()["url"]
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Launch: Reporting 2.0 launch"]
    event = events[0]
    assert event["DTSTART"].dt == launch.launch_date
    assert event["DTEND"].dt == launch.launch_date + timedelta(days=1)
    assert str(event["UID"]).startswith(f"accord-launch-{launch.pk}@")
    assert "checklist 0% done" in str(event["DESCRIPTION"]) and "Campaigns: Launch campaign" in str(
        event["DESCRIPTION"]
    )
    assert str(cal["X-WR-CALNAME"]) == "Acme launches"
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404
    feed_id = created.json()["id"]
    assert (
        api(cast.tokens["editor"])
        .delete(f"/workspaces/acme/launch-calendar-feeds/{feed_id}")
        .status_code
        == 204
    )
    assert client.get(url).status_code == 404


def test_home_card_lists_my_overdue_launch_tasks(client, cast, plan):
    admin = cast.members["admin"]
    me = Person.objects.get(workspace=cast.workspace, user=cast.members["editor"].user)
    launch = services.launch_create(
        member=admin, name="Past launch", release_item_id=plan.feature.pk, checklist=False
    )
    services.task_create(
        member=admin,
        launch_id=launch.pk,
        title="Brief the analysts",
        offset_days=-40,
        owner_id=me.pk,
    )
    services.task_create(
        member=admin,
        launch_id=launch.pk,
        title="Someone else's",
        offset_days=-40,
        owner_id=plan.pm.pk,
    )
    login(client, cast, "editor")
    html = client.get("/w/acme/").content.decode()
    assert (
        "Your overdue launch tasks" in html
        and "Brief the analysts" in html
        and "Someone else&#x27;s" not in html
    )


def test_history_wording(cast, launch):
    admin = cast.members["admin"]
    v1 = services.positioning_save(member=admin, launch_id=launch.pk, problem="Slow board packs")
    services.positioning_approve(
        member=admin, positioning_id=v1.pk, department="marketing", comment="Good"
    )

    def told(**filters):
        entry = (
            AuditEntry.objects.filter(workspace=cast.workspace, **filters).order_by("-id").first()
        )
        return history.tell([entry], slug="acme")[0]

    assert (
        told(object_type="launch", action="created").text
        == "Ada Admin created launch Reporting 2.0 launch"
    )
    assert told(object_type="launch", action="generated").text == (
        "Ada Admin added 9 checklist tasks from the template “Standard launch” to launch Reporting 2.0 launch"
    )
    assert (
        told(action="approved").text
        == "Ada Admin approved version 1 of the positioning of Reporting 2.0 launch for marketing"
    )
    assert (
        told(object_type="positioning", action="created").text
        == "Ada Admin saved a new positioning version of Reporting 2.0 launch"
    )


def test_a_campaign_is_made_to_wait_for_the_release_from_the_launch_page(client, cast, plan, launch):
    from accord.roadmaps.models import Dependency

    url = f"/w/acme/launches/{launch.pk}"
    login(client, cast, "viewer")
    assert b'data-testid="campaign-waits"' not in client.get(url).content  # viewers do not see it
    assert client.post(f"{url}/campaign-waits", {"item_id": plan.campaign.pk}).status_code == 403
    login(client, cast, "editor")
    assert b'data-testid="campaign-waits"' in client.get(url).content
    assert client.post(f"{url}/campaign-waits", {"item_id": plan.campaign.pk}).status_code == 302
    dep = Dependency.objects.get(predecessor=plan.release, successor=plan.campaign)
    assert dep.kind == "finish_to_start"
    page = client.get(url).content
    assert b"No dependency on the release" not in page and b'data-testid="campaign-waits"' not in page
    again = client.post(f"{url}/campaign-waits", {"item_id": plan.campaign.pk})
    assert again.status_code == 422 and b"already waits for the release" in again.content
    other = client.post(f"{url}/campaign-waits", {"item_id": plan.release.pk})  # not a campaign
    assert other.status_code == 422 and Dependency.objects.count() == 1
