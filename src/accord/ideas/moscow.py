"""MoSCoW's effort balance: are the Must-haves a safe share of the work planned for this time?

DSDM Agile Project Framework handbook, 10.4.1: Must Have effort above 60 % of the effort of the
project, increment or timebox puts delivery at risk, because the Shoulds and Coulds are the
contingency. Won't-haves ("won't have this time") are not planned for this time, so they count on
neither side: Must 60, Should 30, Won't 30 is 60 of 90 planned, 67 %, above the limit.

Pure Python like the scoring engine: the selector feeds it (category, effort) pairs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .scoring import format_number

MUST, WONT = 4, 1  # the MoSCoW model's category values (scoring.MOSCOW_LABELS)
MUST_EFFORT_LIMIT = 0.6


@dataclass(frozen=True)
class EffortBalance:
    must_effort: float
    planned_effort: float  # Must + Should + Could: the effort planned for this time
    wont_effort: float  # left out of the share
    share: float | None  # must_effort / planned_effort; None when nothing planned has an estimate
    estimated: int  # ideas counted (category and a positive effort estimate)
    unestimated: int  # ideas with a category but no usable effort estimate, counted nowhere
    threshold: float = MUST_EFFORT_LIMIT

    @property
    def warning(self) -> bool:
        if self.share is None:
            return False
        limit = self.threshold * self.planned_effort
        return self.must_effort > limit and not math.isclose(self.must_effort, limit, rel_tol=1e-9)

    @property
    def message(self) -> str | None:
        """The warning in words, or None when the Musts are within the limit."""
        if not self.warning:
            return None
        pct = self.share * 100
        shown = f"{pct:.0f}"
        if shown == f"{self.threshold * 100:.0f}":  # 60.3 % must not read as "60 %", which is allowed
            shown = f"{pct:.1f}"
        return (
            f"Must-have items take {shown} % of the effort planned for this time "
            f"({format_number(self.must_effort)} of {format_number(self.planned_effort)}; "
            f"Won't-haves are left out). DSDM recommends at most {self.threshold * 100:.0f} %, "
            "so that Should- and Could-haves leave room for surprises."
        )


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def effort_balance(items: Iterable[tuple[Any, Any]]) -> EffortBalance:
    """The balance of (category, effort) pairs; a pair without a known category is skipped, one
    without a positive effort estimate is counted as unestimated."""
    must = planned = wont = 0.0
    estimated = unestimated = 0
    for raw_category, raw_effort in items:
        category = _number(raw_category)
        if category is None or round(category) not in (1, 2, 3, 4):
            continue
        effort = _number(raw_effort)
        if effort is None or effort <= 0:
            unestimated += 1
            continue
        estimated += 1
        if round(category) == WONT:
            wont += effort
            continue
        planned += effort
        if round(category) == MUST:
            must += effort
    return EffortBalance(
        must_effort=must,
        planned_effort=planned,
        wont_effort=wont,
        share=must / planned if planned > 0 else None,
        estimated=estimated,
        unestimated=unestimated,
    )


def effort_warning(items: Iterable[tuple[Any, Any]]) -> str | None:
    """The warning when Must-haves take more than 60 % of the planned effort, else None."""
    return effort_balance(items).message
