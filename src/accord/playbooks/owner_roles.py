"""Who may own a playbook step: a small registry of owner roles.

By default the roles are the departments (accord.workspaces.models.TeamKind): a step owned by
"marketing" belongs to the people in marketing teams. The roles app (role definitions) extends it at
start-up, in its AppConfig.ready():

    from accord.playbooks import owner_roles
    owner_roles.register(owner_roles.OwnerRole(key="launch-lead", label="Launch lead", department="marketing",
                                               people=lambda workspace_id: {...person ids...}))

A step names its role by key; an unknown key is refused when the playbook is saved.
"""

from collections.abc import Callable
from dataclasses import dataclass

from accord.core.registry import Registry
from accord.workspaces.models import Person, TeamKind


@dataclass(frozen=True)
class OwnerRole:
    key: str
    label: str
    department: (
        str  # a TeamKind value: the people of this department own the step unless `people` says who
    )
    people: Callable[[int], set[int]] | None = (
        None  # workspace id -> the ids of the persons who hold it
    )


ROLES: Registry[OwnerRole] = Registry("Owner role")


def register(role: OwnerRole) -> None:
    ROLES.add(role)


def get(key: str) -> OwnerRole | None:
    return ROLES.get(key)


def choices() -> list[tuple[str, str]]:
    return [(r.key, r.label) for r in ROLES.values()]


def label(key: str) -> str:
    role = ROLES.get(key)
    return role.label if role else key


def holders(workspace_id: int, key: str) -> set[int]:
    """The ids of the persons who own steps of this role (one query)."""
    role = ROLES.get(key)
    if role is None:
        return set()
    if role.people is not None:
        return set(role.people(workspace_id))
    return set(
        Person.objects.filter(workspace_id=workspace_id, teams__kind=role.department).values_list(
            "pk", flat=True
        )
    )


for _kind, _label in TeamKind.choices:
    register(OwnerRole(key=_kind, label=_label, department=_kind))


def _holders_of_role(key: str, department: str) -> Callable[[int], set[int]]:
    """Who holds the role on an active initiative of the workspace (roles: RACI assignments); when
    nobody does yet, the people of the role's department."""

    def people(workspace_id: int) -> set[int]:
        from accord.roles.models import RoleAssignment

        held = set(
            RoleAssignment.objects.filter(
                workspace_id=workspace_id, role__key=key, initiative__archived_at__isnull=True
            ).values_list("person_id", flat=True)
        )
        return held or set(
            Person.objects.filter(workspace_id=workspace_id, teams__kind=department).values_list("pk", flat=True)
        )

    return people


def register_role_definitions() -> None:
    """The roles every workspace starts with (accord.roles.defaults) own steps too."""
    from accord.roles.defaults import DEFAULT_ROLES

    for key, name, department, *_rest in DEFAULT_ROLES:
        if key not in ROLES:
            register(OwnerRole(key=key, label=name, department=department,
                               people=_holders_of_role(key, department)))  # fmt: skip
