"""Every write to goals, key results, measurements, goal links and scoreboard links.

Keyword-only, one transaction each, permission checked, audit entry written. Measurement batches
are all or nothing: every row is validated first, and any error (with its row) refuses the batch.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text, one_line
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, FieldError, Invalid, NotFound
from accord.core.numbers import NumberError, check_number, parse_number
from accord.core.tokens import hash_token, new_token
from accord.ideas import evidence
from accord.ideas.models import Idea
from accord.roadmaps.models import RoadmapItem
from accord.workspaces.models import Membership, Person, Team
from accord.workspaces.permissions import require

from . import progress as calc
from .models import (
    Direction,
    Goal,
    GoalLevel,
    KeyResult,
    Measurement,
    MeasurementSource,
    PeriodKind,
    ScoreboardLink,
    Unit,
)

GOAL_FIELDS = [
    "title", "description", "level", "parent_id", "owner_id", "period_kind", "start_date", "end_date",
]  # fmt: skip
KR_FIELDS = [
    "name", "unit", "currency", "direction", "baseline", "target", "target_min", "owner_id",
]  # fmt: skip
LEVEL_RANK = {GoalLevel.COMPANY: 0, GoalLevel.DEPARTMENT: 1, GoalLevel.TEAM: 2}
MAX_BATCH = 10_000
ALIGNMENT = "goals.alignment"  # the evidence source (see hooks.py)


# ---------------------------------------------------------------- lookups


def get_goal(member: Membership, goal_id: int) -> Goal:
    goal = Goal.objects.filter(pk=goal_id, workspace_id=member.workspace_id).first()
    if goal is None:
        raise NotFound("No such goal in this workspace.")
    return goal


def get_key_result(member: Membership, key_result_id: int) -> KeyResult:
    kr = (
        KeyResult.objects.select_related("goal")
        .filter(pk=key_result_id, workspace_id=member.workspace_id)
        .first()
    )
    if kr is None:
        raise NotFound("No such key result in this workspace.")
    return kr


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise Invalid.field(field, f"Use one of {', '.join(choices.values)}.")
    return value


def _person(member: Membership, person_id: int | None, field: str) -> int | None:
    if person_id is None:
        return None
    if not Person.objects.filter(pk=person_id, workspace_id=member.workspace_id).exists():
        raise Invalid.field(field, "No such person in this workspace.")
    return person_id


def _teams(member: Membership, team_ids: list[int]) -> list[Team]:
    teams = list(Team.objects.filter(workspace_id=member.workspace_id, pk__in=set(team_ids)))
    if len(teams) != len(set(team_ids)):
        raise Invalid.field("team_ids", "No such team in this workspace.")
    return teams


def _period(kind: str, period: str, start: date | None, end: date | None) -> tuple[date, date]:
    _choice(kind, PeriodKind, "period_kind")
    if kind == PeriodKind.CUSTOM:
        if start is None or end is None:
            raise Invalid.field("start_date", "Custom dates need a start and an end date.")
    else:
        dates = calc.period_dates(kind, period)
        if dates is None:
            examples = {"quarter": "2026-Q3", "half": "2026-H2", "year": "2026"}
            raise Invalid.field("period", f"Name the {kind} like {examples[kind]}.")
        start, end = dates
    if end < start:
        raise Invalid.field("end_date", "The end date is before the start date.")
    return start, end


def _check_level(
    member: Membership, goal: Goal, parent_id: int | None, teams: list[Team] | None
) -> None:
    """A goal supports a goal of the same or a higher level (no cycles); departments and teams own theirs."""
    if parent_id is not None:
        parent = Goal.objects.filter(pk=parent_id, workspace_id=member.workspace_id).first()
        if parent is None:
            raise Invalid.field("parent_id", "No such goal in this workspace.")
        if LEVEL_RANK[parent.level] > LEVEL_RANK[goal.level]:
            raise Invalid.field(
                "parent_id",
                f"A {goal.get_level_display().lower()} goal supports a goal of its level or higher.",
            )
        seen, cursor = {goal.pk}, parent
        while cursor is not None:
            if cursor.pk in seen:
                raise Invalid.field("parent_id", "A goal cannot (indirectly) support itself.")
            seen.add(cursor.pk)
            cursor = cursor.parent
    if teams is not None:
        if goal.level == GoalLevel.TEAM and len(teams) != 1:
            raise Invalid.field("team_ids", "A team goal belongs to exactly one team.")
        if goal.level == GoalLevel.DEPARTMENT and not teams:
            raise Invalid.field("team_ids", "Name the department(s) that own this goal.")


def _goal_state(goal: Goal) -> dict:
    return {**snapshot(goal, GOAL_FIELDS), "teams": sorted(t.pk for t in goal.teams.all())}


# ---------------------------------------------------------------- goals


@transaction.atomic
def goal_create(
    *,
    member: Membership,
    title: str,
    level: str = GoalLevel.COMPANY,
    description: str = "",
    parent_id: int | None = None,
    team_ids: list[int] | None = None,
    owner_id: int | None = None,
    period_kind: str = PeriodKind.QUARTER,
    period: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
) -> Goal:
    require(member, "goal.manage")
    start, end = _period(period_kind, period, start_date, end_date)
    goal = Goal(
        workspace_id=member.workspace_id,
        title=clean_text(title, "title", required=True, max_length=200),
        description=clean_text(description, "description", max_length=20000, multiline=True),
        level=_choice(level, GoalLevel, "level"),
        owner_id=_person(member, owner_id, "owner_id"),
        period_kind=period_kind,
        start_date=start,
        end_date=end,
        parent_id=parent_id,
    )
    teams = _teams(member, team_ids or [])
    _check_level(member, goal, parent_id, teams)
    goal.position = Goal.objects.filter(workspace_id=member.workspace_id).count()
    goal.save()
    goal.teams.set(teams)
    record(
        workspace=member.workspace, actor=member.user, action="created", obj=goal,
        after=_goal_state(goal),
    )  # fmt: skip
    return goal


_UNSET = object()


@transaction.atomic
def goal_update(
    *,
    member: Membership,
    goal_id: int,
    version: int,
    title: str | None = None,
    description: str | None = None,
    level: str | None = None,
    parent_id: int | object | None = _UNSET,
    team_ids: list[int] | None = None,
    owner_id: int | object | None = _UNSET,
    period_kind: str | None = None,
    period: str | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
) -> Goal:
    """Only what is given changes; parent_id and owner_id may be cleared with None."""
    require(member, "goal.manage")
    goal = get_goal(member, goal_id)
    before = _goal_state(goal)
    if title is not None:
        goal.title = clean_text(title, "title", required=True, max_length=200)
    if description is not None:
        goal.description = clean_text(description, "description", max_length=20000, multiline=True)
    if level is not None:
        goal.level = _choice(level, GoalLevel, "level")
    if parent_id is not _UNSET:
        goal.parent_id = parent_id
    if owner_id is not _UNSET:
        goal.owner_id = _person(member, owner_id, "owner_id")
    if period_kind is not None or period is not None or start_date or end_date:
        kind = period_kind or goal.period_kind
        goal.period_kind = kind
        goal.start_date, goal.end_date = _period(
            kind, period or "", start_date or goal.start_date, end_date or goal.end_date
        )
    teams = _teams(member, team_ids) if team_ids is not None else list(goal.teams.all())
    _check_level(member, goal, goal.parent_id, teams)
    _check_measurements_in_period(goal)
    save_versioned(goal, version, GOAL_FIELDS)
    if team_ids is not None:
        goal.teams.set(teams)
    if goal.level != before["level"]:
        _refresh_alignment(member.workspace_id, list(goal.ideas.values_list("pk", flat=True)))
    record(
        workspace=member.workspace, actor=member.user, action="updated", obj=goal,
        before=before, after=_goal_state(goal),
    )  # fmt: skip
    return goal


def _check_measurements_in_period(goal: Goal) -> None:
    outside = Measurement.objects.filter(key_result__goal=goal).exclude(
        date__range=(goal.start_date, goal.end_date)
    )
    if goal.pk and outside.exists():
        raise Invalid.field(
            "start_date",
            "Measurements of this goal's key results fall outside the new period; delete them or keep the period.",
        )


@transaction.atomic
def goal_delete(*, member: Membership, goal_id: int) -> None:
    require(member, "goal.manage")
    goal = get_goal(member, goal_id)
    idea_ids = list(goal.ideas.values_list("pk", flat=True))
    record(
        workspace=member.workspace, actor=member.user, action="deleted", obj=goal,
        before=_goal_state(goal),
    )  # fmt: skip
    goal.delete()
    _refresh_alignment(member.workspace_id, idea_ids)


# ---------------------------------------------------------------- key results


def _check_target(direction: str, baseline, target, target_min) -> None:
    for name, value in (("baseline", baseline), ("target", target)):
        if not calc.is_number(value):
            raise Invalid.field(name, "A finite number is required.")
        _in_range(value, name)
    if direction == Direction.RANGE:
        if not calc.is_number(target_min):
            raise Invalid.field("target_min", "A range needs its lower bound (target_min).")
        _in_range(target_min, "target_min")
        if target_min >= target:
            raise Invalid.field("target_min", "The lower bound must be below the upper bound (target).")
        return
    if target == baseline:
        raise Invalid.field("target", "The target equals the baseline: there would be nothing to achieve.")
    if direction == Direction.INCREASE and target < baseline:
        raise Invalid.field("target", "To increase, the target must be above the baseline.")
    if direction == Direction.DECREASE and target > baseline:
        raise Invalid.field("target", "To decrease, the target must be below the baseline.")


@transaction.atomic
def key_result_create(
    *,
    member: Membership,
    goal_id: int,
    name: str,
    baseline: float,
    target: float,
    unit: str = Unit.NUMBER,
    direction: str = Direction.INCREASE,
    target_min: float | None = None,
    currency: str = "",
    owner_id: int | None = None,
) -> KeyResult:
    require(member, "goal.manage")
    goal = get_goal(member, goal_id)
    _choice(unit, Unit, "unit")
    _choice(direction, Direction, "direction")
    _check_target(direction, baseline, target, target_min)
    kr = KeyResult.objects.create(
        workspace_id=member.workspace_id,
        goal=goal,
        name=clean_text(name, "name", required=True, max_length=200),
        unit=unit,
        currency=_currency(unit, currency),
        direction=direction,
        baseline=float(baseline),
        target=float(target),
        target_min=float(target_min) if direction == Direction.RANGE else None,
        owner_id=_person(member, owner_id, "owner_id"),
        position=goal.key_results.count(),
    )
    record(
        workspace=member.workspace, actor=member.user, action="created", obj=kr,
        object_type="key result", after=snapshot(kr, KR_FIELDS),
    )  # fmt: skip
    return kr


def _currency(unit: str, currency: str) -> str:
    currency = (currency or "").strip().upper()
    if unit != Unit.CURRENCY:
        return ""
    if currency and not (len(currency) == 3 and currency.isalpha()):
        raise Invalid.field("currency", "Use a three-letter currency code, e.g. EUR.")
    return currency


@transaction.atomic
def key_result_update(
    *,
    member: Membership,
    key_result_id: int,
    version: int,
    name: str | None = None,
    unit: str | None = None,
    currency: str | None = None,
    direction: str | None = None,
    baseline: float | None = None,
    target: float | None = None,
    target_min: float | None = None,
    owner_id: int | object | None = _UNSET,
) -> KeyResult:
    require(member, "goal.manage")
    kr = get_key_result(member, key_result_id)
    before = snapshot(kr, KR_FIELDS)
    if name is not None:
        kr.name = clean_text(name, "name", required=True, max_length=200)
    if unit is not None:
        kr.unit = _choice(unit, Unit, "unit")
    if direction is not None:
        kr.direction = _choice(direction, Direction, "direction")
    kr.baseline = kr.baseline if baseline is None else baseline
    kr.target = kr.target if target is None else target
    kr.target_min = kr.target_min if target_min is None else target_min
    _check_target(kr.direction, kr.baseline, kr.target, kr.target_min)
    if kr.direction != Direction.RANGE:
        kr.target_min = None
    kr.currency = _currency(kr.unit, kr.currency if currency is None else currency)
    if owner_id is not _UNSET:
        kr.owner_id = _person(member, owner_id, "owner_id")
    save_versioned(kr, version, KR_FIELDS)
    record(
        workspace=member.workspace, actor=member.user, action="updated", obj=kr,
        object_type="key result", before=before, after=snapshot(kr, KR_FIELDS),
    )  # fmt: skip
    return kr


@transaction.atomic
def key_result_delete(*, member: Membership, key_result_id: int) -> None:
    require(member, "goal.manage")
    kr = get_key_result(member, key_result_id)
    record(
        workspace=member.workspace, actor=member.user, action="deleted", obj=kr,
        object_type="key result", before=snapshot(kr, KR_FIELDS),
    )  # fmt: skip
    kr.delete()


# ---------------------------------------------------------------- measurements


@dataclass
class BatchResult:
    created: int = 0
    replaced: int = 0
    key_result_ids: list[int] = field(default_factory=list)


def _in_range(value: float, field: str) -> None:
    try:
        check_number(value)
    except NumberError as exc:
        raise Invalid.field(field, str(exc)) from None


def _row_value(row: dict, i: int, kr: KeyResult, decimal: str, errors: list[FieldError]) -> float | None:
    value = row.get("value")
    if isinstance(value, str):  # typed or imported text: the shared parser, never a guess
        try:
            value = parse_number(value, decimal=decimal)
        except NumberError as exc:
            errors.append(FieldError(f"measurements.{i}.value", str(exc)))
            return None
    if not calc.is_number(value):
        errors.append(FieldError(f"measurements.{i}.value", "A finite number is required."))
        return None
    try:
        check_number(value)  # 1e308 would overflow the trend line (a 500 and invalid JSON)
    except NumberError as exc:
        errors.append(FieldError(f"measurements.{i}.value", str(exc)))
        return None
    if kr.unit == Unit.COUNT and (value < 0 or float(value) != int(value)):
        errors.append(FieldError(f"measurements.{i}.value", "A count is a whole number, 0 or more."))
        return None
    return float(value)


def _row_date(row: dict, i: int, goal: Goal, today: date, errors: list[FieldError]) -> date | None:
    day = row.get("date")
    if isinstance(day, datetime):
        day = day.date()
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day.strip())
        except ValueError:
            day = None
    if not isinstance(day, date):
        errors.append(FieldError(f"measurements.{i}.date", "Use an ISO date, e.g. 2026-05-31."))
        return None
    # Decision: dates outside the goal's period are refused, not stored with a warning; the baseline
    # says where a key result started, and a number after the period belongs to the next goal.
    if not goal.start_date <= day <= goal.end_date:
        errors.append(
            FieldError(
                f"measurements.{i}.date",
                f"{day} is outside the goal's period ({goal.start_date} to {goal.end_date}).",
            )
        )
        return None
    if day > today:
        errors.append(FieldError(f"measurements.{i}.date", f"{day} is in the future."))
        return None
    return day


@transaction.atomic
def measurements_record(
    *,
    member: Membership,
    rows: list[dict],
    on_duplicate: str = "reject",
    source: str = MeasurementSource.API,
) -> BatchResult:
    """Store a batch of {key_result_id, date, value, note?, unit?} rows: all of them, or none.

    A date that already has a value is refused unless on_duplicate="replace" (then it is replaced);
    the same key result and date twice in one batch is always an error. Errors name their row
    (measurements.<i>.<field>).
    """
    require(member, "measurement.record")
    if on_duplicate not in ("reject", "replace"):
        raise Invalid.field("on_duplicate", "Use reject or replace.")
    if not rows:
        raise Invalid.field("measurements", "Send at least one measurement.")
    if len(rows) > MAX_BATCH:
        raise Invalid.field("measurements", f"At most {MAX_BATCH:,} measurements per request.")
    ids = {r.get("key_result_id") for r in rows if isinstance(r.get("key_result_id"), int)}
    krs = {
        kr.pk: kr
        for kr in KeyResult.objects.filter(workspace_id=member.workspace_id, pk__in=ids)
        .select_related("goal")
        .only("id", "unit", "goal__id", "goal__start_date", "goal__end_date")
    }
    today = timezone.localdate()
    errors: list[FieldError] = []
    cleaned: list[tuple[int, date, float, str]] = []
    seen: set[tuple[int, date]] = set()
    for i, row in enumerate(rows):
        kr = krs.get(row.get("key_result_id"))
        if kr is None:
            errors.append(
                FieldError(f"measurements.{i}.key_result_id", "No such key result in this workspace.")
            )
            continue
        unit = row.get("unit")
        if unit not in (None, "") and unit != kr.unit:
            errors.append(
                FieldError(
                    f"measurements.{i}.unit",
                    f"This key result is measured in {kr.get_unit_display()} ({kr.unit}), not {unit}.",
                )
            )
            continue
        value = _row_value(row, i, kr, member.workspace.decimal_separator, errors)
        day = _row_date(row, i, kr.goal, today, errors)
        note = row.get("note") or ""
        if not isinstance(note, str) or len(note) > 500:
            errors.append(FieldError(f"measurements.{i}.note", "A note is text of at most 500 characters."))
            continue
        if value is None or day is None:
            continue
        if (kr.pk, day) in seen:
            errors.append(
                FieldError(f"measurements.{i}.date", f"{day} appears twice for this key result in the batch.")
            )
            continue
        seen.add((kr.pk, day))
        cleaned.append((kr.pk, day, value, one_line(note.strip())))
    if errors:
        raise _batch_error(errors)
    existing = _existing(krs, cleaned)
    result = BatchResult(key_result_ids=sorted({c[0] for c in cleaned}))
    if existing and on_duplicate == "reject":
        raise _batch_error(
            [
                FieldError(
                    f"measurements.{i}.date",
                    f"{day} already has a value; send on_duplicate=replace to overwrite it.",
                )
                for i, (kr_id, day, _v, _n) in enumerate(cleaned)
                if (kr_id, day) in existing
            ]
        )
    if existing:
        for kr_id in {k for k, _d in existing}:
            Measurement.objects.filter(
                key_result_id=kr_id, date__in=[d for k, d in existing if k == kr_id]
            ).delete()
        result.replaced = len(existing)
    _insert(cleaned, source=source, user_id=member.user_id)
    result.created = len(cleaned) - result.replaced
    refresh_summaries(result.key_result_ids)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="measured",
        object_type="measurements",
        object_id=",".join(map(str, result.key_result_ids))[:60],
        object_label=f"{len(cleaned)} measurement(s) of {len(result.key_result_ids)} key result(s)",
        after={"created": result.created, "replaced": result.replaced, "source": source},
    )
    return result


MEASUREMENT_COLUMNS = ["key_result", "date", "value", "note", "source", "entered_by", "created_at"]


def _insert(cleaned: list[tuple[int, date, float, str]], *, source: str, user_id: int) -> None:
    """Insert validated rows with one executemany of plain tuples. bulk_create builds a model
    instance and a SQL fragment per row: that was most of a 10,000-row batch's time."""
    ops, meta = connection.ops, Measurement._meta
    # Names from the model's meta, every value a parameter.
    table = ops.quote_name(meta.db_table)
    columns = ", ".join(ops.quote_name(meta.get_field(f).column) for f in MEASUREMENT_COLUMNS)
    marks = ", ".join(["%s"] * len(MEASUREMENT_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    now = ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (kr_id, ops.adapt_datefield_value(day), value, note, source, user_id, now)
                for kr_id, day, value, note in cleaned
            ],
        )


