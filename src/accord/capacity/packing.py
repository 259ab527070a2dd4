"""Starts for a fixed set of ideas (the set problem's answer, see selection.by_selection): heuristics
that find a schedule in milliseconds where one exists, before the feasibility MIP is asked.

The chosen set usually fills each team's capacity to within a person-day or two over the horizon,
so the packing is tight: first fit decreasing (pack) fails often; the repair search (repair) then
moves and swaps ideas between periods until no team-period is overbooked. Both are deterministic
(every choice is broken by key and period) and neither can claim infeasibility: None means "not
found", and the caller asks the MIP.
"""

from __future__ import annotations

import time

from .solver import EPS, Instance, _topological


def relative_size(instance: Instance):
    room = {
        t: sum(instance.cap(t, q) for q in range(len(instance.periods))) or 1.0
        for t in instance.teams
    }
    return lambda c: max(c.effort.get(t, 0.0) / room[t] for t in c.effort) if c.effort else 0.0


def total_size(c) -> float:
    return sum(c.effort.values())


def pack(instance: Instance, size) -> dict[str, int] | None:
    """Every candidate placed, largest first (first fit decreasing, the bin-packing heuristic), a
    candidate's predecessors before it, each at the start that leaves its teams' periods the least
    room (best fit) unless others wait on it (then the earliest). None if one does not fit."""
    used: dict[tuple[str, int], float] = {}
    starts: dict[str, int] = {}
    waited_on = {b for c in instance.candidates for b in c.after}

    def place(c) -> bool:
        if c.key in starts:
            return True
        for b in sorted(c.after):
            if b in instance.by_key and not place(instance.by_key[b]):
                return False
        ready = max(
            [starts[b] + instance.by_key[b].duration for b in c.after if b in instance.by_key],
            default=0,
        )
        best = None
        for p in instance.starts(c):
            if p < ready:
                continue
            cells = [(t, q) for t in c.effort for q in range(p, p + c.duration)]
            if any(
                used.get(cell, 0.0) + c.load(cell[0]) > instance.cap(*cell) + EPS for cell in cells
            ):
                continue
            if c.key in waited_on:
                best = p
                break
            left = sum(
                instance.cap(*cell) - used.get(cell, 0.0) - c.load(cell[0]) for cell in cells
            )
            if best is None or left < best[0] - EPS:
                best = (left, p)
        if best is None:
            return False
        p = best if isinstance(best, int) else best[1]
        starts[c.key] = p
        for t in c.effort:
            for q in range(p, p + c.duration):
                used[(t, q)] = used.get((t, q), 0.0) + c.load(t)
        return True

    pinned = [c for c in instance.candidates if c.pin is not None]
    rest = sorted(
        (c for c in instance.candidates if c.pin is None),
        key=lambda c: (-c.duration, -size(c), c.key),
    )
    for c in pinned + rest:
        if not place(c):
            return None
    return starts


def windows(instance: Instance) -> dict[str, list[int]] | None:
    """Each candidate's starts, narrowed by its dependencies inside the instance: no earlier than
    its predecessors' earliest finish, no later than its successors' latest start allows (the
    propagation a scheduler does before placing anything). None if one is left with none."""
    by = instance.by_key
    cands = instance.candidates
    preds = {c.key: [b for b in c.after if b in by] for c in cands}
    succs: dict[str, list[str]] = {c.key: [] for c in cands}
    for c in cands:
        for b in preds[c.key]:
            succs[b].append(c.key)
    opts = {c.key: [p for p in instance.starts(c) if instance.fits_alone(c, p)] for c in cands}
    topo = _topological(instance, cands)
    first: dict[str, int] = {}
    for c in topo:
        lo = max([first[b] + by[b].duration for b in preds[c.key]], default=0)
        opts[c.key] = [p for p in opts[c.key] if p >= lo]
        if not opts[c.key]:
            return None
        first[c.key] = opts[c.key][0]
    last: dict[str, int] = {}
    for c in reversed(topo):
        hi = min([last[s] - c.duration for s in succs[c.key]], default=len(instance.periods))
        opts[c.key] = [p for p in opts[c.key] if p <= hi]
        if not opts[c.key]:
            return None
        last[c.key] = opts[c.key][-1]
    return opts


