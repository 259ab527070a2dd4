"""The planning problem, the greedy plan and the MIP (HiGHS), without Django.

An Instance is a set of candidates (ideas, or roadmap items that carry effort) over consecutive
periods. Each candidate needs person-days from one or more teams, spread evenly over `duration`
consecutive periods. The MIP chooses for every candidate at most one start period:

    x[i,p] in {0,1}            i starts in period p (only starts that the window allows)
    sum_p x[i,p] <= 1          (= 1 when pinned)
    capacity, per team t and period q:
        sum_{i,p: p <= q < p+dur_i} effort[i,t]/dur_i * x[i,p] <= capacity[t,q]
    finish-to-start i -> j, per start q of j (cumulative sums):
        sum_{p<=q} x[j,p] <= sum_{p+dur_i-1 < q} x[i,p]
    mutually exclusive i, j:  sum_p x[i,p] + sum_p x[j,p] <= 1
    share of a team's capacity over the horizon, per group G (goal, department or tag):
        sum_{i in G} effort[i,t] * sum_p x[i,p]  >= / <=  share * sum_q capacity[t,q]
    or in every period q on its own (scope "period"):
        sum_{i in G, p: p <= q < p+dur_i} effort[i,t]/dur_i * x[i,p]  >= / <=  share * capacity[t,q]
    maximize sum value_i * (1 - discount)^finish_period * x[i,p]

Solving: the LP relaxation first (interior point without crossover on large models, its bound
then taken from the row duals, see dual_bound), a small MIP over the starts the LP uses, and the
full branch and bound only if that plan is not within the requested gap of the LP bound (never on
the largest models: no time to beat the small MIP there). Small models get selection columns y_i
and a knapsack row per team over the horizon (see build).

Tightening: a start is dropped when the candidate alone would overflow a team-period, or when it
cannot finish before its deadline or before the horizon ends; the greedy plan is given to HiGHS
as a starting solution, so the MIP is never worse than greedy. Inputs are sorted by key, the
random seed and thread count fixed: the same input gives the same plan.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

SEED = 20261206
EPS = 1e-6


class Cycle(ValueError):
    def __init__(self, keys: list[str]):
        self.keys = keys
        super().__init__(" → ".join(keys))


@dataclass
class Candidate:
    key: str  # "idea:12" or "item:7": sorts the input
    label: str
    value: float
    effort: dict[str, float]  # team key -> person-days in total
    duration: int = 1  # consecutive periods the effort is spread over
    earliest: int = 0  # first allowed start period (index)
    deadline: int | None = None  # last allowed finish period (index)
    pin: int | None = None  # must start in this period
    after: list[str] = field(default_factory=list)  # finish-to-start predecessors (candidate keys)
    not_before: int = 0  # finish-to-start after fixed work outside the plan: start >= this
    blocked: str = ""  # a predecessor that cannot happen in the horizon: why

    def load(self, team: str) -> float:
        return self.effort.get(team, 0.0) / self.duration


@dataclass
class Share:
    team: str
    members: frozenset[str]  # candidate keys in the group
    share: float  # 0-1
    minimum: bool  # True: at least; False: at most
    label: str
    per_period: bool = False  # True: in every period on its own; False: over the whole horizon

    def bounds(self, instance: Instance) -> list[tuple[list[int], float]]:
        """(periods, the share of their capacity): one pair over the horizon, or one per period."""
        every = range(len(instance.periods))
        spans = [[q] for q in every] if self.per_period else [list(every)]
        return [(qs, self.share * sum(instance.cap(self.team, q) for q in qs)) for qs in spans]

    def used(self, instance: Instance, key: str, p: int, qs: list[int]) -> float:
        """What candidate `key` started in `p` puts into periods `qs` of the share's team."""
        c = instance.by_key[key]
        if key not in self.members or c.effort.get(self.team, 0.0) <= 0:
            return 0.0
        return c.load(self.team) * sum(1 for q in qs if p <= q < p + c.duration)