def _batch_error(errors: list[FieldError]) -> Invalid:
    shown = errors[:200]  # a 10,000-row batch with one systematic mistake stays readable
    more = f" (and {len(errors) - len(shown)} more)" if len(errors) > len(shown) else ""
    return Invalid(
        f"{len(errors)} measurement(s) refused{more}; nothing was saved. {shown[0].field}: {shown[0].message}",
        shown,
    )


def _existing(krs: dict, cleaned: list[tuple[int, date, float, str]]) -> set[tuple[int, date]]:
    """The (key result, date) pairs of the batch that already have a value (one query)."""
    if not cleaned:
        return set()
    days = [c[1] for c in cleaned]
    wanted = {(c[0], c[1]) for c in cleaned}
    found = Measurement.objects.filter(
        key_result_id__in={c[0] for c in cleaned}, date__range=(min(days), max(days))
    ).values_list("key_result_id", "date")
    return {pair for pair in found if pair in wanted}


def refresh_summaries(key_result_ids: list[int]) -> None:
    """Rewrite the stored summary (latest value, downsampled series) of these key results."""
    series: dict[int, list[tuple[date, float]]] = {k: [] for k in key_result_ids}
    for kr_id, day, value in (
        Measurement.objects.filter(key_result_id__in=key_result_ids)
        .order_by("key_result_id", "date")
        .values_list("key_result_id", "date", "value")
    ):
        series[kr_id].append((day, value))
    krs = list(KeyResult.objects.filter(pk__in=key_result_ids).only("id", "summary"))
    now = timezone.now()
    for kr in krs:
        points = series.get(kr.pk, [])
        line = calc.fit(points)
        kr.summary = {
            "count": len(points),
            "latest": [points[-1][0].isoformat(), points[-1][1]] if points else None,
            # The trend line, not the points it comes from: the target and the end date are
            # applied when reading, so editing them needs no recomputation.
            "line": [line.last.isoformat(), line.at_last, line.slope] if line else None,
            "series": [[d.isoformat(), v] for d, v in calc.downsample(points, calc.SERIES_POINTS)],
        }
        kr.measured_at = now
    KeyResult.objects.bulk_update(krs, ["summary", "measured_at"])


