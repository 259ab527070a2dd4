"""The portfolio, an initiative's page and its forms, the lifecycle page, the hooks into lower apps
(idea panel, Stage filter on ideas, roadmap lanes by stage) and how it all reads in the history."""

import pytest

from accord.audit import history
from accord.audit.models import AuditEntry
from accord.initiatives import services
from accord.initiatives.models import GateCriterion


@pytest.fixture
def editor(client, ws):
    client.force_login(ws.members["editor"].user)
    return client


def test_portfolio_shows_initiatives_by_stage_with_readiness_in_constant_queries(
    editor, ws, django_assert_max_num_queries
):
    ws.mk("Lumen Insights 2.0", key="build", owner_id=ws.person("editor").pk)
    url = "/w/acme/initiatives"
    with django_assert_max_num_queries(20) as few:
        editor.get(url)
    for n in range(8):
        ws.mk(f"Campaign {n}", key="launch", kind="campaign")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = editor.get(url)
    html = response.content.decode()
    assert (
        "Lumen Insights 2.0" in html
        and "0/3 criteria, no signers" in html
        and "Owner: Editor" in html
    )
    assert 'aria-current="page"' in html and ">Initiatives<" in html
    only = editor.get(url, {"kind": "campaign"}).content.decode()
    assert "Campaign 3" in only and "Lumen Insights 2.0" not in only


def test_check_sign_and_move_through_the_page(client, ws):
    i = ws.mk("Lumen", owner_id=ws.person("editor").pk)
    client.force_login(ws.members["admin"].user)
    base = f"/w/acme/initiatives/{i.pk}"
    client.post(f"{base}/signer-add", {"person_id": ws.person("admin").pk})
    refused = client.post(f"{base}/move", {"to_stage_id": ws.stage("build").pk})
    assert refused.status_code == 409
    assert (
        "Not met" in refused.content.decode()
        and "Not signed by: Ada Admin" in refused.content.decode()
    )
    for c in GateCriterion.objects.filter(initiative=i):
        assert (
            client.post(
                f"{base}/criterion-check", {"criterion_id": c.pk, "evidence": "notes"}
            ).status_code
            == 302
        )
    assert client.post(f"{base}/sign", {"comment": "Ship it"}).status_code == 302
    page = client.get(base).content.decode()
    assert "3/3 criteria, 1/1 signed" in page and "Ship it" in page
    skip = client.post(f"{base}/move", {"to_stage_id": ws.stage("grow").pk})
    assert skip.status_code == 422 and "cannot be skipped" in skip.content.decode()
    assert (
        client.post(
            f"{base}/move", {"to_stage_id": ws.stage("build").pk, "evidence": "Interviews"}
        ).status_code
        == 302
    )
    page = client.get(base).content.decode()
    assert "Discovery → Build" in page and "Interviews" in page
    no_reason = client.post(f"{base}/move", {"to_stage_id": ws.stage("launch").pk, "override": "1"})
    assert no_reason.status_code == 422 and "needs its reason" in no_reason.content.decode()
    client.post(
        f"{base}/move",
        {"to_stage_id": ws.stage("launch").pk, "override": "1", "override_reason": "Board call"},
    )
    assert "Gate overridden" in client.get(base).content.decode()


def test_a_viewer_reads_but_cannot_change_and_an_outsider_gets_404(client, ws):
    i = ws.mk()
    client.force_login(ws.members["viewer"].user)
    page = client.get(f"/w/acme/initiatives/{i.pk}").content.decode()
    assert "Move stage" not in page and "Add criterion" not in page
    assert (
        client.post(
            f"/w/acme/initiatives/{i.pk}/move", {"to_stage_id": ws.stage("build").pk}
        ).status_code
        == 403
    )
    assert client.post("/w/acme/initiatives/lifecycle/add", {"name": "Beta"}).status_code == 403
    client.force_login(ws.outsider.user)
    assert client.get(f"/w/acme/initiatives/{i.pk}").status_code == 404


def test_create_and_the_lifecycle_page(client, ws):
    client.force_login(ws.members["admin"].user)
    bad = client.post("/w/acme/initiatives/new", {"name": " ", "kind": "product"})
    assert bad.status_code == 422 and "Name is required" in bad.content.decode()
    made = client.post("/w/acme/initiatives/new", {"name": "Spring campaign", "kind": "campaign",
                                                   "stage_id": ws.stage("discovery").pk})  # fmt: skip
    assert made.status_code == 302
    assert client.post("/w/acme/initiatives/lifecycle/add", {"name": "Beta", "color": "#112233",
                                                             "criteria": "Ten users\nNPS 30"}).status_code == 302  # fmt: skip
    page = client.get("/w/acme/initiatives/lifecycle").content.decode()
    assert "Beta" in page and "NPS 30" in page
    busy = client.post(
        "/w/acme/initiatives/lifecycle/delete", {"stage_id": ws.stage("discovery").pk}
    )
    assert busy.status_code == 409 and "move it to another stage first" in busy.content.decode()


