"""Every write to playbooks and their runs (post-mortems: postmortems.py).

Keyword-only, one transaction each, permission checked, audit entry written. Editing a playbook adds
an immutable version; runs keep the steps of the version they were started on.
"""

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.audit.services import record
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from accord.workspaces.models import Membership, Person, Role
from accord.workspaces.permissions import can, require

from . import owner_roles, subjects
from . import steps as checklist
from .models import Playbook, PlaybookKind, PlaybookRun, PlaybookVersion, RunStep

MAX_FIELDS = 20


# ---------------------------------------------------------------- lookups


def get_playbook(member: Membership, playbook_id: int) -> Playbook:
    playbook = Playbook.objects.filter(pk=playbook_id, workspace_id=member.workspace_id).first()
    if playbook is None:
        raise NotFound("No such playbook in this workspace.")
    return playbook


def get_run(member: Membership, run_id: int) -> PlaybookRun:
    run = (
        PlaybookRun.objects.select_related("playbook", "playbook_version")
        .filter(pk=run_id, workspace_id=member.workspace_id)
        .first()
    )
    if run is None:
        raise NotFound("No such run in this workspace.")
    return run


def _kind(value: str) -> str:
    if value not in PlaybookKind.values:
        raise Invalid.field("kind", f"Use one of {', '.join(PlaybookKind.values)}.")
    return value


def _unique_name(member: Membership, name: str, playbook_id: int | None = None) -> str:
    name = clean_text(name, "name", required=True, max_length=200)
    clash = Playbook.objects.filter(workspace_id=member.workspace_id, name__iexact=name).exclude(
        pk=playbook_id
    )
    if clash.exists():
        raise Conflict(
            "A playbook with this name exists.",
            [FieldError("name", "A playbook with this name exists.")],
        )
    return name


def _state(version: PlaybookVersion) -> dict:
    return {
        "name": version.name,
        "kind": version.kind,
        "version": version.number,
        "steps": len(version.steps),
    }


# ---------------------------------------------------------------- playbooks


@transaction.atomic
def playbook_create(
    *,
    member: Membership,
    name: str,
    kind: str,
    body: str = "",
    steps: list[dict] | None = None,
    note: str = "",
) -> Playbook:
    require(member, "playbook.manage")
    name = _unique_name(member, name)
    kind = _kind(kind)
    body = clean_text(body, "body", max_length=50_000, multiline=True)
    cleaned = checklist.clean_steps(steps or [])
    note = clean_text(note, "note", max_length=300) or "First version"
    try:
        with transaction.atomic():
            playbook = Playbook.objects.create(
                workspace_id=member.workspace_id, name=name, kind=kind, created_by=member.user
            )
    except IntegrityError:
        raise Conflict(
            "A playbook with this name exists.",
            [FieldError("name", "A playbook with this name exists.")],
        ) from None
    version = PlaybookVersion.objects.create(
        workspace_id=member.workspace_id, playbook=playbook, number=1, name=name, kind=kind, body=body,
        steps=cleaned, note=note, created_by=member.user,
    )  # fmt: skip
    record(
        workspace=member.workspace,
        actor=member.user,
        action="created",
        obj=playbook,
        object_type="playbook",
        after=_state(version),
    )
    return playbook


_UNSET = object()


@transaction.atomic
def playbook_update(
    *,
    member: Membership,
    playbook_id: int,
    version: int,
    name: str | None = None,
    kind: str | None = None,
    body: str | None = None,
    steps: list[dict] | None = None,
    note: str = "",
) -> PlaybookVersion:
    """A new version with what is given changed (the rest as in the current version)."""
    require(member, "playbook.manage")
    playbook = get_playbook(member, playbook_id)
    current = playbook.versions.get(number=playbook.version)
    new = PlaybookVersion(
        workspace_id=member.workspace_id, playbook=playbook, number=playbook.version + 1,
        name=_unique_name(member, name, playbook.pk) if name is not None else current.name,
        kind=_kind(kind) if kind is not None else current.kind,
        body=clean_text(body, "body", max_length=50_000, multiline=True) if body is not None else current.body,
        steps=checklist.clean_steps(steps) if steps is not None else current.steps,
        note=clean_text(note, "note", max_length=300), created_by=member.user,
    )  # fmt: skip
    if (new.name, new.kind, new.body, new.steps) == (
        current.name,
        current.kind,
        current.body,
        current.steps,
    ):
        raise Invalid.field(
            "steps",
            "Nothing changed: a new version needs a change to the name, kind, text or steps.",
        )
    playbook.name, playbook.kind = new.name, new.kind
    save_versioned(playbook, version, ["name", "kind"])
    new.save()
    diff = checklist.diff(current.steps, new.steps, current.body, new.body)
    record(
        workspace=member.workspace, actor=member.user, action="updated", obj=playbook, object_type="playbook",
        before=_state(current),
        after={**_state(new), "note": new.note, "steps_added": len(diff["steps_added"]),
               "steps_removed": len(diff["steps_removed"]), "steps_changed": len(diff["steps_changed"])},
    )  # fmt: skip
    return new


