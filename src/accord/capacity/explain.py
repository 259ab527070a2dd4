"""Why each idea is where the plan put it, and why each idea left out is out (and what would let it in).

Reasons are data ({"kind": ..., "text": ..., and the figures}); `text` is the sentence people read.
Kinds for ideas left out: window (deadline/earliest start/horizon), dependency, exclusion,
capacity (with the person-days or points short per team and period, and what it would displace),
share (a maximum share over the horizon or in a period),
solver (fits but the solver stopped before proving it should not be in).
Kinds for planned ideas: pinned, dependency, earliest, value (best value per capacity), later.
"""

from __future__ import annotations

from .solver import EPS, Candidate, Instance, Plan, ratio


def _amount(x: float, unit: str = "person_days") -> str:
    """A figure in a team's unit: "12.5 person-days", "8 points"."""
    return f"{x:,.1f}".rstrip("0").rstrip(".") + (" points" if unit == "points" else " person-days")


def _num(x: float) -> str:
    return f"{x:,.1f}".rstrip("0").rstrip(".")


class Explainer:
    def __init__(self, instance: Instance, plan: Plan):
        self.i = instance
        self.plan = plan
        self.used = plan.load(instance)
        self.rank = {
            c.key: n
            for n, c in enumerate(
                sorted(instance.candidates, key=lambda c: (-ratio(instance, c), c.key)), start=1
            )
        }
        self.excl: dict[str, set[str]] = {}
        for a, b in instance.exclusive:
            self.excl.setdefault(a, set()).add(b)
            self.excl.setdefault(b, set()).add(a)
        # who occupies each team-period, for "what would it displace"
        self.occupants: dict[tuple[str, int], list[str]] = {}
        for key, p in sorted(plan.starts.items()):
            c = instance.by_key[key]
            for t in c.effort:
                for q in range(p, p + c.duration):
                    self.occupants.setdefault((t, q), []).append(key)

    def label(self, key: str) -> str:
        c = self.i.by_key.get(key)
        return c.label if c else key

    def team(self, t: str) -> str:
        return self.i.team_labels.get(t, t)

    def amount(self, x: float, t: str) -> str:
        return _amount(x, self.i.unit(t))

    def effort_text(self, c: Candidate) -> str:
        """What it asks: the total when every team plans in one unit, else per team (person-days
        and points are not added up)."""
        if not self.i.mixed_units:
            return _amount(
                self.i.total_effort(c), self.i.unit(self.i.teams[0]) if self.i.teams else ""
            )
        return " and ".join(
            f"{self.amount(v, t)} of {self.team(t)}" for t, v in sorted(c.effort.items())
        )

    def short(self, c: Candidate, p: int) -> list[dict]:
        """Each team-period where c started in p does not fit, and by how much."""
        out = []
        for t in sorted(c.effort):
            for q in range(p, p + c.duration):
                need, free = c.load(t), max(0.0, self.free(t, q))
                if need > free + EPS:
                    out.append(
                        {"team": t, "period": q, "need": need, "free": free, "more": need - free}
                    )
        return out

    def share_limit(self, c: Candidate, p: int) -> dict | None:
        """The first maximum share that c started in p would exceed (over the horizon or in a
        period), as a reason; None if every share still holds."""
        i = self.i
        for s in i.shares:
            if s.minimum or c.key not in s.members:
                continue
            for qs, limit in s.bounds(i):
                got = sum(
                    s.used(i, k, pk, qs) for k, pk in self.plan.starts.items() if k in s.members
                )
                if got + s.used(i, c.key, p, qs) > limit + EPS:
                    where = f" in {i.periods[qs[0]]}" if s.per_period else ""
                    return {"kind": "share", "text": f"Would exceed the limit {s.label}{where}."}
        return None

    def free(self, t: str, q: int) -> float:
        return self.i.cap(t, q) - self.used.get((t, q), 0.0)

    # ------------------------------------------------------------ left out

    def left_out(self, c: Candidate) -> dict:
        i = self.i
        if c.blocked:
            return {"kind": "dependency", "text": c.blocked}
        window = i.starts(c)
        if not window:
            return self._window(c)
        for other in sorted(self.excl.get(c.key, set())):
            if other in self.plan.starts:
                return {
                    "kind": "exclusion",
                    "text": f"Excludes “{self.label(other)}”, which is planned (value {_num(i.by_key[other].value)}).",
                    "with": other,
                }
        for b in c.after:
            if b in i.by_key and b not in self.plan.starts:
                return {
                    "kind": "dependency",
                    "text": f"Waits for “{self.label(b)}”, which is not planned.",
                    "on": b,
                }
        ready = max(
            [self.plan.starts[b] + i.by_key[b].duration for b in c.after if b in self.plan.starts],
            default=0,
        )
        options = [p for p in window if p >= ready]
        if not options:
            late = [b for b in c.after if b in self.plan.starts]
            names = ", ".join(f"“{self.label(b)}”" for b in late)
            return {
                "kind": "dependency",
                "text": f"Waits for {names}, which finishes too late for its window "
                f"(deadline {i.periods[c.deadline] if c.deadline is not None else 'end of the horizon'}).",
                "on": late[0] if late else "",
            }
        best = None
        for p in options:
            short = self.short(c, p)
            total = sum(s["more"] for s in short)
            if best is None or total < best[0] - EPS:
                best = (total, p, short)
        total, p, short = best
        if not short:
            blocked = [self.share_limit(c, q) for q in options if not self.short(c, q)]
            if blocked and all(blocked):
                return blocked[0]
            return {
                "kind": "solver",
                "text": "It fits, but the solver stopped before proving whether it belongs in the plan "
                "(see the gap).",
            }
        cells = [
            f"{self.team(s['team'])} in {i.periods[s['period']]} (needs {self.amount(s['need'], s['team'])}, {self.amount(s['free'], s['team'])} free)"
            for s in short
        ]
        more = [
            {
                "team": s["team"],
                "team_label": self.team(s["team"]),
                "period": i.periods[s["period"]],
                "amount": round(s["more"], 1),
                "unit": i.unit(s["team"]),
            }
            for s in short
        ]
        fix = "; ".join(
            f"{_amount(m['amount'], m['unit'])} more for {m['team_label']} in {m['period']}"
            for m in more
        )
        floor = [
            (s, c.load(s["team"]) - i.cap(s["team"], s["period"]))
            for s in short
            if c.load(s["team"]) > i.cap(s["team"], s["period"]) + EPS
        ]
        for s, least in floor:
            more[short.index(s)]["at_least"] = round(least, 1)
        if floor:
            fix += (
                " (at least "
                + "; ".join(
                    f"{self.amount(least, s['team'])} more for {self.team(s['team'])} in {i.periods[s['period']]}"
                    for s, least in floor
                )
                + " even if other ideas move out: it needs more than the whole capacity)"
            )
        displaced, lost = self._displace(c, short)
        text = "Capacity of " + "; ".join(cells) + f". It would fit with {fix}."
        out = {
            "kind": "capacity",
            "text": text,
            "start": i.periods[p],
            "more": more,
            "displace": [
                {
                    "key": k,
                    "label": self.label(k),
                    "value": round(i.worth(i.by_key[k], self.plan.starts[k]), 2),
                }
                for k in displaced
            ],
            "value_lost": round(lost, 2),
            "value_gained": round(i.worth(c, p), 2),
        }
        if displaced:
            names = ", ".join(f"“{self.label(k)}”" for k in displaced)
            verdict = "more than" if lost > i.worth(c, p) else "less than"
            out["text"] += (
                f" Or it would displace {names} (value {_num(lost)} lost, {verdict} its own {_num(i.worth(c, p))})."
            )
        return out

    def _window(self, c: Candidate) -> dict:
        i = self.i
        if c.pin is not None:
            return {
                "kind": "window",
                "text": f"Pinned to {i.periods[c.pin] if c.pin < len(i.periods) else c.pin}, outside its window.",
            }
        if c.deadline is not None:
            return {
                "kind": "window",
                "text": f"Needs {c.duration} period(s) between {i.periods[min(c.earliest, len(i.periods) - 1)]} "
                f"and its deadline {i.periods[c.deadline]}: there is no such slot.",
            }
        return {
            "kind": "window",
            "text": f"Needs {c.duration} period(s): more than the horizon leaves after its earliest start.",
        }

    def _displace(self, c: Candidate, short: list[dict]) -> tuple[list[str], float]:
        """The least valuable planned ideas whose removal frees the missing person-days."""
        chosen: list[str] = []
        freed: dict[tuple[str, int], float] = {}
        for s in short:
            cell = (s["team"], s["period"])
            need = s["more"] - freed.get(cell, 0.0)
            if need <= EPS:
                continue
            pool = sorted(
                (
                    k
                    for k in self.occupants.get(cell, [])
                    if k not in chosen and self.i.by_key[k].pin is None
                ),
                key=lambda k: (self.i.worth(self.i.by_key[k], self.plan.starts[k]), k),
            )
            for k in pool:
                other = self.i.by_key[k]
                chosen.append(k)
                p = self.plan.starts[k]
                for t in other.effort:
                    for q in range(p, p + other.duration):
                        freed[(t, q)] = freed.get((t, q), 0.0) + other.load(t)
                if s["more"] - freed.get(cell, 0.0) <= EPS:
                    break
            if s["more"] - freed.get(cell, 0.0) > EPS:
                return [], 0.0  # even removing everything not pinned would not do
        lost = sum(self.i.worth(self.i.by_key[k], self.plan.starts[k]) for k in chosen)
        return chosen, lost

    # ------------------------------------------------------------ planned

    def planned(self, c: Candidate) -> dict:
        i = self.i
        p = self.plan.starts[c.key]
        n = len(i.candidates)
        suffix = f" Meets its deadline {i.periods[c.deadline]}." if c.deadline is not None else ""
        if c.pin is not None:
            return {"kind": "pinned", "text": f"Pinned to {i.periods[p]}.{suffix}"}
        ready_from = {
            b: self.plan.starts[b] + i.by_key[b].duration for b in c.after if b in self.plan.starts
        }
        ready = max(ready_from.values(), default=0)
        floor = max(c.earliest, c.not_before, ready)
        if ready and p == ready:
            b = max(ready_from, key=lambda k: (ready_from[k], k))
            return {
                "kind": "dependency",
                "text": f"Right after its dependency “{self.label(b)}”, which finishes in {i.periods[ready - 1]}.{suffix}",
                "on": b,
            }
        if p == floor and floor > 0:
            why = "its earliest start" if c.earliest == floor else "work it waits for"
            return {"kind": "earliest", "text": f"Starts in {i.periods[p]}, {why}.{suffix}"}
        rank = self.rank[c.key]
        per = ratio(i, c)
        value_text = (
            f"Value {_num(c.value)} for {self.effort_text(c)}: rank {rank} of {n} by value per "
            + (
                "unit of capacity"
                if i.mixed_units
                else "point"
                if i.unit(i.teams[0]) == "points"
                else "person-day"
            )
            + (f" ({per:.2f})." if per != float("inf") else ".")
        )
        if p == floor:
            return {
                "kind": "value",
                "text": f"{value_text} Starts as early as possible, in {i.periods[p]}.{suffix}",
            }
        full = []
        for q in range(floor, p):
            for t in sorted(c.effort):
                if c.load(t) > self.free(t, q) + EPS:
                    full.append(f"{self.team(t)} in {i.periods[q]}")
        where = "; ".join(full[:3]) or "earlier periods"
        return {
            "kind": "later",
            "text": f"{value_text} Starts in {i.periods[p]}: {where} is taken by ideas worth more per person-day.{suffix}",
        }


def explain(instance: Instance, plan: Plan) -> dict[str, dict]:
    ex = Explainer(instance, plan)
    return {
        c.key: (ex.planned(c) if c.key in plan.starts else ex.left_out(c))
        for c in instance.candidates
    }