@transaction.atomic
def measurement_delete(*, member: Membership, measurement_id: int) -> None:
    require(member, "measurement.record")
    m = (
        Measurement.objects.select_related("key_result")
        .filter(pk=measurement_id, key_result__workspace_id=member.workspace_id)
        .first()
    )
    if m is None:
        raise NotFound("No such measurement in this workspace.")
    record(
        workspace=member.workspace, actor=member.user, action="deleted", obj=m,
        object_type="measurement", object_label=f"{m.key_result.name} on {m.date}",
        before={"date": m.date, "value": m.value, "note": m.note},
    )  # fmt: skip
    kr_id = m.key_result_id
    m.delete()
    refresh_summaries([kr_id])


# ---------------------------------------------------------------- links to ideas and roadmap items


def _refresh_alignment(workspace_id: int, idea_ids: list[int]) -> None:
    if idea_ids:
        evidence.refresh(workspace_id=workspace_id, keys={ALIGNMENT}, idea_ids=idea_ids)


def _linked(member: Membership, model, pk: int, field: str):
    obj = model.objects.filter(pk=pk, workspace_id=member.workspace_id).first()
    if obj is None:
        kind = "idea" if model is Idea else "roadmap item"
        raise Invalid.field(field, f"No such {kind} in this workspace.")
    return obj


