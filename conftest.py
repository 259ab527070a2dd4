"""Shared fixtures: a cast of members, one per role, in two workspaces."""

import os

os.environ.setdefault("ACCORD_TESTING", "true")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright tests touch the ORM from its loop

import pytest  # noqa: E402

ROLES = ["viewer", "contributor", "editor", "admin"]
PASSWORD = "a-Strong-test-passw0rd"


@pytest.fixture
def cast(db):
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
def migrated_data_dir(tmp_path_factory, django_db_setup, django_db_blocker):
    """A data dir with a migrated SQLite database for real subprocesses (`accord serve`, scripts).

    Made once per run; copy it (accord.core.tests.serving.copy_data_dir), never change it.
    """
    from accord.core.tests.serving import make_migrated_data_dir

    with django_db_blocker.unblock():
        return make_migrated_data_dir(tmp_path_factory.mktemp("migrated"))
