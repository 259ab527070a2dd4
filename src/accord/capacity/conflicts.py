"""Which constraints conflict when no plan can meet them all: feasibility of the model with some
constraints relaxed, and a deletion filter down to an irreducible set (named to people by
planning.describe)."""

from __future__ import annotations

from .solver import Instance, build


def feasible(
    instance: Instance, relax: frozenset = frozenset(), time_limit: float = 5.0
) -> bool | None:
    """Whether some plan meets every constraint not relaxed (None: could not tell in time)."""
    import highspy

    model, impossible = build(instance, relax=relax, objective=False)
    if impossible:
        return False
    if not model.columns:
        return True
    h = model.highs
    h.setOptionValue("time_limit", float(time_limit))
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return False
    return True if h.getInfo().primal_solution_status == 2 else None


def relaxable(instance: Instance) -> list[tuple]:
    """The constraints a conflict can be made of, in a stable order."""
    out: list[tuple] = []
    for c in instance.candidates:
        if c.pin is not None:
            out.append(("pin", c.key))
            if c.deadline is not None:
                out.append(("deadline", c.key))
            if c.earliest:
                out.append(("earliest", c.key))
        for b in c.after:
            if b in instance.by_key:
                out.append(("dep", b, c.key))
    out += [("exclude", a, b) for a, b in instance.exclusive]
    out += [("share", s) for s in range(len(instance.shares))]
    return out


def conflict(instance: Instance, time_limit: float = 2.0) -> list[tuple] | None:
    """An irreducible set of constraints that cannot all hold (deletion filter), or None if feasible."""
    if feasible(instance, time_limit=time_limit) is not False:
        return None
    needed = relaxable(instance)
    dropped: set = set()
    for item in list(needed):
        trial = frozenset(dropped | {item})
        if feasible(instance, relax=trial, time_limit=time_limit) is False:
            dropped.add(item)  # still infeasible without it: not part of the conflict
    return [item for item in needed if item not in dropped]
