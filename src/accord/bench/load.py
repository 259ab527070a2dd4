"""A mixed workload of simulated users against the production profile, and a lost-update check.

What runs: `accord serve` as `make run-scaled` starts it (3 gunicorn processes; on PostgreSQL the
task workers take tasks from Redis, on SQLite from the database) on a database of its own,
seeded with a workspace of USERS members, each with an API token, a roadmap of 40 dated bars, 60
ideas and a RICE scoring model.

Each simulated user is a thread with its own keep-alive connection and random generator (seed
SEED + user number). It waits a think time (exponential, mean THINK_S seconds: people read between
clicks; GitLab's reference architectures count about 20 requests/s for 1,000 users, so 50 users at
about one request a second each is a heavy hour), then does one of: read a roadmap's bars, read
the ideas list, read one bar, capture feedback, score an idea, or move one of five "hot" bars that
every user moves (with the version it last saw: a stale version must be answered 409).

Figures:
- load_rps, load_p99_ms (every request), load_errors (5xx, failed connections and any answer that
  is not the one expected; 409 on a stale move is expected, 429 would be counted apart),
- load_lost_writes: acknowledged feedback that cannot be read back, plus, per hot bar, the
  difference between its version at the end and its first version plus the moves answered 200
  (a silent overwrite would show as a difference),
- app_rss_mb: the largest resident memory of one web process at the end, and app_rss_growth_mb
  between the end of the first tenth of the run and the end.

`python -m accord.bench.load seed --users N` seeds (one JSON line on stdout).
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .context import HOST, BenchContext, BenchError, free_port
from .loadgen import percentile
from .registry import Measured, measures

USERS = 50
DURATION_S = 300
THINK_S = 1.0
SEED = 20261206
# gunicorn closes a keep-alive connection idle for 2 s; a user who paused longer opens a new one
# (a request sent on a connection the server is closing would fail for the client's reason).
IDLE_RECONNECT_S = 1.5
HOT_BARS = 5
SLUG = "bench-load"
REDIS_DB = 14  # the Redis database the bench's task queue uses (flushed before and after)

MIX = (  # (what, weight)
    ("read_items", 30),
    ("read_ideas", 25),
    ("read_item", 5),
    ("capture_feedback", 15),
    ("score_idea", 10),
    ("move_bar", 15),
)


# ---------------------------------------------------------------- seeding (child process)


def seed(users: int) -> dict:
    import django

    django.setup()
    from accord.accounts.models import User
    from accord.ideas import services as ideas
    from accord.ideas.models import ScoringModel
    from accord.roadmaps import services as roadmaps
    from accord.workspaces import services as workspaces
    from accord.workspaces.models import Membership

    owner = User.objects.create_user("owner@load.bench", None, name="Load owner")
    workspace = workspaces.workspace_create(user=owner, name="Load", slug=SLUG)
    admin = Membership.objects.select_related("workspace", "user").get(workspace=workspace, user=owner)
    tokens = []
    for n in range(users):
        user = User.objects.create_user(f"user{n}@load.bench", None, name=f"User {n}")
        member = workspaces.member_add(member=admin, user=user, role="editor")
        tokens.append(workspaces.token_create(member=member, name="load")[1])
    roadmap = roadmaps.roadmap_create(member=admin, name="Load plan", lanes=["Build", "Launch"])
    today = date.today()
    bars = []
    for n in range(40):
        start = today + timedelta(days=7 * n)
        item = roadmaps.item_create(
            member=admin, roadmap_id=roadmap.pk, title=f"Bar {n}", start_date=start, end_date=start + timedelta(days=20)
        )
        bars.append({"id": item.pk, "version": item.version})
    idea_ids = [
        ideas.idea_create(member=admin, title=f"Idea {n}", description="Seeded for the load run.").pk for n in range(60)
    ]
    rice = ideas.scoring_model_create(member=admin, name="RICE", kind="rice", is_default=True)
    model = ScoringModel.objects.prefetch_related("criteria").get(pk=rice.pk)
    criteria = {  # what a person may enter: one of the allowed values, or a whole number on the scale
        c.key: {"allowed": c.allowed} if c.allowed else {"range": [math.ceil(c.scale_min), math.floor(c.scale_max)]}
        for c in model.criteria.all()
        if not c.source
    }
    return {
        "slug": SLUG,
        "tokens": tokens,
        "roadmap": roadmap.pk,
        "bars": bars,
        "ideas": idea_ids,
        "model": model.pk,
        "criteria": criteria,
    }


# ---------------------------------------------------------------- the load (bench process)


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    feedback_ids: list[int] = field(default_factory=list)
    moves: dict[int, int] = field(default_factory=dict)  # hot bar id -> moves answered 200
    conflicts: int = 0
    limited: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class User:
    def __init__(self, n: int, port: int, seeded: dict, tally: Tally, stop_at: float):
        self.rng = random.Random(SEED + n)
        self.port, self.seeded, self.tally, self.stop_at = port, seeded, tally, stop_at
        self.token = seeded["tokens"][n % len(seeded["tokens"])]
        self.known = {bar["id"]: bar["version"] for bar in seeded["bars"][:HOT_BARS]}
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.base = f"/api/v1/workspaces/{seeded['slug']}"

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.conn.request(method, self.base + path, body=payload, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            with self.tally.lock:
                self.tally.latencies_ms.append((time.perf_counter() - started) * 1000)
                self.tally.errors.append(f"{method} {path}: {exc.__class__.__name__}")
            return 0, None
        elapsed = (time.perf_counter() - started) * 1000
        with self.tally.lock:
            self.tally.latencies_ms.append(elapsed)
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        return status, data

    def expect(self, ok: bool, what: str) -> None:
        if not ok:
            with self.tally.lock:
                self.tally.errors.append(what)

    def run(self) -> None:
        kinds = [k for k, _w in MIX]
        weights = [w for _k, w in MIX]
        while True:
            pause = self.rng.expovariate(1 / THINK_S)
            time.sleep(pause)
            if time.monotonic() >= self.stop_at:
                break
            if pause > IDLE_RECONNECT_S:  # as a browser does: the server has closed the idle connection
                self.conn.close()
            getattr(self, self.rng.choices(kinds, weights)[0])()
        self.conn.close()

    def read_items(self) -> None:
        status, data = self.request("GET", f"/roadmaps/{self.seeded['roadmap']}/items?limit=50")
        self.expect(status == 200 and data and data["count"] == len(self.seeded["bars"]), f"read_items {status}")

    def read_ideas(self) -> None:
        status, data = self.request("GET", "/ideas?limit=50")
        self.expect(status == 200 and data and len(data["items"]) == 50, f"read_ideas {status}")

    def read_item(self) -> None:
        bar = self.rng.choice(self.seeded["bars"])
        status, data = self.request("GET", f"/items/{bar['id']}")
        self.expect(status == 200 and data and data["id"] == bar["id"], f"read_item {status}")

    def capture_feedback(self) -> None:
        text = f"Load feedback {self.rng.randrange(10**9)}: the export is slow on Mondays."
        status, data = self.request("POST", "/feedback", {"text": text, "source": "api"})
        self.expect(status == 201 and data, f"capture_feedback {status}")
        if status == 201 and data:
            with self.tally.lock:
                self.tally.feedback_ids.append(data["id"])

    def score_idea(self) -> None:
        idea = self.rng.choice(self.seeded["ideas"])
        values = {
            key: self.rng.choice(spec["allowed"]) if "allowed" in spec else self.rng.randint(*spec["range"])
            for key, spec in self.seeded["criteria"].items()
        }
        status, _data = self.request("PUT", f"/ideas/{idea}/scores/{self.seeded['model']}", {"values": values})
        self.expect(status == 200, f"score_idea {status}")

    def move_bar(self) -> None:
        bar_id = self.rng.choice(list(self.known))
        shift = timedelta(days=self.rng.choice([-2, -1, 1, 2]))
        status, data = self.request("GET", f"/items/{bar_id}")  # where it is now, as a page shows it
        if status != 200 or not data:
            self.expect(False, f"move_bar read {status}")
            return
        version = self.known[bar_id] if self.rng.random() < 0.5 else data["version"]  # half: a stale view
        start = date.fromisoformat(data["start_date"]) + shift
        end = date.fromisoformat(data["end_date"]) + shift
        body = {"version": version, "start_date": start.isoformat(), "end_date": end.isoformat()}
        status, moved = self.request("POST", f"/items/{bar_id}/move", body)
        if status == 200 and moved:
            self.known[bar_id] = moved["version"]
            with self.tally.lock:
                self.tally.moves[bar_id] = self.tally.moves.get(bar_id, 0) + 1
        elif status == 409:
            self.known[bar_id] = data["version"]
            with self.tally.lock:
                self.tally.conflicts += 1
        elif status == 429:
            with self.tally.lock:
                self.tally.limited += 1
        else:
            self.expect(False, f"move_bar {status}")


def rss_mb(pids: list[int]) -> dict[int, float]:
    sizes = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = int(line.split()[1]) / 1024
        except OSError:
            continue
    return sizes


def _children() -> dict[int, list[int]]:
    """parent pid -> its children's pids, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def web_processes(server_pid: int) -> list[int]:
    """The gunicorn workers under `accord serve` (children of its gunicorn master)."""
    children = _children()
    masters = [pid for pid in children.get(server_pid, []) if "gunicorn" in _command(pid)]
    return [pid for master in masters for pid in children.get(master, [])]


