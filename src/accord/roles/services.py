"""Every write to role definitions, incompatible pairs, the RACI settings, role assignments,
activities and RACI cells.

Keyword-only, one transaction each, permission checked (role.manage for the workspace's role
definitions, raci.manage for an initiative's matrix), audit entry written. A batch of cells is all
or nothing: every cell is checked first, and an error names the cell (cells[3].value).
"""

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, FieldError, Invalid, NotFound
from accord.initiatives.models import Initiative, LifecycleStage
from accord.workspaces.models import Membership, Person, TeamKind, Workspace
from accord.workspaces.permissions import require

from .defaults import DEFAULT_PAIRS, DEFAULT_ROLES
from .models import (
    Activity,
    IncompatiblePair,
    RaciCell,
    RaciValue,
    RoleAssignment,
    RoleDefinition,
    RoleSettings,
)

ROLE_FIELDS = ["name", "key", "department", "description", "success_criteria", "parent_id"]
ACTIVITY_FIELDS = ["name", "stage_id", "skills", "gate_approval"]
MAX_CELLS = 5000
MAX_SKILLS = 20
_UNSET = object()


# ---------------------------------------------------------------- defaults (lazy, idempotent)


def ensure_defaults(workspace: Workspace) -> RoleSettings:
    """The workspace's settings, and its default roles and pairs the first time they are asked for.

    Safe to call on every read: once seeded, one query. Two first calls at once seed once (the flag
    is claimed by a conditional UPDATE before anything is created)."""
    settings = RoleSettings.objects.filter(workspace=workspace).first()
    if settings is not None and settings.defaults_seeded:
        return settings
    with transaction.atomic():
        settings, _ = RoleSettings.objects.get_or_create(workspace=workspace)
        if RoleSettings.objects.filter(pk=settings.pk, defaults_seeded=False).update(
            defaults_seeded=True
        ):
            taken = set(
                RoleDefinition.objects.filter(workspace=workspace).values_list("key", flat=True)
            )
            taken_names = set(
                RoleDefinition.objects.filter(workspace=workspace).values_list("name", flat=True)
            )
            made = {}
            for pos, (key, name, dept, _parent, desc, criteria) in enumerate(DEFAULT_ROLES):
                if key in taken or name in taken_names:
                    continue
                made[key] = RoleDefinition.objects.create(
                    workspace=workspace, key=key, name=name, department=dept, description=desc,
                    success_criteria=criteria, position=pos,
                )  # fmt: skip
            for key, _name, _dept, parent, *_ in DEFAULT_ROLES:
                if key in made and parent in made:
                    RoleDefinition.objects.filter(pk=made[key].pk).update(parent=made[parent])
            for a, b, reason in DEFAULT_PAIRS:
                if a in made and b in made:
                    IncompatiblePair.objects.create(
                        workspace=workspace, role_a=made[a], role_b=made[b], reason=reason
                    )
            settings.defaults_seeded = True
    return settings


# ---------------------------------------------------------------- lookups


def get_role(member: Membership, role_id: int) -> RoleDefinition:
    role = RoleDefinition.objects.filter(pk=role_id, workspace_id=member.workspace_id).first()
    if role is None:
        raise NotFound("No such role in this workspace.")
    return role


def get_initiative(member: Membership, initiative_id: int) -> Initiative:
    initiative = Initiative.objects.filter(
        pk=initiative_id, workspace_id=member.workspace_id
    ).first()
    if initiative is None:
        raise NotFound("No such initiative in this workspace.")
    return initiative


def get_activity(member: Membership, initiative_id: int, activity_id: int) -> Activity:
    activity = Activity.objects.filter(
        pk=activity_id, initiative_id=initiative_id, workspace_id=member.workspace_id
    ).first()
    if activity is None:
        raise NotFound("No such activity in this initiative.")
    return activity


def _role_ref(member: Membership, role_id: int | None, field: str) -> RoleDefinition | None:
    if role_id is None:
        return None
    role = RoleDefinition.objects.filter(pk=role_id, workspace_id=member.workspace_id).first()
    if role is None:
        raise Invalid.field(field, "No such role in this workspace.")
    return role


