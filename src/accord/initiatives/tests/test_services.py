"""Initiatives, gates and stage moves through the services: the rules and the bad input."""

import pytest

from accord.core.errors import Conflict, Forbidden, Invalid, NotFound
from accord.initiatives import lifecycle, selectors, services
from accord.initiatives.models import (
    DEFAULT_STAGES,
    GateCriterion,
    GateSigner,
    Initiative,
    LifecycleStage,
    StageChange,
)


def test_every_workspace_starts_with_the_default_lifecycle_and_its_gate_templates(ws):
    keys = list(LifecycleStage.objects.filter(workspace=ws.workspace).values_list("key", flat=True))
    assert keys == [k for k, _n, _c in DEFAULT_STAGES]
    assert ws.stage("build").criteria.count() == 3
    assert lifecycle.ensure_stages(ws.workspace.pk)[0].key == "strategy"  # idempotent
    assert LifecycleStage.objects.filter(workspace=ws.workspace).count() == len(DEFAULT_STAGES)
    LifecycleStage.objects.filter(workspace=ws.other).delete()
    assert len(lifecycle.ensure_stages(ws.other.pk)) == len(DEFAULT_STAGES)  # lazily, when needed


def test_a_new_initiative_gets_its_stage_gate_copied_and_a_first_history_line(ws):
    i = ws.mk(owner_id=ws.person("editor").pk)
    texts = list(GateCriterion.objects.filter(initiative=i).values_list("text", flat=True))
    assert texts == [c.text for c in ws.stage("discovery").criteria.all()]
    change = StageChange.objects.get(initiative=i)
    assert change.from_stage is None and change.to_stage.key == "discovery"
    lifecycle.stage_update(
        member=ws.members["admin"],
        stage_id=ws.stage("discovery").pk,
        version=1,
        criteria=["Only one"],
    )
    assert (
        GateCriterion.objects.filter(initiative=i).count() == 3
    )  # the template changes no existing gate


def _meet_gate(ws, i, signer_role="editor"):
    admin = ws.members["admin"]
    for c in GateCriterion.objects.filter(initiative=i, stage_id=i.stage_id):
        services.criterion_check(
            member=ws.members["contributor"], criterion_id=c.pk, evidence="see wiki"
        )
    services.signer_add(member=admin, initiative_id=i.pk, person_id=ws.person(signer_role).pk)
    services.gate_sign(member=ws.members[signer_role], initiative_id=i.pk, comment="Go")


def test_gate_met_then_move_to_next_stage_keeps_history_and_copies_the_next_gate(ws):
    i = ws.mk()
    _meet_gate(ws, i)
    assert selectors.readiness([i.pk])[i.pk].text == "3/3 criteria, 1/1 signed"
    services.initiative_move(member=ws.members["editor"], initiative_id=i.pk, to_stage_id=ws.stage("build").pk,
                             evidence="Interviews: 7 of 8 confirm")  # fmt: skip
    i.refresh_from_db()
    assert i.stage.key == "build" and i.version == 2
    last = StageChange.objects.filter(initiative=i).last()
    assert (last.from_stage.key, last.to_stage.key, last.evidence, last.override_reason) == (
        "discovery",
        "build",
        "Interviews: 7 of 8 confirm",
        "",
    )
    assert GateCriterion.objects.filter(initiative=i, stage=ws.stage("build")).count() == 3
    # back to discovery (rework): no gate needed
    services.initiative_move(
        member=ws.members["editor"], initiative_id=i.pk, to_stage_id=ws.stage("discovery").pk
    )
    assert Initiative.objects.get(pk=i.pk).stage.key == "discovery"


def _state(i):
    return (
        Initiative.objects.filter(pk=i.pk).values_list("stage_id", "version").get(),
        StageChange.objects.filter(initiative=i).count(),
        GateCriterion.objects.filter(initiative=i).count(),
    )


def test_moving_with_an_unmet_gate_is_refused_naming_what_is_missing(ws):
    i = ws.mk()
    c = GateCriterion.objects.filter(initiative=i).first()
    services.criterion_check(member=ws.members["editor"], criterion_id=c.pk)
    services.signer_add(
        member=ws.members["admin"], initiative_id=i.pk, person_id=ws.person("viewer").pk
    )
    before = _state(i)
    with pytest.raises(Conflict) as err:
        services.initiative_move(
            member=ws.members["editor"], initiative_id=i.pk, to_stage_id=ws.stage("build").pk
        )
    fields = {e.field: e.message for e in err.value.errors}
    assert "Business case reviewed by product and marketing" in fields["criteria"]
    assert c.text not in fields["criteria"]
    assert "Viewer" in fields["signers"]
    assert _state(i) == before  # nothing half-saved


