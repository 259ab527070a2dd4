"""REST API for role definitions, incompatible pairs, the RACI settings, and each initiative's
role assignments, activities, cells, checks, suggestions and interaction map.

Thin: the services write (and check role.manage / raci.manage), the selectors read; reads here
check role.view. Everything lives under /workspaces/{slug}/.
"""

from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from accord.core.api_support import (
    BodyId,
    BodyInt,
    Id,
    JsonInteger,
    PatchSchema,
    StrictBool,
    responses,
)
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.models import TeamKind
from accord.workspaces.permissions import require

from . import interaction_map, selectors, services
from .checks import TITLES

router = Router(auth=API_AUTH, tags=["Roles"])

WS = "/workspaces/{slug}"
RACI = WS + "/initiatives/{initiative_id}/raci"
Value = Literal["R", "A", "C", "I"]


def _viewer(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "role.view")
    return member


# ---------------------------------------------------------------- schemas


class RoleOut(Schema):
    id: int
    key: str
    name: str
    department: TeamKind
    description: str
    success_criteria: str = Field(description="Objective criteria, one per line.")
    parent_id: int | None = Field(description="The role this one reports to.")
    version: int


class RoleIn(Schema):
    model_config = {
        "json_schema_extra": {"examples": [{"name": "Growth marketer", "department": "marketing"}]}
    }

    name: str = Field(min_length=1, max_length=120)
    key: str = Field("", max_length=60, description="Made from the name when empty.")
    department: TeamKind = TeamKind.PRODUCT
    description: str = Field("", max_length=5000)
    success_criteria: str = Field("", max_length=5000)
    parent_id: BodyId | None = None


class RolePatch(PatchSchema):
    version: BodyInt
    name: str = Field(None, max_length=120)
    key: str = Field(None, max_length=60)
    department: TeamKind = None
    description: str = Field(None, max_length=5000)
    success_criteria: str = Field(None, max_length=5000)
    parent_id: BodyId | None = Field(
        None, description="null: reports to no role. A cycle is refused."
    )


class PairOut(Schema):
    id: int
    role_a_id: int
    role_b_id: int
    reason: str


class PairIn(Schema):
    role_a_id: BodyId
    role_b_id: BodyId
    reason: str = Field("", max_length=300)


class SettingsOut(Schema):
    load_threshold: int = Field(
        description="R and A cells a person may hold across active initiatives."
    )
    version: int


class SettingsPatch(Schema):
    version: BodyInt
    load_threshold: Annotated[int, Field(ge=1, le=500), JsonInteger]


class AssignmentOut(Schema):
    id: int
    role_id: int
    person_id: int


class AssignmentIn(Schema):
    role_id: BodyId
    person_id: BodyId


class ActivityOut(Schema):
    id: int
    name: str
    stage_id: int
    skills: list[str]
    gate_approval: bool
    version: int


class ActivityIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [{"name": "Positioning and pitch", "skills": ["positioning"]}]
        }
    }

    name: str = Field(min_length=1, max_length=200)
    stage_id: BodyId | None = Field(None, description="The initiative's current stage when empty.")
    skills: list[Annotated[str, Field(max_length=80)]] = Field(default_factory=list, max_length=20)
    gate_approval: StrictBool = Field(
        False, description="This activity signs off the stage's gate."
    )


class ActivityPatch(PatchSchema):
    version: BodyInt
    name: str = Field(None, max_length=200)
    stage_id: BodyId = None
    skills: list[Annotated[str, Field(max_length=80)]] = Field(None, max_length=20)
    gate_approval: StrictBool = None


class RaciCellOut(Schema):
    activity_id: int
    person_id: int | None
    role_id: int | None
    value: Value


class CellIn(Schema):
    activity_id: BodyId
    person_id: BodyId | None = Field(None, description="A person of the workspace, or:")
    role_id: BodyId | None = Field(None, description="a role of the workspace.")
    value: Value | Literal[""] | None = Field(
        description="R, A, C or I; empty or null clears the cell."
    )


class CellsIn(Schema):
    model_config = {
        "json_schema_extra": {
            "examples": [{"cells": [{"activity_id": 1, "person_id": 1, "value": "A"}]}]
        }
    }

    cells: list[CellIn] = Field(min_length=1, max_length=services.MAX_CELLS)


class CheckOut(Schema):
    code: str = Field(description=", ".join(TITLES))
    title: str
    message: str
    fix: str = Field(description="What to change.")
    activity_id: int | None
    person_id: int | None
    role_id: int | None
    stage_id: int | None


class CellsOut(Schema):
    changed: int
    checks: list[CheckOut]


class RaciColumnOut(Schema):
    kind: Literal["person", "role"]
    id: int
    name: str


class RaciOut(Schema):
    initiative_id: int
    activities: list[ActivityOut]
    columns: list[RaciColumnOut]
    cells: list[RaciCellOut]
    assignments: list[AssignmentOut]
    checks: list[CheckOut]


class SuggestionOut(Schema):
    person_id: int
    name: str
    score: float
    reason: str = Field(
        description="Why: the skills and interests that match, and the current load."
    )
    load: int = Field(description="R and A cells held across active initiatives.")


