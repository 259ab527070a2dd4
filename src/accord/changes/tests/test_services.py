"""Change requests: bad input, sign-offs by department, moves, freezes, conflicts and free slots."""

from datetime import timedelta

import pytest

from accord.core.errors import Forbidden, Invalid
from accord.roadmaps import services as rm_services

from .. import conflicts, services
from ..models import Change, ChangeImpact, ChangeStatus, Freeze
from .conftest import at


def _change(member, **kw):
    fields = {
        "title": "Move the website to the new CDN",
        "area": "Website",
        "start": at(),
        "end": at(hours=3),
    }
    return services.change_create(member=member, **{**fields, **kw})


def test_window_end_before_start_is_refused_naming_the_field(cast):
    with pytest.raises(Invalid) as exc:
        _change(cast.members["contributor"], start=at(hours=3), end=at())
    assert exc.value.errors[0].field == "end"
    with pytest.raises(Invalid) as exc:
        _change(cast.members["contributor"], end=at(days=20))
    assert exc.value.errors[0].field == "end" and "14 days" in exc.value.detail
    with pytest.raises(Invalid) as exc:
        _change(cast.members["contributor"], departments=["finance"])
    assert exc.value.errors[0].field == "departments"
    assert not Change.objects.exists() and not ChangeImpact.objects.exists()


def test_rules_sign_offs_and_the_life_of_a_change(cast, people):
    admin, it_lead, mkt_lead = (
        cast.members["admin"],
        cast.members["contributor"],
        cast.members["editor"],
    )
    services.rule_create(member=admin, department="marketing", area="website")
    services.rule_create(member=admin, department="it")
    change = _change(it_lead, departments=["support"])
    assert change.area == "website"
    assert {(i.department, i.required) for i in change.impacts.all()} == {
        ("marketing", True),
        ("it", True),
        ("support", False),
    }
    services.change_transition(member=it_lead, change_id=change.pk, to="in_review")

    # Signing for a department one does not belong to: refused, nothing saved.
    with pytest.raises(Invalid) as exc:
        services.impact_assess(
            member=it_lead, change_id=change.pk, department="marketing", impact="high"
        )
    assert exc.value.errors[0].field == "department"
    assert ChangeImpact.objects.get(change=change, department="marketing").signed_at is None

    # Approving with a missing sign-off: refused, naming the departments; the status stays.
    services.impact_assess(
        member=it_lead, change_id=change.pk, department="it", impact="low", note="Runbook ready"
    )
    with pytest.raises(Invalid) as exc:
        services.change_transition(member=mkt_lead, change_id=change.pk, to="approved")
    assert (
        exc.value.errors[0].field == "sign_offs"
        and "Marketing" in exc.value.detail
        and "IT" not in exc.value.detail
    )
    assert Change.objects.get(pk=change.pk).status == ChangeStatus.IN_REVIEW

    services.impact_assess(
        member=mkt_lead,
        change_id=change.pk,
        department="marketing",
        impact="medium",
        note="Avoid launch week",
    )
    with pytest.raises(Forbidden):  # the requester may not approve their own change (contributor)
        services.change_transition(member=it_lead, change_id=change.pk, to="approved")
    services.change_transition(member=mkt_lead, change_id=change.pk, to="approved")
    with pytest.raises(Invalid) as exc:  # no jumping from approved to done
        services.change_transition(member=it_lead, change_id=change.pk, to="done")
    assert exc.value.errors[0].field == "to"
    services.change_transition(member=it_lead, change_id=change.pk, to="scheduled")
    services.change_transition(
        member=it_lead, change_id=change.pk, to="rolled_back", reason="Cache misses"
    )
    assert Change.objects.get(pk=change.pk).status == ChangeStatus.ROLLED_BACK
    with pytest.raises(Invalid):  # closed changes take no sign-off
        services.impact_assess(
            member=mkt_lead, change_id=change.pk, department="marketing", impact="low"
        )


def test_only_the_requester_or_an_editor_edits_and_stale_versions_lose(cast, people):
    change = _change(cast.members["editor"])
    with pytest.raises(Forbidden):
        services.change_update(
            member=cast.members["contributor"],
            change_id=change.pk,
            version=change.version,
            title="Mine",
        )
    with pytest.raises(Invalid) as exc:
        services.change_update(
            member=cast.members["editor"],
            change_id=change.pk,
            version=change.version,
            start=at(days=1),
        )
    assert exc.value.errors[0].field == "end"  # the new start is after the kept end
    updated = services.change_update(
        member=cast.members["editor"],
        change_id=change.pk,
        version=change.version,
        start=at(hours=1),
    )
    assert updated.version == change.version + 1
    from accord.core.errors import StaleVersion

    with pytest.raises(StaleVersion):
        services.change_update(
            member=cast.members["editor"], change_id=change.pk, version=change.version, title="Old"
        )


def test_freezes_by_editors_or_the_campaigns_owner(cast, people, campaign):
    contributor = cast.members["contributor"]
    with pytest.raises(Forbidden):
        services.freeze_create(member=contributor, name="Launch freeze", start=at(-1), end=at(3))
    with pytest.raises(Forbidden):
        services.freeze_create(
            member=contributor,
            name="Launch freeze",
            start=at(-1),
            end=at(3),
            campaign_id=campaign.pk,
        )
    campaign.people.add(people["contributor"])
    freeze = services.freeze_create(
        member=contributor, name="Launch freeze", start=at(-1), end=at(3), campaign_id=campaign.pk
    )
    assert freeze.campaign_id == campaign.pk
    with pytest.raises(Forbidden):
        services.freeze_create(member=cast.members["viewer"], name="No", start=at(-1), end=at(3))
    with pytest.raises(Invalid) as exc:
        services.freeze_create(
            member=cast.members["editor"], name="Backwards", start=at(3), end=at(-1)
        )
    assert exc.value.errors[0].field == "end"
    assert Freeze.objects.count() == 1


