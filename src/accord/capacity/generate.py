"""Realistic planning instances with a fixed seed (the bench, and the property tests).

Teams have 4-12 people; a quarter has ~60 working days less holidays. Most ideas need one or two
teams (product work needs engineering, a launch needs marketing), efforts are log-normal (a few
large projects, many small ones), values are skewed and only loosely tied to effort, one idea in
five spans two periods, dependencies point from older ideas to newer ones (no cycles).
"""

import random

from .solver import Candidate, Instance


def instance(
    *, ideas: int, teams: int, periods: int, dependencies: int, seed: int = 7, load: float = 1.6,
    days_per_period: float = 60.0,
) -> Instance:  # fmt: skip
    """About `load` times more work than the capacity (so the plan has to choose)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible instances, not secrets)
    team_keys = [f"t{n:02d}" for n in range(teams)]
    people = {t: rng.randint(4, 12) for t in team_keys}
    capacity = {}
    for t in team_keys:
        for q in range(periods):
            holidays = rng.choice([0, 0, 5, 10, 15])
            capacity[(t, q)] = float(people[t] * days_per_period * 0.8 - holidays)
    total_cap = sum(capacity.values())
    raw = []
    for n in range(ideas):
        k = 1 if rng.random() < 0.55 else (2 if rng.random() < 0.8 else 3)
        chosen = rng.sample(team_keys, min(k, teams))
        effort = {t: round(rng.lognormvariate(2.6, 0.8), 1) + 1.0 for t in chosen}
        duration = 2 if periods > 1 and rng.random() < 0.2 else 1
        value = round(rng.lognormvariate(3.0, 0.9) * (1 + 0.3 * sum(effort.values()) / 20), 1)
        raw.append((n, effort, duration, value))
    scale = load * total_cap / sum(sum(e.values()) for _, e, _, _ in raw)
    cands = []
    for n, effort, duration, value in raw:
        cands.append(
            Candidate(
                key=f"idea:{n:05d}",
                label=f"Idea {n}",
                value=value,
                effort={t: round(v * scale, 1) for t, v in effort.items()},
                duration=duration,
            )
        )
    pairs = set()
    while len(pairs) < dependencies and ideas > 1:
        a, b = sorted(rng.sample(range(ideas), 2))
        pairs.add((a, b))
    for a, b in sorted(pairs):
        cands[b].after.append(cands[a].key)
    for c in rng.sample(cands, max(0, ideas // 50)):
        c.deadline = rng.randrange(periods)
    return Instance(
        teams=team_keys,
        team_labels={t: f"Team {t[1:]}" for t in team_keys},
        periods=[f"P{q + 1}" for q in range(periods)],
        capacity=capacity,
        candidates=cands,
    )