class SuggestionQuery(Schema):
    activity_id: Id


# ---------------------------------------------------------------- serializers


def _role(r) -> dict:
    return {"id": r.pk, "key": r.key, "name": r.name, "department": r.department, "description": r.description,
            "success_criteria": r.success_criteria, "parent_id": r.parent_id, "version": r.version}  # fmt: skip


def _activity(a) -> dict:
    return {"id": a.pk, "name": a.name, "stage_id": a.stage_id, "skills": a.skills, "gate_approval": a.gate_approval,
            "version": a.version}  # fmt: skip


def _checks(loaded) -> list[dict]:
    return [{**c.as_dict(), "title": TITLES[c.code]} for c in selectors.run_checks(loaded)]


def _loaded(member, initiative_id: int):
    return selectors.matrix(initiative=services.get_initiative(member, initiative_id))


def _raci(loaded) -> dict:
    return {
        "initiative_id": loaded.initiative.pk,
        "activities": [_activity(a) for a in loaded.activities],
        "columns": [{"kind": c["kind"], "id": c["id"], "name": c["name"]} for c in selectors.columns(loaded)],
        "cells": [{"activity_id": c.activity_id, "person_id": c.person_id, "role_id": c.role_id, "value": c.value}
                  for c in loaded.matrix.cells],
        "assignments": [{"id": a.pk, "role_id": a.role_id, "person_id": a.person_id} for a in loaded.assignments],
        "checks": _checks(loaded),
    }  # fmt: skip


# ---------------------------------------------------------------- role definitions


@router.get(
    f"{WS}/roles",
    response=responses(200, list[RoleOut]),
    summary="List role definitions (defaults seeded on first use)",
)
def list_roles(request: HttpRequest, slug: str):
    return [_role(r) for r in selectors.roles(workspace=_viewer(request, slug).workspace)]


@router.post(f"{WS}/roles", response=responses(201, RoleOut), summary="Define a role")
def create_role(request: HttpRequest, slug: str, data: RoleIn):
    return Status(201, _role(services.role_create(member=member_for(request, slug), **data.dict())))


@router.get(
    f"{WS}/roles/{{role_id}}", response=responses(200, RoleOut), summary="Get a role definition"
)
def get_role(request: HttpRequest, slug: str, role_id: Id):
    return _role(services.get_role(_viewer(request, slug), role_id))


@router.patch(
    f"{WS}/roles/{{role_id}}",
    response=responses(200, RoleOut),
    summary="Change a role (a cycle of 'reports to' is refused)",
)
def update_role(request: HttpRequest, slug: str, role_id: Id, data: RolePatch):
    member = member_for(request, slug)
    return _role(
        services.role_update(member=member, role_id=role_id, **data.dict(exclude_unset=True))
    )


@router.delete(
    f"{WS}/roles/{{role_id}}",
    response=responses(204),
    summary="Delete a role (its assignments and cells go)",
)
def delete_role(request: HttpRequest, slug: str, role_id: Id):
    services.role_delete(member=member_for(request, slug), role_id=role_id)
    return Status(204, None)


@router.get(
    f"{WS}/role-pairs",
    response=responses(200, list[PairOut]),
    summary="List incompatible pairs of roles",
)
def list_pairs(request: HttpRequest, slug: str):
    member = _viewer(request, slug)
    services.ensure_defaults(member.workspace)
    return [{"id": p.pk, "role_a_id": p.role_a_id, "role_b_id": p.role_b_id, "reason": p.reason}
            for p in selectors.pairs(workspace=member.workspace)]  # fmt: skip


@router.post(
    f"{WS}/role-pairs",
    response=responses(201, PairOut),
    summary="Declare two roles incompatible for one person",
)
def create_pair(request: HttpRequest, slug: str, data: PairIn):
    p = services.pair_create(member=member_for(request, slug), **data.dict())
    return Status(
        201, {"id": p.pk, "role_a_id": p.role_a_id, "role_b_id": p.role_b_id, "reason": p.reason}
    )


@router.delete(
    f"{WS}/role-pairs/{{pair_id}}", response=responses(204), summary="Drop an incompatible pair"
)
def delete_pair(request: HttpRequest, slug: str, pair_id: Id):
    services.pair_delete(member=member_for(request, slug), pair_id=pair_id)
    return Status(204, None)


@router.get(
    f"{WS}/role-settings",
    response=responses(200, SettingsOut),
    summary="The RACI settings (load threshold)",
)
def get_settings(request: HttpRequest, slug: str):
    s = selectors.settings_of(_viewer(request, slug).workspace)
    return {"load_threshold": s.load_threshold, "version": s.version}


@router.patch(
    f"{WS}/role-settings", response=responses(200, SettingsOut), summary="Change the load threshold"
)
def update_settings(request: HttpRequest, slug: str, data: SettingsPatch):
    s = services.settings_update(member=member_for(request, slug), **data.dict())
    return {"load_threshold": s.load_threshold, "version": s.version}


# ---------------------------------------------------------------- an initiative's matrix