class LoadDatabase:
    """A database of the load run's own, beside the bench's: (DATABASE_URL, drop())."""

    def __init__(self, ctx: BenchContext):
        self.ctx = ctx
        if ctx.vendor == "sqlite":
            self.url = f"sqlite:///{ctx.tmp / 'load.sqlite3'}"
            self.name = None
            return
        from urllib.parse import urlsplit

        import psycopg

        parts = urlsplit(ctx.database_url)
        self.name = f"{parts.path.lstrip('/')}_load"[:63]
        self.admin = parts._replace(path="/postgres").geturl()
        self.url = parts._replace(path=f"/{self.name}").geturl()
        with psycopg.connect(self.admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            pg.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.name:
            import psycopg

            with psycopg.connect(self.admin, autocommit=True) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Existing:
    def __init__(self, url: str):
        self.url = url

    def drop(self) -> None:
        pass


def _flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.flushdb()
    finally:
        client.close()


def run(ctx: BenchContext, *, users: int, duration_s: float, migrated_url: str | None = None) -> dict:
    """The load run. `migrated_url`: a migrated database to seed and serve instead of a new one
    (kept afterwards; the tests pass one they share with other server tests)."""
    database = Existing(migrated_url) if migrated_url else LoadDatabase(ctx)
    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}" if database.url.startswith("postgres") else ""
    env = {**ctx.env(), "DATABASE_URL": database.url, "ACCORD_DATA_DIR": str(ctx.tmp / "load-data")}
    if redis_url:
        env["REDIS_URL"] = redis_url
        _flush_redis(redis_url)
    log_path = ctx.tmp / "load-serve.log"
    server = None
    try:
        if not migrated_url:
            _child(["accord.cli", "manage", "migrate", "--noinput", "-v0"], env, ctx.tmp)
        seeded = json.loads(_child(["accord.bench.load", "seed", "--users", str(users)], env, ctx.tmp).strip().splitlines()[-1])
        port = free_port()
        with log_path.open("wb") as log:
            server = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "accord.cli", "serve", "--no-migrate", "--workers", "3", "--host", HOST, "--port", str(port)],
                env=env, cwd=ctx.tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        BenchContext._wait_ready(server, port, 120, log_path)
        ctx.log(f"bench: load: {users} users for {duration_s:.0f} s against accord serve (3 web processes, {ctx.vendor}{' + Redis' if redis_url else ''})")
        tally = Tally()
        started = time.monotonic()
        stop_at = started + duration_s
        threads = [threading.Thread(target=User(n, port, seeded, tally, stop_at).run, daemon=True) for n in range(users)]
        for thread in threads:
            thread.start()
        time.sleep(max(1.0, duration_s / 10))
        early = rss_mb(web_processes(server.pid))
        for thread in threads:
            thread.join(timeout=duration_s + 120)
        elapsed = time.monotonic() - started
        late = rss_mb(web_processes(server.pid))
        race = _race(port, seeded, tally)
        lost = _lost_writes(port, seeded, tally)
        stopped = _stop(server)
    finally:
        if server is not None and server.poll() is None:
            server.kill()
        database.drop()
        if redis_url:
            _flush_redis(redis_url)
    if not tally.latencies_ms:
        raise BenchError(f"load: no request was answered:\n{log_path.read_text(errors='replace')[-2000:]}")
    growth = max((late.get(pid, 0) - early.get(pid, 0) for pid in late), default=0.0)
    return {
        "requests": len(tally.latencies_ms),
        "load_rps": round(len(tally.latencies_ms) / elapsed, 1),
        "load_p50_ms": round(percentile(tally.latencies_ms, 50), 1),
        "load_p99_ms": round(percentile(tally.latencies_ms, 99), 1),
        "load_errors": len(tally.errors),
        "error_examples": sorted(set(tally.errors))[:5],
        "load_lost_writes": lost,
        "feedback_acknowledged": len(tally.feedback_ids),
        "moves_accepted": sum(tally.moves.values()),
        "moves_refused_409": tally.conflicts,
        "limited_429": tally.limited,
        **race,
        "app_rss_mb": round(max(late.values(), default=0.0), 1),
        "app_rss_growth_mb": round(growth, 1),
        "web_processes": len(late),
        **stopped,
    }


