"""The `accord` command: serve, demo, createadmin, token, bench, backup, restore, digest, export, import, and `manage` for Django's commands."""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_SECONDS = 10  # what gunicorn gives the requests in flight when asked to stop


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()


def _manage(args: list[str]) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["accord manage", *args])
    return 0


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _base_url(host: str, port: str) -> str:
    """Where `accord serve` answers, as a link in a mail can reach it from this machine."""
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104 (every interface: name this machine by its loopback)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _die_with_parent() -> None:
    """In a child: be sent SIGTERM when `accord serve` dies, even by SIGKILL (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _supervise(commands: list[list[str]], grace: float) -> int:
    """Run the commands side by side until one ends or a signal comes; then stop them all.

    SIGTERM, SIGINT and SIGHUP are passed on (SIGHUP as SIGTERM: a closed terminal stops the
    server; a second Ctrl-C makes gunicorn and the worker stop at once). A child still running
    `grace` seconds later is killed. The exit status is the first child's to end, or 0 after a
    signal.
    """
    children: list[subprocess.Popen] = []
    received: list[int] = []
    signalled: set[int] = set()

    def forward(signum: int, _frame) -> None:
        received.append(signum)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM if signum == signal.SIGHUP else signum)
                signalled.add(child.pid)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    try:
        for command in commands:
            if received:
                break
            # Their own process group: a Ctrl-C in the terminal reaches them once, through here.
            children.append(
                subprocess.Popen(command, process_group=0, preexec_fn=_die_with_parent)  # noqa: S603
            )
        status = 0
        while not received and all(child.poll() is None for child in children):
            try:
                children[0].wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                pass
        if not received:
            status = next(child.returncode for child in children if child.returncode is not None)
        # Stop what still runs, then wait for it: gunicorn finishes the requests in flight.
        deadline = time.monotonic() + grace
        for child in children:
            if child.poll() is None and child.pid not in signalled:  # started as the signal came
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        return status
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _serve(ns: argparse.Namespace) -> int:
    # Set before the settings are read, so the web workers and the db worker inherit them.
    if ns.local:
        os.environ["ACCORD_LOCAL"] = "true"
        if ns.host not in LOOPBACK:
            print(f"accord: local mode on {ns.host}: cookies travel over plain http.", file=sys.stderr)
    os.environ.setdefault("ACCORD_BASE_URL", _base_url(ns.host, ns.port))
    _metrics_dir(ns.port)  # before Django (and prometheus_client) load, in this process and its children
    _django()
    from django.core.management import call_command

    if not ns.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    # Outside debug, static files are served under hashed names from a manifest that collectstatic
    # writes; without it every page fails to render. Collected again only when they changed.
    from accord.core.static_files import collect_if_changed

    collect_if_changed()
    commands = [[
        sys.executable, "-m", "gunicorn", "accord.wsgi:application",
        "--bind", f"{ns.host}:{ns.port}", "--workers", str(ns.workers), "--threads", "4",
        "--access-logfile", "-", "--graceful-timeout", str(GRACE_SECONDS),
        "--logger-class", "accord.core.access_log.RedactingLogger",
        "--no-control-socket",  # one per user by default: a second server on the machine would take it
    ]]  # fmt: skip
    if not ns.no_worker:
        commands += _task_workers()
    return _supervise(commands, grace=GRACE_SECONDS + 5)


def _task_workers() -> list[list[str]]:
    """Background tasks (e-mails, embeddings) run in workers beside the web processes.

    With REDIS_URL: an RQ worker, and a database worker for the tasks queued while Redis was
    unreachable (accord.core.task_backends). Without: the database worker alone. On SIGTERM both
    finish the task in hand before they exit (RQ's warm shutdown; db_worker likewise). Beside them
    the periodic jobs run (accord.core.periodic): every 30 s the webhook sweep sends the deliveries
    a dead worker left, every hour the weekly digests due today go out.
    """
    manage = [sys.executable, "-m", "accord.cli", "manage"]
    sweeper = [*manage, "periodic"]
    if os.environ.get("REDIS_URL"):
        return [
            [*manage, "rqworker", "default", "--job-class", "django_tasks_rq.Job", "--with-scheduler"],
            [*manage, "db_worker", "--backend", "database", "--queue-name", "*"],
            sweeper,
        ]
    return [[*manage, "db_worker", "--queue-name", "*"], sweeper]


def _metrics_dir(port: str) -> Path:
    """Where every process of this server writes its metrics for /metrics to sum (emptied now)."""
    data_dir = Path(os.environ.get("ACCORD_DATA_DIR", Path.cwd() / "var")).resolve()
    folder = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(data_dir / f"metrics-{port}")))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # a previous run's figures
        stale.unlink()
    return folder


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["manage"]:
        return _manage(argv[1:])
    parser = argparse.ArgumentParser(prog="accord", description="Accord: plan one product together.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="Migrate and serve the app (gunicorn) with a background worker.")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve.add_argument("--port", default=os.environ.get("PORT", "8000"))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("ACCORD_WORKERS", "2")))
    serve.add_argument("--no-migrate", action="store_true")
    serve.add_argument("--no-worker", action="store_true")
    serve.add_argument(
        "--local",
        action="store_true",
        default=os.environ.get("ACCORD_LOCAL", "").strip().lower() in {"1", "true", "yes", "on"},
        help="Local mode: sign in over plain http on this machine (cookies without Secure, no HSTS).",
    )

    sub.add_parser(
        "worker",
        help="Only the background task workers of `accord serve` (RQ with REDIS_URL, and the database queue).",
    )

    sub.add_parser("demo", help="Load the demo workspace (idempotent) and print its slug.")

    admin = sub.add_parser("createadmin", help="Create a superuser (prompts for what is not given).")
    admin.add_argument("--email")
    admin.add_argument("--password")
    admin.add_argument("--name", default="")

    token = sub.add_parser("token", help="API tokens.")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help="Print a new API token for a member of a workspace.")
    create.add_argument("--email", required=True)
    create.add_argument("--workspace", required=True, help="The workspace slug.")
    create.add_argument("--name", default="cli")
    create.add_argument("--days", type=int, default=None, help="Expire after this many days.")

    bench = sub.add_parser("bench", help="Run the benchmarks; prints one JSON object.")
    bench.add_argument("--json", action="store_true", help="JSON output (the default and only format).")
    bench.add_argument("--only", nargs="+", default=None, metavar="NAME")

    feedback = sub.add_parser("import-feedback", help="Import feedback from a CSV or JSON file (all rows or none).")
    feedback.add_argument("file")
    feedback.add_argument("--workspace", required=True, help="The workspace slug.")
    feedback.add_argument("--as", dest="email", default=None, help="Import as this member (default: an admin).")
    feedback.add_argument("--source", default="import", help="For rows without a source (default: import).")
    feedback.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN", help="Which column fills a field.")
    feedback.add_argument("--skip-bad-rows", action="store_true", help="Import the good rows, report the bad ones.")
    feedback.add_argument("--encoding", default="auto", choices=["auto", "utf-8", "utf-16", "cp1252"], help="The file's encoding (default: detect).")
    feedback.add_argument("--decimal", default=None, choices=["point", "comma"], help="Decimal separator of its numbers (default: the workspace's).")
    feedback.add_argument("--date-format", default="iso", choices=["iso", "dmy", "mdy"], help="Day/month order of dates like 03/04/2026 (default: refuse them as ambiguous).")

    imp = sub.add_parser("import-from", help="Import a Jira, Trello, GitHub or CSV/xlsx file (all or nothing; --dry-run previews).")
    imp.add_argument("source", choices=["jira", "trello", "github", "csv"])
    imp.add_argument("file")
    imp.add_argument("--workspace", required=True, help="The workspace slug.")
    imp.add_argument("--into", dest="target", default="idea", choices=["idea", "item", "feedback"], help="idea (default), item or feedback (GitHub).")
    imp.add_argument("--as", dest="email", default=None, help="Import as this member (default: an admin).")
    imp.add_argument("--dry-run", action="store_true", help="Print the report; save nothing.")
    imp.add_argument("--roadmap", type=int, default=None, help="Items: the roadmap's id (default: a new one named after the project).")
    imp.add_argument("--status", action="append", default=[], metavar="SOURCE=ACCORD", help="Map a source status (repeatable).")
    imp.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN", help="CSV: which column fills a field.")
    imp.add_argument("--lists-as", default="", choices=["", "lanes", "statuses"], help="Trello: lists become lanes or statuses.")
    imp.add_argument("--include-archived", action="store_true", help="Trello: archived cards too.")
    imp.add_argument("--encoding", default="auto", choices=["auto", "utf-8", "utf-16", "cp1252"])
    imp.add_argument("--decimal", default="point", choices=["point", "comma"])
    imp.add_argument("--date-format", default="iso", choices=["iso", "dmy", "mdy"])

    backup = sub.add_parser("backup", help="Snapshot the database to a file (and its .sha256); prints a JSON summary.")
    backup.add_argument("file", nargs="?", default=None, help="Default: DATA_DIR/backups/accord-<time>.sqlite3 or .pgdump")
    restore = sub.add_parser("restore", help="Load a backup into the configured database, which must be empty.")
    restore.add_argument("file")
    plan = sub.add_parser("plan", help="Solve a capacity scenario and print the plan with its reasons.")
    plan.add_argument("--workspace", required=True, help="The workspace slug.")
    plan.add_argument("--scenario", required=True, help="The scenario's name.")
    plan.add_argument("--as", dest="email", default=None, help="Solve as this member (default: an admin).")
    plan.add_argument("--json", action="store_true", help="The whole result as JSON.")

    digest = sub.add_parser("digest", help="Send the weekly digests due today; prints a JSON summary (run daily).")
    digest.add_argument("--date", default=None, help="The day to send for (YYYY-MM-DD); default today.")
    digest.add_argument("--dry-run", action="store_true", help="Only say who would get one.")

    export = sub.add_parser("export", help="Write a workspace as one JSON file (to standard output).")
    export.add_argument("--workspace", required=True, help="The workspace slug.")
    export.add_argument("--output", "-o", default=None, help="A file to write instead of standard output.")
    load = sub.add_parser("import", help="Create a workspace from an export file (all or nothing).")
    load.add_argument("file")
    load.add_argument("--slug", default=None, help="Import under this slug (when the file's is taken).")

    sub.add_parser("manage", help="Django's management commands: accord manage <command> ...")

    ns = parser.parse_args(argv)
    if ns.command == "serve":
        return _serve(ns)
    if ns.command == "worker":
        # The same workers `accord serve` starts, for a machine that runs tasks only.
        _metrics_dir("worker")
        return _supervise(_task_workers(), grace=GRACE_SECONDS + 5)
    _django()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        if ns.command == "demo":
            call_command("demo")
        elif ns.command == "createadmin":
            call_command("createadmin", email=ns.email, password=ns.password, name=ns.name)
        elif ns.command == "token":
            call_command("token_create", email=ns.email, workspace=ns.workspace, name=ns.name, days=ns.days)
        elif ns.command == "backup":
            call_command("backup", ns.file)
        elif ns.command == "restore":
            call_command("restore", ns.file)
        elif ns.command == "bench":
            call_command("bench", only=ns.only)
        elif ns.command == "digest":
            call_command("digest", date=ns.date, dry_run=ns.dry_run)
        elif ns.command == "export":
            call_command("export_workspace", workspace=ns.workspace, output=ns.output)
        elif ns.command == "import":
            call_command("import_workspace", ns.file, slug=ns.slug)
        elif ns.command == "plan":
            call_command("plan", workspace=ns.workspace, scenario=ns.scenario, email=ns.email, json=ns.json)
        elif ns.command == "import-from":
            call_command("import_from", ns.source, ns.file, workspace=ns.workspace, target=ns.target, email=ns.email, dry_run=ns.dry_run,
                         roadmap=ns.roadmap, status=ns.status, map=ns.map, lists_as=ns.lists_as, include_archived=ns.include_archived,
                         encoding=ns.encoding, decimal=ns.decimal, date_format=ns.date_format)
        elif ns.command == "import-feedback":
            call_command("import_feedback", ns.file, workspace=ns.workspace, email=ns.email, source=ns.source, map=ns.map, skip_bad_rows=ns.skip_bad_rows,
                         encoding=ns.encoding, decimal=ns.decimal, date_format=ns.date_format)
    except CommandError as exc:
        print(f"accord: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
