"""How goals, key results, measurements and scoreboard links read in the history (registered
with accord.audit.history)."""

from django.urls import reverse

from accord.audit import history as h

from .models import Direction, Goal, GoalLevel, KeyResult, MeasurementSource, PeriodKind, Unit

SOURCES = {MeasurementSource.MANUAL: "by hand", MeasurementSource.CSV: "from a CSV file", MeasurementSource.API: "through the API"}


def _names(model, field: str):
    return lambda ws, ids: dict(model.objects.filter(workspace_id=ws, pk__in=ids).values_list("pk", field))


def _tell_goal(entry, lookup: h.Lookup) -> h.Told | None:
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "linked":
        if "idea" in after:
            return h.Told(f"linked idea {lookup.name('idea', after['idea']) or after.get('idea_title', 'an idea')} to {h.OBJ}")
        return h.Told(f"linked roadmap item {lookup.name('roadmap item', after.get('roadmap_item')) or after.get('item_title', 'an item')} to {h.OBJ}")
    if entry.action == "unlinked":
        if "idea" in before:
            return h.Told(f"unlinked idea {lookup.ref('idea', before['idea'], 'idea')} from {h.OBJ}")
        return h.Told(f"unlinked roadmap item {lookup.ref('roadmap item', before.get('roadmap_item'), 'roadmap item')} from {h.OBJ}")
    return None


def _goal_needs(entry):
    values = {**(entry.before or {}), **(entry.after or {})}
    return [(r, values[k]) for k, r in (("idea", "idea"), ("roadmap_item", "roadmap item")) if values.get(k)]


def _key_results(entry) -> list[str]:
    return [k for k in (entry.object_id or "").split(",") if k.isdigit()]


def _tell_measured(entry, lookup: h.Lookup) -> h.Told | None:
    after = entry.after or {}
    count = (after.get("created") or 0) + (after.get("replaced") or 0)
    names = [lookup.name("key result", k) for k in _key_results(entry)]
    of = (" and ".join(n for n in names if n) if 0 < len(names) <= 2 and all(names)
          else f"{len(names)} key results")  # fmt: skip
    details = [h.Detail(f"{after['replaced']} of them replaced an earlier value")] if after.get("replaced") else []
    how = SOURCES.get(after.get("source"), "")
    return h.Told(f"recorded {count} measurement{'s' * (count != 1)} of {of}{' ' + how if how else ''}", details)


def register() -> None:
    h.register_resolver("goal", _names(Goal, "title"))
    h.register_resolver("key result", _names(KeyResult, "name"))
    h.register(h.ObjectType(
        key="goal", noun="goal", resolver="goal", url=lambda slug, pk: reverse("goal", args=[slug, pk]),
        tell=_tell_goal, needs=_goal_needs, quiet={"title"},
        fields={
            "title": h.Field("Title"), "level": h.Field("Level", kind="choice", choices=dict(GoalLevel.choices)),
            "owner_id": h.Field("Owner", kind="ref", ref="person"), "teams": h.Field("Teams", kind="refs", ref="team"),
            "parent_id": h.Field("Supports", kind="ref", ref="goal"),
            "period_kind": h.Field("Period", kind="choice", choices=dict(PeriodKind.choices)),
            "start_date": h.Field("Starts", kind="date"), "end_date": h.Field("Ends", kind="date"),
            "description": h.Field("Why it matters", kind="markdown"),
        },
    ))
    h.register(h.ObjectType(
        key="key result", noun="key result", resolver="key result", quiet={"name"},
        fields={
            "name": h.Field("Name"), "unit": h.Field("Unit", kind="choice", choices=dict(Unit.choices)),
            "currency": h.Field("Currency"), "direction": h.Field("Direction", kind="choice", choices=dict(Direction.choices)),
            "baseline": h.Field("Baseline", kind="number"), "target": h.Field("Target", kind="number"),
            "target_min": h.Field("Lowest target", kind="number"), "owner_id": h.Field("Owner", kind="ref", ref="person"),
        },
    ))
    h.register(h.ObjectType(key="measurements", noun="", title="Measurements", tell=_tell_measured,
                            needs=lambda entry: [("key result", k) for k in _key_results(entry)]))
    h.register(h.ObjectType(
        key="measurement", noun="", title="Measurement", actions={"deleted": f"deleted the measurement of {h.NAME}"},
        fields={"date": h.Field("Date", kind="date"), "value": h.Field("Value", kind="number"), "note": h.Field("Note")},
    ))
    h.register(h.ObjectType(
        key="scoreboard link", noun="scoreboard link", quiet={"name"},
        fields={"name": h.Field("Name"), "refresh_seconds": h.Field("Refreshes every", kind="number", unit=" s"),
                "expires_at": h.Field("Expires", kind="datetime")},
    ))
