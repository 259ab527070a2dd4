"""Launches through the services and the API: creation and its checks (bad input changes
nothing), positioning versions and review, maps and gaps, the checklist, slips, windows."""

from datetime import timedelta

import pytest

from accord.audit.models import AuditEntry
from accord.core.errors import Conflict, Invalid
from accord.launches import selectors, services
from accord.launches.models import FunnelStage, Launch, LaunchTask, Positioning
from accord.roadmaps import services as rm
from accord.workspaces import services as ws
from accord.workspaces.models import Person

from .conftest import build_plan

URL = "/workspaces/acme/launches"


def _launch(cast, plan, **extra):
    return services.launch_create(
        member=cast.members["admin"], name="Reporting 2.0 launch", release_item_id=plan.release.pk,
        campaign_item_ids=[plan.campaign.pk, plan.webinar.pk], **extra,
    )  # fmt: skip


def _nothing_saved():
    return (Launch.objects.count(), LaunchTask.objects.count(), FunnelStage.objects.count(),
            AuditEntry.objects.filter(object_type__in=["launch", "launch task"]).count())  # fmt: skip


def test_a_launch_defaults_to_the_release_end_with_funnel_and_checklist(cast, plan, api, today):
    response = api(cast.tokens["editor"]).post(URL, {"name": "Reporting 2.0 launch", "release_item_id": plan.release.pk,
                                                     "campaign_item_ids": [plan.campaign.pk], "tier": 1})  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["launch_date"] == plan.release_end.isoformat()
    assert body["release"]["title"] == "Reporting 2.0"
    assert [c["title"] for c in body["campaigns"]] == ["Launch campaign"]
    assert [s["name"] for s in body["funnel_stages"]] == [
        "Awareness",
        "Consideration",
        "Conversion",
        "Retention",
        "Advocacy",
    ]
    assert len(body["gaps"]) == 5  # no stage has a flow yet
    tasks = body["tasks"]
    assert len(tasks) == len(
        services.DEFAULT_TEMPLATE
    )  # the default template, seeded for the workspace
    first = tasks[0]
    assert first["offset_days"] == -28
    assert first["due_date"] == (plan.release_end - timedelta(days=28)).isoformat()
    owners = {t["title"]: t["owner_id"] for t in tasks}
    assert owners["Pricing and packaging confirmed"] == plan.pm.pk  # a product person
    assert owners["Sales enablement: pitch deck and battlecard"] == plan.marketer.pk
    assert body["readiness"] == {"total": 9, "done": 0, "percent": 0, "overdue": 0, "blocked": 0}
    assert body["slip"] is None
    assert body["campaign_links"][0]["linked"] is False


def test_launch_date_before_the_release_end_is_refused_and_nothing_saved(cast, plan, api):
    before = _nothing_saved()
    early = (plan.release_end - timedelta(days=1)).isoformat()
    response = api(cast.tokens["editor"]).post(URL, {"name": "Too early", "release_item_id": plan.release.pk,
                                                     "launch_date": early, "campaign_item_ids": [plan.campaign.pk]})  # fmt: skip
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["launch_date"]
    assert "before its release" in response.json()["detail"]
    assert _nothing_saved() == before


