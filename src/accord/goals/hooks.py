"""What goals adds to lower capabilities, through their hooks (they import nothing of goals):

- ideas: the evidence source "goals.alignment", a scoring criterion filled from an idea's goal links.
  Raw value = the sum over the goals the idea serves of a level weight (company 1.0, department 0.6,
  team 0.3); saturation 2.0, so serving two company goals (or one company and two department goals)
  earns the top of the criterion's scale. Scores stay absolute.
- roadmaps: timeline lanes "By goal" (an item serving two goals shows in both lanes; items serving
  none gather in "No goal"), the "No goal" flag on items of workspaces that have goals, and the
  scoreboard as a view share links can rotate through (kiosk).
"""

from accord.ideas import evidence
from accord.roadmaps import extensions

from . import selectors
from .models import Goal, GoalLevel

LEVEL_WEIGHTS = {GoalLevel.COMPANY: 1.0, GoalLevel.DEPARTMENT: 0.6, GoalLevel.TEAM: 0.3}
ALIGNMENT_SATURATION = 2.0


def alignment(workspace_id: int, idea_ids: list[int] | None) -> dict[int, float]:
    links = Goal.ideas.through.objects.filter(goal__workspace_id=workspace_id)
    if idea_ids is not None:
        links = links.filter(idea_id__in=idea_ids)
    raw: dict[int, float] = {}
    for idea_id, level in links.values_list("idea_id", "goal__level"):
        raw[idea_id] = raw.get(idea_id, 0.0) + LEVEL_WEIGHTS.get(level, 0.0)
    return raw


def goal_lanes(item_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    lanes: dict[int, list[tuple[str, str]]] = {}
    for item_id, goal_id, title in (
        Goal.roadmap_items.through.objects.filter(roadmapitem_id__in=item_ids)
        .order_by("goal__position", "goal_id")
        .values_list("roadmapitem_id", "goal_id", "goal__title")
    ):
        lanes.setdefault(item_id, []).append((f"goal-{goal_id}", title))
    return lanes


def items_without_goal(workspace_id: int, item_ids: list[int]) -> set[int]:
    """Nothing is flagged in a workspace that does not use goals at all."""
    if not Goal.objects.filter(workspace_id=workspace_id).exists():
        return set()
    served = set(
        Goal.roadmap_items.through.objects.filter(roadmapitem_id__in=item_ids).values_list(
            "roadmapitem_id", flat=True
        )
    )
    return set(item_ids) - served


def kiosk_view(workspace, index: int) -> str:
    """The scoreboard as a view of a roadmaps share link's rotation (the cached public board)."""
    from django.template.loader import render_to_string

    from .views import scoreboard_board

    board = scoreboard_board(workspace, public=True)
    return render_to_string("goals/_kiosk_view.html", {"index": index, "board": board})


def kiosk_version(workspace) -> str:
    return selectors.scoreboard_version(workspace=workspace)


def register_all() -> None:
    evidence.register(
        evidence.EvidenceSource(
            key="goals.alignment",
            label="Goal alignment",
            saturation=ALIGNMENT_SATURATION,
            compute=alignment,
            unit="weighted goals (company 1, department 0.6, team 0.3)",
        )
    )
    extensions.register_lanes(
        extensions.LaneSource(
            mode="goal", title="Goals", none_label="No goal", keys=goal_lanes
        )
    )
    extensions.register_flag(
        extensions.ItemFlag(key="no-goal", label="No goal", flagged=items_without_goal)
    )
    extensions.register_kiosk_view(
        extensions.KioskView(
            kind="scoreboard", label="Goals scoreboard", render=kiosk_view, version=kiosk_version
        )
    )
