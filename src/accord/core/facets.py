"""Filters that higher capabilities add to the lists of lower ones (ideas, roadmap items, goals),
which import none of them. E.g. initiatives adds "Stage" (the lifecycle stage of the initiatives
an idea belongs to) in its AppConfig.ready():

    facets.register(facets.Facet(key="stage", label="Stage", target="idea",
                                 options=stage_options, narrow=ideas_in_stage))

A list asks `facets.form(target, params, workspace_id)` for the select boxes of its filter form
and `facets.apply(target, queryset, params, workspace_id)` to narrow what it shows. `options`
returns (value, label) pairs in one query; `narrow` filters a queryset by one value (a subquery,
never a list of ids in Python). An unknown value narrows to nothing rather than failing.

A facet may also say what each object carries, so a list can show it (a badge in the facet's
colour), group by it and colour by it: `values(workspace_id, ids)` returns, per id, the
(value, label, "#rrggbb") it has, in the options' order (one query); ask `facets.values(target,
ids, workspace_id)` for every facet's at once, and `facets.group(...)` to group a list by one.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db.models import QuerySet

TARGETS = {"idea", "roadmap_item", "goal"}


@dataclass(frozen=True)
class Facet:
    key: str  # the query parameter, e.g. "stage"
    label: str  # the filter's label, e.g. "Stage"
    target: str  # which list: "idea", "roadmap_item" or "goal"
    options: Callable[[int], list[tuple[str, str]]]  # workspace_id -> [(value, label)]
    narrow: Callable[[QuerySet, int, str], QuerySet]  # (queryset, workspace_id, value) -> queryset
    # Optional: (workspace_id, ids) -> {id: [(value, label, "#rrggbb")]} (one query)
    values: Callable[[int, list[int]], dict[int, list[tuple[str, str, str]]]] | None = None
    # Optional: workspace_id -> {value: "#rrggbb"}, every option's colour (one query)
    colours: Callable[[int], dict[str, str]] | None = None


FACETS: dict[tuple[str, str], Facet] = {}


def register(facet: Facet) -> None:
    if facet.target not in TARGETS:
        raise ValueError(f"Unknown facet target {facet.target!r}.")
    existing = FACETS.get((facet.target, facet.key))
    if existing is not None and existing != facet:
        raise ValueError(f"Facet {facet.key} of {facet.target} is registered twice.")
    FACETS[(facet.target, facet.key)] = facet


def for_target(target: str) -> list[Facet]:
    return [f for (t, _k), f in sorted(FACETS.items()) if t == target]


def form(target: str, params: Mapping, workspace_id: int) -> list[dict]:
    """The select boxes of the list's filter form: key, label, options, the chosen value."""
    return [
        {
            "key": f.key,
            "label": f.label,
            "options": f.options(workspace_id),
            "value": params.get(f.key) or "",
        }
        for f in for_target(target)
    ]


def apply(target: str, queryset: QuerySet, params: Mapping, workspace_id: int) -> QuerySet:
    for f in for_target(target):
        value = params.get(f.key)
        if value:
            queryset = f.narrow(queryset, workspace_id, str(value))
    return queryset


def groupable(target: str) -> list[Facet]:
    """The facets a list of `target` can show per object and group by (those with `values`)."""
    return [f for f in for_target(target) if f.values is not None]


def values(target: str, ids: list[int], workspace_id: int) -> dict[str, dict[int, list[tuple]]]:
    """Per facet key, what each object carries: {key: {id: [(value, label, colour)]}}."""
    ids = list(ids)
    return {f.key: (f.values(workspace_id, ids) if ids else {}) for f in groupable(target)}


def group(
    facet: Facet, objects: list, workspace_id: int, none_label: str, keep_empty: bool = False
) -> list[tuple[str, str, str, list]]:
    """`objects` (with .pk) in groups by the facet's value, in the options' order: [(value, label,
    colour, objects)], an object in every group of its values, those with none last ("" value);
    `keep_empty` keeps the options no object carries (a board's empty columns). Two queries: the
    options and the values (and the colours, with `keep_empty`)."""
    carried = facet.values(workspace_id, [o.pk for o in objects]) if objects else {}
    colours = facet.colours(workspace_id) if keep_empty and facet.colours else {}
    groups: dict[str, tuple[str, str, str, list]] = {}
    for value, label in facet.options(workspace_id):
        groups[value] = (value, label, colours.get(value, ""), [])
    loose: list = []
    for obj in objects:
        found = carried.get(obj.pk) or []
        for value, label, colour in found:
            if value not in groups:
                groups[value] = (value, label, colour, [])
            groups[value] = (value, groups[value][1], colour, groups[value][3])
            groups[value][3].append(obj)
        if not found:
            loose.append(obj)
    out = [g for g in groups.values() if g[3] or keep_empty]
    return out + ([("", none_label, "", loose)] if loose else [])


def annotate(target: str, objects, workspace_id: int) -> list[Facet]:
    """Set `obj.facet_cells` ([(facet, [(value, label, colour)])], one per groupable facet, in the
    order of the returned facets: the columns' headings) on each object of a page. One query a
    facet."""
    objects = list(objects)
    shown = groupable(target)
    carried = values(target, [o.pk for o in objects], workspace_id)
    for obj in objects:
        obj.facet_cells = [(f, carried[f.key].get(obj.pk, [])) for f in shown]
    return shown
