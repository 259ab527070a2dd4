"""The RACI checks: one pure pass over an initiative's loaded rows (no queries here).

`run(matrix)` answers every problem of the matrix, each saying what to change. The selectors load
a `Matrix` with a constant number of queries (selectors.matrix); the web grid and the API show the
same list.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

MARKETING = "marketing"
IT = "it"
LAUNCH_KEY = "launch"
BUILD_KEY = "build"


@dataclass(frozen=True)
class ActivityRow:
    id: int
    name: str
    stage_id: int
    skills: tuple[str, ...] = ()
    gate_approval: bool = False


@dataclass(frozen=True)
class StageRow:
    id: int
    key: str
    name: str
    position: int


class CellRow(NamedTuple):  # a tuple, not a dataclass: thousands are made per load
    activity_id: int
    value: str
    person_id: int | None = None
    role_id: int | None = None


@dataclass(frozen=True)
class RoleRow:
    id: int
    key: str
    name: str
    department: str


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    departments: frozenset[str] = frozenset()
    skills: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()


@dataclass
class Matrix:
    activities: list[ActivityRow]
    stages: dict[int, StageRow]
    cells: list[CellRow]
    roles: dict[int, RoleRow]
    people: dict[int, PersonRow]
    holders: dict[int, set[int]] = field(default_factory=dict)  # role id -> people holding it here
    pairs: list[tuple[int, int, str]] = field(default_factory=list)
    owner_id: int | None = None
    load_elsewhere: dict[int, int] = field(
        default_factory=dict
    )  # person -> R/A on other active initiatives
    threshold: int = 12
    # (person, stage) of the initiative's gate signers who own it (initiatives.selectors.self_approvals)
    gate_self_signers: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Check:
    code: str
    message: str
    fix: str
    activity_id: int | None = None
    person_id: int | None = None
    role_id: int | None = None
    stage_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "code": self.code, "message": self.message, "fix": self.fix, "activity_id": self.activity_id,
            "person_id": self.person_id, "role_id": self.role_id, "stage_id": self.stage_id,
        }  # fmt: skip


TITLES = {
    "no_accountable": "No Accountable",
    "many_accountable": "More than one Accountable",
    "no_responsible": "No Responsible",
    "incompatible_roles": "Conflict of interest",
    "self_approval": "Approves their own gate",
    "overloaded": "Over their load",
    "no_marketing": "Marketing not involved",
    "no_it_in_build": "No one from IT in build",
}


def people_of(cell: CellRow, holders: dict[int, set[int]]) -> set[int]:
    """The people a cell binds: its person, or whoever holds its role on the initiative."""
    if cell.person_id is not None:
        return {cell.person_id}
    return holders.get(cell.role_id, set())


def load_here(m: Matrix) -> dict[int, int]:
    """R and A cells per person on this initiative (a role's cells count for each of its holders)."""
    load: dict[int, int] = defaultdict(int)
    for cell in m.cells:
        if cell.value in ("R", "A"):
            for pid in people_of(cell, m.holders):
                load[pid] += 1
    return load


def _departments(cell: CellRow, m: Matrix) -> set[str]:
    if cell.person_id is not None:
        person = m.people.get(cell.person_id)
        return set(person.departments) if person else set()
    role = m.roles.get(cell.role_id)
    found = {role.department} if role else set()
    for pid in m.holders.get(cell.role_id, ()):
        if pid in m.people:
            found |= m.people[pid].departments
    return found


def run(m: Matrix) -> list[Check]:
    out: list[Check] = []
    by_activity: dict[int, list[CellRow]] = defaultdict(list)
    for cell in m.cells:
        by_activity[cell.activity_id].append(cell)

    def who(cell: CellRow) -> str:
        if cell.person_id is not None:
            return m.people[cell.person_id].name if cell.person_id in m.people else "someone"
        return m.roles[cell.role_id].name if cell.role_id in m.roles else "a role"

    responsible_in_stage: dict[int, set[int]] = defaultdict(set)
    for a in m.activities:
        for cell in by_activity[a.id]:
            if cell.value == "R":
                responsible_in_stage[a.stage_id] |= people_of(cell, m.holders)

    # Every activity: exactly one A, at least one R; gates are not signed by their own makers.
    for a in m.activities:
        cells = by_activity[a.id]
        accountable = [c for c in cells if c.value == "A"]
        if not accountable:
            out.append(Check("no_accountable", f"“{a.name}” has no Accountable.",
                             "Mark exactly one person or role A: the one who answers for the result.", activity_id=a.id))  # fmt: skip
        elif len(accountable) > 1:
            names = ", ".join(who(c) for c in accountable)
            out.append(Check("many_accountable", f"“{a.name}” has {len(accountable)} Accountables ({names}).",
                             "Keep one A; make the others R (they do the work) or C.", activity_id=a.id))  # fmt: skip
        if not any(c.value == "R" for c in cells):
            out.append(Check("no_responsible", f"“{a.name}” has no Responsible.",
                             "Mark at least one person or role R: who does the work.", activity_id=a.id))  # fmt: skip
        if a.gate_approval:
            approvers: set[int] = set()
            for c in accountable:
                approvers |= people_of(c, m.holders)
            for pid in sorted(approvers):
                name = m.people[pid].name if pid in m.people else "someone"
                if pid == m.owner_id:
                    out.append(Check("self_approval", f"{name} owns the initiative and approves its gate “{a.name}”.",
                                     "Make someone other than the initiative's owner Accountable for the gate.",
                                     activity_id=a.id, person_id=pid))  # fmt: skip
                elif pid in responsible_in_stage[a.stage_id]:
                    out.append(Check("self_approval", f"{name} approves the gate “{a.name}” of work they are Responsible for.",
                                     "Give the gate's A to someone who did not do the stage's work.",
                                     activity_id=a.id, person_id=pid))  # fmt: skip

    # The initiative's own gates (initiatives: the people asked to sign a stage's exit).
    for pid, stage_id in m.gate_self_signers:
        name = m.people[pid].name if pid in m.people else "someone"
        stage = m.stages[stage_id].name if stage_id in m.stages else "a stage"
        out.append(Check("self_approval", f"{name} owns the initiative and is asked to sign its {stage} gate.",
                         "Ask someone other than the initiative's owner to sign the gate.", person_id=pid))  # fmt: skip

    # Conflicts of interest: one person holding both roles of a declared pair.
    roles_of: dict[int, set[int]] = defaultdict(set)
    for role_id, pids in m.holders.items():
        for pid in pids:
            roles_of[pid].add(role_id)
    for pid in sorted(roles_of):
        held = roles_of[pid]
        for ra, rb, reason in m.pairs:
            if ra in held and rb in held:
                name = m.people[pid].name if pid in m.people else "someone"
                a_name, b_name = m.roles[ra].name, m.roles[rb].name
                out.append(Check("incompatible_roles",
                                 f"{name} is both {a_name.lower()} and {b_name.lower()}{': ' + reason if reason else '.'}",
                                 f"Give the {b_name.lower()} role to someone else.", person_id=pid, role_id=rb))  # fmt: skip

    # Load: R and A cells across active initiatives against the workspace's threshold.
    here = load_here(m)
    for pid in sorted(here):
        total = here[pid] + m.load_elsewhere.get(pid, 0)
        if total > m.threshold:
            name = m.people[pid].name if pid in m.people else "someone"
            out.append(Check("overloaded", f"{name} holds {total} R/A across active initiatives (limit {m.threshold}).",
                             f"Move {total - m.threshold} of {name}'s R or A to someone else, or make them C.",
                             person_id=pid))  # fmt: skip

    # Departments by stage: marketing early, IT in build.
    stage_ids = {a.stage_id for a in m.activities}
    involved: dict[int, set[str]] = defaultdict(set)
    departments_of: dict[tuple, set[str]] = {}  # per column, not per cell
    for a in m.activities:
        found = involved[a.stage_id]
        for cell in by_activity[a.id]:
            key = (cell.person_id, cell.role_id)
            if key not in departments_of:
                departments_of[key] = _departments(cell, m)
            found |= departments_of[key]
    launch = next((s for s in m.stages.values() if s.key == LAUNCH_KEY), None)
    if launch is not None:
        for sid in sorted(stage_ids, key=lambda s: m.stages[s].position if s in m.stages else 0):
            stage = m.stages.get(sid)
            if stage and stage.position < launch.position and MARKETING not in involved[sid]:
                out.append(Check("no_marketing", f"No one from marketing takes part in {stage.name}.",
                                 "Involve product marketing early (at least C or I): the why, the USP, the differentiators, the pitch.",
                                 stage_id=sid))  # fmt: skip
    build = next((s for s in m.stages.values() if s.key == BUILD_KEY), None)
    if build is not None and m.activities and IT not in involved[build.id]:
        where = (
            "its build activities"
            if build.id in stage_ids
            else "build (it has no build activity yet)"
        )
        out.append(Check("no_it_in_build", f"No one from IT takes part in {where}.",
                         "Add IT (an engineering lead or IT operations) as R or C in build.", stage_id=build.id))  # fmt: skip
    return out
