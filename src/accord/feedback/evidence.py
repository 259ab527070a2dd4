"""Feedback as evidence for scoring: three sources an evidence criterion can use.

- feedback.linked: how many feedback items are linked to the idea.
- feedback.customers: how many distinct customers those items come from.
- feedback.revenue: revenue-weighted demand, the sum over the idea's distinct customers of
  revenue_weight x the strongest importance that customer's feedback was linked with
  (nice to have 0.5, important 1, critical 2). A customer asking five times counts once.

Feedback from a portal sender who has not confirmed their address yet counts in none of them.
Each compute is one query. Services call `refresh_for` whenever links, a linked item's customer or a
customer's revenue weight change, or a sender confirms their address.
"""

from collections import defaultdict
from collections.abc import Iterable

from accord.ideas import evidence

from .models import FeedbackLink, Importance

IMPORTANCE_WEIGHT = {
    Importance.NICE_TO_HAVE: 0.5,
    Importance.IMPORTANT: 1.0,
    Importance.CRITICAL: 2.0,
}
KEYS = frozenset({"feedback.linked", "feedback.customers", "feedback.revenue"})


def _links(workspace_id: int, idea_ids: list[int] | None):
    # A portal sender who has not confirmed their address is no evidence yet.
    links = FeedbackLink.objects.filter(idea__workspace_id=workspace_id, feedback__unverified_email="")
    if idea_ids is not None:
        links = links.filter(idea_id__in=idea_ids)
    return links


def linked_counts(workspace_id: int, idea_ids: list[int] | None) -> dict[int, float]:
    counts: dict[int, float] = defaultdict(float)
    for idea_id in _links(workspace_id, idea_ids).values_list("idea_id", flat=True):
        counts[idea_id] += 1
    return dict(counts)


def customer_counts(workspace_id: int, idea_ids: list[int] | None) -> dict[int, float]:
    seen = set(
        _links(workspace_id, idea_ids)
        .filter(feedback__customer__isnull=False)
        .values_list("idea_id", "feedback__customer_id")
    )
    counts: dict[int, float] = defaultdict(float)
    for idea_id, _customer in seen:
        counts[idea_id] += 1
    return dict(counts)


def revenue_demand(workspace_id: int, idea_ids: list[int] | None) -> dict[int, float]:
    strongest: dict[tuple[int, int], float] = {}
    revenue: dict[int, float] = {}
    rows = (
        _links(workspace_id, idea_ids)
        .filter(feedback__customer__isnull=False)
        .values_list("idea_id", "feedback__customer_id", "feedback__customer__revenue_weight", "importance")
    )
    for idea_id, customer_id, weight, importance in rows:
        key = (idea_id, customer_id)
        strongest[key] = max(strongest.get(key, 0.0), IMPORTANCE_WEIGHT.get(importance, 1.0))
        revenue[customer_id] = weight or 0.0
    demand: dict[int, float] = defaultdict(float)
    for (idea_id, customer_id), factor in strongest.items():
        demand[idea_id] += revenue[customer_id] * factor
    return {k: round(v, 4) for k, v in demand.items()}


def register() -> None:
    evidence.register(
        evidence.EvidenceSource(
            key="feedback.linked",
            label="Linked feedback items",
            saturation=10.0,
            compute=linked_counts,
            unit="items",
        )
    )
    evidence.register(
        evidence.EvidenceSource(
            key="feedback.customers",
            label="Customers asking",
            saturation=5.0,
            compute=customer_counts,
            unit="customers",
        )
    )
    evidence.register(
        evidence.EvidenceSource(
            key="feedback.revenue",
            label="Revenue-weighted demand",
            saturation=500.0,  # e.g. 500k ARR asking "important" tops the scale
            compute=revenue_demand,
            unit="revenue weight",
        )
    )


def refresh_for(workspace_id: int, idea_ids: Iterable[int]) -> None:
    ids = sorted(set(idea_ids))
    if ids:
        evidence.refresh(workspace_id=workspace_id, keys=KEYS, idea_ids=ids)
