"""Team capacity from a CSV file: every row checked first, then all rows saved or none (through
services.capacity_set and services.team_unit_set, so each row is permission-checked and audited)."""

import csv

from django.db import transaction

from accord.core.errors import FieldError, Invalid
from accord.core.importfiles import (
    DECIMALS,
    ENCODINGS,
    FileUnreadable,
    check_choice,
    csv_reader,
    decode,
)
from accord.core.numbers import NumberError, parse_number
from accord.workspaces.models import Membership, Team
from accord.workspaces.permissions import require

from .models import Period, TeamCapacity, unit_word
from .services import MAX_PERSON_DAYS, capacity_set, team_unit_set, unit_of

CSV_MAX_BYTES = 2 * 1024 * 1024


@transaction.atomic
def capacity_import(
    *, member: Membership, data: bytes, encoding: str = "auto", decimal: str | None = None
) -> int:
    """CSV with columns team, period, people, days_per_person[, holidays][, unit] (a header row is
    required; for a team in points, days_per_person is points per person and holidays points off;
    unit, person-days or points, sets the team's unit and must be the same on all its rows): every
    row is checked first, and any problem (with its row) refuses the whole file."""
    require(member, "capacity.manage")
    if len(data) > CSV_MAX_BYTES:
        raise Invalid.field("file", "The file is larger than 2 MB.")
    decimal = decimal or member.workspace.decimal_separator
    try:
        check_choice(decimal, DECIMALS, "decimal separator")
        text = decode(data, check_choice(encoding, ENCODINGS, "encoding")).text
        records = list(csv_reader(text))
    except FileUnreadable as exc:
        raise Invalid.field("file", str(exc)) from None
    except csv.Error as exc:
        raise Invalid.field("file", f"This is not a readable CSV file ({exc}).") from None
    if not records:
        raise Invalid.field("file", "The file is empty.")
    header = [h.strip().lower().replace(" ", "_") for h in records[0]]
    need = ["team", "period", "people", "days_per_person"]
    missing = [h for h in need if h not in header]
    if missing:
        raise Invalid.field(
            "file",
            f"The header row lacks the column(s) {', '.join(missing)} (expected team, period, people, days_per_person, holidays, unit).",
        )
    teams = {t.name.lower(): t for t in Team.objects.filter(workspace_id=member.workspace_id)}
    periods = {p.name.lower(): p for p in Period.objects.filter(workspace_id=member.workspace_id)}
    errors, rows = [], []
    units: dict[int, str] = {}  # team id -> the unit its rows name
    for n, cells in enumerate(records[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        cell = dict(zip(header, cells, strict=False))
        team = teams.get(cell.get("team", "").strip().lower())
        period = periods.get(cell.get("period", "").strip().lower())
        if team is None:
            errors.append(
                FieldError(
                    "file", f"Row {n}, team: no team named “{cell.get('team', '').strip()[:60]}”."
                )
            )
        if period is None:
            errors.append(
                FieldError(
                    "file",
                    f"Row {n}, period: no period named “{cell.get('period', '').strip()[:40]}”.",
                )
            )
        unit = None
        named = cell.get("unit", "").strip().lower().replace("-", "_").replace(" ", "_")
        if named:
            unit = {"person_days": "person_days", "points": "points", "point": "points"}.get(named)
            if unit is None:
                errors.append(
                    FieldError(
                        "file", f"Row {n}, unit: use person-days or points, not “{named[:20]}”."
                    )
                )
            elif team is not None and units.setdefault(team.pk, unit) != unit:
                errors.append(
                    FieldError(
                        "file",
                        f"Row {n}, unit: {team.name} is in {unit_word(units[team.pk])} on an earlier row; a team has one unit.",
                    )
                )
        if team is not None and unit is None:
            unit = units.get(team.pk) or unit_of(team)
        values = {}
        for col, top in (
            ("people", 10_000),
            ("days_per_person", 366 if unit_word(unit) == "person-days" else 10_000),
            ("holidays", MAX_PERSON_DAYS),
        ):
            try:
                v = parse_number(
                    cell.get(col, ""), decimal=decimal, hint="import", minimum=0, maximum=top
                )
                values[col] = 0.0 if v is None and col == "holidays" else v
                if values[col] is None:
                    errors.append(FieldError("file", f"Row {n}, {col}: a number is required."))
            except NumberError as exc:
                errors.append(FieldError("file", f"Row {n}, {col}: {exc}"))
        rows.append((team, period, values))
        if len(errors) >= 50:
            break
    if errors:
        raise Invalid(f"{len(errors)} problem(s) in the file; nothing was imported.", errors)
    if not rows:
        raise Invalid.field("file", "The file has no rows.")
    for team_id, unit in sorted(units.items()):
        team_unit_set(member=member, team_id=team_id, unit=unit)
    for team, period, values in rows:
        existing = TeamCapacity.objects.filter(team=team, period=period).first()
        capacity_set(member=member, team_id=team.pk, period_id=period.pk, people=values["people"],
                     days_per_person=values["days_per_person"], holidays=values["holidays"],
                     version=existing.version if existing else None)  # fmt: skip
    return len(rows)