def _processes_under(pid: int) -> list[int]:
    children, found, todo = _children(), [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _stop(server: subprocess.Popen) -> dict:
    """SIGTERM to `accord serve`, as a supervisor sends it: how long until every process it
    started (web processes, task workers) is gone, and how many were left (killed after 30 s)."""
    started = time.monotonic()
    children = _processes_under(server.pid)
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    left = [pid for pid in children if Path(f"/proc/{pid}").exists()]
    for pid in left:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    return {"processes_stopped": len(children) - len(left), "processes_left": len(left),
            "stop_s": round(time.monotonic() - started, 1), "exit_status": server.returncode}


def _child(args: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-m", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BenchError(f"`python -m {' '.join(args)}` failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


RACERS = 8


def _race(port: int, seeded: dict, tally: Tally) -> dict:
    """RACERS users move the same bar at the same instant, all from the same version: exactly one
    may win; the others must get 409 (a second 200 would be a silent overwrite)."""
    bar_id = seeded["bars"][0]["id"]
    racers = [User(n, port, seeded, Tally(), 0) for n in range(RACERS)]
    status, data = racers[0].request("GET", f"/items/{bar_id}")
    if status != 200 or not data:
        raise BenchError(f"load: reading bar {bar_id} before the race answered {status}")
    barrier = threading.Barrier(RACERS)
    answers: list[int] = []

    def move(racer: User, days: int) -> None:
        body = {
            "version": data["version"],
            "start_date": (date.fromisoformat(data["start_date"]) + timedelta(days=days)).isoformat(),
            "end_date": (date.fromisoformat(data["end_date"]) + timedelta(days=days)).isoformat(),
        }
        barrier.wait()
        answer, _moved = racer.request("POST", f"/items/{bar_id}/move", body)
        answers.append(answer)
        racer.conn.close()

    threads = [threading.Thread(target=move, args=(racer, n + 1)) for n, racer in enumerate(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    won = answers.count(200)
    tally.moves[bar_id] = tally.moves.get(bar_id, 0) + won
    return {"race_accepted": won, "race_refused_409": answers.count(409), "race_other": len(answers) - won - answers.count(409)}


def _lost_writes(port: int, seeded: dict, tally: Tally) -> int:
    """Acknowledged writes not found at the end (see the module's docstring)."""
    reader = User(0, port, seeded, Tally(), 0)
    lost = 0
    for feedback_id in tally.feedback_ids:
        status, _data = reader.request("GET", f"/feedback/{feedback_id}")
        lost += status != 200
    for bar in seeded["bars"][:HOT_BARS]:
        status, data = reader.request("GET", f"/items/{bar['id']}")
        if status != 200 or not data:
            lost += 1
            continue
        lost += abs(data["version"] - bar["version"] - tally.moves.get(bar["id"], 0))
    reader.conn.close()
    return lost


@measures(
    load_rps="req/s", load_p99_ms="ms", load_errors="count", load_lost_writes="count", app_rss_mb="MB",
    app_rss_growth_mb="MB",
)
def load(ctx: BenchContext) -> Measured:
    users = ctx.scaled(USERS, minimum=5)
    duration = max(10.0, DURATION_S * ctx.scale)
    out = run(ctx, users=users, duration_s=duration)
    ctx.log(
        f"bench: load: {out['requests']} requests, {out['load_rps']} req/s, p99 {out['load_p99_ms']} ms, "
        f"errors {out['load_errors']}, lost writes {out['load_lost_writes']}, {out['moves_refused_409']} stale moves refused"
    )
    figures = {k: out[k] for k in ("load_rps", "load_p99_ms", "load_errors", "load_lost_writes", "app_rss_mb", "app_rss_growth_mb")}
    size = (
        f"{users} users, think time exponential mean {THINK_S} s, {duration:.0f} s, seed {SEED}; "
        f"{out['requests']} requests (p50 {out['load_p50_ms']} ms), {out['feedback_acknowledged']} feedback captured, "
        f"{out['moves_accepted']} moves accepted and {out['moves_refused_409']} refused as stale (409) on {HOT_BARS} shared bars; "
        f"accord serve with {out['web_processes']} web processes"
        + (" and Redis task workers" if ctx.vendor == "postgresql" else " and the database task worker")
        + (f"; errors: {out['error_examples']}" if out["error_examples"] else "")
    )
    return Measured(values=figures, size=size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m accord.bench.load")
    sub = parser.add_subparsers(dest="command", required=True)
    seeding = sub.add_parser("seed")
    seeding.add_argument("--users", type=int, default=USERS)
    ns = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    print(json.dumps(seed(ns.users)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
