"""The real `accord serve` on a free 127.0.0.1 port: local mode, links in mails, the access log, and
stopping on a signal (every child gone, the port free)."""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from accord import cli
from accord.core.tests.serving import (
    Served,
    alive,
    child_env,
    cmdline_of,
    copy_data_dir,
    descendants,
    environ_of,
    port_is_free,
    seed,
)

# The database marker makes pytest-django migrate its test database, which the data dir copies.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_data_dir(migrated_data_dir, tmp_path_factory):
    path = copy_data_dir(migrated_data_dir, tmp_path_factory.mktemp("served"))
    return path, seed(path)


@pytest.fixture(scope="module")
def served(seeded_data_dir):
    """`accord serve --local` (debug off, ACCORD_BASE_URL not set), two workers and the db worker."""
    path, seeded = seeded_data_dir
    server = Served(path, "--local", "--workers", "2")
    server.seeded = seeded
    yield server
    server.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(opener, url, data=None, headers=None):
    """(status, headers, body) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.headers, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode(errors="replace")


# ---------------------------------------------------------------- 20: local mode, debug off


def test_local_mode_serves_without_debug_a_404_lists_no_routes(served):
    opener = urllib.request.build_opener()
    status, _headers, body = fetch(opener, f"{served.base}/no-such-page")
    assert status == 404
    assert "URLconf" not in body and "w/&lt;slug:slug&gt;" not in body and "api/v1/" not in body
    assert "Page not found" in body or "not found" in body.lower()


def test_local_mode_serves_static_files(served):
    opener = urllib.request.build_opener()
    status, _headers, body = fetch(opener, f"{served.base}/accounts/login")
    assert status == 200
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', body)
    assert assets, body[:2000]
    for asset in assets:
        status, headers, _ = fetch(opener, served.base + asset)
        assert status == 200, asset
        assert headers["Content-Type"].split(";")[0] in {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "image/png", "image/x-icon", "image/vnd.microsoft.icon"}


def test_local_mode_signs_in_over_plain_http_cookies_without_secure(served):
    """A browser drops Secure cookies on http: the cookie jar does the same."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    status, headers, body = fetch(opener, f"{served.base}/accounts/login")
    assert status == 200
    for cookie in headers.get_all("Set-Cookie") or []:
        assert "secure" not in cookie.lower(), cookie
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode(
        {"email": served.seeded["email"], "password": served.seeded["password"], "csrfmiddlewaretoken": csrf}
    ).encode()
    status, headers, _ = fetch(
        opener, f"{served.base}/accounts/login", data=form, headers={"Referer": f"{served.base}/accounts/login"}
    )
    assert status == 302, status
    cookies = headers.get_all("Set-Cookie") or []
    assert any(c.startswith("sessionid=") for c in cookies)
    assert not any("secure" in c.lower() for c in cookies), cookies
    status, _headers, body = fetch(opener, f"{served.base}/w/serve/")
    assert status == 200 and "Serve" in body


# ---------------------------------------------------------------- 11: links in mails


def test_links_in_mails_use_the_address_accord_serve_listens_on(served):
    """Without ACCORD_BASE_URL, the web workers and the db worker build links on the served port."""
    expected = f"http://127.0.0.1:{served.port}"
    opener = urllib.request.build_opener()
    status, _headers, body = fetch(
        opener,
        f"{served.base}/api/v1/workspaces/serve/portal",
        headers={"Authorization": f"Bearer {served.seeded['api']}"},
    )
    assert status == 200, body
    assert json.loads(body)["url"] == f"{expected}/portal/serve/"
    children = served.descendants()
    workers = [pid for pid in children if "db_worker" in cmdline_of(pid)]
    assert workers, [cmdline_of(pid) for pid in children]
    for pid in children:
        assert environ_of(pid).get("ACCORD_BASE_URL") == expected, cmdline_of(pid)


# ---------------------------------------------------------------- 14: no token in the access log


def test_the_access_log_records_no_token(served):
    opener = urllib.request.build_opener()
    share = served.seeded["share"]
    secrets = {
        "share": share,
        "calendar": "cal_NotInTheLog4711",
        "invitation": "inv_NotInTheLog4712",
        "verify": "pv_NotInTheLog4713",
        "unsubscribe": "pu_NotInTheLog4714",
        "scoreboard": "sb_NotInTheLog4715",
        "query": "NotInTheLog4716",
    }
    assert fetch(opener, f"{served.base}/share/{share}")[0] == 200
    fetch(opener, f"{served.base}/share/{share}/state")
    fetch(opener, f"{served.base}/calendar/{secrets['calendar']}.ics")
    fetch(opener, f"{served.base}/invitations/{secrets['invitation']}")
    fetch(opener, f"{served.base}/portal/serve/verify/{secrets['verify']}")
    fetch(opener, f"{served.base}/portal/serve/unsubscribe/{secrets['unsubscribe']}")
    fetch(opener, f"{served.base}/scoreboard/{secrets['scoreboard']}")
    fetch(opener, f"{served.base}/healthz?token={secrets['query']}")
    # A page's address travels as the Referer of what it loads.
    fetch(opener, f"{served.base}/healthz", headers={"Referer": f"{served.base}/share/{share}"})
    deadline = time.monotonic() + 5
    while "/healthz" not in served.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)  # the last lines
    log = served.log()
    assert "/share/" in log and "/calendar/" in log and "/invitations/" in log  # requests are logged
    for name, secret in secrets.items():
        assert secret not in log, name
    # What a token is cut to: its route still shows.
    assert "/share/[redacted]" in log


