"""Figures for an authenticated list endpoint: GET /api/v1/workspaces/bench/people?limit=1000.

The app runs under gunicorn (as `accord serve` runs it) in its own processes; the load comes from
this process over a few keep-alive connections. Every response must be 200 with all the people.
"""

import json

from .context import BenchContext, BenchError
from .loadgen import run_load
from .registry import Measured, measures

PEOPLE = 1000  # rows per response (the API's largest page)
REQUESTS = 300
CONNECTIONS = 4
WARMUP_PER_CONNECTION = 5
TIME_LIMIT_S = 120
WORKERS, THREADS = 2, 4  # `accord serve`'s defaults


def people_checker(expected: int):
    """check(status, body): 200 with all `expected` people (a body seen before passes at once)."""
    checked: set[bytes] = set()

    def check(status: int, body: bytes) -> None:
        if status != 200:
            raise BenchError(f"GET people answered {status}: {body[:500]!r}")
        if body in checked:
            return
        data = json.loads(body)
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list) or len(items) != expected or data.get("count") != expected:
            got = len(items) if isinstance(items, list) else "no"
            raise BenchError(
                f"GET people returned {got} items (count {data.get('count')!r}), "
                f"expected {expected}."
            )
        checked.add(body)

    return check


@measures(api_list_rps="req/s", api_list_p50_ms="ms", api_list_p99_ms="ms")
def api_list(ctx: BenchContext) -> Measured:
    people = min(PEOPLE, ctx.scaled(PEOPLE, minimum=5))
    requests = ctx.scaled(REQUESTS, minimum=20)
    seeded = ctx.seed_people(people)
    path = f"/api/v1/workspaces/{seeded['slug']}/people?limit={people}"
    headers = {"Authorization": f"Bearer {seeded['token']}", "Accept": "application/json"}
    with ctx.serve(workers=WORKERS, threads=THREADS) as port:
        ctx.log(f"bench: {requests} x GET {path} over {CONNECTIONS} connections")
        result = run_load(
            port,
            path,
            headers=headers,
            check=people_checker(people),
            requests=requests,
            connections=CONNECTIONS,
            warmup_per_connection=WARMUP_PER_CONNECTION,
            time_limit_s=TIME_LIMIT_S,
        )
    ctx.log(f"bench: {result.requests} requests in {result.elapsed_s:.1f} s")
    if result.requests < requests:
        ctx.log(
            f"bench: stopped after {TIME_LIMIT_S} s, {requests - result.requests} requests short"
        )
    size = (
        f"{people} people per response (GET {path}, Bearer token); {result.requests} requests "
        f"after {CONNECTIONS * WARMUP_PER_CONNECTION} warm-up, {CONNECTIONS} keep-alive "
        f"connections; gunicorn {WORKERS} workers x {THREADS} threads"
    )
    return Measured(
        values={
            "api_list_rps": result.rps,
            "api_list_p50_ms": result.percentile(50),
            "api_list_p99_ms": result.percentile(99),
        },
        size=size,
    )
