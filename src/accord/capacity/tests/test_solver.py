"""The solver without the database: never below greedy (property), deterministic, cycles named,
conflicts found, explanations for every idea, the bench figure at a tiny size."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.capacity import generate, solver
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
    assert solver.conflict(inst) == [("pin", "idea:0"), ("pin", "idea:1")]


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


def _brute_force(instance: Instance) -> float:
    """The best value over every assignment of a start (or none) to every idea."""
    import itertools

    cands = instance.candidates
    options = [[None, *instance.starts(c)] for c in cands]
    best = 0.0
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
        best = max(best, sum(c.value for c in cands if c.key in starts))
    return best


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000))
def test_the_set_problem_proves_the_true_optimum_of_small_plans(seed):
    """Interchangeable periods (no discount): the plan the set problem proves optimal is the best of
    every possible assignment, and it keeps every constraint."""
    instance = generate.instance(ideas=7, teams=2, periods=3, dependencies=2, seed=seed, load=1.8)
    best = _brute_force(instance)
    plan = solver.solve(instance, time_limit=5, gap=1e-4)
    assert plan.status == "optimal"
    assert abs(plan.value - best) <= 1e-6 * max(1.0, best)
    model, _ = solver.build(instance)
    chosen = by_selection(instance, model, gap=1e-4, time_limit=5, warm=solver.greedy(instance))
    assert chosen is None or abs(chosen.value - best) <= 1e-6 * max(1.0, best)
    for cell, used in plan.load(instance).items():
        assert used <= instance.cap(*cell) + 1e-6

