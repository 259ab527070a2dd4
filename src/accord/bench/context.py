"""What every measurement shares: a bench database, seeding, and the app served by gunicorn.

The bench never writes to the database this process is configured with when that is SQLite: it
uses a fresh file in a temporary directory. On PostgreSQL it uses the database DATABASE_URL names
(`make bench` creates and drops `accord_bench`) and the seeding refuses one that holds users or
workspaces. Seeding and serving run in child processes with their own environment, so the bench
process itself never touches the data.
"""

import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

import accord

HOST = "127.0.0.1"


class BenchError(RuntimeError):
    """A measurement could not be made (a child process failed, a response was wrong, ...)."""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def database_url_of(tmp: Path) -> tuple[str, str]:
    """(vendor, URL) of the bench database: a fresh SQLite file or the configured PostgreSQL one."""
    from django.db import connections

    conn = connections["default"]
    if conn.vendor == "sqlite":
        return "sqlite", f"sqlite:///{tmp / 'bench.sqlite3'}"
    if conn.vendor != "postgresql":
        raise BenchError(f"The bench supports SQLite and PostgreSQL, not {conn.vendor}.")
    sd = conn.settings_dict
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme.startswith("postgres"):
        # The settings may name another database than the URL (the test runner's test_<name>).
        return "postgresql", parts._replace(path="/" + quote(sd["NAME"])).geturl()
    auth = quote(sd.get("USER") or "") + (":" + quote(sd["PASSWORD"]) if sd.get("PASSWORD") else "")
    host = f"{sd.get('HOST') or 'localhost'}:{sd.get('PORT') or 5432}"
    return "postgresql", f"postgresql://{auth}@{host}/{quote(sd['NAME'])}"


def _tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class BenchContext:
    """One bench invocation: a temp dir, the database URL, and setups shared between runs."""

    def __init__(self, *, scale: float = 1.0, log: Callable[[str], None] = _stderr):
        self.scale = scale
        self.log = log
        self.tmp = Path(tempfile.mkdtemp(prefix="accord-bench-"))
        try:
            self.vendor, self.database_url = database_url_of(self.tmp)
        except BaseException:
            self.close()
            raise
        self._secret_key = secrets.token_urlsafe(50)
        self._setups: dict = {}

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def scaled(self, n: int, minimum: int = 1) -> int:
        return max(minimum, round(n * self.scale))

    def once(self, key, make: Callable[[], object]):
        """A setup made once per invocation and shared by every run that asks for the same key."""
        if key not in self._setups:
            self._setups[key] = make()
        return self._setups[key]

    def env(self) -> dict[str, str]:
        """The environment of the children: production settings, the bench database."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("ACCORD_") and k not in {"DATABASE_URL", "REDIS_URL"}
        }
        src = str(Path(accord.__file__).resolve().parent.parent)
        env.update(
            DJANGO_SETTINGS_MODULE="accord.settings",
            PYTHONPATH=os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])]),
            DATABASE_URL=self.database_url,
            ACCORD_DATA_DIR=str(self.tmp / "data"),
            ACCORD_SECRET_KEY=self._secret_key,
            ACCORD_DEBUG="false",
            ACCORD_TESTING="false",
            ACCORD_ALLOWED_HOSTS=HOST,
            ACCORD_SECURE_COOKIES="false",
            ACCORD_LOG_LEVEL="WARNING",
        )
        return env

    def python(self, *args: str, timeout: float = 600) -> str:
        """`python -m <args>` in the bench environment: its stdout, or BenchError with stderr."""
        try:
            done = subprocess.run(  # noqa: S603 (our own interpreter and module)
                [sys.executable, "-m", *args],
                env=self.env(),
                cwd=self.tmp,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise BenchError(
                f"`python -m {' '.join(args)}` took more than {timeout:.0f} s."
            ) from exc
        if done.returncode != 0:
            raise BenchError(
                f"`python -m {' '.join(args)}` failed ({done.returncode}):\n{done.stderr[-3000:]}"
            )
        if done.stderr.strip():
            self.log(done.stderr.rstrip())
        return done.stdout

    def seed_people(self, people: int) -> dict:
        """The workspace `bench` with `people` people and an API token: {"slug", "token", "people"}.

        Seeded once per invocation: the seeding wants an empty database, so runs share this setup.
        """

        def make() -> dict:
            self.log(f"bench: migrating and seeding {people} people ({self.vendor})")
            started = time.perf_counter()
            out = self.python("accord.bench.seed", "--people", str(people))
            self.log(f"bench: seeded in {time.perf_counter() - started:.1f} s")
            return json.loads(out.strip().splitlines()[-1])

        return self.once(("people", people), make)

    @contextmanager
    def serve(
        self, *, workers: int = 2, threads: int = 4, ready_timeout: float = 60
    ) -> Iterator[int]:
        """The app under gunicorn on 127.0.0.1 at a free port (yielded), stopped on the way out."""
        port = free_port()
        log_path = self.tmp / f"gunicorn-{port}.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "accord.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--graceful-timeout",
            "5",
            "--timeout",
            "60",
        ]
        with open(log_path, "wb") as log_file:
            proc = subprocess.Popen(  # noqa: S603 (our own interpreter and gunicorn)
                command, env=self.env(), cwd=self.tmp, stdout=log_file, stderr=subprocess.STDOUT
            )
            try:
                self.log(
                    f"bench: gunicorn on {HOST}:{port} ({workers} workers x {threads} threads)"
                )
                self._wait_ready(proc, port, ready_timeout, log_path)
                yield port
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

    @staticmethod
    def _wait_ready(proc: subprocess.Popen, port: int, timeout: float, log_path: Path) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise BenchError(f"gunicorn exited with {proc.returncode}:\n{_tail(log_path)}")
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            try:
                conn.request("GET", "/readyz")
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.1)
        raise BenchError(f"gunicorn was not ready within {timeout:.0f} s:\n{_tail(log_path)}")
