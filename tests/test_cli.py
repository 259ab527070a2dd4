"""The `accord` command line: non-interactive admin creation and API tokens."""

import pytest

from accord.accounts.models import User
from accord.cli import main


def test_createadmin_creates_a_superuser_without_prompting(db, capsys, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda *_: pytest.fail("prompted for input"))
    code = main(
        [
            "createadmin",
            "--email",
            "Root@Example.test",
            "--password",
            "a-Strong-admin-passw0rd",
            "--name",
            "Root",
        ]
    )
    assert code == 0
    assert "Admin root@example.test created." in capsys.readouterr().out
    user = User.objects.get(email="root@example.test")
    assert user.is_superuser and user.is_staff and user.name == "Root"
    assert user.check_password("a-Strong-admin-passw0rd")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", "a-Strong-admin-passw0rd", "email"),
        ("root@example.test", "password", "password"),
        ("root@example.test", "short", "password"),
    ],
)
def test_createadmin_refuses_bad_input_with_a_message(db, capsys, email, password, message):
    code = main(["createadmin", "--email", email, "--password", password])
    assert code != 0
    captured = capsys.readouterr()
    assert captured.err.startswith("accord: ") and message in captured.err
    assert "Traceback" not in captured.err
    assert not User.objects.filter(is_superuser=True).exists()


def test_createadmin_refuses_an_existing_email(cast, capsys):
    assert (
        main(["createadmin", "--email", "admin@acme.test", "--password", "a-Strong-admin-passw0rd"])
        == 1
    )
    assert "already exists" in capsys.readouterr().err


def test_token_create_prints_a_token_that_works(cast, api, capsys):
    code = main(
        [
            "token",
            "create",
            "--email",
            "Editor@Acme.test",
            "--workspace",
            "acme",
            "--name",
            "Sheets",
            "--days",
            "30",
        ]
    )
    assert code == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("acc_") and "\n" not in token
    response = api(token).get("/workspaces/acme")
    assert response.status_code == 200 and response.json()["role"] == "editor"
    listed = api(token).get("/workspaces/acme/tokens").json()["items"]
    assert {t["name"] for t in listed} >= {"Sheets"}
    from accord.audit.models import AuditEntry

    assert AuditEntry.objects.filter(object_type="api token", via="cli").exists()


@pytest.mark.parametrize(
    ("email", "workspace"),
    [("nobody@acme.test", "acme"), ("admin@other.test", "acme"), ("editor@acme.test", "nowhere")],
)
def test_token_create_for_someone_who_is_not_a_member_fails(cast, capsys, email, workspace):
    code = main(["token", "create", "--email", email, "--workspace", workspace])
    assert code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "is not a member" in captured.err


def test_token_create_refuses_an_impossible_lifetime(cast, capsys):
    assert (
        main(
            ["token", "create", "--email", "editor@acme.test", "--workspace", "acme", "--days", "0"]
        )
        == 1
    )
    assert "1 to 3650 days" in capsys.readouterr().err


def test_an_unknown_command_exits_non_zero(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code != 0
    assert "invalid choice" in capsys.readouterr().err


SERVE_IN_PRODUCTION = """
from accord import cli

started = []
cli._supervise = lambda commands, grace: started.extend(commands) or 0
assert cli.main(["serve", "--no-worker", "--no-migrate"]) == 0
assert "gunicorn" in started[0]

from django.conf import settings
from django.test import Client

assert not settings.DEBUG and not settings.TESTING and not settings.LOCAL
client = Client(raise_request_exception=False)
for path in ["/accounts/login", "/api/v1/docs"]:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
# Outside local mode, cookies are only sent over https.
assert client.get("/accounts/login").cookies["csrftoken"]["secure"] is True
assert settings.SESSION_COOKIE_SECURE and settings.SECURE_HSTS_SECONDS > 0
print("ok")
"""


def test_serve_prepares_static_files_so_production_pages_render(tmp_path):
    """Production stores static files under hashed names; `accord serve` must collect them first."""
    import subprocess
    import sys

    from accord.core.tests.serving import child_env

    env = child_env(tmp_path, ACCORD_ALLOWED_HOSTS="testserver")
    result = subprocess.run(
        [sys.executable, "-c", SERVE_IN_PRODUCTION],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:9123"),
        ("0.0.0.0", "http://127.0.0.1:9123"),
        ("::1", "http://[::1]:9123"),
        ("accord.lan", "http://accord.lan:9123"),
    ],
)
def test_serve_sets_the_address_of_mail_links_to_where_it_listens(monkeypatch, host, expected):
    """Without ACCORD_BASE_URL, links in mails point at `accord serve --host --port` (issue: port 8000
    whatever the port); the web workers and the db worker inherit it."""
    import os

    from accord import cli

    monkeypatch.setattr(cli, "_supervise", lambda commands, grace: 0)
    monkeypatch.setattr("django.core.management.call_command", lambda *args, **kwargs: None)
    monkeypatch.setenv("ACCORD_BASE_URL", "placeholder")
    monkeypatch.delenv("ACCORD_BASE_URL")
    assert main(["serve", "--host", host, "--port", "9123"]) == 0
    assert os.environ["ACCORD_BASE_URL"] == expected


def test_serve_keeps_a_base_url_that_is_set(monkeypatch):
    import os

    from accord import cli

    monkeypatch.setattr(cli, "_supervise", lambda commands, grace: 0)
    monkeypatch.setattr("django.core.management.call_command", lambda *args, **kwargs: None)
    monkeypatch.setenv("ACCORD_BASE_URL", "https://accord.example.com")
    assert main(["serve", "--port", "9123"]) == 0
    assert os.environ["ACCORD_BASE_URL"] == "https://accord.example.com"
