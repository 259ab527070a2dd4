"""The playbooks part of the demo workspace (accord.demo.loader.STEPS): a tier 1 launch playbook at
version 2 with a run still on version 1, an incident response playbook with a run half done, and
the incident's post-mortem with action items (one already an idea, one overdue for the admin)."""

from datetime import datetime, timedelta

from django.utils import timezone

from accord.workspaces.models import Person

from . import postmortems, services

LAUNCH_BODY = """A tier 1 launch touches every department. This playbook keeps product, marketing, sales,
support and IT on one checklist.

**Before you start:** agree the launch date and the tier with product marketing. Tier 2 launches
skip the press and the status-page steps.
"""
LAUNCH_STEPS = [
    {
        "title": "Confirm the launch date and tier",
        "owner_role": "product",
        "owner_title": "Product manager",
        "expected_minutes": 60,
    },
    {
        "title": "Freeze risky changes around the launch",
        "owner_role": "it",
        "owner_title": "IT operations manager",
        "expected_minutes": 120,
    },
    {
        "title": "Brief sales and support",
        "owner_role": "marketing",
        "owner_title": "Product marketing manager",
        "expected_minutes": 240,
    },
    {"title": "Update the help center", "owner_role": "support", "expected_minutes": 480},
    {
        "title": "Press release and analyst briefing",
        "owner_role": "marketing",
        "expected_minutes": 960,
        "condition": "tier == 1",
    },
    {
        "title": "Watch the dashboards on launch day",
        "owner_role": "analytics",
        "expected_minutes": 480,
        "required": False,
    },
]
INCIDENT_BODY = """When customers cannot use Lumen, **one person leads** and everyone else helps.

1. Declare the incident in #incident and name the incident lead.
2. Communicate early, even without a cause.
3. Afterwards, write a blameless post-mortem within five working days.
"""
INCIDENT_STEPS = [
    {
        "title": "Name the incident lead",
        "owner_role": "it",
        "owner_title": "On-call engineer",
        "expected_minutes": 10,
    },
    {
        "title": "Post on the status page",
        "owner_role": "it",
        "expected_minutes": 20,
        "condition": "severity <= 2",
    },
    {
        "title": "Tell customer-facing teams",
        "owner_role": "support",
        "owner_title": "Support lead",
        "expected_minutes": 30,
    },
    {
        "title": "Pause campaigns that send people to the broken feature",
        "owner_role": "marketing",
        "expected_minutes": 30,
    },
    {
        "title": "Confirm the fix with affected customers",
        "owner_role": "support",
        "expected_minutes": 120,
    },
    {"title": "Schedule the post-mortem", "owner_role": "it", "expected_minutes": 15},
]


def load(context: dict) -> None:
    owner, workspace = context["owner"], context["workspace"]
    now = timezone.now()
    today = timezone.localdate()
    people = {p.name: p.pk for p in Person.objects.filter(workspace=workspace)}

    launch = services.playbook_create(
        member=owner, name="Tier 1 launch", kind="launch", body=LAUNCH_BODY, steps=LAUNCH_STEPS[:5]
    )
    old_run = services.run_start(
        member=owner, playbook_id=launch.pk, title="Dashboards 3.0 launch", fields={"tier": 1},
        now=now - timedelta(days=40),
    )  # fmt: skip
    for step in old_run.steps.all():
        services.step_update(
            member=owner,
            run_id=old_run.pk,
            step_id=step.pk,
            done=True,
            now=now - timedelta(days=30),
        )
    services.playbook_update(
        member=owner, playbook_id=launch.pk, version=launch.version, steps=LAUNCH_STEPS,
        note="Analytics watches the dashboards on launch day (from the Dashboards 3.0 post-mortem)",
    )  # fmt: skip

    incident = services.playbook_create(
        member=owner,
        name="Incident response",
        kind="incident",
        body=INCIDENT_BODY,
        steps=INCIDENT_STEPS,
    )
    started = now - timedelta(hours=5)
    run = services.run_start(
        member=owner, playbook_id=incident.pk, subject_kind="incident", subject_ref="EU customers cannot sign in",
        fields={"severity": 1}, now=started,
    )  # fmt: skip
    for step in run.steps.order_by("position")[:3]:
        services.step_update(
            member=owner,
            run_id=run.pk,
            step_id=step.pk,
            done=True,
            now=started + timedelta(minutes=40),
        )
    launch_run = services.run_start(
        member=owner, playbook_id=launch.pk, title="Reporting 2.0 launch", fields={"tier": 1},
        target_date=today + timedelta(days=21),
    )  # fmt: skip
    first = launch_run.steps.order_by("position").first()
    services.step_update(member=owner, run_id=launch_run.pk, step_id=first.pk, done=True)

    day = today - timedelta(days=12)
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    post = postmortems.postmortem_create(
        member=owner, subject_kind="incident", subject_ref="EU sign-in outage", title="EU sign-in outage",
        occurred_on=day,
        summary="A certificate rotation on the EU identity cluster ran during the spring campaign's send. "
        "Sign-ins failed for 47 minutes while the campaign sent 18,000 people to the login page.",
        impact="About 2,300 failed sign-ins; 140 support tickets; the campaign's landing page converted at a third of its usual rate.",
        went_well="On-call noticed within four minutes. Support had a macro ready within fifteen.",
        went_badly="Nobody in marketing knew about the maintenance window, and the status page went up late.",
        contributing_factors="- Maintenance windows are not visible next to campaign dates.\n"
        "- The certificate rotation had no automatic rollback.\n- The incident playbook had no step for marketing.",
        timeline=[
            {"at": start + timedelta(hours=9, minutes=0), "text": "Certificate rotation starts on the EU identity cluster."},
            {"at": start + timedelta(hours=9, minutes=2), "text": "Spring campaign e-mail sends to 18,000 contacts."},
            {"at": start + timedelta(hours=9, minutes=6), "text": "Sign-in error alerts fire; on-call acknowledges."},
            {"at": start + timedelta(hours=9, minutes=20), "text": "Status page updated; support posts a macro."},
            {"at": start + timedelta(hours=9, minutes=49), "text": "Rotation rolled back; sign-ins recover."},
        ],
    )  # fmt: skip
    admin_person = (
        Person.objects.filter(workspace=workspace, user=owner.user)
        .values_list("pk", flat=True)
        .first()
    )
    items = [
        (
            "Show maintenance windows on the campaign calendar",
            people.get("David Nguyen"),
            today + timedelta(days=14),
        ),
        (
            "Automatic rollback for certificate rotations",
            people.get("Fatima Zahra"),
            today + timedelta(days=30),
        ),
        ("Add a marketing step to the incident playbook", admin_person, today - timedelta(days=2)),
        ("Support macro library for outages", people.get("Tom Walker"), today - timedelta(days=5)),
    ]
    made = [
        postmortems.action_item_create(
            member=owner, postmortem_id=post.pk, title=title, owner_id=pid, due_date=due
        )
        for title, pid, due in items
    ]
    postmortems.action_item_convert(
        member=owner, postmortem_id=post.pk, action_item_id=made[0].pk, to="idea"
    )
    postmortems.action_item_update(
        member=owner,
        postmortem_id=post.pk,
        action_item_id=made[3].pk,
        version=made[3].version,
        done=True,
    )