def test_skipping_a_stage_is_refused(ws):
    i = ws.mk()
    _meet_gate(ws, i)
    before = _state(i)
    with pytest.raises(Invalid) as err:
        services.initiative_move(member=ws.members["admin"], initiative_id=i.pk, to_stage_id=ws.stage("launch").pk,
                                 override=True, override_reason="hurry")  # fmt: skip
    assert err.value.errors[0].field == "to_stage_id" and "Build first" in err.value.detail
    assert _state(i) == before


def test_override_needs_an_admin_and_a_reason_and_is_recorded(ws):
    i = ws.mk()
    before = _state(i)
    with pytest.raises(Forbidden):
        services.initiative_move(member=ws.members["editor"], initiative_id=i.pk, to_stage_id=ws.stage("build").pk,
                                 override=True, override_reason="Board decided")  # fmt: skip
    with pytest.raises(Invalid) as err:
        services.initiative_move(member=ws.members["admin"], initiative_id=i.pk, to_stage_id=ws.stage("build").pk,
                                 override=True, override_reason="  ")  # fmt: skip
    assert err.value.errors[0].field == "override_reason"
    with pytest.raises(Invalid) as err:
        services.initiative_move(member=ws.members["admin"], initiative_id=i.pk, to_stage_id=ws.stage("build").pk,
                                 override_reason="no flag")  # fmt: skip
    assert err.value.errors[0].field == "override"
    assert _state(i) == before
    change = services.initiative_move(member=ws.members["admin"], initiative_id=i.pk, to_stage_id=ws.stage("build").pk,
                                      override=True, override_reason="Board decided to ship")  # fmt: skip
    assert change.override_reason == "Board decided to ship"


def test_signing_when_not_asked_is_refused_and_changes_nothing(ws):
    i = ws.mk()
    services.signer_add(
        member=ws.members["admin"], initiative_id=i.pk, person_id=ws.person("editor").pk
    )
    with pytest.raises(Forbidden) as err:
        services.gate_sign(member=ws.members["viewer"], initiative_id=i.pk)
    assert "not asked to sign" in err.value.detail
    assert not GateSigner.objects.filter(signed_at__isnull=False).exists()
    services.gate_sign(member=ws.members["editor"], initiative_id=i.pk)
    with pytest.raises(Conflict):
        services.gate_sign(member=ws.members["editor"], initiative_id=i.pk)
    services.gate_unsign(member=ws.members["editor"], initiative_id=i.pk)
    assert GateSigner.objects.get(initiative=i).signed_at is None


def test_the_owner_signing_their_own_gate_is_recorded_and_listed(ws):
    owner = ws.person("editor")
    i = ws.mk(owner_id=owner.pk)
    other = ws.mk("Other")
    services.signer_add(member=ws.members["admin"], initiative_id=i.pk, person_id=owner.pk)
    pending = selectors.self_approvals(workspace_id=ws.workspace.pk)
    assert [(s.initiative_id, s.person_id, s.signed_at) for s in pending] == [
        (i.pk, owner.pk, None)
    ]
    services.gate_sign(member=ws.members["editor"], initiative_id=i.pk)
    assert GateSigner.objects.get(initiative=i).own_gate is True
    signed = selectors.self_approvals(workspace_id=ws.workspace.pk, initiative_ids=[i.pk, other.pk])
    assert len(signed) == 1 and signed[0].signed_at is not None
    assert selectors.self_approvals(workspace_id=ws.other.pk) == []


def test_gate_work_is_on_the_current_stage_only(ws):
    i = ws.mk()
    old = GateCriterion.objects.filter(initiative=i).first()
    services.initiative_move(member=ws.members["admin"], initiative_id=i.pk, to_stage_id=ws.stage("build").pk,
                             override=True, override_reason="Pilot")  # fmt: skip
    with pytest.raises(Conflict):
        services.criterion_check(member=ws.members["editor"], criterion_id=old.pk)
    with pytest.raises(Forbidden):
        services.criterion_check(member=ws.members["viewer"], criterion_id=old.pk)


