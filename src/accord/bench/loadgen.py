"""A small closed-loop HTTP load generator: a few keep-alive connections to 127.0.0.1, one thread
each.

Bounded in count and time. Each connection first sends its warm-up requests (not timed), then all
start together and take requests from a shared budget until it is spent or the time is up.
"""

import http.client
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

HOST = "127.0.0.1"  # the only host it talks to


@dataclass(frozen=True)
class LoadResult:
    latencies_ms: list[float]
    elapsed_s: float

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def percentile(self, q: float) -> float:
        return percentile(self.latencies_ms, q)


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("No values.")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo = math.floor(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_load(
    port: int,
    path: str,
    *,
    headers: dict[str, str],
    check: Callable[[int, bytes], None],
    requests: int,
    connections: int = 4,
    warmup_per_connection: int = 5,
    time_limit_s: float = 120,
    timeout_s: float = 30,
) -> LoadResult:
    """Send `requests` GETs of `path`; `check(status, body)` raises on a wrong answer."""
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    state = {"issued": 0, "start": 0.0, "deadline": 0.0}

    def started() -> None:
        state["start"] = time.perf_counter()
        state["deadline"] = state["start"] + time_limit_s

    barrier = threading.Barrier(connections, action=started)

    def one(conn: http.client.HTTPConnection) -> float:
        for attempt in (1, 2):
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()  # the server closed an idle keep-alive connection: reconnect once
                if attempt == 2:
                    raise
                continue
            took = time.perf_counter() - began
            check(response.status, body)
            return took * 1000
        raise AssertionError("unreachable")

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout_s)
        try:
            for _ in range(warmup_per_connection):
                one(conn)
            barrier.wait()
            while True:
                with lock:
                    if (
                        errors
                        or state["issued"] >= requests
                        or time.perf_counter() > state["deadline"]
                    ):
                        return
                    state["issued"] += 1
                took = one(conn)
                with lock:
                    latencies.append(took)
        except threading.BrokenBarrierError:
            pass
        except BaseException as exc:
            with lock:
                errors.append(exc)
            barrier.abort()
        finally:
            conn.close()

    threads = [
        threading.Thread(target=client, name=f"bench-client-{i}", daemon=True)
        for i in range(connections)
    ]
    for thread in threads:
        thread.start()
    join_by = time.monotonic() + time_limit_s + (warmup_per_connection + 1) * timeout_s
    for thread in threads:
        thread.join(max(0.0, join_by - time.monotonic()))
    ended = time.perf_counter()
    if any(t.is_alive() for t in threads):
        raise TimeoutError("The load generator's clients did not finish in time.")
    if errors:
        raise errors[0]
    if not latencies:
        raise RuntimeError("No request completed.")
    return LoadResult(latencies_ms=latencies, elapsed_s=ended - state["start"])
