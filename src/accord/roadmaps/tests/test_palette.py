"""One status palette: the app's timeline and badges, the shared views (kiosk) and the SVG/PNG/PDF
renderer give a roadmap item's status the same colour, declared once in app.css (--st-<status>)."""

import re
from pathlib import Path

from accord.roadmaps import render, views
from accord.roadmaps.models import ItemStatus

STATIC = Path(render.__file__).resolve().parents[1]
APP_CSS = (STATIC / "core" / "static" / "accord" / "app.css").read_text()
SHARE_CSS = (STATIC / "roadmaps" / "static" / "roadmaps" / "share.css").read_text()


def css_var(name: str) -> str:
    found = re.search(rf"--{re.escape(name)}:\s*(#[0-9a-fA-F]{{6}})", APP_CSS)
    assert found, f"app.css declares no --{name}"
    return found.group(1).lower()


def palette_accent(index) -> str:
    found = re.search(rf"\.rm-c-{index} \{{[^}}]*--c-accent:\s*(#[0-9a-fA-F]{{6}})", APP_CSS)
    assert found, f"no .rm-c-{index}"
    return found.group(1).lower()


def test_every_status_has_one_colour_in_the_app_css():
    for status in ItemStatus.values:
        css_var(f"st-{status}")


def test_timeline_bars_use_the_status_colour():
    for status in ItemStatus.values:
        if status == ItemStatus.CANCELLED:
            continue  # drawn grey, like the badge
        assert palette_accent(views.STATUS_COLORS[status]) == css_var(f"st-{status}"), status


def test_the_renderer_of_shared_views_and_exports_uses_the_same_colours():
    for status in ItemStatus.values:
        if status == ItemStatus.CANCELLED:
            continue
        assert render.STATUS_COLORS[status][0].lower() == css_var(f"st-{status}"), status


def test_kiosk_cards_and_status_pills_take_the_colours_from_the_palette():
    for status in ItemStatus.values:
        if status == ItemStatus.PLANNED:
            continue  # the default look of a card
        rules = re.findall(rf"\.status-item-{status}\s*\{{([^}}]*)\}}", SHARE_CSS)
        assert rules, status
        assert all(f"var(--st-{status})" in rule for rule in rules), (status, rules)
