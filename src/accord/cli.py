"""The `accord` command: serve, demo, createadmin, token, bench, and `manage` for Django's commands."""

import argparse
import os
import subprocess
import sys


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()


def _manage(args: list[str]) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["accord manage", *args])
    return 0


def _serve(ns: argparse.Namespace) -> int:
    _django()
    from django.core.management import call_command

    if not ns.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    # Outside debug, static files are served under hashed names from a manifest that collectstatic
    # writes; without it every page fails to render.
    call_command("collectstatic", interactive=False, verbosity=0)
    worker = None
    if not ns.no_worker:
        # Background tasks (e-mails, later: embeddings) run in a worker beside the web process.
        worker = subprocess.Popen([sys.executable, "-m", "accord.cli", "manage", "db_worker", "--queue-name", "*"])
    command = [
        sys.executable, "-m", "gunicorn", "accord.wsgi:application",
        "--bind", f"{ns.host}:{ns.port}", "--workers", str(ns.workers), "--threads", "4",
        "--access-logfile", "-", "--graceful-timeout", "10",
    ]
    try:
        return subprocess.call(command)  # noqa: S603
    except KeyboardInterrupt:
        return 0
    finally:
        if worker:
            worker.terminate()


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

    sub.add_parser("manage", help="Django's management commands: accord manage <command> ...")

    ns = parser.parse_args(argv)
    if ns.command == "serve":
        return _serve(ns)
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
        elif ns.command == "bench":
            call_command("bench", only=ns.only)
        elif ns.command == "import-feedback":
            call_command("import_feedback", ns.file, workspace=ns.workspace, email=ns.email, source=ns.source, map=ns.map, skip_bad_rows=ns.skip_bad_rows,
                         encoding=ns.encoding, decimal=ns.decimal, date_format=ns.date_format)
    except CommandError as exc:
        print(f"accord: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
