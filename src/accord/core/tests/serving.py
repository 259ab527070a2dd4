"""Real processes in tests: `accord serve` on a free 127.0.0.1 port, scripts sharing one database.

A migrated SQLite data dir is made once per test session (see the `migrated_data_dir` fixture in
the root conftest.py) and copied for each server; teardown ends everything a server started,
whatever the code under test did.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import accord

SRC = Path(accord.__file__).resolve().parent.parent
SECRET_KEY = "test-secret-key-" + "s" * 48
SERVE = [sys.executable, "-m", "accord.cli", "serve", "--no-migrate"]

SEED = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
import django
django.setup()
from accord.accounts.models import User
from accord.roadmaps import services as roadmaps
from accord.workspaces import services as workspaces
from accord.workspaces.models import Membership

owner = User.objects.create_user("admin@serve.test", "a-Strong-serve-passw0rd", name="Ada")
workspace = workspaces.workspace_create(user=owner, name="Serve", slug="serve")
member = Membership.objects.select_related("workspace", "user").get(workspace=workspace, user=owner)
roadmap = roadmaps.roadmap_create(member=member, name="Launch plan", lanes=["Build"])
_link, share = roadmaps.share_link_create(
    member=member, name="Wall", views=[{"roadmap": roadmap.pk, "view": "timeline"}]
)
_token, api = workspaces.token_create(member=member, name="serve test")
print(json.dumps({"email": owner.email, "password": "a-Strong-serve-passw0rd", "share": share, "api": api}))
"""

COLLECT = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
import django
django.setup()
from accord.core.static_files import collect_if_changed
collect_if_changed()
"""


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process: none of the test run's settings, this checkout's code."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ACCORD_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))
        and k not in {"HOST", "PORT"}
    }
    env.update(
        {
            "ACCORD_DATA_DIR": str(data_dir),
            "ACCORD_SECRET_KEY": SECRET_KEY,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for the PostgreSQL database of these connection settings."""
    auth = quote(settings_dict["USER"] or "", safe="")
    if settings_dict.get("PASSWORD"):
        auth += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgresql://{auth}@{host}:{port}/{settings_dict['NAME']}"


def make_migrated_data_dir(path: Path) -> Path:
    """A data dir with a migrated SQLite database: a copy of the (SQLite) test database, else migrated."""
    from django.db import connection

    path.mkdir(parents=True, exist_ok=True)
    target = path / "accord.sqlite3"
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        from accord.core.sqlite_copy import sqlite_copy

        sqlite_copy(connection, target)  # the test database, migrated by pytest-django: milliseconds
    else:
        subprocess.run(
            [sys.executable, "-m", "accord.cli", "manage", "migrate", "--noinput", "-v0"],
            env=child_env(path),
            check=True,
            timeout=300,
        )
    # Static files collected once for every server started from a copy (`accord serve` skips
    # collecting when its data dir already holds these sources).
    subprocess.run(
        [sys.executable, "-c", COLLECT],
        env=child_env(path),
        check=True,
        timeout=300,
    )
    return path


def copy_data_dir(template: Path, path: Path) -> Path:
    shutil.copytree(template, path, dirs_exist_ok=True)
    return path


def seed(data_dir: Path) -> dict:
    """A user, a workspace, a share link and an API token in the data dir's database."""
    import json

    result = subprocess.run(
        [sys.executable, "-c", SEED],
        env=child_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return True
    return False


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process, read from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        table[int(entry.name)] = (int(fields[1]), fields[0])
    return table


def descendants(pid: int) -> list[int]:
    """The live processes started by pid, and by them, and so on."""
    table = _processes()
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, (ppid, state) in table.items() if ppid == parent and state not in {"Z", "X"}]
        found += children
        frontier += children
    return found


def alive(pids: list[int]) -> list[int]:
    """Those of pids still running (a zombie serves nothing)."""
    table = _processes()
    return [pid for pid in pids if pid in table and table[pid][1] not in {"Z", "X"}]


def environ_of(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)


def cmdline_of(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


class Served:
    """A running `accord serve`: its process, port and log (stdout and stderr together)."""

    def __init__(self, data_dir: Path, *args: str, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.port = free_port()
        self.log_path = data_dir / "serve.log"
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.process = subprocess.Popen(
            [*SERVE, "--host", "127.0.0.1", "--port", str(self.port), *args],
            env=child_env(data_dir, **(env or {})),
            cwd=data_dir,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # not in pytest's process group: a Ctrl-C there is not a test
        )
        self._wait_until_up()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _wait_until_up(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise AssertionError(f"accord serve exited early:\n{self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"accord serve did not answer within {timeout}s:\n{self.log()[-3000:]}")

    def descendants(self) -> list[int]:
        """Every process the server started, and those started by them."""
        return descendants(self.process.pid)

    def stop(self) -> None:
        """End the server and everything it started, however it behaves."""
        started = self.descendants() if self.process.poll() is None else []
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        for pid in alive(started):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.process.poll() is None:
            self.process.wait(timeout=10)
        self._log.close()