@transaction.atomic
def playbook_delete(*, member: Membership, playbook_id: int) -> None:
    require(member, "playbook.manage")
    playbook = get_playbook(member, playbook_id)
    runs = playbook.runs.count()
    if runs:
        raise Conflict(
            f"This playbook has {runs} run{'s' * (runs != 1)}; delete them first, or keep it."
        )
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=playbook,
        object_type="playbook",
        before={"name": playbook.name},
    )
    playbook.delete()


# ---------------------------------------------------------------- runs


def resolve_subject(member: Membership, kind: str, ref: str) -> subjects.Subject | None:
    """The subject a run or post-mortem is for; None for a free-standing run (kind "")."""
    if not kind:
        if (ref or "").strip():
            raise Invalid.field("subject_kind", "Name the kind of subject the reference is for.")
        return None
    entry = subjects.KINDS.get(kind)
    if entry is None:
        raise Invalid.field("subject_kind", f"Use one of {', '.join(subjects.KINDS)} (or none).")
    subject = entry.resolve(member.workspace, str(ref or "").strip()[:200])
    if subject is None:
        message = (
            "Describe the incident."
            if entry.free_text
            else f"No such {entry.label.lower()} in this workspace."
        )
        raise Invalid.field("subject_ref", message)
    return subject


def _fields(raw: dict | None) -> dict:
    if not raw:
        return {}
    if not isinstance(raw, dict) or len(raw) > MAX_FIELDS:
        raise Invalid.field("fields", f"At most {MAX_FIELDS} fields, as names and values.")
    out = {}
    for name, value in raw.items():
        if not isinstance(name, str) or not checklist._CONDITION.match(f"{name} == 1"):
            raise Invalid.field(
                "fields", f"“{str(name)[:40]}” is not a field name (letters, digits, _)."
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float | str)
            or len(str(value)) > 100
        ):
            raise Invalid.field("fields", f"The value of {name} is a number or a short text.")
        out[name] = value
    return out


@transaction.atomic
def run_start(
    *,
    member: Membership,
    playbook_id: int,
    subject_kind: str = "",
    subject_ref: str = "",
    title: str = "",
    target_date: date | None = None,
    fields: dict | None = None,
    now: datetime | None = None,
) -> PlaybookRun:
    """A run of the playbook's current version; steps whose condition does not hold are skipped."""
    require(member, "playbook.run")
    playbook = get_playbook(member, playbook_id)
    version = playbook.versions.get(number=playbook.version)
    subject = resolve_subject(member, subject_kind, subject_ref)
    values = {**(subject.fields if subject else {}), **_fields(fields)}
    now = now or timezone.now()
    target = target_date or (subject.target_date if subject else None)
    if target is not None and target < timezone.localdate(now):
        raise Invalid.field("target_date", "The target date is before the run starts.")
    title = (
        clean_text(title, "title", max_length=200)
        or (f"{playbook.name}: {subject.label}" if subject else playbook.name)[:200]
    )
    run = PlaybookRun.objects.create(
        workspace_id=member.workspace_id, playbook=playbook, playbook_version=version, title=title,
        subject_kind=subject.kind if subject else "", subject_ref=subject.ref if subject else "",
        subject_label=subject.label if subject else "", subject_fields=values, started_at=now,
        target_date=target, started_by=member.user,
    )  # fmt: skip
    applies = [checklist.holds(s["condition"], values) for s in version.steps]
    due = checklist.schedule(version.steps, applies, now, target)
    RunStep.objects.bulk_create(
        RunStep(
            workspace_id=member.workspace_id, run=run, position=i, title=s["title"], owner_role=s["owner_role"],
            owner_title=s["owner_title"], expected_minutes=s["expected_minutes"], required=s["required"],
            condition=s["condition"], applies=ok, due_at=d,
        )
        for i, (s, ok, d) in enumerate(zip(version.steps, applies, due, strict=True))
    )  # fmt: skip
    _refresh_finished(run, now)
    record(
        workspace=member.workspace, actor=member.user, action="started", obj=run, object_type="playbook run",
        after={"playbook": playbook.pk, "playbook_name": playbook.name, "playbook_version": version.number,
               "subject": run.subject_label, "target_date": target.isoformat() if target else None},
    )  # fmt: skip
    return run


