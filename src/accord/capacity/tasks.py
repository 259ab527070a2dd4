"""The solve, as a background task: progress written as it goes, a cancel honoured within a second."""

import math
import time

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from . import planning, solver
from .explain import explain
from .models import PlanRun, RunStatus


def result_of(
    built: planning.Built, plan: solver.Plan, greedy: solver.Plan, time_limit: float
) -> dict:
    inst = built.instance
    reasons = explain(inst, plan)
    names = inst.periods
    used = plan.load(inst)

    def row(c, start=None) -> dict:
        out = {
            "key": c.key,
            "label": c.label,
            "value": round(c.value, 2),
            "effort": {t: round(v, 1) for t, v in sorted(c.effort.items())},
            "teams": sorted(c.effort, key=lambda t: -c.effort[t]),
            "duration": c.duration,
            "reason": reasons[c.key],
            "items": built.items.get(c.key, []),
        }
        if start is not None:
            out.update(
                start=names[start],
                finish=names[start + c.duration - 1],
                worth=round(inst.worth(c, start), 2),
            )
        if c.key in greedy.starts:
            out["greedy_start"] = names[greedy.starts[c.key]]
        return out

    planned = sorted(
        (row(inst.by_key[k], p) for k, p in plan.starts.items()),
        key=lambda r: (names.index(r["start"]), -r["value"], r["key"]),
    )
    left = sorted(
        (row(c) for c in inst.candidates if c.key not in plan.starts),
        key=lambda r: (-r["value"], r["key"]),
    )
    load = []
    for t in inst.teams:
        for q, name in enumerate(names):
            cap = inst.cap(t, q)
            if cap == 0 and used.get((t, q), 0.0) == 0:
                continue
            load.append({"team": t, "team_name": inst.team_labels[t], "unit": inst.unit(t), "period": name, "capacity": round(cap, 1),
                         "base_capacity": round(built.base_capacity.get((t, q), 0.0), 1),
                         "allocated": round(used.get((t, q), 0.0), 1)})  # fmt: skip
    diff = plan.value - greedy.value
    return {
        "periods": [
            {
                "name": p.name,
                "start_date": p.start_date.isoformat(),
                "end_date": p.end_date.isoformat(),
            }
            for p in built.periods
        ],
        "status": plan.status,
        "value": round(plan.value, 2),
        "bound": round(plan.bound, 2) if plan.bound is not None else None,
        "gap": plan.gap,
        "gap_pct": round(100.0 * plan.gap, 3) if plan.gap is not None else None,
        "seconds": round(plan.seconds, 2),
        "time_limit": time_limit,
        "note": plan.note,
        "greedy": {
            "value": round(greedy.value, 2),
            "status": greedy.status,
            "count": len(greedy.starts),
        },
        "difference": round(diff, 2),
        "difference_pct": round(100.0 * diff / greedy.value, 2) if greedy.value else None,
        "planned": planned,
        "left_out": left,
        "load": load,
        "units": {t: inst.unit(t) for t in inst.teams},
    }


def run_plan(run_id: int) -> str:
    """Solve one queued run (the task's body; tests call it directly)."""
    run = PlanRun.objects.select_related("scenario").filter(pk=run_id).first()
    if run is None or run.status != RunStatus.QUEUED:
        return "skipped"
    PlanRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress={"stage": "reading"}
    )
    try:
        built = planning.build(run.scenario)
        inst = built.instance
        greedy = solver.greedy(inst)
        last = {"at": 0.0}

        def progress(info: dict) -> bool:
            now = time.monotonic()
            if now - last["at"] < 1.0:
                return False
            last["at"] = now
            finite = {k: (v if math.isfinite(v) else None) for k, v in info.items()}
            if finite.get("gap") is not None:
                finite["gap_pct"] = round(100.0 * finite["gap"], 2)
            PlanRun.objects.filter(pk=run.pk).update(
                progress={"stage": "solving", **finite, "time_limit": run.scenario.time_limit}
            )
            return PlanRun.objects.filter(pk=run.pk, cancel_requested=True).exists()

        plan = solver.solve(
            inst, time_limit=run.scenario.time_limit, gap=1e-4, warm=greedy, progress=progress
        )
    except Exception as exc:  # a bug or bad data: the run says so instead of hanging "running"
        PlanRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), message=str(exc)[:2000]
        )
        raise
    with transaction.atomic():
        current = PlanRun.objects.select_for_update().get(pk=run.pk)
        if plan.status == "infeasible":
            current.status = RunStatus.INFEASIBLE
            current.message = plan.note
        else:
            current.status = RunStatus.CANCELLED if current.cancel_requested else RunStatus.DONE
            current.result = result_of(built, plan, greedy, run.scenario.time_limit)
            current.message = plan.note
        current.progress = {"stage": "finished"}
        current.finished_at = timezone.now()
        current.save()
    return current.status


@task()
def solve_plan(run_id: int) -> str:
    return run_plan(run_id)