def test_the_access_log_is_json_with_the_request_id_the_app_logs(served):
    opener = urllib.request.build_opener()
    status, headers, _body = fetch(opener, f"{served.base}/readyz?probe=1", headers={"X-Request-ID": "probe-4711-abcdef"})
    assert status == 200 and headers["X-Request-ID"] == "probe-4711-abcdef"
    deadline = time.monotonic() + 5
    while "probe-4711-abcdef" not in served.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = [json.loads(line) for line in served.log().splitlines() if line.startswith("{") and "probe-4711" in line]
    access = [line for line in lines if line.get("event") == "access"]
    assert len(access) == 1, lines
    assert access[0]["message"] == "GET /readyz?probe=1 HTTP/1.1" and access[0]["status"] == 200
    assert access[0]["logger"] == "gunicorn.access" and access[0]["duration_ms"] >= 0


# ---------------------------------------------------------------- 19: SIGTERM and SIGINT stop everything


def test_sigterm_stops_the_server_and_every_child(seeded_data_dir, tmp_path):
    """What kill, systemd and container runtimes send: gunicorn, its workers, the db worker exit."""
    path, _seeded = seeded_data_dir
    server = Served(copy_data_dir(path, tmp_path), "--workers", "2")
    try:
        children = server.descendants()
        assert len(children) >= 4, [cmdline_of(p) for p in children]  # master, 2 workers, db worker
        server.process.send_signal(signal.SIGTERM)
        # Idle, they stop in about a second; on a loaded machine (CI runs two suites on two cores)
        # Python processes take longer to wake. The bound is the supervisor's own: grace, then kill.
        deadline = time.monotonic() + cli.GRACE_SECONDS + 10
        while time.monotonic() < deadline and (server.process.poll() is None or alive(children)):
            time.sleep(0.1)
        left = alive(children)
        assert server.process.poll() == 0, "accord serve is still running"
        assert not left, [cmdline_of(p) for p in left]
        assert port_is_free(server.port)
    finally:
        server.stop()


CHILD = """
import os, signal, sys, time
def note(signum, _frame):
    with open(sys.argv[1], "a") as f:
        f.write(signal.Signals(signum).name + "\\n")
    if sys.argv[2] == "obey":
        sys.exit(0)
signal.signal(signal.SIGTERM, note)
signal.signal(signal.SIGINT, note)
open(sys.argv[1] + ".ready", "w").close()
time.sleep(60)
"""

SUPERVISE = """
import sys
from accord import cli
child = [sys.executable, "-c", sys.argv[1]]
sys.exit(cli._supervise([child + [sys.argv[2], "obey"], child + [sys.argv[3], sys.argv[4]]], grace=1.5))
"""


@pytest.fixture
def supervise(tmp_path):
    """supervise(second="obey"|"ignore"): `cli._supervise` of two children that note the signals
    they get; (process, [note files]) once both are ready."""
    started = []

    def run(second="obey"):
        notes = [tmp_path / "first", tmp_path / "second"]
        process = subprocess.Popen(
            [sys.executable, "-c", SUPERVISE, CHILD, str(notes[0]), str(notes[1]), second],
            env=child_env(tmp_path),
            start_new_session=True,
        )
        started.append(process)
        deadline = time.monotonic() + 20
        while not all(os.path.exists(f"{n}.ready") for n in notes) and time.monotonic() < deadline:
            time.sleep(0.05)
        started.extend(descendants(process.pid))
        return process, notes

    yield run
    for item in started:
        pid = item if isinstance(item, int) else item.pid
        if alive([pid]):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize(
    ("sent", "passed_on"),
    [(signal.SIGINT, "SIGINT"), (signal.SIGHUP, "SIGTERM"), (signal.SIGTERM, "SIGTERM")],
)
def test_serve_passes_a_signal_on_once_to_every_child(supervise, sent, passed_on):
    """Ctrl-C (SIGINT) reaches each child once, through `accord serve`; a closed terminal (SIGHUP)
    stops them."""
    process, notes = supervise()
    children = descendants(process.pid)
    assert len(children) == 2
    process.send_signal(sent)
    assert process.wait(timeout=10) == 0
    assert [n.read_text() for n in notes] == [f"{passed_on}\n"] * 2
    assert not alive(children)


def test_serve_kills_a_child_that_does_not_stop(supervise):
    process, notes = supervise(second="ignore")
    children = descendants(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert notes[1].read_text() == "SIGTERM\n"
    assert not alive(children)


def test_serve_stops_the_others_when_one_child_exits(tmp_path):
    script = (
        "import sys\nfrom accord import cli\n"
        "sys.exit(cli._supervise([[sys.executable, '-c', 'import sys; sys.exit(3)'],"
        " [sys.executable, '-c', 'import time; time.sleep(60)']], grace=1.5))"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", script], env=child_env(tmp_path), timeout=30)
    assert result.returncode == 3 and time.monotonic() - started < 10