@router.get(
    RACI, response=responses(200, RaciOut), summary="An initiative's RACI matrix with its checks"
)
def get_raci(request: HttpRequest, slug: str, initiative_id: Id):
    return _raci(_loaded(_viewer(request, slug), initiative_id))


@router.post(
    f"{RACI}/assignments",
    response=responses(201, AssignmentOut),
    summary="Give a person a role on the initiative",
)
def create_assignment(request: HttpRequest, slug: str, initiative_id: Id, data: AssignmentIn):
    a = services.assignment_create(
        member=member_for(request, slug), initiative_id=initiative_id, **data.dict()
    )
    return Status(201, {"id": a.pk, "role_id": a.role_id, "person_id": a.person_id})


@router.delete(
    f"{RACI}/assignments/{{assignment_id}}", response=responses(204), summary="Take a role away"
)
def delete_assignment(request: HttpRequest, slug: str, initiative_id: Id, assignment_id: Id):
    services.assignment_delete(
        member=member_for(request, slug), initiative_id=initiative_id, assignment_id=assignment_id
    )
    return Status(204, None)


@router.post(
    f"{RACI}/activities", response=responses(201, ActivityOut), summary="Add an activity (a row)"
)
def create_activity(request: HttpRequest, slug: str, initiative_id: Id, data: ActivityIn):
    a = services.activity_create(
        member=member_for(request, slug), initiative_id=initiative_id, **data.dict()
    )
    return Status(201, _activity(a))


@router.patch(
    f"{RACI}/activities/{{activity_id}}",
    response=responses(200, ActivityOut),
    summary="Change an activity",
)
def update_activity(
    request: HttpRequest, slug: str, initiative_id: Id, activity_id: Id, data: ActivityPatch
):
    a = services.activity_update(member=member_for(request, slug), initiative_id=initiative_id, activity_id=activity_id,
                                 **data.dict(exclude_unset=True))  # fmt: skip
    return _activity(a)


@router.delete(
    f"{RACI}/activities/{{activity_id}}",
    response=responses(204),
    summary="Delete an activity and its cells",
)
def delete_activity(request: HttpRequest, slug: str, initiative_id: Id, activity_id: Id):
    services.activity_delete(
        member=member_for(request, slug), initiative_id=initiative_id, activity_id=activity_id
    )
    return Status(204, None)


@router.post(
    f"{RACI}/cells",
    response=responses(200, CellsOut),
    summary="Set or clear many cells at once (all or nothing)",
)
def set_cells(request: HttpRequest, slug: str, initiative_id: Id, data: CellsIn):
    member = member_for(request, slug)
    done = services.cells_set(
        member=member, initiative_id=initiative_id, cells=[c.dict() for c in data.cells]
    )
    return {"changed": done["changed"], "checks": _checks(_loaded(member, initiative_id))}


@router.get(
    f"{RACI}/checks",
    response=responses(200, list[CheckOut]),
    summary="The checks of the matrix, each with what to change",
)
def get_checks(request: HttpRequest, slug: str, initiative_id: Id):
    return _checks(_loaded(_viewer(request, slug), initiative_id))


@router.get(f"{RACI}/suggestions", response=responses(200, list[SuggestionOut]),
            summary="People for an activity, by skill and interest match and load, with why")  # fmt: skip
def get_suggestions(
    request: HttpRequest, slug: str, initiative_id: Id, query: Query[SuggestionQuery]
):
    member = _viewer(request, slug)
    loaded = _loaded(member, initiative_id)
    services.get_activity(member, initiative_id, query.activity_id)
    return [s.as_dict() for s in selectors.suggestions(loaded, query.activity_id)]


def _map_doc(content_type: str, description: str) -> dict:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


def _map(request: HttpRequest, slug: str, initiative_id: int, fmt: str) -> HttpResponse:
    loaded = _loaded(_viewer(request, slug), initiative_id)
    graph = interaction_map.build(loaded.matrix, loaded.load)
    svg = interaction_map.render_svg(graph, title=f"Who works with whom: {loaded.initiative.name}")
    body = svg.encode() if fmt == "svg" else interaction_map.svg_to_png(svg)
    response = HttpResponse(body, content_type="image/svg+xml" if fmt == "svg" else "image/png")
    response["Content-Disposition"] = f'inline; filename="interaction-map-{initiative_id}.{fmt}"'
    return response


@router.get(f"{RACI}/map.svg", response=responses(200), summary="The interaction map (SVG)",
            openapi_extra=_map_doc("image/svg+xml", "Departments and roles, their links, gaps and overloaded hubs."))  # fmt: skip
def get_map_svg(request: HttpRequest, slug: str, initiative_id: Id) -> HttpResponse:
    return _map(request, slug, initiative_id, "svg")


@router.get(f"{RACI}/map.png", response=responses(200), summary="The interaction map (PNG)",
            openapi_extra=_map_doc("image/png", "The same map as a PNG image."))  # fmt: skip
def get_map_png(request: HttpRequest, slug: str, initiative_id: Id) -> HttpResponse:
    return _map(request, slug, initiative_id, "png")