@dataclass
class Instance:
    teams: list[str]
    team_labels: dict[str, str]
    periods: list[str]  # labels, in order
    capacity: dict[tuple[str, int], float]  # (team, period index) -> person-days
    candidates: list[Candidate]
    exclusive: list[tuple[str, str]] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    discount: float = 0.0  # per period, 0-1
    units: dict[str, str] = field(default_factory=dict)  # team -> "person_days" or "points"

    def __post_init__(self) -> None:
        self.candidates = sorted(self.candidates, key=lambda c: c.key)
        self.teams = sorted(self.teams)
        self.exclusive = sorted({tuple(sorted(pair)) for pair in self.exclusive})
        self.by_key = {c.key: c for c in self.candidates}

    def cap(self, team: str, q: int) -> float:
        return self.capacity.get((team, q), 0.0)

    def unit(self, team: str) -> str:
        return self.units.get(team, "person_days")

    @property
    def mixed_units(self) -> bool:
        """Teams plan in different units: efforts of different teams cannot be added up."""
        return len({self.unit(t) for t in self.teams}) > 1

    def size(self, c: Candidate) -> float:
        """How much a candidate asks, to compare candidates: its total effort when every team plans
        in one unit, else the sum of its shares of each team's capacity over the horizon (in
        average periods), as person-days and points do not add up."""
        if not self.mixed_units:
            return sum(c.effort.values())
        if not hasattr(self, "_per_period"):
            n = max(1, len(self.periods))
            self._per_period = {t: sum(self.cap(t, q) for q in range(n)) / n for t in self.teams}
        return sum(v / (self._per_period.get(t) or 1.0) for t, v in c.effort.items())

    def worth(self, c: Candidate, start: int) -> float:
        return c.value * (1.0 - self.discount) ** (start + c.duration - 1)

    def total_effort(self, c: Candidate) -> float:
        return sum(c.effort.values())

    def starts(self, c: Candidate, relax: frozenset = frozenset()) -> list[int]:
        """The start periods its window allows (pins, earliest starts, deadlines, the horizon)."""
        last = len(self.periods) - c.duration
        if c.deadline is not None and ("deadline", c.key) not in relax:
            last = min(last, c.deadline - c.duration + 1)
        first = max(0 if ("earliest", c.key) in relax else c.earliest, c.not_before)
        if c.blocked:
            return []
        options = list(range(first, last + 1))
        if c.pin is not None and ("pin", c.key) not in relax:
            options = [c.pin] if c.pin in options or ("window", c.key) in relax else []
        return options

    def fits_alone(self, c: Candidate, p: int) -> bool:
        return all(
            c.load(t) <= self.cap(t, q) + EPS for t in c.effort for q in range(p, p + c.duration)
        )


