"""The pages: role definitions and an initiative's RACI grid, cell posts, suggestions, the map."""

import pytest

from accord.roles import services
from accord.roles.models import RaciCell, RoleDefinition

pytestmark = pytest.mark.django_db


def _login(client, cast, role):
    client.force_login(cast.members[role].user)


def test_roles_page_lists_defaults_and_admins_refuse_a_cycle(client, team):
    _login(client, team.cast, "admin")
    r = client.get("/w/acme/roles")
    assert r.status_code == 200 and b"Product owner" in r.content and b"Scrum master" in r.content
    pm, po = team.roles["product-manager"], team.roles["product-owner"]
    r = client.post("/w/acme/roles", {"action": "update", "role_id": pm.pk, "version": 1, "name": pm.name,
                                      "department": "product", "parent_id": po.pk}, follow=True)  # fmt: skip
    assert b"cycle of roles" in r.content
    assert RoleDefinition.objects.get(pk=pm.pk).parent_id is None


def test_raci_grid_cells_checks_suggestions_and_map(client, team):
    a = services.activity_create(
        member=team.editor,
        initiative_id=team.initiative.pk,
        name="Positioning",
        skills=["positioning"],
    )
    services.assignment_create(
        member=team.editor,
        initiative_id=team.initiative.pk,
        role_id=team.roles["product-owner"].pk,
        person_id=team.ana.pk,
    )
    _login(client, team.cast, "editor")
    base = f"/w/acme/initiatives/{team.initiative.pk}/raci"
    r = client.get(base)
    assert (
        r.status_code == 200
        and b'data-testid="raci-grid"' in r.content
        and b"No Accountable" in r.content
    )
    r = client.post(
        f"{base}/cell", {"activity_id": a.pk, "kind": "person", "col": team.ana.pk, "value": "A"}
    )
    assert r.status_code == 200 and "No Accountable" not in r.json()["checks_html"]
    r = client.post(
        f"{base}/cell", {"activity_id": a.pk, "kind": "person", "col": team.ana.pk, "value": "Z"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "cells[0].value"
    assert RaciCell.objects.get().value == "A"
    r = client.get(f"{base}/suggest", {"activity": a.pk})
    assert b"Mia Marketing" in r.content and b"has positioning" in r.content
    assert client.get(f"{base}/map.svg")["Content-Type"] == "image/svg+xml"
    _login(client, team.cast, "viewer")
    assert (
        client.post(
            f"{base}/cell",
            {"activity_id": a.pk, "kind": "person", "col": team.ana.pk, "value": "R"},
        ).status_code
        == 403
    )
