"""What initiatives add to lower capabilities, through their registries (they import nothing of
initiatives):

- roadmaps: timeline lanes "By stage" (an item in two initiatives of different stages shows in
  both lanes; items in no initiative gather in "No initiative"), in the lifecycle's order;
- roadmaps: "Colour bars by: Stage" (the earliest stage of the item's active initiatives, in the
  stage's colour; "No initiative" grey);
- ideas, roadmap items, goals: the list filter "Stage" (accord.core.facets): what belongs to an
  active initiative in that stage, and the stages each one carries (a badge in the stage's colour,
  the ideas board's columns by stage);
- ideas: a panel on the idea page listing the initiatives it belongs to, with their stage.
"""

from django.urls import reverse

from accord.core import facets
from accord.ideas import panels
from accord.roadmaps import extensions
from accord.workspaces.permissions import can

from . import selectors
from .models import Initiative, LifecycleStage

THROUGH = {"idea": Initiative.ideas.through, "roadmap_item": Initiative.roadmap_items.through,
           "goal": Initiative.goals.through}  # fmt: skip
COLUMN = {"idea": "idea_id", "roadmap_item": "roadmapitem_id", "goal": "goal_id"}


def stage_lanes(item_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    lanes: dict[int, list[tuple[str, str]]] = {}
    rows = (
        THROUGH["roadmap_item"]
        .objects.filter(roadmapitem_id__in=item_ids)
        .order_by("initiative__stage__position", "initiative__stage_id")
        .values_list("roadmapitem_id", "initiative__stage_id", "initiative__stage__name")
        .distinct()
    )
    for item_id, stage_id, name in rows:
        found = lanes.setdefault(item_id, [])
        if (f"stage-{stage_id}", name) not in found:
            found.append((f"stage-{stage_id}", name))
    return lanes


def stage_rank(keys: list[str]) -> dict[str, int]:
    ids = [int(k.removeprefix("stage-")) for k in keys if k.removeprefix("stage-").isdigit()]
    return {
        f"stage-{pk}": pos
        for pk, pos in LifecycleStage.objects.filter(pk__in=ids).values_list("pk", "position")
    }


def stage_options(workspace_id: int) -> list[tuple[str, str]]:
    return [(s.key, s.name) for s in selectors.ensure_stages(workspace_id)]


def _active_links(target: str, workspace_id: int, ids: list[int]):
    return THROUGH[target].objects.filter(
        **{f"{COLUMN[target]}__in": ids},
        initiative__workspace_id=workspace_id,
        initiative__archived_at__isnull=True,
    )


def _values(target: str):
    def values(workspace_id: int, ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
        out: dict[int, list[tuple[str, str, str]]] = {}
        rows = (
            _active_links(target, workspace_id, ids)
            .order_by("initiative__stage__position", "initiative__stage_id")
            .values_list(
                COLUMN[target],
                "initiative__stage__key",
                "initiative__stage__name",
                "initiative__stage__color",
            )
        )
        for obj_id, key, name, color in rows:
            found = out.setdefault(obj_id, [])
            if (key, name, color) not in found:
                found.append((key, name, color))
        return out

    return values


def stage_legend(workspace_id: int) -> list[tuple[str, str, str]]:
    return list(
        LifecycleStage.objects.filter(workspace_id=workspace_id).values_list("key", "name", "color")
    )


def stage_colours(workspace_id: int) -> dict[str, str]:
    return dict(
        LifecycleStage.objects.filter(workspace_id=workspace_id).values_list("key", "color")
    )


def item_stage(workspace_id: int, item_ids: list[int]) -> dict[int, str]:
    """The stage a bar is coloured by: the earliest of its active initiatives' stages."""
    return {
        item_id: found[0][0]
        for item_id, found in _values("roadmap_item")(workspace_id, item_ids).items()
    }


def _narrow(target: str):
    def narrow(queryset, workspace_id: int, value: str):
        links = THROUGH[target].objects.filter(
            initiative__workspace_id=workspace_id,
            initiative__stage__key=value,
            initiative__archived_at__isnull=True,
        )
        return queryset.filter(pk__in=links.values(COLUMN[target]))

    return narrow


def idea_panel(request, member, idea) -> dict | None:
    if not can(member, "initiative.view"):
        return None
    return {
        "initiatives": selectors.initiatives_of_idea(workspace=member.workspace, idea_id=idea.pk),
        "portfolio_url": reverse("initiatives", args=[member.workspace.slug]),
    }


def register_all() -> None:
    extensions.register_lanes(
        extensions.LaneSource(
            mode="stage",
            title="Stages",
            none_label="No initiative",
            keys=stage_lanes,
            rank=stage_rank,
        )
    )
    extensions.register_colours(
        extensions.ColourSource(
            mode="stage",
            label="Stage",
            none_label="No initiative",
            legend=stage_legend,
            values=item_stage,
        )
    )
    for target in ("idea", "roadmap_item", "goal"):
        facets.register(
            facets.Facet(
                key="stage",
                label="Stage",
                target=target,
                options=stage_options,
                narrow=_narrow(target),
                values=_values(target),
                colours=stage_colours,
            )
        )
    panels.register(
        panels.IdeaPanel(
            key="initiatives.of_idea",
            template="initiatives/_idea_panel.html",
            context=idea_panel,
            order=60,
        )
    )
