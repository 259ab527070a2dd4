"""Every write to roadmaps, lanes, milestones, items, dependencies and share links."""

from .items import (
    dependency_create,
    dependency_delete,
    item_create,
    item_delete,
    item_from_idea,
    item_move,
    item_update,
)
from .roadmaps import (
    lane_create,
    lane_delete,
    lane_update,
    milestone_create,
    milestone_delete,
    milestone_update,
    roadmap_create,
    roadmap_delete,
    roadmap_update,
    saved_view_create,
    saved_view_delete,
)
from .sharing import (
    calendar_feed_create,
    calendar_feed_resolve,
    calendar_feed_revoke,
    share_link_create,
    share_link_resolve,
    share_link_revoke,
)

__all__ = [
    "calendar_feed_create",
    "calendar_feed_resolve",
    "calendar_feed_revoke",
    "dependency_create",
    "dependency_delete",
    "item_create",
    "item_delete",
    "item_from_idea",
    "item_move",
    "item_update",
    "lane_create",
    "lane_delete",
    "lane_update",
    "milestone_create",
    "milestone_delete",
    "milestone_update",
    "roadmap_create",
    "roadmap_delete",
    "roadmap_update",
    "saved_view_create",
    "saved_view_delete",
    "share_link_create",
    "share_link_resolve",
    "share_link_revoke",
]
