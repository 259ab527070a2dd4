"""Stage as a first-class field in a real browser, on the demo: the company portfolio's bars are
coloured by the stage of their initiative (Lumen Insights 2.0 in Build, the Spring campaign in
Discovery) with a legend that says so; the Stage filter narrows the timeline to what is in build;
the ideas board shows a column per stage. Screenshots in test-artifacts/stage-*.png."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_the_portfolio_coloured_and_filtered_by_stage(
    new_page, demo, page_check, console_errors, artifacts
):
    from accord.roadmaps.models import Roadmap, RoadmapItem

    portfolio = Roadmap.objects.get(workspace__slug="lumen", kind="portfolio")
    ids = dict(RoadmapItem.objects.filter(workspace__slug="lumen").values_list("title", "pk"))
    pdf, spring = (
        f'.tl-bar[data-id="{ids[t]}"]' for t in ("Scheduled PDF reports", "Spring trial campaign")
    )
    page = new_page(1440, 900)
    page.goto("/accounts/login")
    page.get_by_label("E-mail").fill(demo["email"])
    page.get_by_label("Password").fill(demo["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/w/"))

    page.goto(f"/w/lumen/roadmaps/{portfolio.pk}")
    legend = page.get_by_test_id("colour-legend")
    expect(legend).to_contain_text("Colour: stage")
    for name in ("Discovery", "Build", "No initiative"):
        expect(legend.get_by_role("listitem").filter(has_text=name)).to_have_count(1)
    build_swatch = legend.get_by_role("listitem").filter(has_text="Build").locator(".tl-swatch")
    expect(build_swatch).to_have_class(re.compile(r"rm-c-1\b"))  # Build's teal
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator(pdf)).to_have_class(re.compile(r"rm-c-1\b"))
    expect(timeline.locator(spring)).to_have_class(re.compile(r"rm-c-0\b"))
    page_check(page, "portfolio coloured by stage")
    page.screenshot(path=str(artifacts / "stage-1-portfolio-coloured.png"), full_page=True)

    page.get_by_label("Stage", exact=True).select_option(label="Build")  # autosubmits
    page.wait_for_url(re.compile(r"stage=build"))
    expect(timeline.locator(pdf)).to_have_count(1)
    expect(timeline.locator(spring)).to_have_count(0)
    expect(page.get_by_test_id("colour-legend").get_by_role("listitem")).to_have_count(
        1
    )  # Build only
    page.screenshot(path=str(artifacts / "stage-2-portfolio-in-build.png"), full_page=True)

    page.goto("/w/lumen/ideas/board?by=stage")
    build = page.get_by_test_id("board-column-stage-build")
    expect(build).to_contain_text("Scheduled PDF reports by e-mail")
    expect(page.get_by_test_id("board-column-stage-discovery")).to_contain_text(
        "Funnel comparison across segments"
    )
    page_check(page, "ideas board by stage")
    page.screenshot(path=str(artifacts / "stage-3-ideas-by-stage.png"), full_page=True)
    assert console_errors == []