def _person(member: Membership, person_id: int, field: str) -> Person:
    person = Person.objects.filter(pk=person_id, workspace_id=member.workspace_id).first()
    if person is None:
        raise Invalid.field(field, "No such person in this workspace.")
    return person


def _department(value: str) -> str:
    if value not in TeamKind.values:
        raise Invalid.field("department", f"Use one of {', '.join(TeamKind.values)}.")
    return value


def _skills(values: list[str] | None, field: str = "skills") -> list[str]:
    out: list[str] = []
    for value in values or []:
        skill = clean_text(value, field, max_length=80)
        if skill and skill.lower() not in {s.lower() for s in out}:
            out.append(skill)
    if len(out) > MAX_SKILLS:
        raise Invalid.field(field, f"At most {MAX_SKILLS} skills.")
    return out


def _check_cycle(role: RoleDefinition, parent: RoleDefinition | None) -> None:
    """Refuse a "reports to" that would lead back to the role, naming the whole cycle."""
    if parent is None:
        return
    parents = dict(
        RoleDefinition.objects.filter(workspace_id=role.workspace_id).values_list("pk", "parent_id")
    )
    names = dict(
        RoleDefinition.objects.filter(workspace_id=role.workspace_id).values_list("pk", "name")
    )
    if role.pk is not None:
        parents[role.pk] = parent.pk
    chain, cursor = [role.pk], parent.pk
    while cursor is not None:
        if cursor == role.pk:
            path = " → ".join(names.get(pk, role.name) for pk in [*chain, role.pk])
            raise Invalid.field(
                "parent_id",
                f"That makes a cycle of roles: {path}. Pick a role that does not report to {role.name}.",
            )
        if cursor in chain:  # an older cycle above: stop rather than loop
            break
        chain.append(cursor)
        cursor = parents.get(cursor)


def _unique_key(
    member: Membership, wanted: str, name: str, role: RoleDefinition | None = None
) -> str:
    key = slugify(wanted or name)[:60]
    if not key:
        raise Invalid.field("key", "Give the role a name with letters or digits.")
    clash = RoleDefinition.objects.filter(workspace_id=member.workspace_id, key=key)
    if role is not None:
        clash = clash.exclude(pk=role.pk)
    if clash.exists():
        if wanted:
            raise Conflict(
                "A role with this key exists.", [FieldError("key", "A role with this key exists.")]
            )
        key = f"{key[:52]}-{RoleDefinition.objects.filter(workspace_id=member.workspace_id).count() + 1}"
    return key


def _unique_name(member: Membership, name: str, role: RoleDefinition | None = None) -> None:
    clash = RoleDefinition.objects.filter(workspace_id=member.workspace_id, name__iexact=name)
    if role is not None:
        clash = clash.exclude(pk=role.pk)
    if clash.exists():
        raise Conflict(
            "A role with this name exists.", [FieldError("name", "A role with this name exists.")]
        )


# ---------------------------------------------------------------- role definitions


@transaction.atomic
def role_create(
    *,
    member: Membership,
    name: str,
    department: str = TeamKind.PRODUCT,
    key: str = "",
    description: str = "",
    success_criteria: str = "",
    parent_id: int | None = None,
) -> RoleDefinition:
    require(member, "role.manage")
    ensure_defaults(member.workspace)
    name = clean_text(name, "name", required=True, max_length=120)
    _unique_name(member, name)
    role = RoleDefinition(
        workspace_id=member.workspace_id, name=name, department=_department(department),
        key=_unique_key(member, clean_text(key, "key", max_length=60), name),
        description=clean_text(description, "description", max_length=5000, multiline=True),
        success_criteria=clean_text(success_criteria, "success_criteria", max_length=5000, multiline=True),
        parent=_role_ref(member, parent_id, "parent_id"),
        position=RoleDefinition.objects.filter(workspace_id=member.workspace_id).count(),
    )  # fmt: skip
    role.save()
    record(workspace=member.workspace, actor=member.user, action="created", obj=role, object_type="role",
           after=snapshot(role, ROLE_FIELDS))  # fmt: skip
    return role