def test_the_idea_page_lists_its_initiatives_and_ideas_filter_by_stage(editor, ws):
    from accord.ideas.services import idea_create

    admin = ws.members["admin"]
    built = idea_create(member=admin, title="Anomaly alerts")
    idle = idea_create(member=admin, title="Dark mode")
    ws.mk("Lumen Insights 2.0", key="build", idea_ids=[built.pk])
    page = editor.get(f"/w/acme/ideas/{built.pk}").content.decode()
    assert 'data-testid="idea-initiatives"' in page and "Lumen Insights 2.0" in page
    listed = editor.get("/w/acme/ideas", {"stage": "build"}).content.decode()
    assert "Anomaly alerts" in listed and "Dark mode" not in listed
    assert 'id="id_facet_stage"' in listed
    assert idle.title in editor.get("/w/acme/ideas").content.decode()


def test_roadmap_lanes_by_stage_in_lifecycle_order(ws):
    from datetime import date

    from accord.roadmaps import extensions
    from accord.roadmaps import selectors as rm_selectors
    from accord.roadmaps import services as rm

    admin = ws.members["admin"]
    roadmap = rm.roadmap_create(member=admin, name="Product", lane_mode="stage")
    items = [rm.item_create(member=admin, roadmap_id=roadmap.pk, title=f"Item {n}", start_date=date(2030, 1, 1),
                            end_date=date(2030, 1, 9)) for n in range(3)]  # fmt: skip
    ws.mk("Later", key="grow", roadmap_item_ids=[items[0].pk])
    ws.mk("Earlier", key="discovery", roadmap_item_ids=[items[0].pk, items[1].pk])
    assert extensions.LANE_SOURCES["stage"].title == "Stages"
    lanes = rm_selectors.lanes_for(roadmap=roadmap, shown=items)
    assert [(lane.name, [i.title for i in lane.items]) for lane in lanes] == [
        ("Discovery", ["Item 0", "Item 1"]),
        ("Grow", ["Item 0"]),
        ("No initiative", ["Item 2"]),
    ]


def test_history_reads_in_plain_words(ws):
    owner = ws.person("editor")
    i = ws.mk("Lumen", owner_id=owner.pk)
    services.signer_add(member=ws.members["admin"], initiative_id=i.pk, person_id=owner.pk)
    services.gate_sign(member=ws.members["editor"], initiative_id=i.pk, comment="ok")
    c = GateCriterion.objects.filter(initiative=i).first()
    services.criterion_check(member=ws.members["editor"], criterion_id=c.pk, evidence="doc")
    services.initiative_move(member=ws.members["admin"], initiative_id=i.pk, to_stage_id=ws.stage("build").pk,
                             override=True, override_reason="Board call")  # fmt: skip
    stories = [
        s.text
        for s in history.tell(
            AuditEntry.objects.filter(workspace=ws.workspace).order_by("pk"), slug="acme"
        )
    ]
    text = "\n".join(stories)
    assert "asked Editor to sign the gate of Lumen" in text
    assert "signed the Discovery gate of initiative Lumen" in text
    assert f"ticked the gate criterion {c.text} of Lumen" in text
    assert "moved initiative Lumen from Discovery to Build" in text


def test_home_lists_gates_waiting_for_my_signature(client, ws):
    i = ws.mk("Lumen")
    services.signer_add(
        member=ws.members["admin"], initiative_id=i.pk, person_id=ws.person("viewer").pk
    )
    client.force_login(ws.members["viewer"].user)
    page = client.get("/w/acme/").content.decode()
    assert 'data-testid="home-gates"' in page and "Sign the Discovery gate" in page


def test_the_goals_tree_filters_by_stage_keeping_the_path_to_each_match(client, cast):
    from accord.goals import services as goals
    from accord.initiatives import services as initiatives
    from accord.initiatives.lifecycle import ensure_stages

    admin = cast.members["admin"]
    build = next(s for s in ensure_stages(cast.workspace.pk) if s.key == "build")
    period = {"period": "2031-Q1"}
    company = goals.goal_create(member=admin, title="Grow revenue", **period)
    from accord.workspaces import services as ws

    product = ws.team_create(member=admin, name="Product", kind="product")
    team = goals.goal_create(member=admin, title="Ship the reports", level="team", parent_id=company.pk,
                             team_ids=[product.pk], **period)  # fmt: skip
    goals.goal_create(member=admin, title="Hire a designer", **period)
    initiatives.initiative_create(member=admin, name="Reports 2.0", stage_id=build.pk, goal_ids=[team.pk])
    client.force_login(cast.members["viewer"].user)
    everything = client.get("/w/acme/goals").content.decode()
    assert 'data-testid="goal-filters"' in everything and "Hire a designer" in everything
    page = client.get("/w/acme/goals?stage=build").content.decode()
    assert "Ship the reports" in page and "Grow revenue" in page  # the match, and the goal it supports
    assert "Hire a designer" not in page
    none = client.get("/w/acme/goals?stage=retire").content.decode()
    assert 'data-testid="goal-tree-empty"' in none and "Ship the reports" not in none
