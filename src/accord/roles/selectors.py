"""Reads: role definitions, an initiative's matrix (loaded in a constant number of queries), its
checks and suggestions, and the load of people across active initiatives."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count

from accord.initiatives import selectors as initiative_selectors
from accord.initiatives.models import Initiative, LifecycleStage
from accord.workspaces.models import Person, Workspace

from . import checks, suggest
from .models import (
    Activity,
    IncompatiblePair,
    RaciCell,
    RoleAssignment,
    RoleDefinition,
    RoleSettings,
)
from .services import ensure_defaults

RETIRED_KEYS = {"retire"}


def roles(*, workspace: Workspace) -> list[RoleDefinition]:
    ensure_defaults(workspace)
    return list(RoleDefinition.objects.filter(workspace=workspace).select_related("parent"))


def pairs(*, workspace: Workspace) -> list[IncompatiblePair]:
    return list(
        IncompatiblePair.objects.filter(workspace=workspace).select_related("role_a", "role_b")
    )


def settings_of(workspace: Workspace) -> RoleSettings:
    return ensure_defaults(workspace)


def _active_initiatives(workspace_id: int):
    return Initiative.objects.filter(workspace_id=workspace_id, archived_at__isnull=True).exclude(
        stage__key__in=RETIRED_KEYS
    )


def load_by_person(workspace_id: int, exclude_initiative: int | None = None) -> dict[int, int]:
    """R and A cells per person across active initiatives (a role's cells count for its holders
    on that initiative). Three queries."""
    active = _active_initiatives(workspace_id)
    if exclude_initiative is not None:
        active = active.exclude(pk=exclude_initiative)
    active_ids = active.values("pk")
    load: dict[int, int] = defaultdict(int)
    direct = (
        RaciCell.objects.filter(activity__initiative__in=active_ids, person__isnull=False, value__in=["R", "A"])
        .values("person_id").annotate(n=Count("id"))
    )  # fmt: skip
    for row in direct:
        load[row["person_id"]] += row["n"]
    by_role = (
        RaciCell.objects.filter(activity__initiative__in=active_ids, role__isnull=False, value__in=["R", "A"])
        .values("activity__initiative_id", "role_id").annotate(n=Count("id"))
    )  # fmt: skip
    counts = {(r["activity__initiative_id"], r["role_id"]): r["n"] for r in by_role}
    if counts:
        held = RoleAssignment.objects.filter(initiative__in=active_ids).values_list(
            "initiative_id", "role_id", "person_id"
        )
        for initiative_id, role_id, person_id in held:
            load[person_id] += counts.get((initiative_id, role_id), 0)
    return dict(load)


def people_rows(workspace_id: int) -> dict[int, checks.PersonRow]:
    """Every person of the workspace with their departments (two queries)."""
    kinds: dict[int, set[str]] = defaultdict(set)
    for person_id, kind in Person.teams.through.objects.filter(
        person__workspace_id=workspace_id
    ).values_list("person_id", "team__kind"):
        kinds[person_id].add(kind)
    return {
        pk: checks.PersonRow(
            pk, name, frozenset(kinds[pk]), tuple(skills or ()), tuple(interests or ())
        )
        for pk, name, skills, interests in Person.objects.filter(
            workspace_id=workspace_id
        ).values_list("pk", "name", "skills", "interests")
    }


@dataclass
class Loaded:
    initiative: Initiative
    matrix: checks.Matrix
    activities: list[Activity]
    stages: list[LifecycleStage]
    assignments: list[RoleAssignment]
    role_list: list[RoleDefinition]
    load: dict[int, int]  # R/A per person, this initiative included


def matrix(*, initiative: Initiative) -> Loaded:
    """Everything the grid, the checks, the suggestions and the map need, in a constant number of
    queries whatever the size of the matrix."""
    ws = initiative.workspace_id
    settings = ensure_defaults(initiative.workspace)
    stages = list(LifecycleStage.objects.filter(workspace_id=ws))
    activities = list(
        Activity.objects.filter(initiative=initiative).order_by("stage__position", "position", "id")
    )
    # By the activities' ids, unordered: no join and no sort; the rows straight from the cursor
    # (no per-row converters: plain ints and one-letter strings), 8,000 cells in a few ms.
    cell_query = (
        RaciCell.objects.filter(activity_id__in=[a.pk for a in activities])
        .order_by()
        .values_list("activity_id", "value", "person_id", "role_id")
    )
    cells = []
    if activities:  # an empty IN () has no SQL
        sql, params = cell_query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cells = cursor.fetchall()
    assignments = list(
        RoleAssignment.objects.filter(initiative=initiative).select_related("role", "person")
    )
    role_list = list(RoleDefinition.objects.filter(workspace_id=ws))
    people = people_rows(ws)
    pair_rows = list(
        IncompatiblePair.objects.filter(workspace_id=ws).values_list(
            "role_a_id", "role_b_id", "reason"
        )
    )
    elsewhere = load_by_person(ws, exclude_initiative=initiative.pk)
    holders: dict[int, set[int]] = defaultdict(set)
    for a in assignments:
        holders[a.role_id].add(a.person_id)
    m = checks.Matrix(
        activities=[
            checks.ActivityRow(a.pk, a.name, a.stage_id, tuple(a.skills or ()), a.gate_approval)
            for a in activities
        ],
        stages={s.pk: checks.StageRow(s.pk, s.key, s.name, s.position) for s in stages},
        cells=list(map(checks.CellRow._make, cells)),
        roles={r.pk: checks.RoleRow(r.pk, r.key, r.name, r.department) for r in role_list},
        people=people,
        holders=dict(holders),
        pairs=pair_rows,
        owner_id=initiative.owner_id,
        load_elsewhere=elsewhere,
        threshold=settings.load_threshold,
        gate_self_signers=[(a.person_id, a.stage_id) for a in initiative_selectors.self_approvals(
            workspace_id=ws, initiative_ids=[initiative.pk])],
    )
    here = checks.load_here(m)
    load = {pid: elsewhere.get(pid, 0) + here.get(pid, 0) for pid in set(elsewhere) | set(here)}
    return Loaded(initiative, m, activities, stages, assignments, role_list, load)


def run_checks(loaded: Loaded) -> list[checks.Check]:
    return checks.run(loaded.matrix)


def check_rows(loaded: Loaded) -> list[dict]:
    """The checks as the pages show them: each with its title."""
    return [{**c.as_dict(), "title": checks.TITLES[c.code]} for c in run_checks(loaded)]


def suggestions(loaded: Loaded, activity_id: int, limit: int = 5) -> list[suggest.Suggestion]:
    activity = next((a for a in loaded.matrix.activities if a.id == activity_id), None)
    if activity is None:
        return []
    taken = {
        c.person_id
        for c in loaded.matrix.cells
        if c.activity_id == activity_id and c.person_id is not None
    }
    return suggest.rank(
        name=activity.name, skills=activity.skills, people=list(loaded.matrix.people.values()), load=loaded.load,
        threshold=loaded.matrix.threshold, exclude=taken, limit=limit,
    )  # fmt: skip


def columns(loaded: Loaded) -> list[dict]:
    """The grid's columns: roles held on the initiative or used in a cell, then people in a cell or
    holding a role here (people by name)."""
    m = loaded.matrix
    role_ids = {c.role_id for c in m.cells if c.role_id is not None}
    person_ids = {c.person_id for c in m.cells if c.person_id is not None}
    person_ids |= {a.person_id for a in loaded.assignments}
    cols = [
        {"kind": "role", "id": r.pk, "name": r.name, "department": r.get_department_display()}
        for r in loaded.role_list
        if r.pk in role_ids
    ]
    held: dict[int, list[str]] = defaultdict(list)
    for a in loaded.assignments:
        held[a.person_id].append(a.role.name)
    people = sorted((m.people[pid] for pid in person_ids if pid in m.people), key=lambda p: p.name)
    cols += [{"kind": "person", "id": p.id, "name": p.name, "department": ", ".join(sorted(p.departments)),
              "roles": held.get(p.id, [])} for p in people]  # fmt: skip
    return cols
