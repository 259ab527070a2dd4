"""Security headers, health checks, safe markdown and CSV cells, deploy checks, database outages."""

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from accord.core.csv_safety import safe_cell
from accord.core.markdown import render_markdown

ACCORD = Path(sys.executable).with_name("accord")


# ---------------------------------------------------------------- headers


def _csp(response) -> dict[str, list[str]]:
    directives = [
        d.strip().split()
        for d in response.headers["Content-Security-Policy"].split(";")
        if d.strip()
    ]
    return {d[0]: d[1:] for d in directives}


@pytest.fixture
def workspace_page(cast, client):
    client.force_login(cast.members["viewer"].user)
    return client.get(reverse("people", args=["acme"]))


def test_pages_send_a_strict_content_security_policy(client, workspace_page):
    for response in (client.get(reverse("accounts:login")), workspace_page):
        csp = _csp(response)
        assert csp["object-src"] == ["'none'"]
        assert csp["base-uri"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["default-src"] == ["'self'"]
        assert (
            "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
        )


def test_scripts_come_from_our_own_files_or_carry_the_nonce_of_the_policy(workspace_page):
    script_src = _csp(workspace_page)["script-src"]
    nonces = [s[7:-1] for s in script_src if s.startswith("'nonce-")]
    scripts = re.findall(r"<script\b([^>]*)>", workspace_page.content.decode())
    assert any('src="/static/' in attrs for attrs in scripts)
    for attrs in scripts:
        if "src=" in attrs:
            assert re.search(r'src="/static/', attrs), attrs
        elif 'type="application/json"' not in attrs:
            assert nonces and f'nonce="{nonces[0]}"' in attrs, attrs


def test_pages_send_the_other_security_headers(client, workspace_page):
    for response in (client.get(reverse("accounts:login")), workspace_page):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_api_sends_nosniff_too(cast, api):
    response = api(cast.tokens["viewer"]).get("/workspaces/acme")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_need_the_csrf_token(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.members["admin"].user)
    response = client.post(reverse("teams", args=["acme"]), {"name": "Forged", "kind": "custom"})
    assert response.status_code == 403
    session_api = client.post(
        "/api/v1/workspaces/acme/teams", {"name": "Forged"}, content_type="application/json"
    )
    assert session_api.status_code in (401, 403)
    from accord.workspaces.models import Team

    assert not Team.objects.filter(name="Forged").exists()


# ---------------------------------------------------------------- health


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")  # no db fixture: any query would fail this test
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] in {"sqlite", "postgresql"}


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_is_down(client):
    with mock.patch(
        "accord.core.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "OperationalError"}


# ---------------------------------------------------------------- database outage


def test_the_api_answers_503_json_while_the_database_is_down(cast, api):
    outage = OperationalError("server closed the connection unexpectedly")
    with mock.patch("accord.workspaces.selectors.Person.objects.filter", side_effect=outage):
        response = api(cast.tokens["viewer"]).get("/workspaces/acme/people")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The database is unavailable; try again shortly.",
        "errors": [],
    }


def test_pages_answer_503_while_the_database_is_down(cast, client):
    client.force_login(cast.members["viewer"].user)
    with mock.patch(
        "accord.workspaces.selectors.Person.objects.filter",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get(reverse("people", args=["acme"]))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")


def test_a_locked_sqlite_database_is_not_reported_as_an_outage(cast, api):
    with (
        mock.patch(
            "accord.workspaces.selectors.Person.objects.filter",
            side_effect=OperationalError("database is locked"),
        ),
        pytest.raises(OperationalError),
    ):
        api(cast.tokens["viewer"]).get("/workspaces/acme/people")


# ---------------------------------------------------------------- markdown


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _assert_harmless(html: str) -> None:
    for tag, attrs in _tags(html):
        assert tag not in {
            "script",
            "style",
            "iframe",
            "object",
            "embed",
            "svg",
            "form",
            "input",
        }, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            if name in {"href", "src"}:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
                assert not scheme.startswith(("javascript:", "data:", "vbscript:")), html


MALICIOUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">click</a>',
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](<  JAVASCRIPT:alert(1)>)",
    "[click](&#106;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](  DaTa:text/html,<script>alert(1)</script>)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "<javascript:alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[click](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">raw</a>',
    "<iframe src=https://evil.example></iframe>",
    '<p style="background:url(javascript:alert(1))">x</p>',
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_markdown_never_renders_scripts_handlers_or_dangerous_links(text):
    html = render_markdown(text)
    _assert_harmless(html)
    assert "<script" not in html.lower()


def test_markdown_keeps_ordinary_formatting_and_safe_links():
    html = render_markdown(
        "# Plan\n\n**bold** *em* `code`\n\n- one\n- two\n\n"
        "[docs](https://example.com/docs) and [mail](mailto:a@example.com)"
    )
    assert "<h1>Plan</h1>" in html and "<strong>bold</strong>" in html and "<li>one</li>" in html
    links = [attrs for tag, attrs in _tags(html) if tag == "a"]
    assert [a["href"] for a in links] == ["https://example.com/docs", "mailto:a@example.com"]
    assert all(set(a["rel"].split()) >= {"noopener", "noreferrer", "nofollow"} for a in links)


def test_markdown_escapes_raw_html_as_text():
    assert (
        render_markdown("1 < 2 and <b>bold</b>") == "<p>1 &lt; 2 and &lt;b&gt;bold&lt;/b&gt;</p>\n"
    )


def test_markdown_of_nothing_is_empty():
    assert render_markdown("") == "" and render_markdown(None) == ""


# ---------------------------------------------------------------- CSV cells


@pytest.mark.parametrize(
    "value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil")']
)
def test_a_cell_that_a_spreadsheet_would_run_is_neutralized(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Plain", "", " =not first", "1+1", 42, -3, None, 1.5])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value


# ---------------------------------------------------------------- production settings


def _production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))}
    env.update(
        {
            "ACCORD_DATA_DIR": str(tmp_path),
            "ACCORD_DEBUG": "false",
            "ACCORD_SECRET_KEY": secrets.token_urlsafe(64),
            "ACCORD_SSL_REDIRECT": "true",
            "ACCORD_ALLOWED_HOSTS": "accord.example.com",
            **extra,
        }
    )
    return env


def test_the_deploy_checklist_passes_with_production_settings(tmp_path):
    result = subprocess.run(
        [str(ACCORD), "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_strict(tmp_path):
    code = (
        "from django.conf import settings as s; import django; django.setup(); "
        "print(s.TESTING, s.DEBUG, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE)"
    )
    env = _production_env(tmp_path, DJANGO_SETTINGS_MODULE="accord.settings")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.split() == [
        "False",
        "False",
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "Lax",
    ]
