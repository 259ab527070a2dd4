"""Filters that higher capabilities add to the lists of lower ones (ideas, roadmap items, goals),
which import none of them. E.g. initiatives adds "Stage" (the lifecycle stage of the initiatives
an idea belongs to) in its AppConfig.ready():

    facets.register(facets.Facet(key="stage", label="Stage", target="idea",
                                 options=stage_options, narrow=ideas_in_stage))

A list asks `facets.form(target, params, workspace_id)` for the select boxes of its filter form
and `facets.apply(target, queryset, params, workspace_id)` to narrow what it shows. `options`
returns (value, label) pairs in one query; `narrow` filters a queryset by one value (a subquery,
never a list of ids in Python). An unknown value narrows to nothing rather than failing.
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
