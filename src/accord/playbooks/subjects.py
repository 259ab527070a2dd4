"""What a run or a post-mortem is about: a registry of subject kinds.

Playbooks knows none of the apps whose objects runs are started for. Each registers a resolver at
start-up (AppConfig.ready()), e.g. launches:

    from accord.playbooks import subjects
    subjects.register("launch", resolve_launch, label="Launch", choices=launch_choices)

`resolver(workspace, ref)` answers a Subject (label, page, the fields step conditions read, e.g.
{"tier": 1}, and a target date) or None when `ref` names nothing of that workspace. `choices(workspace)`
offers (ref, label) pairs to pick from in forms; a free-text kind (the built-in "incident") takes
whatever the person types as its label.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from accord.core.registry import Registry


@dataclass(frozen=True)
class Subject:
    kind: str
    ref: str
    label: str
    url: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    target_date: date | None = None


@dataclass(frozen=True)
class SubjectKind:
    kind: str
    label: str
    resolve: Callable[[Any, str], Subject | None]
    free_text: bool = False
    choices: Callable[[Any], list[tuple[str, str]]] | None = None


KINDS: Registry[SubjectKind] = Registry("Subject kind")


def register(
    kind: str, resolver, *, label: str = "", free_text: bool = False, choices=None
) -> None:
    KINDS.add(SubjectKind(kind=kind, label=label or kind.capitalize(), resolve=resolver,
                          free_text=free_text, choices=choices), key=kind)  # fmt: skip


def label_of(kind: str) -> str:
    entry = KINDS.get(kind)
    return entry.label if entry else (kind.capitalize() or "Free-standing")


def _incident(workspace, ref: str) -> Subject | None:
    text = " ".join((ref or "").split())
    return Subject(kind="incident", ref=text, label=text) if text else None


register("incident", _incident, label="Incident", free_text=True)
