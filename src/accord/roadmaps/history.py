"""How roadmaps, lanes, items, milestones, dependencies and sharing read in the history
(registered with accord.audit.history): "Priya moved roadmap item Self-serve SSO from Platform to
Integrations, Jan 5 → Jan 19"."""

from datetime import date

from django.urls import reverse

from accord.audit import history as h

from .models import (
    Bucket,
    DependencyKind,
    ItemStatus,
    Lane,
    LaneMode,
    Roadmap,
    RoadmapItem,
    RoadmapKind,
    TimeScale,
)

BUCKETS = dict(Bucket.choices)
DASH = "\u2013"
MOVE_FIELDS = {"roadmap_id", "lane_id", "start_date", "end_date", "bucket"}
VIEWS = {"timeline": "Timeline", "board": "Board", "table": "Table"}


def _roadmaps(workspace_id: int, ids: set) -> dict:
    return dict(Roadmap.objects.filter(workspace_id=workspace_id, pk__in=ids).values_list("pk", "name"))


def _lanes(workspace_id: int, ids: set) -> dict:
    return dict(Lane.objects.filter(roadmap__workspace_id=workspace_id, pk__in=ids).values_list("pk", "name"))


def _items(workspace_id: int, ids: set) -> dict:
    return dict(RoadmapItem.objects.filter(workspace_id=workspace_id, pk__in=ids).values_list("pk", "title"))


def _length(state: dict) -> int:
    return (date.fromisoformat(state["end_date"]) - date.fromisoformat(state["start_date"])).days


def _when(state: dict) -> str:
    """Where an item sits in time: "Jan 5-Feb 2" (with an en dash), or its bucket."""
    start, end = state.get("start_date"), state.get("end_date")
    if start and end:
        return f"{h.short_date(start)}{DASH}{h.short_date(end)}"
    return BUCKETS.get(state.get("bucket"), "undated")


def _dates(old: dict, new: dict) -> tuple[str, str]:
    """(where it went in time, by how much when the same bar shifted): ("Jan 5 → Jan 19", "14 days later")."""
    if old == new:
        return "", ""
    dated_before, dated_after = old.get("start_date") and old.get("end_date"), new.get("start_date") and new.get("end_date")
    if dated_before and dated_after:
        if _length(old) == _length(new):  # the same bar, shifted
            days = (date.fromisoformat(new["start_date"]) - date.fromisoformat(old["start_date"])).days
            shift = f"{abs(days)} day{'s' * (abs(days) != 1)} {'later' if days > 0 else 'earlier'}"
            return f"{h.short_date(old['start_date'])} → {h.short_date(new['start_date'])}", shift
        return f"{_when(old)} → {_when(new)}", ""
    return f"from {_when(old)} to {_when(new)}", ""


def _tell_item(entry, lookup: h.Lookup) -> h.Told | None:
    before, after = entry.before or {}, entry.after or {}
    if entry.action != "updated" or not MOVE_FIELDS & (set(before) | set(after)):
        return None
    parts = []
    if "roadmap_id" in after:
        parts.append(f"to {lookup.ref('roadmap', after['roadmap_id'], 'roadmap')}")
    if "lane_id" in before or "lane_id" in after:
        old, new = before.get("lane_id"), after.get("lane_id")
        old_name, new_name = lookup.ref("lane", old, "lane"), lookup.ref("lane", new, "lane")
        parts.append(f"from {old_name} to {new_name}" if old and new else f"to {new_name}" if new else f"out of {old_name}")
    where = " ".join(parts)
    keys = ("start_date", "end_date", "bucket")
    if not any(k in before or k in after for k in keys):
        return _with_rest(f"moved {h.OBJ} {where}", entry, lookup)
    if set(before) & set(keys) == {"end_date"} and before["end_date"] and after.get("end_date"):  # only the end moved
        lead = f"moved the end of {h.OBJ} from {h.short_date(before['end_date'])} to {h.short_date(after['end_date'])}"
        return _with_rest(f"{lead}{', ' + where if where else ''}", entry, lookup)
    # Only the changed fields are recorded: an unchanged date is the same before and after.
    arrow, shift = _dates({k: before.get(k, after.get(k)) for k in keys}, {k: after.get(k, before.get(k)) for k in keys})
    if where:
        return _with_rest(f"moved {h.OBJ} {where}, {arrow}{f' ({shift})' if shift else ''}", entry, lookup)
    return _with_rest(f"moved {h.OBJ} {shift + ': ' if shift else ''}{arrow}", entry, lookup)


def _with_rest(phrase: str, entry, lookup: h.Lookup) -> h.Told:
    rest = h.change_details(ITEM, entry.before, entry.after, lookup, skip=MOVE_FIELDS)
    return h.Told(phrase.rstrip(), [h.Detail(h.capfirst(d.text), d.markdown) for d in rest])