@transaction.atomic
def goal_link_idea(*, member: Membership, goal_id: int, idea_id: int) -> Goal:
    require(member, "goal.manage")
    goal = get_goal(member, goal_id)
    idea = _linked(member, Idea, idea_id, "idea_id")
    if goal.ideas.filter(pk=idea.pk).exists():
        raise Conflict("This idea already serves this goal.")
    goal.ideas.add(idea)
    _refresh_alignment(member.workspace_id, [idea.pk])
    record(
        workspace=member.workspace, actor=member.user, action="linked", obj=goal,
        after={"idea": idea.pk, "idea_title": idea.title},
    )  # fmt: skip
    return goal


@transaction.atomic
def goal_unlink_idea(*, member: Membership, goal_id: int, idea_id: int) -> None:
    require(member, "goal.manage")
    goal = get_goal(member, goal_id)
    if not goal.ideas.filter(pk=idea_id).exists():
        raise NotFound("This idea is not linked to this goal.")
    goal.ideas.remove(idea_id)
    _refresh_alignment(member.workspace_id, [idea_id])
    record(
        workspace=member.workspace, actor=member.user, action="unlinked", obj=goal,
        before={"idea": idea_id},
    )  # fmt: skip


@transaction.atomic
def goal_link_item(*, member: Membership, goal_id: int, item_id: int) -> Goal:
    require(member, "goal.manage")
    goal = get_goal(member, goal_id)
    item = _linked(member, RoadmapItem, item_id, "item_id")
    if goal.roadmap_items.filter(pk=item.pk).exists():
        raise Conflict("This roadmap item already serves this goal.")
    goal.roadmap_items.add(item)
    record(
        workspace=member.workspace, actor=member.user, action="linked", obj=goal,
        after={"roadmap_item": item.pk, "item_title": item.title},
    )  # fmt: skip
    return goal