@transaction.atomic
def role_update(
    *,
    member: Membership,
    role_id: int,
    version: int,
    name: str | None = None,
    key: str | None = None,
    department: str | None = None,
    description: str | None = None,
    success_criteria: str | None = None,
    parent_id: int | object | None = _UNSET,
) -> RoleDefinition:
    """Only what is given changes; parent_id None: reports to nobody. A cycle is refused (422)."""
    require(member, "role.manage")
    role = get_role(member, role_id)
    before = snapshot(role, ROLE_FIELDS)
    if name is not None:
        role.name = clean_text(name, "name", required=True, max_length=120)
        _unique_name(member, role.name, role)
    if key is not None:
        role.key = _unique_key(
            member, clean_text(key, "key", required=True, max_length=60), role.name, role
        )
    if department is not None:
        role.department = _department(department)
    if description is not None:
        role.description = clean_text(description, "description", max_length=5000, multiline=True)
    if success_criteria is not None:
        role.success_criteria = clean_text(
            success_criteria, "success_criteria", max_length=5000, multiline=True
        )
    if parent_id is not _UNSET:
        parent = _role_ref(member, parent_id, "parent_id")
        if parent is not None and parent.pk == role.pk:
            raise Invalid.field(
                "parent_id",
                f"That makes a cycle of roles: {role.name} → {role.name}. A role cannot report to itself.",
            )
        _check_cycle(role, parent)
        role.parent = parent
    save_versioned(role, version, ROLE_FIELDS)
    record(workspace=member.workspace, actor=member.user, action="updated", obj=role, object_type="role",
           before=before, after=snapshot(role, ROLE_FIELDS))  # fmt: skip
    return role


@transaction.atomic
def role_delete(*, member: Membership, role_id: int) -> None:
    require(member, "role.manage")
    role = get_role(member, role_id)
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=role, object_type="role",
           before=snapshot(role, ROLE_FIELDS))  # fmt: skip
    role.delete()


# ---------------------------------------------------------------- incompatible pairs and settings


@transaction.atomic
def pair_create(
    *, member: Membership, role_a_id: int, role_b_id: int, reason: str = ""
) -> IncompatiblePair:
    require(member, "role.manage")
    a = _role_ref(member, role_a_id, "role_a_id")
    b = _role_ref(member, role_b_id, "role_b_id")
    if a.pk == b.pk:
        raise Invalid.field("role_b_id", "Pick two different roles.")
    if a.pk > b.pk:
        a, b = b, a
    if IncompatiblePair.objects.filter(role_a=a, role_b=b).exists():
        raise Conflict(
            "These roles are already declared incompatible.",
            [FieldError("role_b_id", "Already declared.")],
        )
    pair = IncompatiblePair.objects.create(
        workspace_id=member.workspace_id,
        role_a=a,
        role_b=b,
        reason=clean_text(reason, "reason", max_length=300),
    )
    record(workspace=member.workspace, actor=member.user, action="created", obj=pair, object_type="role pair",
           object_label=f"{a.name} + {b.name}", after={"role_a_id": a.pk, "role_b_id": b.pk, "reason": pair.reason})  # fmt: skip
    return pair


@transaction.atomic
def pair_delete(*, member: Membership, pair_id: int) -> None:
    require(member, "role.manage")
    pair = (
        IncompatiblePair.objects.select_related("role_a", "role_b")
        .filter(pk=pair_id, workspace_id=member.workspace_id)
        .first()
    )
    if pair is None:
        raise NotFound("No such pair of roles in this workspace.")
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=pair, object_type="role pair",
           object_label=f"{pair.role_a.name} + {pair.role_b.name}",
           before={"role_a_id": pair.role_a_id, "role_b_id": pair.role_b_id, "reason": pair.reason})  # fmt: skip
    pair.delete()


@transaction.atomic
def settings_update(*, member: Membership, version: int, load_threshold: int) -> RoleSettings:
    require(member, "role.manage")
    settings = ensure_defaults(member.workspace)
    if not 1 <= load_threshold <= 500:
        raise Invalid.field("load_threshold", "Use a number from 1 to 500.")
    before = {"load_threshold": settings.load_threshold}
    settings.load_threshold = load_threshold
    save_versioned(settings, version, ["load_threshold"])
    record(workspace=member.workspace, actor=member.user, action="updated", obj=settings, object_type="role settings",
           object_label="RACI settings", before=before, after={"load_threshold": load_threshold})  # fmt: skip
    return settings


