"""Browser tests: a real Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API.

No pytest-playwright and no `playwright install`: the session fixture below launches the system
browser. Every module here is skipped, with a reason, when that browser is missing.
"""

import io
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

if not os.path.exists(CHROMIUM):
    pytest.skip(
        f"browser tests need Chromium at {CHROMIUM} (make browser-deps)", allow_module_level=True
    )

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed"
)
sync_api.expect.set_options(timeout=20_000)  # as the pages' default: CI runs the whole suite on 2 cores


def _serve_one_request_at_a_time() -> None:
    """On SQLite the live server's threads share the test's one in-memory connection: two requests at
    once (htmx panels loading side by side) corrupt each other's cursors. Serve them in turn."""
    from django.core.servers.basehttp import WSGIServer
    from django.test import testcases

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)  # the live server thread already holds the connection

    testcases.LiveServerThread.server_class = SerialWSGIServer


if os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"):
    _serve_one_request_at_a_time()


def _remember_embeddings() -> None:
    """Every browser test loads the same demo: embed each of its texts once per run, not per test."""
    try:
        from accord.feedback.similarity import engine
    except ImportError:  # pragma: no cover - the feedback app is always installed
        return
    import numpy as np

    memo: dict[str, np.ndarray] = {}
    embed = engine.Embedder.embed

    def remembered(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in memo]
        if missing:
            memo.update(zip(missing, embed(self, missing), strict=True))
        return np.array([memo[t] for t in texts], dtype=np.float32).reshape(len(texts), engine.DIMENSION)

    engine.Embedder.embed = remembered


_remember_embeddings()


@pytest.fixture(scope="session")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class ConsoleErrors(list):
    """Console errors (CSP violations, failed sub-resources) and uncaught page exceptions."""

    def watch(self, page):
        def on_console(msg):
            if msg.type != "error":
                return
            url = msg.location.get("url", "")
            if msg.text.startswith("Failed to load resource") and url == page.url:
                return  # the page itself answered 4xx on purpose (wrong password, 404 page): tests check it
            self.append(f"console: {msg.text} ({url})")

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.append(f"pageerror: {exc}"))
        return page


@pytest.fixture
def console_errors():
    return ConsoleErrors()


@pytest.fixture
def new_page(browser, live_server, console_errors):
    """new_page(width=1280) -> a Page in a fresh context (no cookies) whose console errors are recorded."""
    contexts = []

    def make(width: int = 1280, height: int = 860):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            device_scale_factor=1,
            is_mobile=width < 600,
            has_touch=width < 600,
        )
        context.set_default_timeout(20_000)  # a loaded CI machine (2 cores, the whole suite) is slow
        contexts.append(context)
        return console_errors.watch(context.new_page())

    yield make
    for context in contexts:
        context.close()


class DemoSnapshot:
    """The demo, built once per test process and copied back before each browser test that wants it.

    Building it through the services takes seconds (scores, embeddings, history); SQLite's backup API
    restores the whole in-memory test database from a copy in milliseconds. Only on SQLite: browser
    tests run on SQLite (see the Makefile), and another database loads the demo each time.
    """

    copy = None

    @classmethod
    def load(cls) -> None:
        import sqlite3

        from django.contrib.contenttypes.models import ContentType
        from django.core.management import call_command
        from django.db import connection

        if connection.vendor != "sqlite":
            call_command("demo", stdout=io.StringIO(), stderr=io.StringIO())
            return
        connection.ensure_connection()
        if cls.copy is None:
            call_command("demo", stdout=io.StringIO(), stderr=io.StringIO())
            cls.copy = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(cls.copy)
        else:
            cls.copy.backup(connection.connection)
        ContentType.objects.clear_cache()  # ids as in the copy


@pytest.fixture
def demo(transactional_db):
    """The demo data: workspaces "lumen" and "lumen-labs", admin admin@accord.example."""
    from accord.demo.loader import ADMIN_EMAIL, DEMO_PASSWORD

    DemoSnapshot.load()
    return {"email": ADMIN_EMAIL, "password": DEMO_PASSWORD, "slug": "lumen", "other": "lumen-labs"}


# ---------------------------------------------------------------- accessibility and layout checks

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.impact} ${v.id}: ${v.help} -> ` + v.nodes.slice(0, 5).map(n => n.target.join(" ")).join(" | "));
}"""


# The elements that reach past the right edge of the screen (the deepest ones), to name in a failure.
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5))
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\\s+/).join(".") : ""))"""


@pytest.fixture(scope="session")
def axe_source():
    # node_modules comes from package-lock.json (`make assets`, part of `make test`): axe-core is pinned there.
    assert AXE_JS.exists(), f"axe-core is missing at {AXE_JS}: run `make assets` (npm ci)"
    return AXE_JS.read_text()


@pytest.fixture
def page_check(axe_source):
    """page_check(page, name): the page as it is now has no serious or critical axe-core violation and,
    whatever its width, does not scroll sideways. The one helper every page sweep uses."""

    def check(page, name: str, *, fits: bool = True, accessible: bool = True) -> None:
        width = page.viewport_size["width"]
        if fits:
            overflow = page.evaluate("document.documentElement.scrollWidth") - width
            culprits = page.evaluate(WIDER_THAN_SCREEN) if overflow > 0 else []
            assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px: {culprits}"
        if accessible:
            if not page.evaluate("typeof window.axe === 'object'"):
                page.evaluate(axe_source + "\n;0")  # run by the test harness: the page's CSP does not apply
            violations = page.evaluate(AXE_RUN)
            assert violations == [], f"{name} at {width}px: " + "\n".join(violations)

    return check