def _filters(value, lookup: h.Lookup) -> str:
    if not isinstance(value, dict):
        return h.any_text(value)
    words = []
    for key, v in value.items():
        if key == "team_id":
            words.append(f"team {lookup.ref('team', v, 'team')}")
        elif key == "lane_id":
            words.append(f"lane {lookup.ref('lane', v, 'lane')}")
        elif key == "status":
            words.append(f"status {dict(ItemStatus.choices).get(v, v)}")
        elif v not in (None, ""):
            words.append(f"{h.humanize(key).lower()} {v}")
    return ", ".join(words) or "none"


def _filter_needs(value):
    if not isinstance(value, dict):
        return []
    return [(r, value[k]) for k, r in (("team_id", "team"), ("lane_id", "lane")) if value.get(k)]


def _views(value, lookup: h.Lookup) -> str:
    shown = []
    for v in value or []:
        if isinstance(v, dict) and v.get("roadmap"):
            shown.append(f"{lookup.ref('roadmap', v['roadmap'], 'roadmap')} ({VIEWS.get(v.get('view'), v.get('view', ''))})")
        elif isinstance(v, dict) and v.get("view"):
            shown.append(h.humanize(str(v["view"])))
    return ", ".join(shown)


def _view_needs(value):
    return [("roadmap", v["roadmap"]) for v in value or [] if isinstance(v, dict) and v.get("roadmap")]


def _url(name: str):
    return lambda slug, object_id: reverse(name, args=[slug, object_id])


ITEM = h.ObjectType(
    key="roadmap item", noun="roadmap item", resolver="roadmap item", url=_url("roadmap_item"), tell=_tell_item,
    fields={
        "title": h.Field("Title"), "roadmap_id": h.Field("Roadmap", kind="ref", ref="roadmap"),
        "lane_id": h.Field("Lane", kind="ref", ref="lane"), "start_date": h.Field("Start", kind="date"),
        "end_date": h.Field("End", kind="date"), "bucket": h.Field("Horizon", kind="choice", choices=BUCKETS),
        "status": h.Field("Status", kind="choice", choices=dict(ItemStatus.choices)),
        "percent_done": h.Field("Percent done", kind="number", unit=" %"),
        "parent_id": h.Field("Container", kind="ref", ref="roadmap item"), "team_id": h.Field("Team", kind="ref", ref="team"),
        "idea_id": h.Field("Idea", kind="ref", ref="idea"), "description": h.Field("Description", kind="markdown"),
        "tags": h.Field("Tags", kind="list"),
    },
    quiet={"title"},
)


def register() -> None:
    h.register_resolver("roadmap", _roadmaps)
    h.register_resolver("lane", _lanes)
    h.register_resolver("roadmap item", _items)
    h.register(ITEM)
    h.register(h.ObjectType(
        key="roadmap", noun="roadmap", resolver="roadmap", url=_url("roadmap"), quiet={"name"},
        fields={
            "name": h.Field("Name"), "kind": h.Field("Kind", kind="choice", choices=dict(RoadmapKind.choices)),
            "description": h.Field("Description", kind="markdown"),
            "time_scale": h.Field("Time scale", kind="choice", choices=dict(TimeScale.choices)),
            "lane_mode": h.Field("Lanes", kind="choice", choices=dict(LaneMode.choices)),
            "color_by": h.Field("Colour by", kind="choice", choices={}), "lanes": h.Field("Lane names", kind="list"),
        },
    ))
    h.register(h.ObjectType(key="lane", noun="lane", quiet={"name"}, fields={"roadmap": h.Field("Roadmap"), "name": h.Field("Name")}))
    h.register(h.ObjectType(
        key="milestone", noun="milestone", quiet={"name"},
        fields={"name": h.Field("Name"), "date": h.Field("Date", kind="date"), "roadmap": h.Field("Roadmap"),
                "description": h.Field("Description", kind="markdown")},
    ))
    h.register(h.ObjectType(
        key="dependency", noun="", title="Dependency", actions={"created": f"added the dependency {h.NAME}", "deleted": f"removed the dependency {h.NAME}"},
        fields={"predecessor": h.Field("Predecessor", kind="hidden"), "successor": h.Field("Successor", kind="hidden"),
                "kind": h.Field("Kind", kind="choice", choices=dict(DependencyKind.choices))},
    ))
    h.register(h.ObjectType(
        key="saved view", noun="saved view",
        fields={"view": h.Field("View", kind="choice", choices=VIEWS), "filters": h.Field("Filters", show=_filters, needs=_filter_needs)},
    ))
    h.register(h.ObjectType(
        key="share link", noun="share link", quiet={"name"},
        fields={
            "name": h.Field("Name"), "views": h.Field("Shows", show=_views, needs=_view_needs),
            "rotate_seconds": h.Field("Rotates every", show=lambda v, _l: f"{v} s" if v else ""),
            "expires_at": h.Field("Expires", kind="datetime"), "password": h.Field("a password", kind="flag"),
        },
    ))
    h.register(h.ObjectType(
        key="calendar feed", noun="", title="Calendar feed", actions={"created": f"created a calendar feed of {h.NAME}", "revoked": f"revoked a calendar feed of {h.NAME}"},
    ))
