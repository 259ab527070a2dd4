"""`accord demo`: one realistic workspace, built once."""

from io import StringIO

import pytest
from django.core.management import call_command

from accord.audit.models import AuditEntry
from accord.demo.loader import ADMIN_EMAIL, DEMO_PASSWORD
from accord.workspaces.demo import PEOPLE, TEAMS
from accord.workspaces.models import Membership, Person, Team, Workspace


def _demo() -> str:
    out, err = StringIO(), StringIO()
    call_command("demo", stdout=out, stderr=err)
    assert ADMIN_EMAIL in err.getvalue()
    return out.getvalue().strip()


def _counts() -> dict[str, int]:
    return {
        "workspaces": Workspace.objects.count(),
        "members": Membership.objects.count(),
        "teams": Team.objects.count(),
        "people": Person.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture(scope="module")
def demo_once(django_db_setup, module_transaction):
    """The demo takes seconds to build: built once for the module, each test rolled back to it."""
    with module_transaction():
        yield _demo()


@pytest.fixture
def lumen(demo_once, db):
    return demo_once, Workspace.objects.get(slug=demo_once)


def test_the_demo_prints_the_slug_of_lumen(lumen):
    slug, workspace = lumen
    assert slug == "lumen"
    assert workspace.name == "Lumen Analytics"


def test_the_demo_has_nine_teams_and_about_twenty_people(lumen):
    _, workspace = lumen
    assert workspace.teams.count() == len(TEAMS) == 9
    assert 20 <= workspace.people.count() <= 22
    assert {"product", "marketing", "it"} <= set(workspace.teams.values_list("kind", flat=True))
    priya = workspace.people.get(email="priya@lumen.example")
    assert priya.title == "Head of Product" and "roadmapping" in priya.skills
    assert list(priya.teams.values_list("name", flat=True)) == ["Product Management"]


def test_the_demo_has_members_in_every_role_and_people_without_a_login(lumen):
    _, workspace = lumen
    roles = dict(workspace.memberships.values_list("user__email", "role"))
    assert roles[ADMIN_EMAIL] == "admin"
    expected = {f"{local}@lumen.example": role for _, local, _, _, _, _, role in PEOPLE if role}
    assert {email: roles[email] for email in expected} == expected
    assert set(roles.values()) == {"viewer", "contributor", "editor", "admin"}
    without_login = workspace.people.filter(user__isnull=True).count()
    assert without_login == sum(1 for p in PEOPLE if p[-1] is None)


def test_demo_members_sign_in_with_the_demo_password(client, lumen):
    response = client.post(
        "/accounts/login", {"email": "sofia@lumen.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/w/lumen/people").status_code == 200


def test_running_the_demo_again_changes_nothing(lumen):
    before = _counts()
    assert _demo() == "lumen"
    assert _counts() == before


def test_the_demo_has_two_initiatives_at_different_stages_with_gates_in_progress(lumen):
    from accord.initiatives import selectors

    _slug, workspace = lumen
    cards = {i.name: (c.stage.key, i) for c in selectors.portfolio(workspace=workspace) for i in c.cards}
    assert set(cards) == {"Lumen Insights 2.0", "Spring campaign"}
    (release_stage, release), (spring_stage, spring) = cards["Lumen Insights 2.0"], cards["Spring campaign"]
    assert (release_stage, spring_stage) == ("build", "discovery")
    assert release.readiness.text == "2/3 criteria, 2/3 signed"  # Sofia Lindqvist still to sign
    assert spring.readiness.text == "1/3 criteria, 0/2 signed"
    assert (release.n_ideas, release.n_items, release.n_goals) == (3, 5, 2)
    own = selectors.self_approvals(workspace_id=workspace.pk)  # Marco signed his own release's gate
    assert [(a.initiative_id, a.signed_at is not None) for a in own] == [(release.pk, True)]
    data = selectors.detail(workspace=workspace, initiative_id=release.pk)
    assert [(h.from_stage and h.from_stage.key, h.to_stage.key) for h in data["history"]] == [
        ("discovery", "build"),
        (None, "discovery"),
    ]
    from accord.roadmaps.models import Roadmap, SavedView

    assert Roadmap.objects.get(workspace=workspace, kind="portfolio").color_by == "stage"
    assert SavedView.objects.get(roadmap__workspace=workspace, name="In build").filters == {"stage": "build"}


def test_the_demo_goes_through_export_and_import_byte_for_byte(lumen):
    """The whole demo, exported, deleted, imported and exported again: the same file (accord.transfer)."""
    import os

    from django.db import connection

    from accord.transfer.tests.test_round_trip import FIXTURE, assert_round_trip

    text = assert_round_trip(lumen[1])
    if os.environ.get("ACCORD_WRITE_TRANSFER_FIXTURE") and connection.vendor == "sqlite":
        FIXTURE.write_text(text, encoding="utf-8")  # the file the transfer tests load on every database
