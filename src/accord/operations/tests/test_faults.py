"""Faults against the real `accord serve` on PostgreSQL (run by `make test-postgres`):

- the database goes away (every connection cut, new ones refused, as in a restart): requests get 503
  with Retry-After, nothing is half-written, and the same processes serve again once it is back;
- a web process is killed (SIGKILL) in the middle of a bulk import: the import is all or nothing,
  the other process keeps serving, and gunicorn replaces the dead one;
- a task worker on Redis is killed (SIGKILL) in the middle of a task: the task is run again and
  its work is done once (every text embedded, one vector each);
- and a short load run (accord.bench.load, as `make bench` runs it for five minutes) against
  `accord serve` with Redis workers: no error, no lost write, SIGTERM stops every process.

The database is reached through a TCP relay in this test, so the outage is the relay's: the
PostgreSQL server that the rest of the suite uses is never stopped.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from accord.core.tests.serving import (
    SEED,
    Served,
    child_env,
    copy_data_dir,
    database_url,
    descendants,
    free_port,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True, scope="module")
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("fault tests need PostgreSQL: they run in `make test-postgres`")


class Relay:
    """127.0.0.1:<port> -> the PostgreSQL server; down() cuts every connection and refuses new ones."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.2)
        self.up_flag = threading.Event()
        self.up_flag.set()
        self.stopped = threading.Event()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _addr = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self.up_flag.is_set():
                client.close()  # refused, as a server that is not there
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def down(self) -> None:
        self.up_flag.clear()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for s in pair:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def up(self) -> None:
        self.up_flag.set()

    def close(self) -> None:
        self.stopped.set()
        self.down()
        self.listener.close()


@pytest.fixture(scope="module")
def fault_db(django_db_setup, tmp_path_factory):
    """A database of its own, migrated and seeded: (direct URL, relay URL, relay, seeded)."""
    import psycopg

    settings_dict = dict(connection.settings_dict)
    name = f"accord_faults_{uuid.uuid4().hex[:10]}"
    admin = database_url({**settings_dict, "NAME": "postgres"})
    # A copy of this run's test database, migrated already (a migration here takes most of a
    # minute on a busy machine); it may be copied only while nobody is connected to it.
    connection.close()
    with psycopg.connect(admin, autocommit=True) as pg:
        try:
            pg.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings_dict["NAME"]}"')
            migrated = True
        except psycopg.errors.ObjectInUse:
            pg.execute(f'CREATE DATABASE "{name}"')
            migrated = False
    host, port = settings_dict.get("HOST") or "127.0.0.1", int(settings_dict.get("PORT") or 5432)
    relay = Relay((host, port))
    direct = database_url({**settings_dict, "NAME": name})
    relayed = database_url({**settings_dict, "NAME": name, "HOST": "127.0.0.1", "PORT": relay.port})
    try:
        if not migrated:
            subprocess.run(
                [sys.executable, "-m", "accord.cli", "manage", "migrate", "--noinput", "-v0"],
                env=child_env(tmp_path_factory.mktemp("migrate"), DATABASE_URL=direct), check=True, timeout=600,
            )
        yield direct, relayed, relay
    finally:
        relay.close()
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def served(fault_db, migrated_data_dir, tmp_path_factory):
    direct, relayed, relay = fault_db
    path = copy_data_dir(migrated_data_dir, tmp_path_factory.mktemp("faults"))
    env = child_env(path, DATABASE_URL=direct)
    seeded = subprocess.run([sys.executable, "-c", SEED], env=env, capture_output=True, text=True, timeout=120, check=True)
    server = Served(path, "--workers", "2", "--no-worker", env={"DATABASE_URL": relayed})
    server.seeded = json.loads(seeded.stdout.strip().splitlines()[-1])
    server.relay = relay
    server.direct = direct
    yield server
    server.stop()


