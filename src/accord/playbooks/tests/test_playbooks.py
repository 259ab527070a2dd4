"""Playbooks, versions, diffs and runs: the services, the API and the bad input the issue lists."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accord.core.errors import Conflict, Forbidden, Invalid, NotFound
from accord.playbooks import owner_roles, selectors, services
from accord.playbooks import steps as checklist
from accord.playbooks.models import Playbook, PlaybookRun, PlaybookVersion, RunStep

STEPS = [
    {"title": "Brief sales", "owner_role": "marketing", "expected_minutes": 120},
    {
        "title": "Status page ready",
        "owner_role": "it",
        "expected_minutes": 60,
        "condition": "tier == 1",
    },
    {"title": "Tweet", "owner_role": "marketing", "expected_minutes": 30, "required": False},
]


def _playbook(member, name="Tier 1 launch", steps=STEPS, body="## Before\nAgree the date."):
    return services.playbook_create(member=member, name=name, kind="launch", body=body, steps=steps)


def _counts():
    return (
        Playbook.objects.count(),
        PlaybookVersion.objects.count(),
        PlaybookRun.objects.count(),
        RunStep.objects.count(),
    )


def test_unknown_owner_role_is_refused_naming_the_step_and_nothing_is_saved(cast, api):
    steps = [*STEPS, {"title": "Legal review", "owner_role": "legal"}]
    before = _counts()
    with pytest.raises(Invalid) as exc:
        _playbook(cast.members["editor"], steps=steps)
    assert exc.value.errors[0].field == "steps.3.owner_role"
    assert (
        "Step 4 “Legal review”" in exc.value.errors[0].message
        and "legal" in exc.value.errors[0].message
    )
    response = api(cast.tokens["editor"]).post(
        "/workspaces/acme/playbooks", {"name": "X", "kind": "launch", "steps": steps}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "steps.3.owner_role"
    assert _counts() == before


def test_a_registered_owner_role_is_accepted(cast):
    role = owner_roles.OwnerRole(key="launch-lead", label="Launch lead", department="marketing")
    owner_roles.register(role)
    try:
        pb = _playbook(
            cast.members["editor"], steps=[{"title": "Go / no-go", "owner_role": "launch-lead"}]
        )
        assert pb.versions.get().steps[0]["owner_role"] == "launch-lead"
    finally:
        owner_roles.ROLES.pop("launch-lead")


def test_bad_condition_is_refused_naming_the_step(cast):
    with pytest.raises(Invalid) as exc:
        _playbook(
            cast.members["editor"],
            steps=[{"title": "A", "owner_role": "it", "condition": "tier is one"}],
        )
    assert exc.value.errors[0].field == "steps.0.condition"


def test_conditions():
    assert checklist.holds("tier == 1", {"tier": 1}) and checklist.holds("tier == 1", {"tier": "1"})
    assert not checklist.holds("tier == 1", {"tier": 2}) and not checklist.holds("tier == 1", {})
    assert checklist.holds('region != "EU"', {"region": "US"}) and not checklist.holds(
        "region != EU", {"region": "eu"}
    )
    assert checklist.holds("risk >= 3", {"risk": 4}) and not checklist.holds(
        "risk > 3", {"risk": "high"}
    )
    assert checklist.holds("", {})


def test_each_edit_is_a_new_version_with_a_diff_and_runs_keep_theirs(cast, api):
    editor = cast.members["editor"]
    pb = _playbook(editor)
    old_run = services.run_start(member=editor, playbook_id=pb.pk, fields={"tier": 1})
    new_steps = [
        {**STEPS[0], "expected_minutes": 240},
        STEPS[2],
        {"title": "Update the docs", "owner_role": "product"},
    ]
    services.playbook_update(
        member=editor,
        playbook_id=pb.pk,
        version=1,
        steps=new_steps,
        body="## Before\nAgree the date and tier.",
        note="Docs step",
    )
    pb.refresh_from_db()
    assert pb.version == 2 and pb.versions.count() == 2
    assert [s["title"] for s in pb.versions.get(number=1).steps] == [
        s["title"] for s in STEPS
    ]  # immutable
    assert old_run.steps.count() == 3 and old_run.playbook_version.number == 1
    with pytest.raises(Conflict):  # stale: version 1 is no longer current
        services.playbook_update(member=editor, playbook_id=pb.pk, version=1, name="Renamed")
    client = api(cast.tokens["viewer"])
    diff = client.get(
        f"/workspaces/acme/playbooks/{pb.pk}/diff", {"from_version": 1, "to_version": 2}
    ).json()
    assert [s["title"] for s in diff["steps_added"]] == ["Update the docs"]
    assert [s["title"] for s in diff["steps_removed"]] == ["Status page ready"]
    assert diff["steps_changed"][0]["changes"]["expected_minutes"] == {"before": 120, "after": 240}
    assert (
        "-Agree the date." in diff["text_diff"] and "+Agree the date and tier." in diff["text_diff"]
    )
    detail = client.get(f"/workspaces/acme/playbooks/{pb.pk}").json()
    assert {v["number"]: v["run_ids"] for v in detail["versions"]} == {2: [], 1: [old_run.pk]}
    assert (
        client.get(f"/workspaces/acme/playbooks/{pb.pk}/versions/1").json()["steps"][1]["title"]
        == "Status page ready"
    )


def test_a_run_skips_steps_whose_condition_fails_and_schedules_due_dates(cast):
    editor = cast.members["editor"]
    pb = _playbook(editor)
    now = timezone.now()
    run = services.run_start(
        member=editor,
        playbook_id=pb.pk,
        subject_kind="incident",
        subject_ref="Checkout errors",
        fields={"tier": 2},
        now=now,
    )
    steps = list(run.steps.all())
    assert [s.applies for s in steps] == [True, False, True]
    assert steps[0].due_at == now + timedelta(minutes=120) and steps[2].due_at == now + timedelta(
        minutes=150
    )
    assert run.subject_label == "Checkout errors" and run.title == "Tier 1 launch: Checkout errors"
    target = timezone.localdate() + timedelta(days=10)
    backwards = services.run_start(
        member=editor, playbook_id=pb.pk, target_date=target, fields={"tier": 1}
    )
    last = backwards.steps.order_by("-position").first()
    assert timezone.localdate(last.due_at) == target


def test_steps_are_checked_off_by_their_owners_and_progress_shows(
    cast, api, django_assert_max_num_queries
):
    from accord.workspaces import services as ws

    editor, contributor = cast.members["editor"], cast.members["contributor"]
    pb = _playbook(editor)
    run = services.run_start(member=editor, playbook_id=pb.pk, fields={"tier": 1})
    brief, status_page, _ = run.steps.all()
    with pytest.raises(Forbidden):  # the contributor is in no marketing team yet
        services.step_update(member=contributor, run_id=run.pk, step_id=brief.pk, done=True)
    team = ws.team_create(member=cast.members["admin"], name="Growth", kind="marketing")
    person = cast.workspace.people.get(user=contributor.user)
    ws.person_update(
        member=cast.members["admin"],
        person_id=person.pk,
        version=person.version,
        team_ids=[team.pk],
    )
    services.step_update(member=contributor, run_id=run.pk, step_id=brief.pk, done=True)
    with pytest.raises(Forbidden):  # an IT step is not theirs
        services.step_update(member=contributor, run_id=run.pk, step_id=status_page.pk, done=True)
    services.step_update(member=editor, run_id=run.pk, step_id=status_page.pk, done=True)
    run.refresh_from_db()
    assert run.finished_at is not None  # the optional tweet does not hold the run open
    with django_assert_max_num_queries(4):
        view = selectors.run(workspace=cast.workspace, run_id=run.pk)
        steps = selectors.run_steps(view)
    assert (
        view.step_done,
        view.step_total,
        selectors.percent(view.step_done, view.step_total),
    ) == (2, 3, 67)
    assert len(steps) == 3
    body = api(cast.tokens["viewer"]).get(f"/workspaces/acme/playbook-runs/{run.pk}").json()
    assert (
        body["progress"] == 67
        and body["steps"][0]["done"]
        and body["steps"][0]["done_by"] == contributor.user.email
    )


def test_overdue_steps_are_counted(cast):
    editor = cast.members["editor"]
    pb = _playbook(editor)
    run = services.run_start(
        member=editor, playbook_id=pb.pk, now=timezone.now() - timedelta(days=1)
    )
    assert (
        selectors.run(workspace=cast.workspace, run_id=run.pk).step_overdue == 2
    )  # the conditional step is skipped


def test_a_due_date_before_the_run_start_is_refused(cast, api):
    editor = cast.members["editor"]
    run = services.run_start(member=editor, playbook_id=_playbook(editor).pk)
    step = run.steps.first()
    before = step.due_at
    yesterday = (timezone.localdate(run.started_at) - timedelta(days=1)).isoformat()
    response = api(cast.tokens["editor"]).patch(
        f"/workspaces/acme/playbook-runs/{run.pk}/steps/{step.pk}",
        {"due_date": yesterday, "done": True},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "due_date"
    step.refresh_from_db()
    assert step.due_at == before and step.done_at is None  # nothing half-saved
    later = (timezone.localdate(run.started_at) + timedelta(days=3)).isoformat()
    assert (
        api(cast.tokens["editor"])
        .patch(f"/workspaces/acme/playbook-runs/{run.pk}/steps/{step.pk}", {"due_date": later})
        .status_code
        == 200
    )


def test_a_target_date_before_the_start_is_refused(cast):
    editor = cast.members["editor"]
    pb = _playbook(editor)
    with pytest.raises(Invalid) as exc:
        services.run_start(
            member=editor, playbook_id=pb.pk, target_date=timezone.localdate() - timedelta(days=1)
        )
    assert exc.value.errors[0].field == "target_date"
    assert PlaybookRun.objects.count() == 0


def test_checking_a_step_of_a_run_in_another_workspace_is_not_found(cast, api):
    outsider_pb = _playbook(cast.outsider)
    run = services.run_start(member=cast.outsider, playbook_id=outsider_pb.pk)
    step = run.steps.first()
    with pytest.raises(NotFound):
        services.step_update(
            member=cast.members["admin"], run_id=run.pk, step_id=step.pk, done=True
        )
    response = api(cast.tokens["admin"]).patch(
        f"/workspaces/acme/playbook-runs/{run.pk}/steps/{step.pk}", {"done": True}
    )
    assert response.status_code == 404
    # and a step of another run of one's own workspace through one's own run: also 404
    own = services.run_start(
        member=cast.members["admin"], playbook_id=_playbook(cast.members["admin"]).pk
    )
    response = api(cast.tokens["admin"]).patch(
        f"/workspaces/acme/playbook-runs/{own.pk}/steps/{step.pk}", {"done": True}
    )
    assert response.status_code == 404
    step.refresh_from_db()
    assert step.done_at is None


def test_unknown_subject_kind_and_empty_incident_are_refused(cast):
    pb = _playbook(cast.members["editor"])
    with pytest.raises(Invalid) as exc:
        services.run_start(
            member=cast.members["editor"],
            playbook_id=pb.pk,
            subject_kind="spaceship",
            subject_ref="1",
        )
    assert exc.value.errors[0].field == "subject_kind"
    with pytest.raises(Invalid) as exc:
        services.run_start(
            member=cast.members["editor"],
            playbook_id=pb.pk,
            subject_kind="incident",
            subject_ref="  ",
        )
    assert exc.value.errors[0].field == "subject_ref"


def test_a_registered_subject_gives_fields_and_target_date(cast):
    from accord.playbooks import subjects

    target = timezone.localdate() + timedelta(days=20)
    subjects.register(
        "rehearsal",
        lambda ws, ref: (
            subjects.Subject("rehearsal", ref, f"Rehearsal {ref}", fields={"tier": 1}, target_date=target)
            if ref == "7"
            else None
        ),
        label="Rehearsal",
    )
    try:
        pb = _playbook(cast.members["editor"])
        run = services.run_start(
            member=cast.members["editor"], playbook_id=pb.pk, subject_kind="rehearsal", subject_ref="7"
        )
        assert run.target_date == target and run.steps.filter(applies=True).count() == 3
        with pytest.raises(Invalid):
            services.run_start(
                member=cast.members["editor"],
                playbook_id=pb.pk,
                subject_kind="rehearsal",
                subject_ref="8",
            )
    finally:
        subjects.KINDS.pop("rehearsal")


def test_a_playbook_with_runs_cannot_be_deleted(cast, api):
    editor = cast.members["editor"]
    pb = _playbook(editor)
    services.run_start(member=editor, playbook_id=pb.pk)
    assert (
        api(cast.tokens["editor"]).delete(f"/workspaces/acme/playbooks/{pb.pk}").status_code == 409
    )
    assert Playbook.objects.filter(pk=pb.pk).exists()


def test_duplicate_name_is_a_conflict(cast):
    _playbook(cast.members["editor"])
    with pytest.raises(Conflict) as exc:
        _playbook(cast.members["editor"], name="tier 1 LAUNCH")
    assert exc.value.status == 409 and exc.value.errors[0].field == "name"


def test_lists_read_in_constant_queries(cast, django_assert_max_num_queries):
    editor = cast.members["editor"]
    for n in range(4):
        pb = _playbook(editor, name=f"Playbook {n}")
        services.run_start(member=editor, playbook_id=pb.pk)
    with django_assert_max_num_queries(2):
        pbs = list(selectors.playbooks(workspace=cast.workspace))
        current = selectors.current_versions(pbs)
    assert len(current) == 4 and all(p.run_count == 1 for p in pbs)
    with django_assert_max_num_queries(1):
        runs = list(selectors.runs(workspace=cast.workspace))
    assert [r.step_total for r in runs] == [2, 2, 2, 2]
