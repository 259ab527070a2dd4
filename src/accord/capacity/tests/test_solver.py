"""The solver without the database: never below greedy (property), deterministic, cycles named,
conflicts found, explanations for every idea, the bench figure at a tiny size."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.capacity import conflicts, generate, solver
from accord.capacity.explain import explain
from accord.capacity.selection import by_selection
from accord.capacity.solver import Candidate, Instance


def _tiny(data) -> Instance:
    teams = ["a", "b"]
    periods = data.draw(st.integers(1, 3))
    capacity = {(t, q): float(data.draw(st.integers(0, 40))) for t in teams for q in range(periods)}
    n = data.draw(st.integers(1, 7))
    cands = []
    for i in range(n):
        effort = {
            t: float(data.draw(st.integers(1, 30))) for t in teams if data.draw(st.booleans())
        } or {"a": 5.0}
        c = Candidate(key=f"idea:{i}", label=f"I{i}", value=float(data.draw(st.integers(0, 50))), effort=effort,
                      duration=data.draw(st.integers(1, periods)))  # fmt: skip
        if i and data.draw(st.booleans()):
            c.after.append(f"idea:{data.draw(st.integers(0, i - 1))}")
        cands.append(c)
    exclusive = [("idea:0", f"idea:{n - 1}")] if n > 2 and data.draw(st.booleans()) else []
    return Instance(teams=teams, team_labels={"a": "A", "b": "B"}, periods=[f"P{q}" for q in range(periods)],
                    capacity=capacity, candidates=cands, exclusive=exclusive,
                    discount=data.draw(st.sampled_from([0.0, 0.1])))  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_mip_is_never_below_greedy_and_respects_capacity(data):
    inst = _tiny(data)
    greedy = solver.greedy(inst)
    plan = solver.solve(inst, time_limit=2, gap=0.0)
    assert plan.value >= greedy.value - 1e-6
    for (t, q), used in plan.load(inst).items():
        assert used <= inst.cap(t, q) + 1e-6
    for key, p in plan.starts.items():
        for before in inst.by_key[key].after:
            assert before in plan.starts and plan.starts[before] + inst.by_key[before].duration <= p
    for a, b in inst.exclusive:
        assert not (a in plan.starts and b in plan.starts)
    reasons = explain(inst, plan)
    assert set(reasons) == set(inst.by_key) and all(r["text"] for r in reasons.values())


def test_the_same_input_gives_the_same_plan():
    one = solver.solve(
        generate.instance(ideas=14, teams=3, periods=3, dependencies=3), time_limit=5
    )
    two = solver.solve(
        generate.instance(ideas=14, teams=3, periods=3, dependencies=3), time_limit=5
    )
    assert one.status == "optimal" and one.starts == two.starts and one.value == two.value


def test_a_cycle_is_found_and_named():
    cands = [Candidate(key="idea:1", label="A", value=1, effort={"a": 1}, after=["idea:2"]),
             Candidate(key="idea:2", label="B", value=1, effort={"a": 1}, after=["idea:1"])]  # fmt: skip
    inst = Instance(
        teams=["a"], team_labels={"a": "A"}, periods=["P"], capacity={("a", 0): 5}, candidates=cands
    )
    cycle = solver.find_cycle(inst)
    assert cycle[0] == cycle[-1] and set(cycle) == {"idea:1", "idea:2"}


def test_the_conflict_is_the_pins_that_cannot_share_a_period():
    cands = [
        Candidate(key=f"idea:{i}", label=f"I{i}", value=1, effort={"a": 6}, pin=0) for i in range(2)
    ]
    cands.append(Candidate(key="idea:9", label="Free", value=1, effort={"a": 1}))
    inst = Instance(
        teams=["a"],
        team_labels={"a": "A"},
        periods=["P"],
        capacity={("a", 0): 10},
        candidates=cands,
    )
    assert conflicts.conflict(inst) == [("pin", "idea:0"), ("pin", "idea:1")]


def test_a_plan_stopped_early_says_how_far_from_optimal_it_may_be():
    inst = generate.instance(ideas=400, teams=4, periods=4, dependencies=40)
    plan = solver.solve(inst, time_limit=0.3, gap=0.0)
    assert (
        plan.status == "feasible"
        and plan.gap is not None
        and plan.gap > 0
        and plan.bound >= plan.value
    )


def test_the_bench_figure_runs_at_a_tiny_size():
    from accord.bench.capacity import measure

    out = measure(ideas=40, teams=2, periods=2, dependencies=5, time_limit=2, gap=0.005)
    assert out["vs_greedy_pct"] >= 0 and out["seconds"] < 5


def test_the_large_model_path_gives_a_true_bound_and_a_plan_within_it(monkeypatch):
    """Interior point without crossover, bound from the row duals (the path of the 5k plans),
    forced on a small instance: the bound is at least the exact LP value and close to it."""
    inst = generate.instance(ideas=300, teams=3, periods=4, dependencies=30)
    exact, _ = solver.build(inst, objective=True)
    solver.lp_guided(inst, exact)
    monkeypatch.setattr(solver, "BIG", 1)
    monkeypatch.setattr(solver, "SMALL", 0)
    plan = solver.solve(inst, time_limit=3, gap=0.005)
    big, _ = solver.build(inst)
    solver.lp_guided(inst, big)
    assert exact.lp_bound - 1e-6 <= big.lp_bound <= exact.lp_bound * 1.001
    assert plan.value >= solver.greedy(inst).value - 1e-6
    assert plan.bound >= exact.lp_bound * (1 - 1e-9) - 1e-6 and plan.gap is not None
    load = plan.load(inst)
    assert all(v <= inst.cap(*cell) + 1e-6 for cell, v in load.items())


def _brute_force(instance: Instance) -> float | None:
    """The best value over every assignment of a start (or none) to every idea (None: no plan
    meets the constraints)."""
    import itertools

    cands = instance.candidates
    options = [[None, *instance.starts(c)] for c in cands]
    best = None
    for combo in itertools.product(*options):
        starts = {c.key: p for c, p in zip(cands, combo, strict=True) if p is not None}
        if any(c.pin is not None and starts.get(c.key) != c.pin for c in cands):
            continue
        used: dict = {}
        for c in cands:
            if c.key in starts:
                for t in c.effort:
                    for q in range(starts[c.key], starts[c.key] + c.duration):
                        used[(t, q)] = used.get((t, q), 0.0) + c.load(t)
        if any(v > instance.cap(*cell) + 1e-6 for cell, v in used.items()):
            continue
        if any(b not in starts or starts[b] + instance.by_key[b].duration > starts[c.key]
               for c in cands if c.key in starts for b in c.after):  # fmt: skip
            continue
        if not _shares_hold(instance, starts):
            continue
        best = max(best or 0.0, sum(c.value for c in cands if c.key in starts))
    return best


def _shares_hold(instance: Instance, starts: dict) -> bool:
    """Every share, counted by hand: per period, or over the horizon."""
    for s in instance.shares:
        every = range(len(instance.periods))
        for qs in [[q] for q in every] if s.per_period else [list(every)]:
            got = 0.0
            for key, p in starts.items():
                c = instance.by_key[key]
                if key in s.members:
                    got += c.load(s.team) * len([q for q in qs if p <= q < p + c.duration])
            bound = s.share * sum(instance.cap(s.team, q) for q in qs)
            if (got < bound - 1e-6) if s.minimum else (got > bound + 1e-6):
                return False
    return True


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_the_set_problem_proves_the_true_optimum_of_small_plans(seed):
    """Interchangeable periods (no discount): the plan the set problem proves optimal is the best of
    every possible assignment, and it keeps every constraint."""
    instance = generate.instance(ideas=7, teams=2, periods=3, dependencies=2, seed=seed, load=1.8)
    best = _brute_force(instance) or 0.0
    plan = solver.solve(instance, time_limit=5, gap=1e-4)
    assert plan.status == "optimal"
    assert abs(plan.value - best) <= 1e-6 * max(1.0, best)
    model, _ = solver.build(instance)
    chosen = by_selection(instance, model, gap=1e-4, time_limit=5, warm=solver.greedy(instance))
    assert chosen is None or abs(chosen.value - best) <= 1e-6 * max(1.0, best)
    for cell, used in plan.load(instance).items():
        assert used <= instance.cap(*cell) + 1e-6


def test_the_repair_search_packs_what_first_fit_decreasing_cannot():
    """4+4 first leaves no room for the fourth 3: the repair moves and swaps until 4+3+3 | 4+3+3,
    keeping the dependency, and gives the same starts every time."""
    from accord.capacity import packing

    sizes = [4, 4, 3, 3, 3, 3]
    cands = [Candidate(key=f"idea:{i}", label=f"I{i}", value=1, effort={"a": float(s)})
             for i, s in enumerate(sizes)]  # fmt: skip
    cands[5].after.append("idea:0")
    inst = Instance(teams=["a"], team_labels={"a": "A"}, periods=["P1", "P2"],
                    capacity={("a", 0): 10.0, ("a", 1): 10.0}, candidates=cands)  # fmt: skip
    assert packing.pack(inst, packing.total_size) is None
    starts = packing.repair(inst)
    assert starts is not None and set(starts) == set(inst.by_key)
    assert starts["idea:0"] + 1 <= starts["idea:5"]
    for q in (0, 1):
        assert sum(sizes[i] for i in range(6) if starts[f"idea:{i}"] == q) <= 10
    assert packing.repair(inst) == starts
    inst.capacity[("a", 1)] = 9.0  # 20 days of work in 19: not found, never a wrong plan
    assert packing.repair(inst) is None


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), data=st.data())
def test_shares_over_the_horizon_or_in_every_period_give_the_true_optimum(seed, data):
    """A minimum or maximum share of a team, over the horizon or in every period: the solver's
    plan keeps it in every period it covers and is worth the best of every possible assignment (or
    the solver says no plan exists when none does)."""
    from accord.capacity.solver import Share

    instance = generate.instance(ideas=6, teams=2, periods=3, dependencies=1, seed=seed, load=1.5)
    keys = sorted(instance.by_key)
    members = frozenset(data.draw(st.sets(st.sampled_from(keys), min_size=1, max_size=4)))
    team = data.draw(st.sampled_from(instance.teams))
    minimum = data.draw(st.booleans())
    share = Share(team=team, members=members, share=data.draw(st.sampled_from([0.1, 0.25, 0.4])),
                  minimum=minimum, label="share", per_period=data.draw(st.booleans()))  # fmt: skip
    instance.shares = [share]
    instance.discount = data.draw(st.sampled_from([0.0, 0.1]))
    best = _brute_force(instance)
    plan = solver.solve(instance, time_limit=5, gap=1e-6)
    if best is None:
        assert plan.status == "infeasible"
        return
    assert plan.status == "optimal", plan.note
    assert _shares_hold(instance, plan.starts)
    value = sum(instance.worth(instance.by_key[k], p) for k, p in plan.starts.items())
    assert abs(plan.value - value) <= 1e-6
    if instance.discount == 0:
        assert abs(plan.value - best) <= 1e-6 * max(1.0, best)
    else:  # the brute force counts undiscounted value: the plan is at least as good in its own terms
        assert plan.value <= best + 1e-6
    greedy = solver.greedy(instance)
    if greedy.status != "infeasible":
        assert _shares_hold(instance, greedy.starts) and plan.value >= greedy.value - 1e-6


def test_a_share_in_every_period_is_a_row_per_period():
    """At most half of team a in every period on idea:0 (it needs the whole of one period): never
    planned, although over the horizon half would allow it."""
    from accord.capacity.solver import Share

    cands = [Candidate(key="idea:0", label="Big", value=10, effort={"a": 10.0}),
             Candidate(key="idea:1", label="Small", value=1, effort={"a": 5.0})]  # fmt: skip
    inst = Instance(teams=["a"], team_labels={"a": "A"}, periods=["P1", "P2"],
                    capacity={("a", 0): 10.0, ("a", 1): 10.0}, candidates=cands,
                    shares=[Share(team="a", members=frozenset({"idea:0"}), share=0.5, minimum=False,
                                  label="at most 50 % of A in every period on big", per_period=True)])  # fmt: skip
    plan = solver.solve(inst, time_limit=2, gap=0.0)
    assert plan.status == "optimal" and set(plan.starts) == {"idea:1"}
    assert explain(inst, plan)["idea:0"]["kind"] == "share"
    text = explain(inst, plan)["idea:0"]["text"]
    assert text.startswith(
        "Would exceed the limit at most 50 % of A in every period"
    ) and text.endswith((" in P1.", " in P2."))
    inst.shares[0].per_period = False
    plan = solver.solve(inst, time_limit=2, gap=0.0)
    assert set(plan.starts) == {"idea:0", "idea:1"}