def call(server, method, path, body=None, timeout=30):
    """(status, headers, json body or None); (0, {}, None) when the connection failed."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        server.base + path, data=data, method=method,
        headers={"Authorization": f"Bearer {server.seeded['api']}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw, status, headers = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        raw, status, headers = exc.read(), exc.code, dict(exc.headers)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}, None
    try:
        return status, headers, json.loads(raw) if raw else None
    except ValueError:
        return status, headers, None


def feedback_count(server) -> int:
    import psycopg

    with psycopg.connect(server.direct) as pg:
        return pg.execute("SELECT count(*) FROM feedback_feedback").fetchone()[0]


def web_workers(server) -> list[int]:
    from accord.bench.load import web_processes

    return web_processes(server.process.pid)


def test_the_database_going_away_answers_503_and_the_same_processes_recover(served):
    assert call(served, "GET", "/api/v1/me")[0] == 200
    before, pids = feedback_count(served), sorted(web_workers(served))
    served.relay.down()
    try:
        for _ in range(3):  # each web process, whichever answers
            status, headers, body = call(served, "POST", "/api/v1/workspaces/serve/feedback", {"text": "During the outage"})
            assert status == 503 and headers.get("Retry-After") == "5", (status, body)
            assert "database is unavailable" in body["detail"]
        status, headers, body = call(served, "GET", "/readyz")
        assert status == 503 and headers.get("Retry-After") == "5" and body["status"] == "unavailable"
        with pytest.raises(urllib.error.HTTPError) as refused:  # a page that reads the database
            urllib.request.urlopen(f"{served.base}/share/{served.seeded['share']}", timeout=30)
        assert refused.value.code == 503 and refused.value.headers["Retry-After"] == "5"
        assert "try again" in refused.value.read().decode().lower()
    finally:
        served.relay.up()
    deadline = time.monotonic() + 20
    while (status := call(served, "GET", "/api/v1/me")[0]) != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status == 200
    for _ in range(4):  # every process reconnected, not only the first to be asked
        assert call(served, "GET", "/api/v1/me")[0] == 200
    assert call(served, "POST", "/api/v1/workspaces/serve/feedback", {"text": "After the outage"})[0] == 201
    assert feedback_count(served) == before + 1  # the refused write left nothing behind
    assert sorted(web_workers(served)) == pids  # recovered without a restart


def test_a_web_process_killed_during_a_bulk_import_leaves_all_or_nothing(served):
    rows = 1000
    before = feedback_count(served)
    items = [{"text": f"Bulk row {n}: please add SSO for the admin console."} for n in range(rows)]
    outcome: dict = {}

    def post() -> None:
        outcome["status"] = call(served, "POST", "/api/v1/workspaces/serve/feedback/batch", {"items": items}, timeout=120)[0]

    workers = web_workers(served)
    assert len(workers) == 2
    ticks = {pid: _cpu_ticks(pid) for pid in workers}
    thread = threading.Thread(target=post)
    thread.start()
    time.sleep(0.4)
    busiest = max(workers, key=lambda pid: _cpu_ticks(pid) - ticks[pid])
    os.kill(busiest, signal.SIGKILL)
    thread.join(timeout=180)
    after = feedback_count(served)
    # All rows or none, never part: killed before the commit, nothing; after it, every row (the
    # answer may still be lost with the process: the client sees a failed connection).
    assert after - before in (0, rows), (outcome, after - before)
    assert outcome["status"] in (0, 502, 201) and (outcome["status"] != 201 or after - before == rows)
    # The other process answers meanwhile; gunicorn replaces the dead one.
    assert call(served, "GET", "/api/v1/me")[0] == 200
    deadline = time.monotonic() + 30
    while (len(current := web_workers(served)) != 2 or busiest in current) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(current) == 2 and busiest not in current


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


REDIS_DB = 13  # the Redis database of this test (flushed before and after)

ENQUEUE = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
import django
django.setup()
from accord.core.request_context import task_signal_sets
from accord.feedback import services
from accord.workspaces.models import Membership
jobs = []
for signals in task_signal_sets():  # the RQ backend sends the django-tasks package's
    signals.task_enqueued.connect(lambda sender, task_result, **kw: jobs.append(task_result.id), weak=False)
owner = Membership.objects.select_related("workspace", "user").get(workspace__slug="serve", user__email="admin@serve.test")
made = services.feedback_batch_create(member=owner, items=[{"text": f"Worker fault {n}: the calendar sync drops recurring events."} for n in range(500)])
print(json.dumps({"ids": [f.pk for f in made], "jobs": jobs}))
"""

