"""Shared fixtures: a cast of members, one per role, in two workspaces."""

import os

os.environ.setdefault("ACCORD_TESTING", "true")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright tests touch the ORM from its loop

from contextlib import contextmanager

import pytest

ROLES = ["viewer", "contributor", "editor", "admin"]
PASSWORD = "a-Strong-test-passw0rd"


def build_cast():
    """Workspace "acme" with one member per role, and workspace "other" with its own admin.

    cast.members[role] -> Membership, cast.tokens[role] -> raw API token; cast.outsider is the admin
    of "other" (and cast.tokens["outsider"] their token for "other").
    """
    from accord.accounts.models import User
    from accord.workspaces import services
    from accord.workspaces.models import Membership

    class Cast:
        pass

    c = Cast()
    owner = User.objects.create_user("admin@acme.test", PASSWORD, name="Ada Admin")
    c.workspace = services.workspace_create(user=owner, name="Acme", slug="acme")
    admin = Membership.objects.select_related("workspace", "user").get(workspace=c.workspace, user=owner)
    c.members = {"admin": admin}
    for role in ROLES[:-1]:
        user = User.objects.create_user(f"{role}@acme.test", PASSWORD, name=role.capitalize())
        c.members[role] = services.member_add(member=admin, user=user, role=role)
    outsider = User.objects.create_user("admin@other.test", PASSWORD, name="Otto Outsider")
    c.other = services.workspace_create(user=outsider, name="Other", slug="other")
    c.outsider = Membership.objects.select_related("workspace", "user").get(workspace=c.other, user=outsider)
    c.tokens = {role: services.token_create(member=m, name=f"{role} token")[1] for role, m in c.members.items()}
    c.tokens["outsider"] = services.token_create(member=c.outsider, name="outsider token")[1]
    c.password = PASSWORD
    return c


@pytest.fixture
def cast(db):
    """A fresh cast (see build_cast) in this test's database."""
    return build_cast()


@contextmanager
def kept_for_the_module(django_db_blocker):
    """Data built once for a module and rolled back after it, like Django's setUpTestData.

    Opens a transaction that stays open while the module's tests run; each test (marked
    django_db, not transactional) then runs in a savepoint of it and is rolled back to the data built
    here. Use it from a module-scoped fixture that depends on django_db_setup; the module must not
    hold transactional tests (they would flush the shared data).
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # as TestCase's own: a durable atomic block may run inside it
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def api(client):
    """api(token).get/post/patch/delete(path, json) against /api/v1 with a Bearer token (or none)."""
    import json as _json

    class Api:
        def __init__(self, token=None):
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

        def _call(self, method, path, data=None):
            kwargs = dict(self.headers)
            if data is not None:
                kwargs["data"] = _json.dumps(data)
                kwargs["content_type"] = "application/json"
            return getattr(client, method)(f"/api/v1{path}", **kwargs)

        def get(self, path, params=None):
            return client.get(f"/api/v1{path}", params or {}, **self.headers)

        def post(self, path, data=None):
            return self._call("post", path, data if data is not None else {})

        def patch(self, path, data=None):
            return self._call("patch", path, data if data is not None else {})

        def delete(self, path):
            return self._call("delete", path)

    return Api


@pytest.fixture(scope="session")
def cast_factory():
    """build_cast, for module-scoped fixtures (the `cast` fixture is per test)."""
    return build_cast


@pytest.fixture(scope="session")
def module_transaction(django_db_blocker):
    """kept_for_the_module(), bound to the blocker: `with module_transaction(): build data; yield`."""
    return lambda: kept_for_the_module(django_db_blocker)


@pytest.fixture
def db_tasks(settings, monkeypatch):
    """Tasks go to the database queue (django_tasks_db), as in production without Redis.

    Returns `run()`, which runs the worker over everything queued (once), and `rows()`, every
    column of every row of the task table as text (what stays at rest).
    """
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker runs in the test's own connection here: on PostgreSQL it would close it mid-test.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    class Queue:
        @staticmethod
        def run():
            call_command("db_worker", batch=True, queue_name="*", startup_delay=False, verbosity=0, reload=False)

        @staticmethod
        def rows() -> list[str]:
            return [str(row) for row in DBTaskResult.objects.values_list()]

    return Queue


@pytest.fixture(scope="session")
def migrated_data_dir(tmp_path_factory, django_db_setup, django_db_blocker):
    """A data dir with a migrated SQLite database for real subprocesses (`accord serve`, scripts).

    Made once per run; copy it (accord.core.tests.serving.copy_data_dir), never change it.
    """
    import fcntl

    from accord.core.tests.serving import make_migrated_data_dir

    # Made once for the whole run, not once per xdist worker: on PostgreSQL runs it means migrating
    # an SQLite database from scratch (most of a minute on a busy machine). The first worker makes
    # it under a lock in the run's shared temp dir; the others wait for it and use it.
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this run's, not older runs'
    target = shared / "migrated-data-dir"
    with open(shared / "migrated-data-dir.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (target / ".complete").exists():
                with django_db_blocker.unblock():
                    make_migrated_data_dir(target)
                (target / ".complete").touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """pytest-xdist's --dist loadgroup: mark each grouped test's node id with its group (`…@name`).

    xdist 3.8 does it by setting `item._nodeid`, which pytest 9 no longer reads (node ids are
    structured), so without this the tests of one xdist_group are spread over the workers.
    """
    if not hasattr(config, "workerinput") or not config.getvalue("loadgroup"):
        return
    for item in items:
        groups = sorted({m.args[0] if m.args else m.kwargs.get("name", "default") for m in item.iter_markers("xdist_group")})
        if groups and "@" not in item.nodeid:
            item._id = item.parent.id.child(f"{item.name}@{'_'.join(groups)}")