def test_every_rule_fires_and_the_next_free_slot_is_proposed(cast, people, campaign):
    editor = cast.members["editor"]
    ws = cast.workspace
    other = _change(
        editor, title="Checkout deploy", start=at(8, 1), end=at(8, 5)
    )  # after the campaign, same area
    services.freeze_create(member=editor, name="Board week", start=at(10), end=at(11))  # every area
    rm = campaign.roadmap
    rm_services.milestone_create(
        member=cast.members["admin"], name="Website relaunch", date_=at(1).date(), roadmap_id=rm.pk
    )
    rm_services.milestone_create(
        member=cast.members["admin"], name="Pricing page", date_=at(1).date()
    )

    report = conflicts.check(ws.pk, "website", at(), at(hours=3))
    kinds = {b.kind: b for b in report.conflicts}
    assert set(kinds) == {"campaign"}
    assert (
        "Campaign" in kinds["campaign"].rule and kinds["campaign"].title == "Spring launch campaign"
    )
    # The campaign runs to the end of its last day: the next free 3 hours start at that midnight.
    midnight = conflicts.day_start(at(8).date())
    assert report.free_slot == (midnight, midnight + timedelta(hours=3))

    report = conflicts.check(ws.pk, "website", at(8), at(8, 3))  # overlaps the other change
    assert [b.kind for b in report.conflicts] == ["change"] and report.conflicts[0].id == other.pk
    assert "Another change" in report.conflicts[0].rule

    report = conflicts.check(ws.pk, "website", at(1) - timedelta(hours=20), at(1, 2))
    assert {b.kind for b in report.conflicts} == {"campaign", "milestone"}
    assert [b.title for b in report.conflicts if b.kind == "milestone"] == ["Website relaunch"]

    report = conflicts.check(
        ws.pk, "checkout", at(10, 2), at(10, 4)
    )  # the freeze covers every area
    assert [b.kind for b in report.conflicts] == ["freeze"] and "every area" in report.conflicts[
        0
    ].rule
    assert report.free_slot == (at(11), at(11, 2))

    assert conflicts.check(ws.pk, "crm", at(), at(hours=3)).clear  # another area: nothing
    assert conflicts.check(
        cast.other.pk, "website", at(), at(hours=3)
    ).clear  # another workspace: nothing
    # The change itself is no conflict of its own.
    assert conflicts.check(
        ws.pk, "website", other.start, other.end, exclude_change_id=other.pk
    ).clear
    assert [b.id for b in conflicts.check(ws.pk, "website", other.start, other.end).conflicts] == [
        other.pk
    ]


def test_a_registered_source_takes_part(cast, monkeypatch):
    calls = []

    def launches(workspace_id, area, start, end, exclude):
        calls.append((workspace_id, area))
        return [
            conflicts.Blocker(
                "launch windows", "Launch window of Apollo", "launch", 7, "Apollo", at(-1), at(1)
            )
        ]

    monkeypatch.setitem(conflicts.SOURCES, "launch windows", launches)
    report = conflicts.check(cast.workspace.pk, "website", at(), at(hours=2))
    assert [b.kind for b in report.conflicts] == ["launch"] and report.free_slot == (
        at(1),
        at(1, 2),
    )
    assert calls == [(cast.workspace.pk, "website")]
    with pytest.raises(ValueError):
        conflicts.register_source("changes", launches)


def test_the_free_slot_sweep():
    B = conflicts.Blocker
    blockers = [
        B("x", "", "x", 1, "a", at(0), at(0, 2)),
        B("x", "", "x", 2, "b", at(0, 1), at(0, 4)),
        B("x", "", "x", 3, "c", at(0, 5), at(0, 6)),
    ]
    assert conflicts.next_free_slot(blockers, at(), timedelta(hours=1), at(5)) == (
        at(0, 4),
        at(0, 5),
    )
    assert conflicts.next_free_slot(blockers, at(), timedelta(hours=2), at(5)) == (
        at(0, 6),
        at(0, 8),
    )
    assert conflicts.next_free_slot(blockers, at(), timedelta(hours=2), at(0, 7)) is None


def test_a_change_during_a_launch_window_conflicts_and_is_offered_the_day_after(cast):
    """Launch windows are a built-in source: a launch blocks every area on its days."""
    from django.utils import timezone

    from accord.launches import services as launches
    from accord.launches.tests.conftest import build_plan

    plan = build_plan(cast)
    launch = launches.launch_create(member=cast.members["admin"], name="Reporting 2.0 launch",
                                    release_item_id=plan.release.pk, checklist=False)  # fmt: skip
    day = conflicts.day_start(launch.launch_date) + timedelta(hours=9)
    report = conflicts.check(cast.workspace.pk, "billing", day, day + timedelta(hours=2))
    launch_conflicts = [b for b in report.conflicts if b.kind == "launch"]
    assert [(b.source, b.id, b.title) for b in launch_conflicts] == [
        ("launch windows", launch.pk, "Reporting 2.0 launch")
    ]
    assert "every area" in launch_conflicts[0].rule
    assert report.free_slot is not None
    assert timezone.localtime(report.free_slot[0]).date() > launch.launch_date