def find_cycle(instance: Instance) -> list[str] | None:
    """A dependency cycle as [a, b, ..., a], or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(key: str) -> list[str] | None:
        state[key] = 1
        stack.append(key)
        for before in sorted(instance.by_key[key].after):
            if before not in instance.by_key:
                continue
            if state.get(before) == 1:
                return [*stack[stack.index(before) :], before]
            if before not in state:
                found = visit(before)
                if found:
                    return found
        stack.pop()
        state[key] = 2
        return None

    for c in instance.candidates:
        if c.key not in state:
            found = visit(c.key)
            if found:
                return list(reversed(found))
    return None


# ---------------------------------------------------------------- plans


@dataclass
class Plan:
    starts: dict[str, int]  # candidate key -> start period
    value: float
    status: str = "feasible"  # optimal, feasible (time limit / gap), infeasible, greedy
    gap: float | None = None  # relative, 0-1
    bound: float | None = None
    seconds: float = 0.0
    note: str = ""

    def load(self, instance: Instance) -> dict[tuple[str, int], float]:
        used: dict[tuple[str, int], float] = {}
        for key, p in self.starts.items():
            c = instance.by_key[key]
            for t in c.effort:
                for q in range(p, p + c.duration):
                    used[(t, q)] = used.get((t, q), 0.0) + c.load(t)
        return used


def _value(instance: Instance, starts: dict[str, int]) -> float:
    return sum(instance.worth(instance.by_key[k], p) for k, p in starts.items())


def ratio(instance: Instance, c: Candidate) -> float:
    effort = instance.size(c)
    return c.value / effort if effort > 0 else math.inf


def greedy(
    instance: Instance,
    order: list[str] | None = None,
    prefer: dict[str, int] | None = None,
    fixed: dict[str, int] | None = None,
) -> Plan:
    """Value per person-day first, each at its earliest start that fits; pins first. Passes repeat
    until nothing more fits, so an idea skipped for a dependency gets its chance once that is in.
    Min shares are not pursued: a greedy plan below one is reported infeasible."""
    started = time.perf_counter()
    used: dict[tuple[str, int], float] = {}
    starts: dict[str, int] = {}
    spans = [share.bounds(instance) for share in instance.shares]
    share_used = [[0.0] * len(span) for span in spans]

    def share_room(c: Candidate, p: int) -> bool:  # the maximum shares still hold with c at p
        return all(
            share_used[s][n] + share.used(instance, c.key, p, qs) <= limit + EPS
            for s, share in enumerate(instance.shares)
            if not share.minimum and c.key in share.members
            for n, (qs, limit) in enumerate(spans[s])
        )

    def share_add(key: str, p: int) -> None:
        for s, share in enumerate(instance.shares):
            if key in share.members:
                for n, (qs, _) in enumerate(spans[s]):
                    share_used[s][n] += share.used(instance, key, p, qs)

    excluded: dict[str, set[str]] = {}
    for a, b in instance.exclusive:
        excluded.setdefault(a, set()).add(b)
        excluded.setdefault(b, set()).add(a)

    def try_place(c: Candidate) -> bool:
        if excluded.get(c.key, set()) & starts.keys():
            return False
        if any(b not in starts for b in c.after if b in instance.by_key):
            return False
        ready = max(
            [starts[b] + instance.by_key[b].duration for b in c.after if b in instance.by_key],
            default=0,
        )
        options = instance.starts(c)
        if prefer and c.key in prefer and prefer[c.key] in options:
            options = [prefer[c.key]] + [p for p in options if p != prefer[c.key]]
        for p in options:
            if p < ready:
                continue
            if all(
                used.get((t, q), 0.0) + c.load(t) <= instance.cap(t, q) + EPS
                for t in c.effort
                for q in range(p, p + c.duration)
            ) and share_room(c, p):
                starts[c.key] = p
                for t in c.effort:
                    for q in range(p, p + c.duration):
                        used[(t, q)] = used.get((t, q), 0.0) + c.load(t)
                share_add(c.key, p)
                return True
        return False

    for key, p in sorted((fixed or {}).items()):
        c = instance.by_key[key]
        starts[key] = p
        for t in c.effort:
            for q in range(p, p + c.duration):
                used[(t, q)] = used.get((t, q), 0.0) + c.load(t)
        share_add(key, p)
    pinned = [c for c in instance.candidates if c.pin is not None and c.key not in starts]
    ok = all(try_place(c) for c in _topological(instance, pinned))
    rest = sorted(
        (c for c in instance.candidates if c.pin is None),
        key=lambda c: (-ratio(instance, c), c.key),
    )
    if order is not None:
        rank = {k: n for n, k in enumerate(order)}
        rest.sort(key=lambda c: rank.get(c.key, len(rank)))
    placed = True
    while placed:
        placed = False
        for c in rest:
            if c.key not in starts and try_place(c):
                placed = True
    if not meets_min_shares(instance, starts):
        ok = False
    return Plan(
        starts=starts,
        value=_value(instance, starts),
        status="greedy" if ok else "infeasible",
        seconds=time.perf_counter() - started,
        note="" if ok else "The greedy plan breaks a pin or a minimum share.",
    )


def share_totals(
    instance: Instance, starts: dict[str, int]
) -> list[list[tuple[list[int], float, float]]]:
    """Per share, per span (the horizon, or each period): (periods, what the plan puts there, the
    bound)."""
    out = []
    for share in instance.shares:
        rows = []
        for qs, limit in share.bounds(instance):
            got = sum(
                share.used(instance, k, p, qs) for k, p in starts.items() if k in share.members
            )
            rows.append((qs, got, limit))
        out.append(rows)
    return out


def meets_min_shares(instance: Instance, starts: dict[str, int]) -> bool:
    return all(
        got >= limit - EPS
        for share, rows in zip(instance.shares, share_totals(instance, starts), strict=True)
        if share.minimum
        for _, got, limit in rows
    )


def meets_shares(instance: Instance, starts: dict[str, int]) -> bool:
    """Every share, minimum and maximum, in every span it covers."""
    return all(
        (got >= limit - EPS) if share.minimum else (got <= limit + EPS)
        for share, rows in zip(instance.shares, share_totals(instance, starts), strict=True)
        for _, got, limit in rows
    )


def _topological(instance: Instance, cands: list[Candidate]) -> list[Candidate]:
    keys = {c.key for c in cands}
    done: set[str] = set()
    out: list[Candidate] = []

    def visit(c: Candidate) -> None:
        if c.key in done:
            return
        done.add(c.key)
        for b in c.after:
            if b in keys:
                visit(instance.by_key[b])
        out.append(c)

    for c in cands:
        visit(c)
    return out


# ---------------------------------------------------------------- the MIP


@dataclass
class Model:
    columns: list[tuple[str, int]]  # (candidate key, start)
    highs: object
    lp_bound: float | None = None  # the LP relaxation's value: a valid upper bound
    lp_x: np.ndarray | None = None  # the LP relaxation's solution
    cost: np.ndarray | None = None  # the objective, and the rows as CSR (for a dual bound)
    rows: tuple | None = None  # (lower, upper, starts, index, values)
    selection: dict[str, int] = field(default_factory=dict)  # key -> its selection column (small)
    unmeetable: list[str] = field(default_factory=list)  # minimum shares no idea can contribute to


def build(instance: Instance, *, relax: frozenset = frozenset(), objective: bool = True):
    """The MIP as a highspy.Highs ready to run, and its columns."""
    import highspy

    columns: list[tuple[str, int]] = []
    cost: list[float] = []
    of: dict[str, list[int]] = {}
    for c in instance.candidates:
        for p in instance.starts(c, relax):
            if not instance.fits_alone(c, p):
                continue
            of.setdefault(c.key, []).append(len(columns))
            columns.append((c.key, p))
            cost.append(instance.worth(c, p) if objective else 0.0)
    rows_lo: list[float] = []
    rows_hi: list[float] = []
    starts_: list[int] = []
    index: list[int] = []
    values: list[float] = []

    def row(lo: float, hi: float, entries: list[tuple[int, float]]) -> None:
        starts_.append(len(index))
        for j, v in entries:
            index.append(j)
            values.append(v)
        rows_lo.append(lo)
        rows_hi.append(hi)

    inf = highspy.kHighsInf
    # small models: a selection column y_i = sum_p x[i,p] per idea, and each team's capacity over
    # the horizon on them (a knapsack row HiGHS derives cover cuts from; branching on y does not
    # just move an idea to another period). Found to close the 200-idea gap 4x faster.
    selection: dict[str, int] = {}
    if objective and len(columns) <= SMALL:
        for key in sorted(of):
            selection[key] = len(columns) + len(selection)
        cost = cost + [0.0] * len(selection)
        for key, y in selection.items():
            row(0.0, 0.0, [(j, 1.0) for j in of[key]] + [(y, -1.0)])
        for t in instance.teams:
            horizon = sum(instance.cap(t, q) for q in range(len(instance.periods)))
            entries = [(y, instance.by_key[k].effort.get(t, 0.0)) for k, y in selection.items()
                       if instance.by_key[k].effort.get(t, 0.0) > 0]  # fmt: skip
            if sum(v for _, v in entries) > horizon + EPS:
                row(-inf, horizon, entries)
    infeasible_pins = []
    model_notes: list[str] = []  # minimum shares nothing can meet
    for c in instance.candidates:
        cols = of.get(c.key, [])
        must = c.pin is not None and ("pin", c.key) not in relax
        if must and not cols:
            infeasible_pins.append(c.key)
        if cols:
            row(1.0 if must else -inf, 1.0, [(j, 1.0) for j in cols])
    # capacity
    per_cell: dict[tuple[str, int], list[tuple[int, float]]] = {}
    for j, (key, p) in enumerate(columns):
        c = instance.by_key[key]
        for t in c.effort:
            load = c.load(t)
            if load <= 0:
                continue
            for q in range(p, p + c.duration):
                per_cell.setdefault((t, q), []).append((j, load))
    for cell in sorted(per_cell):
        entries = per_cell[cell]
        cap = instance.cap(*cell)
        if sum(v for _, v in entries) > cap + EPS:
            row(-inf, cap, entries)
    # finish-to-start
    for c in instance.candidates:
        for b in c.after:
            if b not in instance.by_key or ("dep", b, c.key) in relax:
                continue
            before = instance.by_key[b]
            mine = [(j, columns[j][1]) for j in of.get(c.key, [])]
            theirs = [(j, columns[j][1]) for j in of.get(b, [])]
            for q in sorted({p for _, p in mine}):
                entries = [(j, 1.0) for j, p in mine if p <= q]
                entries += [(j, -1.0) for j, p in theirs if p + before.duration - 1 < q]
                row(-inf, 0.0, entries)
    for a, b in instance.exclusive:
        if ("exclude", a, b) in relax:
            continue
        entries = [(j, 1.0) for j in of.get(a, []) + of.get(b, [])]
        if entries:
            row(-inf, 1.0, entries)
    for s, share in enumerate(instance.shares):
        if ("share", s) in relax:
            continue
        for qs, limit in share.bounds(instance):
            entries = [
                (j, v)
                for k in sorted(share.members)
                for j in of.get(k, [])
                if (v := share.used(instance, k, columns[j][1], qs)) > 0
            ]
            if share.minimum:
                if not entries and limit > EPS:  # no idea of the share can put anything there
                    model_notes.append(f"{share.label}: none of its ideas needs {instance.team_labels.get(share.team, share.team)}")
                row(limit, inf, entries)
            else:
                row(-inf, limit, entries)

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", SEED % 2_147_483_647)
    h.setOptionValue("threads", 1)
    n = len(columns) + len(selection)
    if n:
        h.addCols(
            n,
            np.array(cost),
            np.zeros(n),
            np.ones(n),
            0,
            np.array([], dtype=np.int32),
            np.array([], dtype=np.int32),
            np.array([]),
        )
        h.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n)
        )
    if rows_lo:
        h.addRows(
            len(rows_lo), np.array(rows_lo), np.array(rows_hi), len(index),
            np.array(starts_, dtype=np.int32), np.array(index, dtype=np.int32), np.array(values),
        )  # fmt: skip
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    rows = (np.array(rows_lo), np.array(rows_hi), np.array([*starts_, len(index)], dtype=np.int64),
            np.array(index, dtype=np.int64), np.array(values))  # fmt: skip
    model = Model(columns=columns, highs=h, cost=np.array(cost), rows=rows, selection=selection)
    model.unmeetable = model_notes
    return model, infeasible_pins


SMALL = 3_000  # x columns up to which the model gets selection columns (see build)
BIG = 20_000  # columns from which the LP relaxation is solved by interior point without crossover


def dual_bound(model: Model, y: np.ndarray) -> float:
    """An upper bound on every plan (and the LP) from any row multipliers y (Lagrangian bound):
    for 0 <= x <= 1 within the rows, c.x <= sum_r y_r * (hi_r if y_r > 0 else lo_r)
    + sum_j max(0, c_j - (A^T y)_j). Multipliers pointing at an infinite side count as 0."""
    lo, hi, starts, index, values = model.rows
    y = np.where((y > 0) & ~np.isfinite(hi), 0.0, y)
    y = np.where((y < 0) & ~np.isfinite(lo), 0.0, y)
    per_entry = np.repeat(y, np.diff(starts)) * values
    aty = np.bincount(index, weights=per_entry, minlength=len(model.cost))
    side = np.where(
        y > 0, y * np.where(np.isfinite(hi), hi, 0.0), y * np.where(np.isfinite(lo), lo, 0.0)
    )
    return float(side.sum() + np.maximum(0.0, model.cost - aty).sum())


Progress = Callable[[dict], bool]  # gets {"seconds", "value", "bound", "gap"}; True: stop now


def lp_guided(instance: Instance, model: Model) -> Plan | None:
    """Round the LP relaxation: ideas the LP takes fully first, then by how much of them it takes,
    each at the start the LP likes best (a greedy pass in that order)."""
    import highspy

    h = model.highs
    n = h.getNumCol()
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kContinuous] * n)
    )
    big = n >= BIG and model.rows is not None
    if big:  # simplex takes minutes here; the interior point without crossover takes seconds
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "off")
    h.run()
    status = h.getModelStatus()
    ok = status == highspy.HighsModelStatus.kOptimal
    sol = h.getSolution()
    if big and (ok or status == highspy.HighsModelStatus.kUnknown) and sol.dual_valid:
        y = np.array(sol.row_dual)  # not proven optimal: bound from the duals, either sign
        model.lp_bound = min(dual_bound(model, y), dual_bound(model, -y))
        ok = math.isfinite(model.lp_bound)
    elif ok:
        model.lp_bound = float(h.getInfo().objective_function_value)
    x = list(sol.col_value) if ok else []
    if ok:
        model.lp_x = np.array(x)
    if big:
        h.setOptionValue("solver", "choose")
        h.setOptionValue("run_crossover", "on")
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n)
    )
    h.clearSolver()
    if not ok:
        return None
    taken: dict[str, float] = {}
    prefer: dict[str, tuple[float, int]] = {}
    for j, (key, p) in enumerate(model.columns):
        taken[key] = taken.get(key, 0.0) + x[j]
        if x[j] > prefer.get(key, (-1.0, 0))[0] + EPS:
            prefer[key] = (x[j], p)
    order = sorted(
        instance.by_key,
        key=lambda k: (-round(taken.get(k, 0.0), 6), -ratio(instance, instance.by_key[k]), k),
    )
    return greedy(instance, order=order, prefer={k: v[1] for k, v in prefer.items()})


def restricted(instance: Instance, model: Model, *, gap: float, time_limit: float) -> Plan | None:
    """A MIP over the starts the LP relaxation uses (the others fixed at 0), then what still fits:
    the LP leaves few ideas fractional, so this small MIP finds a plan close to the LP bound fast."""

    if model.lp_x is None or time_limit <= 0.05:
        return None
    h = model.highs
    n = h.getNumCol()
    tiny = 1e-6 if n < BIG else 0.02  # an interior point is never exactly 0
    zero = np.flatnonzero(model.lp_x <= tiny).astype(np.int32)
    h.changeColsBounds(len(zero), zero, np.zeros(len(zero)), np.zeros(len(zero)))
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.run()
    found = h.getInfo().primal_solution_status == 2
    x = np.array(h.getSolution().col_value) if found else None
    h.changeColsBounds(n, np.arange(n, dtype=np.int32), np.zeros(n), np.ones(n))
    h.clearSolver()
    if x is None:
        return None
    fixed = {
        model.columns[j][0]: model.columns[j][1]
        for j in np.flatnonzero(x[: len(model.columns)] > 0.5)
    }
    plan = greedy(instance, fixed=fixed)
    return plan if plan.status != "infeasible" else None


def solve(
    instance: Instance,
    *,
    time_limit: float = 10.0,
    gap: float = 0.001,
    warm: Plan | None = None,
    progress: Progress | None = None,
) -> Plan:
    """The best plan HiGHS finds within the time limit, with the proven gap."""
    import highspy

    started = time.perf_counter()
    warm = warm or greedy(instance)
    model, impossible = build(instance)
    if impossible:
        return Plan(starts={}, value=0.0, status="infeasible", seconds=time.perf_counter() - started,
                    note="A pin cannot be met: " + ", ".join(impossible))  # fmt: skip
    if model.unmeetable:
        return Plan(starts={}, value=0.0, status="infeasible", seconds=time.perf_counter() - started,
                    note="A minimum share cannot be met: " + "; ".join(model.unmeetable))  # fmt: skip
    h = model.highs
    if not model.columns:
        return Plan(starts={}, value=0.0, status="optimal", gap=0.0, bound=0.0, seconds=0.0)
    h.setOptionValue(
        "time_limit", max(0.1, 0.5 * (float(time_limit) - (time.perf_counter() - started)))
    )
    rounded = lp_guided(instance, model)
    if (
        rounded is not None
        and rounded.status != "infeasible"
        and (warm.status == "infeasible" or rounded.value > warm.value)
    ):
        warm = rounded
    # the set problem first (see by_selection): fast, and bounded by half the time left
    from .selection import by_selection

    chosen = by_selection(instance, model, gap=max(float(gap), 1e-4), warm=warm,
                          time_limit=0.5 * (float(time_limit) - (time.perf_counter() - started)))  # fmt: skip
    if chosen is not None and chosen.gap is not None and chosen.gap <= max(float(gap), 1e-4):
        chosen.seconds = time.perf_counter() - started
        if chosen.gap > 1e-4:  # as HiGHS calls a plan optimal
            chosen.status, chosen.note = (
                "feasible",
                "Within the requested gap of the bound: not proven optimal.",
            )
        return chosen
    stopped = {"by_user": False, "restricted": True}
    if progress is not None:
        last = {"at": 0.0}

        def tick(event) -> None:
            now = time.perf_counter()
            if now - last["at"] < 0.5:
                return
            last["at"] = now
            out = event.data_out
            value, bound = float(out.mip_primal_bound), float(out.mip_dual_bound)
            if stopped["restricted"] and model.lp_bound is not None:
                bound = model.lp_bound  # the small MIP's own bound is not a bound on every plan
            info = {
                "seconds": round(now - started, 2),
                "value": value,
                "bound": bound,
                "gap": max(0.0, (bound - value) / max(abs(bound), 1e-9))
                if math.isfinite(bound) and math.isfinite(value)
                else float(out.mip_gap),
            }
            if progress(info):
                stopped["by_user"] = True
                event.interrupt()

        h.cbMipInterrupt.subscribe(tick)
    left = float(time_limit) - (time.perf_counter() - started)
    reserve = 0.05 * float(time_limit)  # reading the solution and the fill pass
    big = len(model.columns) >= BIG  # the full search has no time to beat the small MIP there
    sub = restricted(instance, model, gap=max(float(gap), 1e-4),
                     time_limit=left - 2 * reserve if big else 0.0 if model.selection else min(0.4 * left, 4.0))  # fmt: skip
    if sub is not None and (warm.status == "infeasible" or sub.value > warm.value):
        warm = sub
    stopped["restricted"] = False
    if stopped["by_user"]:
        return Plan(starts=dict(warm.starts), value=warm.value, status="feasible",
                    gap=None if model.lp_bound is None else max(0.0, 1 - warm.value / max(abs(model.lp_bound), 1e-9)),
                    bound=model.lp_bound, seconds=time.perf_counter() - started,
                    note="Cancelled: the best plan found so far.")  # fmt: skip
    close = (
        model.lp_bound is not None
        and (model.lp_bound - warm.value) <= float(gap) * max(abs(model.lp_bound), 1e-9)
        and gap > 0
    )
    if model.lp_bound is not None and warm.status != "infeasible" and (close or big):
        bound = model.lp_bound + 1e-9 * abs(model.lp_bound)
        gap_now = max(0.0, (bound - warm.value) / max(abs(bound), 1e-9))
        proven = close and gap_now <= min(float(gap), 1e-4)  # as HiGHS calls a plan optimal
        note = ("" if proven else "Within the requested gap of the LP bound: not proven optimal."
                if close else "Stopped at the time limit.")  # fmt: skip
        return Plan(starts=dict(warm.starts), value=warm.value, gap=gap_now, bound=bound,
                    status="optimal" if proven else "feasible",
                    seconds=time.perf_counter() - started, note=note)  # fmt: skip
    h.setOptionValue(
        "time_limit", max(0.1, float(time_limit) - reserve - (time.perf_counter() - started))
    )
    h.setOptionValue("mip_rel_gap", float(gap))
    if not model.selection:  # measured: helps the large models, hurts the small ones
        h.setOptionValue("mip_heuristic_effort", 0.3)
    if warm.status != "infeasible":
        col = {(k, p): j for j, (k, p) in enumerate(model.columns)}
        sol = highspy.HighsSolution()
        vec = np.zeros(h.getNumCol())
        usable = True
        for k, p in warm.starts.items():
            if (k, p) in col:
                vec[col[(k, p)]] = 1.0
                if k in model.selection:
                    vec[model.selection[k]] = 1.0
            else:
                usable = False
        if usable:
            sol.col_value = list(vec)
            sol.value_valid = True
            h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    seconds = time.perf_counter() - started
    if status == highspy.HighsModelStatus.kInfeasible:
        return Plan(
            starts={},
            value=0.0,
            status="infeasible",
            seconds=seconds,
            note="No plan meets every constraint.",
        )
    if info.primal_solution_status != 2:  # no feasible solution found
        fallback = warm if warm.status != "infeasible" else Plan(starts={}, value=0.0)
        bound = model.lp_bound
        gap_now = (
            max(0.0, (bound - fallback.value) / max(abs(bound), 1e-9))
            if bound is not None
            else None
        )
        return Plan(starts=dict(fallback.starts), value=fallback.value, status="feasible", gap=gap_now, bound=bound,
                    seconds=seconds, note="The solver stopped before improving on the starting plan (greedy or LP rounding).")  # fmt: skip
    x = h.getSolution().col_value
    starts = {
        model.columns[j][0]: model.columns[j][1] for j in range(len(model.columns)) if x[j] > 0.5
    }
    if status != highspy.HighsModelStatus.kOptimal:  # stopped early: add what still fits
        starts = greedy(instance, fixed=starts).starts
    value = _value(instance, starts)
    bound = float(info.mip_dual_bound)
    if model.lp_bound is not None and (not math.isfinite(bound) or model.lp_bound < bound):
        bound = model.lp_bound + 1e-9 * abs(model.lp_bound)
    if not math.isfinite(
        bound
    ):  # stopped before any relaxation: every idea at its best, a weak but true bound
        best: dict[str, float] = {}
        for key, p in model.columns:
            best[key] = max(best.get(key, 0.0), instance.worth(instance.by_key[key], p))
        bound = sum(best.values())
    gap_now = max(0.0, (bound - value) / max(abs(bound), 1e-9)) if math.isfinite(bound) else None
    optimal = status == highspy.HighsModelStatus.kOptimal
    note = ""
    if stopped["by_user"]:
        note = "Cancelled: the best plan found so far."
    elif not optimal:
        note = "Stopped at the time limit."
    return Plan(
        starts=starts,
        value=value,
        status="optimal" if optimal and not stopped["by_user"] else "feasible",
        gap=gap_now,
        bound=bound if math.isfinite(bound) else None,
        seconds=seconds,
        note=note,
    )