ABANDONED = """
import os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
import django
django.setup()
import django_rq
from rq.registry import StartedJobRegistry
# What the next worker's maintenance does once the dead worker's heartbeat has expired.
StartedJobRegistry(queue=django_rq.get_queue("default", job_class="django_tasks_rq.Job")).cleanup(time.time() + 10**6)
"""


def test_a_task_whose_worker_is_killed_runs_again_and_completes_once(served):
    import psycopg
    import redis
    from rq.job import Job, JobStatus

    redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    env = child_env(served.data_dir, DATABASE_URL=served.direct, REDIS_URL=redis_url)
    worker_command = [sys.executable, "-m", "accord.cli", "manage", "rqworker", "default", "--job-class", "django_tasks_rq.Job"]
    try:
        made = subprocess.run([sys.executable, "-c", ENQUEUE], env=env, capture_output=True, text=True, timeout=120, check=True)
        enqueued = json.loads(made.stdout.strip().splitlines()[-1])
        assert len(enqueued["jobs"]) == 1  # 500 texts: one embedding task
        job_id = enqueued["jobs"][0]

        def embedded() -> int:
            with psycopg.connect(served.direct) as pg:
                return pg.execute(
                    "SELECT count(*) FROM feedback_feedback WHERE id = ANY(%s) AND embedding IS NOT NULL", [enqueued["ids"]]
                ).fetchone()[0]

        worker = subprocess.Popen(worker_command, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while Job.fetch(job_id, connection=client).get_status() != JobStatus.STARTED and time.monotonic() < deadline:
            time.sleep(0.05)
        assert Job.fetch(job_id, connection=client).get_status() == JobStatus.STARTED
        time.sleep(0.2)
        horses = descendants(worker.pid)  # RQ forks a "work horse" per job, in a session of its own
        assert horses
        for pid in [worker.pid, *horses]:  # the worker and its work horse, mid-task
            os.kill(pid, signal.SIGKILL)
        worker.wait(timeout=10)
        assert Job.fetch(job_id, connection=client).get_status() == JobStatus.STARTED
        assert embedded() < len(enqueued["ids"])

        subprocess.run([sys.executable, "-c", ABANDONED], env=env, check=True, timeout=120, capture_output=True)
        job = Job.fetch(job_id, connection=client)
        assert job.get_status() == JobStatus.QUEUED and job.retries_left == 2  # back in the queue, once

        subprocess.run([*worker_command, "--burst"], env=env, check=True, timeout=300, capture_output=True)
        assert Job.fetch(job_id, connection=client).get_status() == JobStatus.FINISHED
        assert embedded() == len(enqueued["ids"])
    finally:
        client.flushdb()
        client.close()


def test_a_short_load_run_loses_nothing_and_stops_cleanly(fault_db):
    from accord.bench import load
    from accord.bench.context import BenchContext

    direct, _relayed, _relay = fault_db
    ctx = BenchContext(scale=0.05, log=lambda message: None)
    try:
        out = load.run(ctx, users=8, duration_s=10, migrated_url=direct)
    finally:
        ctx.close()
    assert out["requests"] > 30
    assert out["load_errors"] == 0, out["error_examples"]
    assert out["load_lost_writes"] == 0
    assert out["feedback_acknowledged"] > 0 and out["moves_accepted"] > 0
    # Eight moves of one bar at the same instant from the same version: one wins, seven get 409.
    assert (out["race_accepted"], out["race_refused_409"], out["race_other"]) == (1, load.RACERS - 1, 0)
    assert out["web_processes"] == 3 and out["app_rss_mb"] > 0
    # accord serve, its gunicorn master and workers, the RQ worker (and its scheduler) and the
    # database worker all exited on SIGTERM.
    assert out["processes_left"] == 0 and out["exit_status"] == 0
    assert out["processes_stopped"] >= 7
