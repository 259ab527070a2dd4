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


ROLES: dict[str, OwnerRole] = {}


def register(role: OwnerRole) -> None:
    existing = ROLES.get(role.key)
    if existing is not None and existing != role:
        raise ValueError(f"Owner role {role.key} is registered twice.")
    ROLES[role.key] = role


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
