"""Figures for capacity planning: the optimizer on generated, realistic instances (fixed seed;
accord.capacity.generate), in-process (the solve does not touch the database).

- plan_2k_s, plan_2k_gap: 2,000 candidate ideas, 8 teams, 4 quarters, 300 dependencies, about 1.6x
  more work than capacity: seconds to a proven gap of at most 0.5 % (limit 10 s), and the gap
  reached (percent).
- plan_vs_greedy_pct: on that instance, how much more value than the greedy value-per-person-day plan.
- plan_200_s: 200 ideas, 3 teams, 4 quarters, 30 dependencies: seconds to the proven optimum
  (relative gap 1e-4), limit 10 s.
- plan_5k_s: 5,000 items, 50 teams, 12 periods, 750 dependencies: seconds within a 60 s limit (the
  log gives the gap reached).
"""

import time

from .registry import Measured, measures


def measure(
    *, ideas: int, teams: int, periods: int, dependencies: int, time_limit: float, gap: float
) -> dict:
    from accord.capacity import generate, solver

    instance = generate.instance(
        ideas=ideas, teams=teams, periods=periods, dependencies=dependencies
    )
    started = time.perf_counter()
    greedy = solver.greedy(instance)
    plan = solver.solve(instance, time_limit=time_limit, gap=gap, warm=greedy)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "gap_pct": round(100 * plan.gap, 3) if plan.gap is not None else 100.0,  # unknown: say so
        "status": plan.status,
        "vs_greedy_pct": round(100 * (plan.value - greedy.value) / greedy.value, 2)
        if greedy.value
        else 0.0,
        "planned": len(plan.starts),
    }


def _size(ideas, teams, periods, deps) -> str:
    return f"{ideas:,} ideas, {teams} teams, {periods} periods, {deps} dependencies (generated, seed 7)"


@measures(plan_2k_s="s", plan_2k_gap="%", plan_vs_greedy_pct="%")
def plan_2k(ctx) -> Measured:
    out = measure(ideas=2000, teams=8, periods=4, dependencies=300, time_limit=10, gap=0.005)
    ctx.log(f"bench: plan 2k {out}")
    return Measured(
        values={
            "plan_2k_s": out["seconds"],
            "plan_2k_gap": out["gap_pct"],
            "plan_vs_greedy_pct": out["vs_greedy_pct"],
        },
        size=_size(2000, 8, 4, 300),
    )


@measures(plan_200_s="s")
def plan_200(ctx) -> Measured:
    out = measure(ideas=200, teams=3, periods=4, dependencies=30, time_limit=10, gap=1e-4)
    ctx.log(f"bench: plan 200 {out}")
    return Measured(
        values={"plan_200_s": out["seconds"]},
        size=_size(200, 3, 4, 30) + f"; {out['status']}, gap {out['gap_pct']} %",
    )


@measures(plan_5k_s="s")
def plan_5k(ctx) -> Measured:
    out = measure(ideas=5000, teams=50, periods=12, dependencies=750, time_limit=60, gap=0.005)
    ctx.log(f"bench: plan 5k {out}")
    return Measured(
        values={"plan_5k_s": out["seconds"]},
        size=_size(5000, 50, 12, 750) + f"; {out['status']}, gap {out['gap_pct']} %",
    )