def _refresh_finished(run: PlaybookRun, now: datetime) -> None:
    open_required = run.steps.filter(applies=True, required=True, done_at__isnull=True).exists()
    finished = None if open_required else (run.finished_at or now)
    if finished != run.finished_at:
        run.finished_at = finished
        PlaybookRun.objects.filter(pk=run.pk).update(finished_at=finished)


def may_check(
    member: Membership, run: PlaybookRun, step: RunStep, person_id: int | None = _UNSET
) -> bool:
    """A step's owners (the people of its owner role), whoever started the run, and editors check steps off."""
    if not can(member, "playbook.run"):
        return False
    if member.has_role(Role.EDITOR) or run.started_by_id == member.user_id:
        return True
    if person_id is _UNSET:
        person_id = (
            Person.objects.filter(workspace_id=member.workspace_id, user_id=member.user_id)
            .values_list("pk", flat=True)
            .first()
        )
    return person_id is not None and person_id in owner_roles.holders(
        member.workspace_id, step.owner_role
    )


@transaction.atomic
def step_update(
    *,
    member: Membership,
    run_id: int,
    step_id: int,
    done: bool | None = None,
    due_date: date | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> RunStep:
    """Check a step off (or undo it), move its due date, add a note."""
    require(member, "playbook.run")
    run = get_run(member, run_id)
    step = RunStep.objects.select_for_update().filter(pk=step_id, run=run).first()
    if step is None:
        raise NotFound("No such step in this run.")
    if not may_check(member, run, step):
        raise Forbidden(
            f"Only its owners ({owner_roles.label(step.owner_role)}), whoever started the run and editors check this step."
        )
    now = now or timezone.now()
    before = {
        "done": step.done_at is not None,
        "due_at": step.due_at.isoformat(),
        "note": step.note,
    }
    if done is not None:
        if done and not step.applies:
            raise Invalid.field(
                "done",
                f"“{step.title}” does not apply to this run ({step.condition} does not hold).",
            )
        if done and step.done_at is None:
            step.done_at, step.done_by = now, member.user
        elif not done:
            step.done_at, step.done_by = None, None
    if due_date is not None:
        if due_date < timezone.localdate(run.started_at):
            raise Invalid.field(
                "due_date",
                f"The due date is before the run started ({timezone.localdate(run.started_at).isoformat()}).",
            )
        step.due_at = timezone.make_aware(
            datetime.combine(
                due_date, step.due_at.astimezone(timezone.get_current_timezone()).time()
            )
        )
    if note is not None:
        step.note = clean_text(note, "note", max_length=500)
    step.version += 1
    step.save()
    _refresh_finished(run, now)
    after = {"done": step.done_at is not None, "due_at": step.due_at.isoformat(), "note": step.note}
    action = (
        "checked"
        if after["done"] and not before["done"]
        else "unchecked"
        if before["done"] and not after["done"]
        else "updated"
    )
    record(
        workspace=member.workspace, actor=member.user, action=action, object_type="playbook run", object_id=run.pk,
        object_label=run.title, before=before, after={"step": step.title, **after},
    )  # fmt: skip
    return step


@transaction.atomic
def run_delete(*, member: Membership, run_id: int) -> None:
    require(member, "playbook.manage")
    run = get_run(member, run_id)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="deleted",
        obj=run,
        object_type="playbook run",
        before={"title": run.title},
    )
    run.delete()
