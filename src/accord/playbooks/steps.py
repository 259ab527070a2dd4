"""The checklist of a playbook: cleaning steps, step conditions, due dates and version diffs.

A step is a dict {"title", "owner_role", "owner_title", "expected_minutes", "required", "condition"}.
A condition reads one field of the run's subject: `tier == 1`, `region != "EU"`, `risk >= 3`.
"""

import difflib
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accord.core.cleaning import clean_text
from accord.core.errors import FieldError, Invalid

from . import owner_roles

MAX_STEPS = 200
MAX_MINUTES = 60 * 24 * 90  # 90 days
_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]{0,40})\s*(==|!=|>=|<=|>|<)\s*(.+?)\s*$")
STEP_KEYS = ("title", "owner_role", "owner_title", "expected_minutes", "required", "condition")


def parse_condition(text: str) -> tuple[str, str, Any] | None:
    """(field, operator, value) of a condition, None for an empty one; ValueError when unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    match = _CONDITION.match(text)
    if not match:
        raise ValueError(
            'Write a condition like tier == 1 or region != "EU" (a field, an operator, a value).'
        )
    name, op, raw = match.groups()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return name, op, raw[1:-1]
    try:
        return name, op, float(raw)
    except ValueError:
        return name, op, raw


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def holds(condition: str, fields: dict) -> bool:
    """Whether a step with this condition applies to a subject with these fields (a field it does not have: no)."""
    parsed = parse_condition(condition)
    if parsed is None:
        return True
    name, op, expected = parsed
    if name not in fields or fields[name] is None:
        return False
    actual = fields[name]
    a, b = _number(actual), _number(expected)
    if a is not None and b is not None:
        return {"==": a == b, "!=": a != b, ">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b}[op]
    if op in ("==", "!="):
        same = str(actual).strip().casefold() == str(expected).strip().casefold()
        return same if op == "==" else not same
    return False


def _where(i: int, title: str) -> str:
    return f"Step {i + 1}" + (f" “{title}”" if title else "")


def clean_steps(raw: list[dict]) -> list[dict]:
    """The steps as stored, or Invalid naming each bad step (field "steps.<i>.<key>")."""
    if not isinstance(raw, list):
        raise Invalid.field("steps", "Give the steps as a list.")
    if len(raw) > MAX_STEPS:
        raise Invalid.field("steps", f"At most {MAX_STEPS} steps.")
    cleaned, errors = [], []
    for i, step in enumerate(raw):
        if not isinstance(step, dict):
            errors.append(
                FieldError(f"steps.{i}", f"Step {i + 1}: give a title and an owner role.")
            )
            continue
        title = str(step.get("title") or "").strip()
        where = _where(i, title[:60])
        try:
            title = clean_text(title, f"steps.{i}.title", required=True, max_length=200)
        except Invalid as exc:
            errors.append(
                FieldError(
                    f"steps.{i}.title",
                    f"{where}: {exc.errors[0].message if exc.errors else exc.detail}",
                )
            )
        role = str(step.get("owner_role") or "").strip()
        if owner_roles.get(role) is None:
            known = ", ".join(k for k, _ in owner_roles.choices())
            errors.append(
                FieldError(
                    f"steps.{i}.owner_role",
                    f"{where}: no owner role “{role[:60]}”; use one of {known}.",
                )
            )
        owner_title = str(step.get("owner_title") or "").strip()
        if len(owner_title) > 100 or "\n" in owner_title:
            errors.append(
                FieldError(
                    f"steps.{i}.owner_title",
                    f"{where}: the owner's title is one line of at most 100 characters.",
                )
            )
        minutes = step.get("expected_minutes", 60)
        if (
            isinstance(minutes, bool)
            or not isinstance(minutes, int)
            or not 1 <= minutes <= MAX_MINUTES
        ):
            errors.append(
                FieldError(
                    f"steps.{i}.expected_minutes",
                    f"{where}: the expected duration is 1 to {MAX_MINUTES:,} minutes.",
                )
            )
        required = step.get("required", True)
        if not isinstance(required, bool):
            errors.append(FieldError(f"steps.{i}.required", f"{where}: required is true or false."))
        condition = str(step.get("condition") or "").strip()
        try:
            if len(condition) > 200:
                raise ValueError("A condition has at most 200 characters.")
            parse_condition(condition)
        except ValueError as exc:
            errors.append(FieldError(f"steps.{i}.condition", f"{where}: {exc}"))
        cleaned.append({
            "title": title, "owner_role": role, "owner_title": owner_title, "expected_minutes": minutes,
            "required": required, "condition": condition,
        })  # fmt: skip
    if errors:
        raise Invalid(
            errors[0].message
            if len(errors) == 1
            else f"{len(errors)} problems in the steps; nothing was saved.",
            errors,
        )
    return cleaned


def schedule(
    steps: list[dict], applies: list[bool], started_at: datetime, target_date: date | None
) -> list[datetime]:
    """Each step's due time: one after the other from the start, or, with a target date, backwards
    so that the last step is due at the end of that day. Steps that do not apply take no time."""
    minutes = [s["expected_minutes"] if ok else 0 for s, ok in zip(steps, applies, strict=True)]
    if target_date is None:
        due, at = [], started_at
        for m in minutes:
            at = at + timedelta(minutes=m)
            due.append(at)
        return due
    end = timezone.make_aware(datetime.combine(target_date, time(17, 0)))
    due, at = [], end
    for m in reversed(minutes):
        due.append(at)
        at = at - timedelta(minutes=m)
    due.reverse()
    return [max(d, started_at) for d in due]


def duration_label(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 60 * 24 or minutes % (60 * 24):
        hours = minutes / 60
        return f"{hours:g} h" if hours == int(hours) or minutes < 600 else f"{round(hours)} h"
    return f"{minutes // (60 * 24)} d"


def _key(step: dict) -> str:
    return " ".join(step["title"].split()).casefold()


def diff(old_steps: list[dict], new_steps: list[dict], old_body: str, new_body: str) -> dict:
    """What changed between two versions: steps added, removed and changed (matched by title), and
    a unified text diff of the procedure."""
    old = {_key(s): (i, s) for i, s in enumerate(old_steps)}
    new = {_key(s): (i, s) for i, s in enumerate(new_steps)}
    added = [{"position": i + 1, **s} for k, (i, s) in new.items() if k not in old]
    removed = [{"position": i + 1, **s} for k, (i, s) in old.items() if k not in new]
    changed = []
    for k, (i, s) in new.items():
        if k in old:
            j, before = old[k]
            fields = {
                f: {"before": before.get(f), "after": s.get(f)}
                for f in STEP_KEYS
                if f != "title" and before.get(f) != s.get(f)
            }
            if j != i:
                fields["position"] = {"before": j + 1, "after": i + 1}
            if fields:
                changed.append({"title": s["title"], "changes": fields})
    lines = list(
        difflib.unified_diff(
            (old_body or "").splitlines(),
            (new_body or "").splitlines(),
            "before",
            "after",
            lineterm="",
            n=2,
        )
    )
    return {
        "steps_added": added,
        "steps_removed": removed,
        "steps_changed": changed,
        "text_diff": lines[2:],
    }
