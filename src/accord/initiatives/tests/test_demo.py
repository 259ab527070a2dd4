"""The demo's initiatives: two at different stages, gates partly met, a signer still to sign."""

import pytest

from accord.initiatives import selectors


@pytest.fixture(scope="module")
def demo(django_db_setup, module_transaction):
    from accord.demo.loader import load_demo

    with module_transaction():
        yield load_demo()[0]


@pytest.mark.django_db
def test_the_demo_has_two_initiatives_at_different_stages_with_gates_in_progress(demo, client):
    from accord.workspaces.models import Workspace

    workspace = Workspace.objects.get(slug=demo)
    cards = {
        i.name: (c.stage.key, i) for c in selectors.portfolio(workspace=workspace) for i in c.cards
    }
    assert set(cards) == {"Lumen Insights 2.0", "Spring campaign"}
    lumen, spring = cards["Lumen Insights 2.0"], cards["Spring campaign"]
    assert lumen[0] == "build" and spring[0] == "discovery"
    assert lumen[1].readiness.text == "2/3 criteria, 2/3 signed"
    assert spring[1].readiness.text == "1/3 criteria, 0/2 signed"
    assert lumen[1].n_ideas == 3 and lumen[1].n_items == 5 and lumen[1].n_goals == 2
    own = selectors.self_approvals(workspace_id=workspace.pk)
    assert [(a.initiative_id, a.signed_at is not None) for a in own] == [(lumen[1].pk, True)]
    data = selectors.detail(workspace=workspace, initiative_id=lumen[1].pk)
    assert [(h.from_stage and h.from_stage.key, h.to_stage.key) for h in data["history"]] == [
        ("discovery", "build"), (None, "discovery")]  # fmt: skip
