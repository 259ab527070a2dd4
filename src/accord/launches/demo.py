"""The launches part of the demo workspace (accord.demo.loader.STEPS): the Reporting 2.0 launch,
tied to the release on the product roadmap and its campaign and webinar on the marketing roadmap,
with two positioning versions (the latest approved by product only), both maps with one gap each
and a half-done checklist."""

from datetime import timedelta

from accord.roadmaps.models import RoadmapItem
from accord.workspaces.models import Person

from . import services
from .models import TaskStatus


def load(context: dict) -> None:
    owner, workspace = context["owner"], context["workspace"]
    items = {i.title: i for i in RoadmapItem.objects.filter(workspace=workspace)}
    release = items["Reporting 2.0 release"]
    marketer = (
        Person.objects.filter(workspace=workspace, teams__kind="marketing").order_by("name").first()
    )
    launch = services.launch_create(
        member=owner, name="Reporting 2.0 launch", release_item_id=release.pk, tier=1,
        launch_date=release.end_date + timedelta(days=1), window_end=release.end_date + timedelta(days=14),
        campaign_item_ids=[items["Reporting 2.0 launch campaign"].pk, items["Webinar: reports your board will read"].pk],
        owner_id=marketer.pk if marketer else None,
        description="General availability of scheduled PDF reports and dashboard annotations, for finance and ops leads.",
    )  # fmt: skip
    first = services.positioning_save(
        member=owner, launch_id=launch.pk, note="First draft",
        problem="Ops and finance leads spend a day a month assembling board packs from screenshots.",
        audience="Heads of finance and operations at mid-market SaaS companies.",
        usp="Board-ready reports that build and send themselves.",
        differentiators="Scheduled PDF reports\nAnnotations on every dashboard",
        pitch="Stop screenshotting dashboards: Lumen sends the board pack for you.",
        proof_points="Beta customers cut report prep from 8 hours to 20 minutes",
    )  # fmt: skip
    services.positioning_save(
        member=owner, launch_id=launch.pk, based_on=first.number, note="Sharper pitch; SOC 2 as proof",
        problem="Ops and finance leads spend a day a month assembling board packs from screenshots.",
        audience="Heads of finance and operations at mid-market SaaS companies (50-500 people).",
        usp="Board-ready reports that build, annotate and send themselves.",
        differentiators="Scheduled PDF reports\nAnnotations on every dashboard\nNumbers that match the warehouse",
        pitch="Your board pack, on time every month, with the story next to the numbers.",
        proof_points="Beta customers cut report prep from 8 hours to 20 minutes\nSOC 2 evidence in progress",
    )  # fmt: skip
    latest = launch.positionings.order_by("-number").first()
    services.positioning_approve(member=owner, positioning_id=latest.pk, department="product",
                                 comment="Matches what ships.")  # fmt: skip

    services.attribute_create(member=owner, launch_id=launch.pk, name="Board-ready",
                              item_ids=[items["Scheduled PDF reports"].pk, items["Dashboard annotations"].pk])  # fmt: skip
    services.attribute_create(
        member=owner, launch_id=launch.pk, name="Fast", item_ids=[items["Columnar query cache"].pk]
    )
    services.attribute_create(
        member=owner, launch_id=launch.pk, name="Trustworthy"
    )  # the gap: nothing delivers it yet
    flows = {
        "Awareness": ["Webinar sign-up", "Launch blog post"],
        "Consideration": ["Sample board pack download"],
        "Conversion": ["Trial to paid upgrade"],
        "Retention": ["Schedule a monthly report"],
    }  # Advocacy has no flow: the funnel's gap
    for stage in launch.funnel_stages.all():
        if stage.name in flows:
            services.stage_update(member=owner, stage_id=stage.pk, flows=flows[stage.name])

    tasks = list(launch.tasks.order_by("offset_days", "position"))
    for task in tasks[: len(tasks) // 2]:
        services.task_update(
            member=owner, task_id=task.pk, version=task.version, status=TaskStatus.DONE
        )
    if len(tasks) > len(tasks) // 2:
        blocked = tasks[len(tasks) // 2]
        services.task_update(member=owner, task_id=blocked.pk, version=blocked.version, status=TaskStatus.BLOCKED,
                             blocked_reason="Waiting for the final PDF layout")  # fmt: skip
    context["launch"] = launch
