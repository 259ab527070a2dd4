"""The set problem beside the MIP (see by_selection): without a discount it proves the optimum of
small plans in a fraction of the time the full model takes."""

from __future__ import annotations

import time

import numpy as np

from . import packing
from .solver import EPS, SEED, Instance, Model, Plan, _value, greedy, meets_shares


def _highs(
    lo: list, hi: list, cost: list, rows: list[tuple[float, float, list[tuple[int, float]]]]
):
    """A 0-1 maximisation over len(cost) columns, deterministic (seed, one thread)."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", SEED % 2_147_483_647)
    h.setOptionValue("threads", 1)
    n = len(cost)
    h.addCols(n, np.array(cost, dtype=float), np.array(lo, dtype=float), np.array(hi, dtype=float), 0,
              np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([]))  # fmt: skip
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n)
    )
    for r_lo, r_hi, entries in rows:
        if entries:
            idx = np.array([j for j, _ in entries], dtype=np.int32)
            h.addRow(r_lo, r_hi, len(idx), idx, np.array([v for _, v in entries], dtype=float))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


def by_selection(
    instance: Instance, model: Model, *, gap: float, time_limit: float, warm: Plan
) -> Plan | None:
    """Without a discount a plan is worth the ideas it holds, whatever their periods, so choosing the
    set is a relaxation: a knapsack per team on every span of periods (an idea counts there with the
    least of its load that any of its allowed starts puts inside the span), plus pins, dependencies
    (a successor needs its predecessor), exclusions and shares. Periods are interchangeable in the
    full model, which makes its optimum slow to prove; the set problem has no such symmetry and is
    solved in a fraction of a second. If its best set can be scheduled (greedy first, then a
    feasibility MIP on the full model with the set fixed), that plan is optimal for the full model
    within the set problem's gap. None when that does not hold (the caller goes on as before)."""
    import highspy

    if instance.discount or not model.selection or time_limit <= 0.1:
        return None
    started = time.perf_counter()
    keys = sorted({k for k, _ in model.columns})
    at = {k: n for n, k in enumerate(keys)}
    starts_of: dict[str, list[int]] = {}
    for k, p in model.columns:
        starts_of.setdefault(k, []).append(p)
    n_periods = len(instance.periods)
    rows: list[tuple[float, float, list[tuple[int, float]]]] = []
    inf = highspy.kHighsInf
    for t in instance.teams:
        for a in range(n_periods):
            for b in range(a, n_periods):
                entries = []
                for k in keys:
                    c = instance.by_key[k]
                    load = c.load(t)
                    if load <= 0:
                        continue
                    inside = min(
                        max(0, min(b, p + c.duration - 1) - max(a, p) + 1) for p in starts_of[k]
                    )
                    if inside:
                        entries.append((at[k], inside * load))
                cap = sum(instance.cap(t, q) for q in range(a, b + 1))
                if sum(v for _, v in entries) > cap + EPS:
                    rows.append((-inf, cap, entries))
    lo = [0.0] * len(keys)
    for k in keys:
        c = instance.by_key[k]
        if c.pin is not None:
            lo[at[k]] = 1.0
        for before in c.after:
            if before not in instance.by_key:
                continue
            if before not in at:  # its predecessor has no possible start: neither has it
                rows.append((-inf, 0.0, [(at[k], 1.0)]))
            else:
                rows.append((-inf, 0.0, [(at[k], 1.0), (at[before], -1.0)]))
    for a_key, b_key in instance.exclusive:
        entries = [(at[k], 1.0) for k in (a_key, b_key) if k in at]
        rows.append((-inf, 1.0, entries))
    # a share in every period holds over the horizon too: a relaxation of it
    for share in instance.shares:
        horizon = sum(instance.cap(share.team, q) for q in range(n_periods))
        entries = [(at[k], instance.by_key[k].effort.get(share.team, 0.0)) for k in sorted(share.members)
                   if k in at and instance.by_key[k].effort.get(share.team, 0.0) > 0]  # fmt: skip
        rows.append(
            (share.share * horizon, inf, entries)
            if share.minimum
            else (-inf, share.share * horizon, entries)
        )
    h = _highs(lo, [1.0] * len(keys), [instance.by_key[k].value for k in keys], rows)
    if warm.status != "infeasible" and all(k in at for k in warm.starts):
        sol = highspy.HighsSolution()
        vec = np.zeros(len(keys))
        for k in warm.starts:
            vec[at[k]] = 1.0
        sol.col_value = list(vec)
        sol.value_valid = True
        h.setSolution(sol)
    cuts = 0
    while True:
        left = time_limit - (time.perf_counter() - started)
        if left <= 0.05:
            return None
        h.setOptionValue("time_limit", float(left))
        h.setOptionValue("mip_rel_gap", float(gap))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None  # infeasible, or not within the gap in time: the full model will say
        info = h.getInfo()
        bound = float(info.mip_dual_bound)
        chosen = [keys[j] for j, v in enumerate(h.getSolution().col_value) if v > 0.5]
        plan = _schedule(instance, model, chosen, time_limit - (time.perf_counter() - started))
        if plan is not None:
            break
        if cuts >= 5:
            return None
        cuts += 1  # that set cannot be scheduled: no plan holds exactly it or more of it
        idx = np.array([at[k] for k in chosen], dtype=np.int32)
        h.addRow(-inf, len(chosen) - 1.0, len(idx), idx, np.ones(len(idx)))
        h.clearSolver()
    if plan.value < warm.value and warm.status != "infeasible" and meets_shares(instance, warm.starts):
        plan = Plan(starts=dict(warm.starts), value=warm.value)  # (a greedy plan below a minimum share is no plan)
    bound = max(bound, plan.value)
    gap_now = max(0.0, (bound - plan.value) / max(abs(bound), 1e-9))
    return Plan(starts=plan.starts, value=plan.value, status="optimal", gap=gap_now, bound=bound,
                seconds=time.perf_counter() - started)  # fmt: skip