# ---------------------------------------------------------------- role assignments


@transaction.atomic
def assignment_create(
    *, member: Membership, initiative_id: int, role_id: int, person_id: int
) -> RoleAssignment:
    require(member, "raci.manage")
    initiative = get_initiative(member, initiative_id)
    role = _role_ref(member, role_id, "role_id")
    person = _person(member, person_id, "person_id")
    if RoleAssignment.objects.filter(initiative=initiative, role=role, person=person).exists():
        raise Conflict(
            f"{person.name} already holds {role.name} here.",
            [FieldError("person_id", "Already holds this role.")],
        )
    assignment = RoleAssignment.objects.create(
        workspace_id=member.workspace_id, initiative=initiative, role=role, person=person
    )
    record(workspace=member.workspace, actor=member.user, action="created", obj=assignment, object_type="role assignment",
           object_label=f"{person.name} as {role.name} on {initiative.name}",
           after={"initiative_id": initiative.pk, "role_id": role.pk, "person_id": person.pk})  # fmt: skip
    return assignment


@transaction.atomic
def assignment_delete(*, member: Membership, initiative_id: int, assignment_id: int) -> None:
    require(member, "raci.manage")
    assignment = (
        RoleAssignment.objects.select_related("role", "person", "initiative")
        .filter(pk=assignment_id, initiative_id=initiative_id, workspace_id=member.workspace_id)
        .first()
    )
    if assignment is None:
        raise NotFound("No such role assignment on this initiative.")
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=assignment, object_type="role assignment",
           object_label=f"{assignment.person.name} as {assignment.role.name} on {assignment.initiative.name}",
           before={"initiative_id": initiative_id, "role_id": assignment.role_id, "person_id": assignment.person_id})  # fmt: skip
    assignment.delete()


# ---------------------------------------------------------------- activities


def _stage(member: Membership, stage_id: int) -> LifecycleStage:
    stage = LifecycleStage.objects.filter(pk=stage_id, workspace_id=member.workspace_id).first()
    if stage is None:
        raise Invalid.field("stage_id", "No such lifecycle stage in this workspace.")
    return stage


@transaction.atomic
def activity_create(
    *,
    member: Membership,
    initiative_id: int,
    name: str,
    stage_id: int | None = None,
    skills: list[str] | None = None,
    gate_approval: bool = False,
) -> Activity:
    """A new row of the matrix; in the initiative's current stage unless another is named."""
    require(member, "raci.manage")
    initiative = get_initiative(member, initiative_id)
    stage = _stage(member, stage_id) if stage_id is not None else initiative.stage
    activity = Activity(
        workspace_id=member.workspace_id, initiative=initiative, stage=stage,
        name=clean_text(name, "name", required=True, max_length=200), skills=_skills(skills),
        gate_approval=bool(gate_approval),
        position=Activity.objects.filter(initiative=initiative).count(),
    )  # fmt: skip
    activity.save()
    record(workspace=member.workspace, actor=member.user, action="created", obj=activity, object_type="raci activity",
           after={**snapshot(activity, ACTIVITY_FIELDS), "initiative_id": initiative.pk})  # fmt: skip
    return activity


@transaction.atomic
def activity_update(
    *,
    member: Membership,
    initiative_id: int,
    activity_id: int,
    version: int,
    name: str | None = None,
    stage_id: int | None = None,
    skills: list[str] | None = None,
    gate_approval: bool | None = None,
) -> Activity:
    require(member, "raci.manage")
    activity = get_activity(member, initiative_id, activity_id)
    before = snapshot(activity, ACTIVITY_FIELDS)
    if name is not None:
        activity.name = clean_text(name, "name", required=True, max_length=200)
    if stage_id is not None:
        activity.stage = _stage(member, stage_id)
    if skills is not None:
        activity.skills = _skills(skills)
    if gate_approval is not None:
        activity.gate_approval = bool(gate_approval)
    save_versioned(activity, version, ACTIVITY_FIELDS)
    record(workspace=member.workspace, actor=member.user, action="updated", obj=activity, object_type="raci activity",
           before=before, after=snapshot(activity, ACTIVITY_FIELDS))  # fmt: skip
    return activity