def repair(
    instance: Instance, *, max_moves: int = 300, time_limit: float = 5.0
) -> dict[str, int] | None:
    """Every candidate placed within its window and dependencies, no team-period overbooked; or None.

    Construction: largest first (predecessors before), each at the start that overbooks the least
    and then leaves the least room. Then a tabu search on the total overbooking: take the most
    overbooked team-period, and move one of its ideas to another allowed start, or swap it with a
    smaller idea of that team starting there, whichever lowers the overbooking the most (ties by
    key: deterministic); a move just undone is tabu for a few steps unless it beats the best so far.
    Bounded by `max_moves` (so the same input gives the same answer on a busy machine as on an idle
    one); `time_limit` only guards against a machine far slower than expected.
    """
    started = time.perf_counter()
    opts = windows(instance)
    if opts is None:
        return None
    by = instance.by_key
    cands = instance.candidates
    n_p = len(instance.periods)
    team_ix = {t: n for n, t in enumerate(instance.teams)}
    cap = [[instance.cap(t, q) for q in range(n_p)] for t in instance.teams]
    used = [[0.0] * n_p for _ in instance.teams]
    preds = {c.key: [b for b in c.after if b in by] for c in cands}
    succs: dict[str, list[str]] = {c.key: [] for c in cands}
    for c in cands:
        for b in preds[c.key]:
            succs[b].append(c.key)
    loads = {
        c.key: [(team_ix[t], c.load(t)) for t in sorted(c.effort) if c.load(t) > 0] for c in cands
    }
    load_in = {key: dict(pairs) for key, pairs in loads.items()}
    dur = {c.key: c.duration for c in cands}
    start: dict[str, int] = {}

    def shift(key: str, p: int, sign: float) -> None:
        for ti, load in loads[key]:
            for q in range(p, p + dur[key]):
                used[ti][q] += sign * load

    def moved(key: str, p0: int | None, p: int, ch: dict) -> dict:
        for ti, load in loads[key]:
            if p0 is not None:
                for q in range(p0, p0 + dur[key]):
                    ch[(ti, q)] = ch.get((ti, q), 0.0) - load
            for q in range(p, p + dur[key]):
                ch[(ti, q)] = ch.get((ti, q), 0.0) + load
        return ch

    def worse(ch: dict) -> float:  # overbooking these load changes add
        out = 0.0
        for (ti, q), d in ch.items():
            u, c = used[ti][q], cap[ti][q]
            out += max(0.0, u + d - c) - max(0.0, u - c)
        return out

    def window(key: str) -> list[int]:
        lo = max([start[b] + dur[b] for b in preds[key] if b in start], default=0)
        hi = min([start[s] - dur[key] for s in succs[key] if s in start], default=n_p)
        return [p for p in opts[key] if lo <= p <= hi]

    largest = sorted(cands, key=lambda c: (-c.duration, -sum(c.effort.values()), c.key))
    for c in _topological(instance, largest):
        best = None
        for p in window(c.key):
            ch = moved(c.key, None, p, {})
            score = (worse(ch), -sum(cap[ti][q] - used[ti][q] for ti, q in ch), p)
            if best is None or score < best[0]:
                best = (score, p)
        if best is None:
            return None
        start[c.key] = best[1]
        shift(c.key, best[1], 1.0)
    cells = [(ti, q) for ti in range(len(cap)) for q in range(n_p)]
    total = sum(max(0.0, used[ti][q] - cap[ti][q]) for ti, q in cells)
    best_total, tabu, step = total, {}, 0
    while total > EPS:
        step += 1
        if step > max_moves or time.perf_counter() - started > time_limit:
            return None
        ti, q = max(cells, key=lambda cell: (used[cell[0]][cell[1]] - cap[cell[0]][cell[1]],
                                               -cell[0], -cell[1]))  # fmt: skip
        at: dict[int, list[str]] = {}
        for key in sorted(start):
            at.setdefault(start[key], []).append(key)
        there = [k for k in sorted(start) if start[k] <= q < start[k] + dur[k]]
        best = None
        for key in there:
            mine = load_in[key].get(ti)
            if not mine:
                continue
            p0 = start[key]
            for p in window(key):
                if p == p0:
                    continue
                ch = moved(key, p0, p, {})
                gain = worse(ch)
                free = tabu.get((key, p), 0) < step or total + gain < best_total - EPS
                if free and (best is None or gain < best[0] - EPS):
                    best = (gain, key, p, None)
                for other in at.get(p, []):
                    if (other == key or dur[other] != dur[key] or other in preds[key]
                            or other in succs[key] or load_in[other].get(ti, 0.0) >= mine
                            or p0 not in window(other)):  # fmt: skip
                        continue
                    gain2 = worse(moved(other, p, p0, dict(ch)))
                    free = (tabu.get((key, p), 0) < step and tabu.get((other, p0), 0) < step) or (
                        total + gain2 < best_total - EPS
                    )
                    if free and (best is None or gain2 < best[0] - EPS):
                        best = (gain2, key, p, other)
        if best is None:
            return None
        gain, key, p, other = best
        p0 = start[key]
        shift(key, p0, -1.0)
        shift(key, p, 1.0)
        start[key] = p
        tabu[(key, p0)] = step + 10
        if other:
            shift(other, p, -1.0)
            shift(other, p0, 1.0)
            start[other] = p0
            tabu[(other, p)] = step + 10
        total = sum(max(0.0, used[ti][q] - cap[ti][q]) for ti, q in cells)  # no drift
        best_total = min(best_total, total)
    return start