@transaction.atomic
def goal_unlink_item(*, member: Membership, goal_id: int, item_id: int) -> None:
    require(member, "goal.manage")
    goal = get_goal(member, goal_id)
    if not goal.roadmap_items.filter(pk=item_id).exists():
        raise NotFound("This roadmap item is not linked to this goal.")
    goal.roadmap_items.remove(item_id)
    record(
        workspace=member.workspace, actor=member.user, action="unlinked", obj=goal,
        before={"roadmap_item": item_id},
    )  # fmt: skip


# ---------------------------------------------------------------- scoreboard links


@transaction.atomic
def scoreboard_link_create(
    *,
    member: Membership,
    name: str,
    refresh_seconds: int = 60,
    expires_at: datetime | None = None,
) -> tuple[ScoreboardLink, str]:
    """Returns the link and its secret token (shown once; the URL is /scoreboard/<token>)."""
    require(member, "share_link.manage")
    if not 10 <= refresh_seconds <= 3600:
        raise Invalid.field("refresh_seconds", "Refresh every 10 to 3600 seconds.")
    if expires_at and expires_at <= timezone.now():
        raise Invalid.field("expires_at", "The expiry must be in the future.")
    raw, digest = new_token("sbd")
    link = ScoreboardLink.objects.create(
        workspace_id=member.workspace_id,
        name=clean_text(name, "name", required=True, max_length=120),
        token_hash=digest,
        refresh_seconds=refresh_seconds,
        expires_at=expires_at,
        created_by=member.user,
    )
    record(
        workspace=member.workspace, actor=member.user, action="created", obj=link,
        object_type="scoreboard link",
        after={"name": link.name, "refresh_seconds": refresh_seconds, "expires_at": expires_at},
    )  # fmt: skip
    return link, raw


@transaction.atomic
def scoreboard_link_revoke(*, member: Membership, link_id: int) -> ScoreboardLink:
    require(member, "share_link.manage")
    link = ScoreboardLink.objects.filter(pk=link_id, workspace_id=member.workspace_id).first()
    if link is None:
        raise NotFound("No such scoreboard link in this workspace.")
    if link.revoked_at:
        raise Conflict("This link is already revoked.")
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    record(
        workspace=member.workspace, actor=member.user, action="revoked", obj=link,
        object_type="scoreboard link",
    )  # fmt: skip
    return link


def scoreboard_link_resolve(raw: str) -> ScoreboardLink:
    """The active link behind a token; one uniform NotFound for unknown, revoked or expired ones."""
    link = (
        ScoreboardLink.objects.select_related("workspace")
        .filter(token_hash=hash_token(raw or ""))
        .first()
    )
    if link is None or not link.is_active:
        raise NotFound("This link does not exist or is no longer shared.")
    return link
