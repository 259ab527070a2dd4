"""The app shell in a real browser: sign in, switch workspace, filter the audit trail (htmx), keyboard.

Screenshots of every step land in test-artifacts/ (gitignored) to look at after a run.
"""

import re

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, artifacts, name, max_height=2400):
    """The whole page (up to max_height pixels: the audit trail is long) as test-artifacts/<name>.png."""
    size = page.evaluate(
        "[document.documentElement.clientWidth, document.documentElement.scrollHeight]"
    )
    clip = {"x": 0, "y": 0, "width": size[0], "height": min(size[1], max_height)}
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True, clip=clip)


def sign_in(page, demo, password=None):
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(password or demo["password"])
    page.get_by_role("button", name="Sign in").click()


def switch_workspace(page, name, screenshot=None):
    switcher = page.get_by_test_id("workspace-switcher")
    switcher.locator("summary").click()
    item = switcher.get_by_role("menuitem", name=re.compile(re.escape(name)))
    if screenshot:
        item.wait_for()
        screenshot()
    item.click()


def test_sign_in_switch_workspace_and_filter_audit(new_page, demo, artifacts, console_errors):
    page = new_page()
    page.goto("/")
    assert "/accounts/login" in page.url  # signed out: the sign-in page, not the app
    shot(page, artifacts, "shell-01-login")

    sign_in(page, demo)
    page.wait_for_url(re.compile(r"/w/lumen/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lumen Analytics"
    shot(page, artifacts, "shell-02-overview")

    switch_workspace(
        page, "Lumen Labs", screenshot=lambda: shot(page, artifacts, "shell-03-switcher-open")
    )
    page.wait_for_url(re.compile(r"/w/lumen-labs/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lumen Labs (sandbox)"
    shot(page, artifacts, "shell-04-switched")

    switch_workspace(page, "Lumen Analytics")
    page.wait_for_url(re.compile(r"/w/lumen/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Lumen Analytics"

    main_nav = page.get_by_role("navigation", name="Main")
    main_nav.get_by_text("Organization & settings").click()  # the folded group
    main_nav.get_by_role("link", name="Audit trail").click()
    page.wait_for_url(re.compile(r"/w/lumen/audit"))
    entries = page.get_by_test_id("audit-list").locator("> li")
    before = entries.all_inner_texts()
    assert before and not all(" team " in t for t in before)  # several kinds of object at first
    shot(page, artifacts, "shell-05-audit")

    page.evaluate("window.__sameDocument = true")  # survives an htmx swap, not a full page load
    with page.expect_response(
        lambda r: "object_type=team" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.get_by_label("Object", exact=True).select_option("team")
    # Polled from here: a predicate string polled in the page would need 'unsafe-eval', which the CSP forbids.
    sync_api.expect(entries.filter(has_not_text=" team ")).to_have_count(0)
    texts = entries.all_inner_texts()
    assert texts and all(" team " in t for t in texts), texts
    assert texts != before
    assert page.evaluate("window.__sameDocument") is True
    assert "object_type=team" in page.url  # hx-push-url keeps the filter in the address bar
    shot(page, artifacts, "shell-06-audit-filtered")

    assert console_errors == []


def test_wrong_password_shows_an_error(new_page, demo, artifacts, console_errors):
    page = new_page()
    sign_in(page, demo, password="not-the-password")
    alert = page.get_by_role("alert")
    assert "do not match" in alert.inner_text()
    assert "/accounts/login" in page.url
    # The e-mail stays filled in: only the password is typed again.
    assert page.get_by_label("E-mail").input_value() == demo["email"]
    shot(page, artifacts, "shell-07-login-error")
    assert console_errors == []


def test_keyboard_login_and_skip_link(new_page, demo, artifacts, console_errors):
    page = new_page()
    page.goto("/accounts/login")
    page.mouse.click(1, 1)  # start from the top of the page (the e-mail field also has autofocus)
    page.evaluate("document.activeElement.blur()")
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_email":
            break
    assert page.evaluate("document.activeElement.id") == "id_email"
    page.keyboard.type(demo["email"])
    page.keyboard.press("Tab")
    page.keyboard.type(demo["password"])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/w/lumen/$"))

    page.keyboard.press("Tab")  # the first stop on every app page is the skip link
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0  # on screen once focused
    shot(page, artifacts, "shell-08-skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")  # the next stop is inside the page, past the navigation
    assert page.evaluate("!!document.activeElement.closest('#content')")
    assert console_errors == []


PAGES = [
    # (screenshot name, path; "{slug}" is the demo workspace)
    ("overview", "/w/{slug}/"),
    ("members", "/w/{slug}/members"),
    ("teams", "/w/{slug}/teams"),
    ("people", "/w/{slug}/people"),
    ("people-filtered", "/w/{slug}/people?skill=SEO"),
    ("people-empty", "/w/{slug}/people?q=nobody-by-this-name"),
    ("audit", "/w/{slug}/audit"),
    ("audit-empty", "/w/{slug}/audit?q=nothing-by-this-name"),
    ("overview-sandbox", "/w/lumen-labs/"),
    ("tokens-empty", "/w/lumen-labs/tokens"),
    ("settings", "/w/{slug}/settings"),
    ("account", "/accounts/account"),
    ("workspace-new", "/workspaces/new"),
    # The main page of every other capability (their own sweeps go through the rest).
    ("feedback-inbox", "/w/{slug}/feedback"),
    ("feedback-themes", "/w/{slug}/feedback/themes"),
    ("customers", "/w/{slug}/customers"),
    ("feedback-import", "/w/{slug}/feedback/import"),
    ("portal-settings", "/w/{slug}/portal"),
    ("portal-moderation", "/w/{slug}/portal/moderation"),
    ("roadmaps", "/w/{slug}/roadmaps"),
    ("sharing", "/w/{slug}/sharing"),
    ("goals", "/w/{slug}/goals"),
    ("scoreboard", "/w/{slug}/goals/scoreboard"),
    ("portal-public", "/portal/{slug}/"),
    # Collaboration and integrations
    ("notifications", "/w/{slug}/notifications"),
    ("notification-settings", "/w/{slug}/notifications/settings"),
    ("watching", "/w/{slug}/watching"),
    ("webhooks", "/w/{slug}/webhooks"),
    ("imports", "/w/{slug}/imports/"),
    ("tokens-and-feeds", "/w/{slug}/tokens"),
    ("workspace-import", "/workspaces/import"),
]
ROADMAP_VIEWS = ("", "/board", "/table", "/changes")


WIDTHS = (1280, 390)  # desktop, phone


def test_every_page_at_desktop_and_phone_width(new_page, demo, artifacts, console_errors, page_check):
    """Each page at both widths: no console error (CSP included), no sideways scrolling, no serious
    or critical accessibility violation (axe-core)."""
    from accord.feedback.models import Feedback
    from accord.goals.models import Goal
    from accord.roadmaps.models import Roadmap, RoadmapItem

    page = new_page()
    slug = demo["slug"]

    def check(name, fits=True, on=None, accessible=True):
        target = on or page
        for width in WIDTHS:
            target.set_viewport_size({"width": width, "height": 860})
            shot(target, artifacts, f"page-{name}-{width}")
            page_check(target, name, fits=fits, accessible=accessible)
        target.set_viewport_size({"width": WIDTHS[0], "height": 860})

    pages = [(name, path.format(slug=slug)) for name, path in PAGES]
    for roadmap in Roadmap.objects.filter(workspace__slug=slug, kind__in=["product", "portfolio"]):
        pages += [(f"roadmap-{roadmap.kind}{v.replace('/', '-')}", f"/w/{slug}/roadmaps/{roadmap.pk}{v}") for v in ROADMAP_VIEWS]
    item = RoadmapItem.objects.filter(roadmap__workspace__slug=slug).first()
    goal = Goal.objects.filter(workspace__slug=slug).first()
    feedback = Feedback.objects.filter(workspace__slug=slug).first()
    pages += [
        ("roadmap-item", f"/w/{slug}/roadmaps/items/{item.pk}"),
        ("goal", f"/w/{slug}/goals/{goal.pk}"),
        ("feedback-item", f"/w/{slug}/feedback/{feedback.pk}"),
    ]

    page.goto("/accounts/login")
    check("login")
    sign_in(page, demo)
    page.wait_for_url(re.compile(r"/w/lumen/$"))
    for name, path in pages:
        response = page.goto(path)
        assert response.status == 200, (name, response.status)
        if "/roadmaps/" in path and path.rsplit("/", 1)[-1].isdigit() and "/items/" not in path:
            page.wait_for_selector("[data-timeline][data-ready]")
        check(name)

    page.goto(f"/w/{slug}/teams")
    page.get_by_role("link", name="Platform Engineering").click()
    page.wait_for_url(re.compile(r"/teams/\d+$"))
    check("team-detail")

    page.goto(f"/w/{slug}/people")
    page.get_by_role("link", name="Hannah Okafor").click()
    page.wait_for_url(re.compile(r"/people/\d+$"))
    check("person-detail")

    page.goto(f"/w/{slug}/members")
    page.get_by_label("E-mail").fill("new.hire@lumen.example")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_role("heading", name="Invitation link").wait_for()
    check("members-invited")
    invitation_link = page.locator("#invite-link").inner_text()

    page.goto(f"/w/{slug}/tokens")
    page.get_by_label("Name").fill("Analytics sync")
    page.get_by_role("button", name="Create token").click()
    page.get_by_role("heading", name="Your new token").wait_for()
    check("tokens-created")

    # The shared views behind links (no sign-in): one link per kind of view, and the scoreboard.
    from accord.demo.loader import ADMIN_EMAIL
    from accord.goals import services as goal_services
    from accord.roadmaps import services as roadmap_services
    from accord.workspaces.models import Membership

    admin = Membership.objects.get(workspace__slug=slug, user__email=ADMIN_EMAIL)
    product = Roadmap.objects.get(workspace__slug=slug, kind="product")
    visitor = new_page()
    for kind in ("timeline", "board", "table"):
        _, raw = roadmap_services.share_link_create(
            member=admin, name=f"Shared {kind}", views=[{"roadmap": product.pk, "view": kind, "filters": {}}]
        )
        visitor.goto(f"/share/{raw}")
        check(f"share-{kind}", on=visitor)
    _, raw = goal_services.scoreboard_link_create(member=admin, name="Wall")
    visitor.goto(f"/scoreboard/{raw}")
    check("scoreboard-link", on=visitor)

    response = page.goto(f"/w/{slug}/no-such-page")
    assert response.status == 404
    check("not-found")

    page.goto("/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()  # Swagger UI rendered its operations
    # django-ninja's Swagger page has no mobile layout of its own, nor our accessibility: not checked,
    # but it opens with a way back to the app.
    check("api-docs", fits=False, accessible=False)
    page.get_by_role("link", name="Back to Accord").click()
    page.wait_for_url(re.compile(r"/w/lumen/$"))

    invitee = new_page()  # signed out, as the person invited
    invitee.goto(invitation_link)
    invitee.get_by_role("button", name="Create account and join").wait_for()
    check("invitation", on=invitee)

    assert console_errors == []


def test_navigation_on_a_phone_and_on_a_laptop(new_page, demo, artifacts, console_errors):
    """390 px: a menu button (aria-expanded) opens the navigation instead of a sideways strip of
    links; the brand link keeps its name. 1440x900: every section of the sidebar is in view."""
    page = new_page(390, 844)
    sign_in(page, demo)
    page.wait_for_url(re.compile(r"/w/lumen/$"))
    nav = page.get_by_role("navigation", name="Main")
    expect = sync_api.expect
    expect(nav.get_by_role("link", name="Accord")).to_be_visible()  # the brand link, named
    menu = nav.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Roadmaps")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, artifacts, "shell-09-phone-menu-closed", max_height=844)

    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    for name in ("Overview", "Ideas", "Inbox", "Roadmaps", "Goals", "Initiatives", "Changes"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="People", exact=True)).to_be_hidden()  # folded away
    nav.get_by_text("Organization & settings").tap()
    for name in ("People", "Members", "API docs"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, artifacts, "shell-10-phone-menu-open", max_height=1400)
    nav.get_by_role("link", name="Ideas", exact=True).focus()
    page.keyboard.press("Escape")  # closes it, the focus back on the button
    expect(menu).to_have_attribute("aria-expanded", "false")
    assert page.evaluate("document.activeElement.matches('[data-nav-toggle]')")
    menu.tap()
    nav.get_by_role("link", name="Roadmaps", exact=True).tap()
    page.wait_for_url(re.compile(r"/w/lumen/roadmaps$"))
    expect(nav.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")

    laptop = new_page(1440, 900)
    sign_in(laptop, demo)
    laptop.wait_for_url(re.compile(r"/w/lumen/$"))
    side = laptop.get_by_role("navigation", name="Main")
    expect(side.get_by_role("button", name="Menu")).to_be_hidden()
    last = side.get_by_text("Organization & settings").bounding_box()
    assert last["y"] + last["height"] <= 900, last  # all sections in view, nothing to scroll to
    laptop.goto(laptop.url + "people")  # a page of the folded group: it shows open
    expect(side.get_by_role("link", name="People", exact=True)).to_have_attribute("aria-current", "page")
    expect(side.get_by_role("link", name="API docs")).to_be_visible()
    laptop.go_back()
    laptop.screenshot(path=str(artifacts / "shell-11-sidebar-1440x900.png"))
    assert console_errors == []