def _schedule(
    instance: Instance, model: Model, chosen: list[str], time_limit: float
) -> Plan | None:
    """Starts for exactly these ideas within every constraint, or None."""

    sub = Instance(teams=instance.teams, team_labels=instance.team_labels, periods=instance.periods,
                   capacity=instance.capacity, candidates=[instance.by_key[k] for k in chosen])  # fmt: skip

    # the heuristics leave the shares out: over the horizon they hold for any starts of this set,
    # but a share in every period has to be checked
    def tries():
        plan = greedy(sub)
        yield plan.starts if len(plan.starts) == len(chosen) else None
        yield packing.pack(sub, packing.relative_size(sub))
        yield packing.pack(sub, packing.total_size)
        yield packing.repair(sub, time_limit=0.25 * time_limit)  # bounded by moves: deterministic

    for starts in tries():
        if starts is not None and meets_shares(instance, starts):
            return Plan(starts=starts, value=_value(instance, starts))
    if time_limit <= 0.05:
        return None
    h = model.highs
    sel = np.array(sorted(model.selection.values()), dtype=np.int32)
    want = set(chosen)
    fixed = np.array([1.0 if k in want else 0.0 for k in sorted(model.selection)])
    h.changeColsBounds(len(sel), sel, fixed, fixed)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1.0)  # any plan will do: they are all worth the same
    h.run()
    found = h.getInfo().primal_solution_status == 2
    x = np.array(h.getSolution().col_value) if found else None
    h.changeColsBounds(len(sel), sel, np.zeros(len(sel)), np.ones(len(sel)))
    h.clearSolver()
    if x is None:
        return None
    starts = {
        model.columns[j][0]: model.columns[j][1]
        for j in np.flatnonzero(x[: len(model.columns)] > 0.5)
    }
    return Plan(starts=starts, value=_value(instance, starts))
