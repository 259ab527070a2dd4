"""Lanes and item flags that higher capabilities add to roadmaps; roadmaps imports none of them.

A higher app registers at start-up (in its AppConfig.ready()), e.g. the goals app:

    extensions.register_lanes(extensions.LaneSource(mode="goal", title="Goals", none_label="No goal",
                                                     keys=goal_lanes))
    extensions.register_flag(extensions.ItemFlag(key="no-goal", label="No goal", flagged=items_without_goal))

It may also add a view to share links' kiosk rotations (a view of no roadmap), e.g. the scoreboard:

    extensions.register_kiosk_view(extensions.KioskView(kind="scoreboard", label="Goals scoreboard",
                                                        render=board_section, version=board_version))

It may also add a colour dimension to "Colour bars by" (Roadmap.color_by), e.g. initiatives:

    extensions.register_colours(extensions.ColourSource(mode="stage", label="Stage",
        none_label="No initiative", legend=stages_of_workspace, values=stage_of_items))

`keys(item_ids)` returns, per item id, the (lane key, lane name) pairs it belongs to (one query);
items missing from the answer go to the "none" lane. `flagged(workspace_id, item_ids)` returns the
ids that carry the flag (one query). Timeline, board, table, kiosk and exports all use them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LaneSource:
    mode: str  # the Roadmap.lane_mode value that uses it
    title: str  # the heading of the lanes column, e.g. "Goals"
    none_label: str  # the lane of the items that belong to none, e.g. "No goal"
    keys: Callable[[list[int]], dict[int, list[tuple[str, str]]]]
    # Optional: the lanes' order (lane key -> rank, one query), e.g. the lifecycle's stage order;
    # by default lanes are sorted by name.
    rank: Callable[[list[str]], dict[str, int]] | None = None


@dataclass(frozen=True)
class ItemFlag:
    key: str
    label: str
    flagged: Callable[[int, list[int]], set[int]]


@dataclass(frozen=True)
class KioskView:
    """A view a share link may rotate through beside the roadmap views, stored as {"view": kind}."""

    kind: str  # the view's value in ShareLink.views, e.g. "scoreboard"
    label: str  # shown in the sharing form, the kiosk's dots and the link list
    render: Callable[[Any, int], str]  # (workspace, index) -> a safe <section data-view-index=...>
    version: Callable[[Any], str]  # workspace -> changes whenever what render shows changes


@dataclass(frozen=True)
class ColourSource:
    """A colour dimension of the bars. Each value has a colour of its own (e.g. a stage's); the
    roadmap draws it in the nearest colour of its palette (accessible, and one per value) on the
    timeline, its legend and the exports alike (colours.py)."""

    mode: str  # the Roadmap.color_by value that uses it, e.g. "stage"
    label: str  # "Colour: Stage"
    none_label: str  # the legend entry of the items without a value, e.g. "No initiative"
    # workspace_id -> every value, in the legend's order: [(key, name, "#rrggbb")] (one query)
    legend: Callable[[int], list[tuple[str, str, str]]]
    # (workspace_id, item_ids) -> {item_id: key}; items missing have no value (one query)
    values: Callable[[int, list[int]], dict[int, str]]


LANE_SOURCES: dict[str, LaneSource] = {}
COLOUR_SOURCES: dict[str, ColourSource] = {}
ITEM_FLAGS: dict[str, ItemFlag] = {}
KIOSK_VIEWS: dict[str, KioskView] = {}


def register_lanes(source: LaneSource) -> None:
    LANE_SOURCES[source.mode] = source


def register_colours(source: ColourSource) -> None:
    COLOUR_SOURCES[source.mode] = source


def register_flag(flag: ItemFlag) -> None:
    ITEM_FLAGS[flag.key] = flag


def register_kiosk_view(view: KioskView) -> None:
    KIOSK_VIEWS[view.kind] = view


def group(source: LaneSource, items: list, make_row) -> list:
    """Rows (make_row(key, name) with an .items list) of the items by the source's lanes; "none" last."""
    keys = source.keys([it.pk for it in items])
    rows: dict[str, object] = {}
    none_key = f"{source.mode}-none"
    for it in items:
        for key, name in keys.get(it.pk) or [(none_key, source.none_label)]:
            if key not in rows:
                rows[key] = make_row(key, name)
            rows[key].items.append(it)
    ranks = source.rank([k for k in rows if k != none_key]) if source.rank else {}
    return sorted(
        rows.values(), key=lambda r: (r.key == none_key, ranks.get(r.key, 0), r.name.lower())
    )


def flags_for(workspace_id: int, item_ids: list[int]) -> dict[int, list[str]]:
    """The labels of the registered flags each item carries."""
    out: dict[int, list[str]] = {}
    if not item_ids:
        return out
    for flag in ITEM_FLAGS.values():
        for item_id in flag.flagged(workspace_id, item_ids):
            out.setdefault(item_id, []).append(flag.label)
    return out


@dataclass(frozen=True)
class ItemPanel:
    """A card a higher app adds to the roadmap item page's side column (e.g. the post-mortem an
    item came from). `context(member, item)` returns the template's context, None to hide it."""

    key: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100


ITEM_PANELS: dict[str, ItemPanel] = {}


@dataclass(frozen=True)
class MoveWarning:
    """Something a higher app has to say when a bar is moved on the timeline and the move is saved
    (e.g. capacity: "Platform is overbooked in 2027-Q2 by 12.5 person-days"). `warn(workspace,
    item)` returns sentences, none when all is well; the timeline shows them beside "Saved"."""

    key: str
    warn: Callable[[Any, Any], list[str]]


MOVE_WARNINGS: dict[str, MoveWarning] = {}


def register_move_warning(warning: MoveWarning) -> None:
    MOVE_WARNINGS[warning.key] = warning


def move_warnings(workspace, item) -> list[str]:
    out: list[str] = []
    for key in sorted(MOVE_WARNINGS):
        out += MOVE_WARNINGS[key].warn(workspace, item)
    return out


def register_item_panel(panel: ItemPanel) -> None:
    ITEM_PANELS[panel.key] = panel


def render_item_panels(request, member, item) -> list[str]:
    from django.template.loader import render_to_string

    html = []
    for panel in sorted(ITEM_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(member, item)
        if context is not None:
            html.append(
                render_to_string(panel.template, {"item": item, **context}, request=request)
            )
    return html
