"""Playbooks on the pages of launches and changes: runs started in one click, listed there, with
the subject's fields and dates; the default roles own steps."""

from datetime import datetime, timedelta

from django.utils import timezone

from accord.changes import services as changes
from accord.launches import services as launches
from accord.launches.tests.conftest import build_plan
from accord.playbooks import owner_roles, services, subjects
from accord.playbooks.models import PlaybookRun

STEPS = [
    {"title": "Brief sales", "owner_role": "product-marketing-manager", "expected_minutes": 120},
    {
        "title": "Tier 1 press release",
        "owner_role": "marketing",
        "expected_minutes": 60,
        "condition": "tier == 1",
    },
]


def test_a_run_starts_from_a_launch_page_and_is_listed_there(cast, client):
    admin = cast.members["admin"]
    plan = build_plan(cast)
    launch = launches.launch_create(member=admin, name="Reporting 2.0 launch", release_item_id=plan.release.pk,
                                    tier=1, checklist=False)  # fmt: skip
    playbook = services.playbook_create(
        member=admin, name="Tier 1 launch", kind="launch", steps=STEPS
    )
    client.force_login(admin.user)
    page = client.get(f"/w/acme/launches/{launch.pk}")
    assert page.status_code == 200
    assert "Start “Tier 1 launch”" in page.content.decode()

    response = client.post(f"/w/acme/playbooks/{playbook.pk}/start",
                           {"subject_kind": "launch", "subject_ref": str(launch.pk),
                            "target_date": launch.launch_date.isoformat()})  # fmt: skip
    assert response.status_code == 302
    run = PlaybookRun.objects.get(playbook=playbook)
    assert (run.subject_label, run.subject_fields, run.target_date) == (
        launch.name,
        {"tier": 1},
        launch.launch_date,
    )
    assert run.steps.filter(applies=True).count() == 2  # the tier-1 step applies
    page = client.get(f"/w/acme/launches/{launch.pk}").content.decode()
    assert f"/w/acme/playbooks/runs/{run.pk}" in page and "0% done" in page


def test_changes_are_subjects_and_default_roles_own_steps(cast):
    admin = cast.members["admin"]
    start = timezone.make_aware(datetime(2031, 3, 4, 22, 0))
    change = changes.change_create(member=admin, title="Move DNS", area="website", start=start,
                                   end=start + timedelta(hours=2))  # fmt: skip
    subject = subjects.KINDS["change"].resolve(cast.workspace, str(change.pk))
    assert (subject.label, subject.fields["area"], subject.target_date) == (
        "Move DNS",
        "website",
        start.date(),
    )
    assert (
        subjects.KINDS["change"].resolve(cast.outsider.workspace, str(change.pk)) is None
    )  # another workspace
    assert owner_roles.label("scrum-master") == "Scrum master"