def test_moving_the_launch_before_its_release_is_refused(cast, plan, api):
    launch = _launch(cast, plan)
    response = api(cast.tokens["editor"]).patch(
        f"{URL}/{launch.pk}",
        {
            "version": launch.version,
            "launch_date": (plan.release_end - timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "launch_date"
    assert Launch.objects.get(pk=launch.pk).launch_date == plan.release_end


@pytest.mark.parametrize("which", ["it", "product", "other"])
def test_a_campaign_from_a_non_marketing_roadmap_or_another_workspace_is_refused(
    cast, plan, api, which
):
    if which == "other":
        item = build_plan(
            cast, member=cast.outsider
        ).campaign  # a marketing item, of workspace "other"
    else:
        item = plan.outage if which == "it" else plan.feature
    before = _nothing_saved()
    response = api(cast.tokens["editor"]).post(URL, {"name": "Launch", "release_item_id": plan.release.pk,
                                                     "campaign_item_ids": [plan.campaign.pk, item.pk]})  # fmt: skip
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["campaign_item_ids"]
    if which != "other":
        assert "marketing roadmap" in response.json()["detail"]
    assert _nothing_saved() == before


def test_a_release_must_be_a_dated_product_item(cast, plan):
    admin = cast.members["admin"]
    with pytest.raises(Invalid) as exc:
        services.launch_create(member=admin, name="x", release_item_id=plan.campaign.pk)
    assert exc.value.errors[0].field == "release_item_id"
    someday = rm.item_create(
        member=admin, roadmap_id=plan.product.pk, title="Someday", bucket="later"
    )
    with pytest.raises(Invalid) as exc:
        services.launch_create(member=admin, name="x", release_item_id=someday.pk)
    assert "no dates" in exc.value.errors[0].message


def test_unknown_checklist_owner_is_refused_and_nothing_changes(cast, plan, api):
    launch = _launch(cast, plan)
    stranger = ws.person_create(member=cast.outsider, name="Otto's colleague")
    client = api(cast.tokens["editor"])
    tasks_before = list(LaunchTask.objects.values_list("pk", "owner_id", "version"))
    response = client.post(
        f"{URL}/{launch.pk}/tasks",
        {"title": "Press kit", "offset_days": -5, "owner_id": stranger.pk},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["owner_id"]
    task = launch.tasks.first()
    response = client.patch(
        f"/workspaces/acme/launch-tasks/{task.pk}", {"version": task.version, "owner_id": 10**9}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "owner_id"
    assert list(LaunchTask.objects.values_list("pk", "owner_id", "version")) == tasks_before


def test_contributors_tick_tasks_but_do_not_edit_them(cast, plan, api):
    launch = _launch(cast, plan)
    task = launch.tasks.first()
    contributor = api(cast.tokens["contributor"])
    done = contributor.patch(
        f"/workspaces/acme/launch-tasks/{task.pk}", {"version": task.version, "status": "done"}
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    renamed = contributor.patch(
        f"/workspaces/acme/launch-tasks/{task.pk}", {"version": task.version + 1, "title": "Mine"}
    )
    assert renamed.status_code == 403
    blocked = contributor.patch(
        f"/workspaces/acme/launch-tasks/{task.pk}",
        {"version": task.version + 1, "status": "blocked"},
    )
    assert blocked.status_code == 422 and blocked.json()["errors"][0]["field"] == "blocked_reason"


def test_readiness_counts_done_overdue_and_blocked(cast, plan, today):
    admin = cast.members["admin"]
    launch = _launch(cast, plan, launch_date=plan.release_end)
    tasks = list(launch.tasks.order_by("offset_days"))
    services.task_update(member=admin, task_id=tasks[0].pk, version=tasks[0].version, status="done")
    services.task_update(
        member=admin,
        task_id=tasks[1].pk,
        version=tasks[1].version,
        status="blocked",
        blocked_reason="Legal",
    )
    # due 30 - 28 = 2 days from now: nothing overdue; a task due yesterday is
    services.task_create(member=admin, launch_id=launch.pk, title="Late", offset_days=-31)
    view = selectors.launch_detail(workspace=cast.workspace, launch_id=launch.pk, today=today).view
    assert (
        view.readiness.total,
        view.readiness.done,
        view.readiness.blocked,
        view.readiness.overdue,
    ) == (10, 1, 1, 1)
    assert view.readiness.percent == 10


def test_a_slipped_release_shows_its_impact_on_tasks_and_campaigns(cast, plan, api):
    admin = cast.members["admin"]
    launch = _launch(cast, plan, launch_date=plan.release_end + timedelta(days=1))
    assert api(cast.tokens["viewer"]).get(f"{URL}/{launch.pk}").json()["slip"] is None
    release = plan.release
    release.refresh_from_db()
    rm.item_move(
        member=admin,
        item_id=release.pk,
        version=release.version,
        start_date=release.start_date,
        end_date=release.end_date + timedelta(days=11),
    )  # fmt: skip: now 10 days after the launch date
    body = api(cast.tokens["viewer"]).get(f"{URL}/{launch.pk}").json()
    assert body["slip"]["days"] == 10
    after = {t["title"] for t in body["tasks"] if t["after_launch"]}
    # due -7 and later move past the launch date (-7 + 10 = +3); -14 moves to -4, still before it
    assert "Support team trained" in after and "Go / no-go meeting" in after
    assert "Sales enablement: pitch deck and battlecard" not in after
    assert set(body["slip"]["tasks_after_launch"]) == {
        t["id"] for t in body["tasks"] if t["after_launch"]
    }
    assert set(body["slip"]["campaigns_early"]) == {plan.campaign.pk, plan.webinar.pk}
    assert api(cast.tokens["viewer"]).get(URL).json()["items"][0]["slip"]["days"] == 10


def test_positioning_versions_compare_and_a_review_that_a_new_version_resets(cast, plan, api):
    launch = _launch(cast, plan)
    admin = cast.members["admin"]
    client = api(cast.tokens["editor"])
    v1 = client.post(
        f"{URL}/{launch.pk}/positioning",
        {"problem": "Board packs take days", "differentiators": "PDFs\nNotes"},
    )
    assert v1.status_code == 201 and v1.json()["number"] == 1
    # the marketer (a contributor in a marketing team) approves for marketing, not for product
    contributor = cast.members["contributor"]
    Person.objects.filter(pk=plan.marketer.pk).update(user=contributor.user)
    reviewer = api(cast.tokens["contributor"])
    ok = reviewer.post(
        f"/workspaces/acme/positionings/{v1.json()['id']}/approvals", {"department": "marketing"}
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["approvals"][0]["by"] == "contributor@acme.test"
    refused = reviewer.post(
        f"/workspaces/acme/positionings/{v1.json()['id']}/approvals", {"department": "product"}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "department"
    twice = reviewer.post(
        f"/workspaces/acme/positionings/{v1.json()['id']}/approvals", {"department": "marketing"}
    )
    assert twice.status_code == 409
    assert (
        client.get(f"{URL}/{launch.pk}").json()["review"]["marketing"]["by"]
        == "contributor@acme.test"
    )

    stale = client.post(f"{URL}/{launch.pk}/positioning", {"problem": "x", "based_on": 0})
    assert stale.status_code == 409
    v2 = client.post(f"{URL}/{launch.pk}/positioning",
                     {"problem": "Board packs take days", "differentiators": "PDFs\nAnnotations", "based_on": 1})  # fmt: skip
    assert v2.status_code == 201 and v2.json()["number"] == 2
    detail = client.get(f"{URL}/{launch.pk}").json()
    assert detail["positioning"]["number"] == 2
    assert detail["review"] == {"product": None, "marketing": None} and detail["approved"] is False
    superseded = reviewer.post(
        f"/workspaces/acme/positionings/{v1.json()['id']}/approvals", {"department": "marketing"}
    )
    assert superseded.status_code == 422
    diff = client.get(f"{URL}/{launch.pk}/positioning/compare", {"a": 1, "b": 2}).json()
    changed = {f["field"]: f for f in diff["fields"] if f["changed"]}
    assert list(changed) == ["differentiators"]
    assert changed["differentiators"]["lines"] == [
        {"op": " ", "text": "PDFs"},
        {"op": "-", "text": "Notes"},
        {"op": "+", "text": "Annotations"},
    ]
    same = client.post(f"{URL}/{launch.pk}/positioning",
                       {"problem": "Board packs take days", "differentiators": "PDFs\nAnnotations"})  # fmt: skip
    assert same.status_code == 422
    services.positioning_approve(member=admin, positioning_id=v2.json()["id"], department="product")
    services.positioning_approve(
        member=admin, positioning_id=v2.json()["id"], department="marketing"
    )
    assert client.get(f"{URL}/{launch.pk}").json()["approved"] is True
    assert [p["number"] for p in client.get(f"{URL}/{launch.pk}/positioning").json()] == [2, 1]
    assert Positioning.objects.filter(launch=launch).count() == 2


def test_maps_flag_their_gaps(cast, plan, api):
    launch = _launch(cast, plan)
    client = api(cast.tokens["editor"])
    body = client.post(
        f"{URL}/{launch.pk}/brand-attributes",
        {"name": "Board-ready", "item_ids": [plan.feature.pk]},
    ).json()
    body = client.post(f"{URL}/{launch.pk}/brand-attributes", {"name": "Trustworthy"}).json()
    for stage in body["funnel_stages"][:4]:
        body = client.patch(
            f"/workspaces/acme/funnel-stages/{stage['id']}",
            {"flows": [f"{stage['name']} flow", " "]},
        ).json()
    assert body["gaps"] == [
        "No feature delivers “Trustworthy”",
        "No user flow for the advocacy stage",
    ]
    assert [a["gap"] for a in body["brand_attributes"]] == [False, True]
    assert body["funnel_stages"][0]["flows"] == ["Awareness flow"]
    dup = client.post(f"{URL}/{launch.pk}/brand-attributes", {"name": "board-ready"})
    assert dup.status_code == 409 and dup.json()["errors"][0]["field"] == "name"
    foreign = build_plan(cast, member=cast.outsider).feature
    bad = client.post(
        f"{URL}/{launch.pk}/brand-attributes", {"name": "Fast", "item_ids": [foreign.pk]}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "item_ids"


def test_templates_per_tier_and_generating_adds_only_missing_tasks(cast, plan, api):
    client = api(cast.tokens["editor"])
    made = client.post("/workspaces/acme/launch-templates", {"name": "Minor launch", "tier": 3,
                                                             "tasks": [{"title": "Release notes", "offset_days": 0}]})  # fmt: skip
    assert made.status_code == 201
    names = [t["name"] for t in client.get("/workspaces/acme/launch-templates").json()]
    assert set(names) == {"Standard launch", "Minor launch"}
    launch = _launch(cast, plan, tier=3)
    assert list(launch.tasks.values_list("title", flat=True)) == ["Release notes"]
    standard = next(
        t
        for t in client.get("/workspaces/acme/launch-templates").json()
        if t["name"] == "Standard launch"
    )
    body = client.post(f"{URL}/{launch.pk}/checklist", {"template_id": standard["id"]}).json()
    assert len(body["tasks"]) == 1 + len(services.DEFAULT_TEMPLATE)
    again = client.post(f"{URL}/{launch.pk}/checklist", {"template_id": standard["id"]}).json()
    assert len(again["tasks"]) == len(body["tasks"])
    bad = client.post(
        "/workspaces/acme/launch-templates",
        {"name": "Bad", "tasks": [{"title": " ", "offset_days": 1}]},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "tasks.0.title"


def test_launch_windows_for_other_apps(cast, plan, django_assert_num_queries):
    launch = _launch(cast, plan, window_end=plan.release_end + timedelta(days=6))
    end = plan.release_end
    with django_assert_num_queries(1):
        found = selectors.launch_windows(
            cast.workspace.pk, end + timedelta(days=3), end + timedelta(days=40)
        )
    assert found == [(launch, (end, end + timedelta(days=6)))]
    assert (
        selectors.launch_windows(
            cast.workspace.pk, end + timedelta(days=7), end + timedelta(days=40)
        )
        == []
    )
    assert selectors.launch_windows(cast.other.pk, end, end) == []


def test_reads_take_a_constant_number_of_queries(cast, plan, today, django_assert_max_num_queries):
    for n in range(3):
        launch = _launch(cast, plan)
        services.attribute_create(
            member=cast.members["admin"],
            launch_id=launch.pk,
            name=f"A{n}",
            item_ids=[plan.feature.pk],
        )
        services.positioning_save(
            member=cast.members["admin"], launch_id=launch.pk, problem=f"P{n}"
        )
    with django_assert_max_num_queries(4):
        views = selectors.launch_views(workspace=cast.workspace, today=today)
        assert len(views) == 3 and all(v.readiness.total == 9 for v in views)
    with django_assert_max_num_queries(10):
        d = selectors.launch_detail(workspace=cast.workspace, launch_id=launch.pk, today=today)
        assert d.current.problem == "P2" and d.attributes[0].items[0].title == "Scheduled PDFs"
        assert d.review == {"product": None, "marketing": None}


def test_stale_task_writes_conflict(cast, plan):
    admin = cast.members["admin"]
    launch = _launch(cast, plan)
    task = launch.tasks.first()
    services.task_update(member=admin, task_id=task.pk, version=task.version, status="doing")
    with pytest.raises(Conflict):
        services.task_update(member=admin, task_id=task.pk, version=task.version, status="done")