def test_links_group_ideas_items_and_goals_of_the_workspace_only(ws):
    from accord.ideas.services import idea_create

    idea = idea_create(member=ws.members["admin"], title="Dark mode")
    foreign = idea_create(member=ws.outsider, title="Theirs")
    i = ws.mk()
    services.initiative_link(
        member=ws.members["editor"], initiative_id=i.pk, link="idea", object_id=idea.pk
    )
    with pytest.raises(Conflict):
        services.initiative_link(
            member=ws.members["editor"], initiative_id=i.pk, link="idea", object_id=idea.pk
        )
    with pytest.raises(Invalid) as err:
        services.initiative_link(
            member=ws.members["editor"], initiative_id=i.pk, link="idea", object_id=foreign.pk
        )
    assert err.value.errors[0].field == "idea_id"
    assert list(i.ideas.all()) == [idea]
    services.initiative_unlink(
        member=ws.members["editor"], initiative_id=i.pk, link="idea", object_id=idea.pk
    )
    with pytest.raises(NotFound):
        services.initiative_unlink(
            member=ws.members["editor"], initiative_id=i.pk, link="idea", object_id=idea.pk
        )


def test_stages_are_edited_by_admins_and_removed_only_when_unused(ws):
    admin = ws.members["admin"]
    with pytest.raises(Forbidden):
        lifecycle.stage_create(member=ws.members["editor"], name="Beta")
    beta = lifecycle.stage_create(
        member=admin, name="Beta", color="#123abc", position=3, criteria=["Ten weekly users"]
    )
    assert [s.key for s in lifecycle.ensure_stages(ws.workspace.pk)][2:5] == [
        "build",
        "beta",
        "launch",
    ]
    with pytest.raises(Conflict) as err:
        lifecycle.stage_create(member=admin, name="beta")
    assert err.value.errors[0].field == "name"
    with pytest.raises(Invalid) as err:
        lifecycle.stage_update(member=admin, stage_id=beta.pk, version=beta.version, color="red")
    assert err.value.errors[0].field == "color"
    lifecycle.stage_update(
        member=admin, stage_id=beta.pk, version=beta.version, name="Public beta", position=0
    )
    assert lifecycle.ensure_stages(ws.workspace.pk)[0].name == "Public beta"
    ws.mk(key="build")
    with pytest.raises(Conflict) as err:
        lifecycle.stage_delete(member=admin, stage_id=ws.stage("build").pk)
    assert "1 initiative is in Build" in err.value.detail
    lifecycle.stage_delete(member=admin, stage_id=beta.pk)
    assert [s.position for s in lifecycle.ensure_stages(ws.workspace.pk)] == list(
        range(len(DEFAULT_STAGES))
    )


def test_portfolio_counts_and_readiness_in_a_constant_number_of_queries(
    ws, django_assert_num_queries
):
    i = ws.mk(key="build", owner_id=ws.person("editor").pk)
    _meet_gate(ws, i)
    ws.mk("Spring campaign", kind="campaign")
    with django_assert_num_queries(8):
        columns = selectors.portfolio(workspace=ws.workspace)
    for n in range(5):
        ws.mk(f"More {n}", key="grow")
    with django_assert_num_queries(8):
        columns = selectors.portfolio(workspace=ws.workspace)
    by_key = {c.stage.key: c for c in columns}
    assert by_key["build"].cards[0].readiness.text == "3/3 criteria, 1/1 signed"
    assert by_key["discovery"].cards[0].readiness.text == "0/3 criteria, no signers"
    assert by_key["grow"].count == 5
    campaigns = selectors.portfolio(workspace=ws.workspace, kind="campaign")
    assert [c.count for c in campaigns] == [0, 1, 0, 0, 0, 0, 0]
    capped = {c.stage.key: c for c in selectors.portfolio(workspace=ws.workspace, per_stage=2)}
    assert (len(capped["grow"].cards), capped["grow"].count, capped["grow"].hidden) == (2, 5, 3)
    opened = {
        c.stage.key: c
        for c in selectors.portfolio(workspace=ws.workspace, per_stage=2, expand="grow")
    }
    assert len(opened["grow"].cards) == 5


def test_waiting_for_my_signature(ws):
    i = ws.mk()
    services.signer_add(
        member=ws.members["admin"], initiative_id=i.pk, person_id=ws.person("viewer").pk
    )
    assert [
        s.initiative_id
        for s in selectors.waiting_for(workspace=ws.workspace, person_id=ws.person("viewer").pk)
    ] == [i.pk]
    services.gate_sign(member=ws.members["viewer"], initiative_id=i.pk)
    assert selectors.waiting_for(workspace=ws.workspace, person_id=ws.person("viewer").pk) == []