@transaction.atomic
def activity_delete(*, member: Membership, initiative_id: int, activity_id: int) -> None:
    require(member, "raci.manage")
    activity = get_activity(member, initiative_id, activity_id)
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=activity, object_type="raci activity",
           before=snapshot(activity, ACTIVITY_FIELDS))  # fmt: skip
    activity.delete()


# ---------------------------------------------------------------- cells


@transaction.atomic
def cells_set(*, member: Membership, initiative_id: int, cells: list[dict]) -> dict:
    """Set (value R/A/C/I) or clear (value None or "") many cells of one initiative at once.

    Each cell names its activity and either a person or a role of the workspace. Every cell is
    checked before anything is written; the first bad one refuses the batch, naming it."""
    require(member, "raci.manage")
    initiative = get_initiative(member, initiative_id)
    if len(cells) > MAX_CELLS:
        raise Invalid.field("cells", f"At most {MAX_CELLS} cells at once.")
    activity_ids = set(Activity.objects.filter(initiative=initiative).values_list("pk", flat=True))
    wanted_people = {c.get("person_id") for c in cells if c.get("person_id") is not None}
    wanted_roles = {c.get("role_id") for c in cells if c.get("role_id") is not None}
    people = set(
        Person.objects.filter(workspace_id=member.workspace_id, pk__in=wanted_people).values_list(
            "pk", flat=True
        )
    )
    roles = set(
        RoleDefinition.objects.filter(
            workspace_id=member.workspace_id, pk__in=wanted_roles
        ).values_list("pk", flat=True)
    )
    plan: dict[tuple, str | None] = {}
    for n, cell in enumerate(cells):
        at = f"cells[{n}]"
        value = cell.get("value")
        value = value.strip().upper() if isinstance(value, str) else value
        if value not in (None, "", *RaciValue.values):
            raise Invalid.field(
                f"{at}.value",
                f"Use R, A, C or I (or empty to clear), not {str(cell.get('value'))[:20]!r}.",
            )
        if cell.get("activity_id") not in activity_ids:
            raise Invalid.field(f"{at}.activity_id", "No such activity in this initiative.")
        person_id, role_id = cell.get("person_id"), cell.get("role_id")
        if (person_id is None) == (role_id is None):
            raise Invalid.field(f"{at}.person_id", "Name either a person or a role.")
        if person_id is not None and person_id not in people:
            raise Invalid.field(f"{at}.person_id", "No such person in this workspace.")
        if role_id is not None and role_id not in roles:
            raise Invalid.field(f"{at}.role_id", "No such role in this workspace.")
        plan[(cell["activity_id"], person_id, role_id)] = value or None
    existing = {
        (c.activity_id, c.person_id, c.role_id): c
        for c in RaciCell.objects.filter(
            activity__initiative=initiative, activity_id__in={k[0] for k in plan}
        )
    }
    changes, to_create, to_delete = [], [], []
    for (activity_id, person_id, role_id), value in plan.items():
        old = existing.get((activity_id, person_id, role_id))
        if old is not None and value is None:
            to_delete.append(old.pk)
        elif old is not None and old.value != value:
            RaciCell.objects.filter(pk=old.pk).update(value=value)
        elif old is None and value is not None:
            to_create.append(
                RaciCell(activity_id=activity_id, person_id=person_id, role_id=role_id, value=value)
            )
        else:
            continue
        changes.append({"activity_id": activity_id, "person_id": person_id, "role_id": role_id,
                        "from": old.value if old else None, "to": value})  # fmt: skip
    try:
        with transaction.atomic():
            RaciCell.objects.bulk_create(to_create)
    except IntegrityError as exc:  # someone set the same cell at the same moment
        raise Conflict("Someone else changed these cells; reload and try again.") from exc
    RaciCell.objects.filter(pk__in=to_delete).delete()
    if changes:
        record(workspace=member.workspace, actor=member.user, action="raci_set", object_type="raci cells",
               object_id=initiative.pk, object_label=initiative.name, after={"changes": changes[:200], "count": len(changes)})  # fmt: skip
    return {"changed": len(changes)}
