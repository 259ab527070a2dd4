"""The goal pages in the browser's shoes (test Client): tree, goal page, scoreboard, forms, exports,
and constant query counts however many goals, key results and measurements there are."""

from datetime import timedelta

import pytest

from accord.goals import services
from accord.goals.models import Measurement


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast.members["editor"].user)
    return client


def _fill(cast, today, goals: int, krs: int, days: int):
    admin = cast.members["admin"]
    for n in range(goals):
        goal = services.goal_create(
            member=admin, title=f"Goal {n}", period_kind="custom",
            start_date=today - timedelta(days=days), end_date=today + timedelta(days=30),
        )  # fmt: skip
        for k in range(krs):
            kr = services.key_result_create(member=admin, goal_id=goal.pk, name=f"KR {n}.{k}", baseline=0, target=100)
            services.measurements_record(
                member=admin,
                rows=[{"key_result_id": kr.pk, "date": today - timedelta(days=d), "value": 50 - d / 10} for d in range(days)],
            )


def _queries(signed_in, django_assert_max_num_queries, url: str, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        response = signed_in.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("size", [(1, 1, 5), (6, 3, 60)])
def test_pages_use_a_constant_number_of_queries(signed_in, cast, today, django_assert_max_num_queries, size):
    _fill(cast, today, *size)
    goal_id = cast.workspace.goals.order_by("pk").first().pk
    _queries(signed_in, django_assert_max_num_queries, "/w/acme/goals", 18)
    _queries(signed_in, django_assert_max_num_queries, "/w/acme/goals/scoreboard", 16)
    _queries(signed_in, django_assert_max_num_queries, f"/w/acme/goals/{goal_id}", 22)


def test_goal_page_shows_charts_and_records_a_value(signed_in, company_goal, today):
    goal, kr = company_goal
    page = signed_in.get(f"/w/acme/goals/{goal.pk}")
    assert b"<polyline" not in page.content and b"No measurements yet" in page.content
    recorded = signed_in.post(
        f"/w/acme/goals/{goal.pk}/measure",
        {"key_result_id": kr.pk, "date": (today - timedelta(days=1)).isoformat(), "value": "150", "note": "w1"},
    )
    assert recorded.status_code == 302
    assert Measurement.objects.get(key_result=kr).value == 150
    refused = signed_in.post(
        f"/w/acme/goals/{goal.pk}/measure",
        {"key_result_id": kr.pk, "date": (today - timedelta(days=1)).isoformat(), "value": "lots"},
    )
    assert refused.status_code == 422 and b"A finite number is required" in refused.content
    svg = signed_in.get(f"/w/acme/goals/key-results/{kr.pk}/chart.svg")
    assert svg.status_code == 200 and svg["Content-Disposition"].startswith("attachment")
    png = signed_in.get(f"/w/acme/goals/key-results/{kr.pk}/chart.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_csv_import_is_all_or_nothing(signed_in, company_goal, today):
    from django.core.files.uploadedfile import SimpleUploadedFile

    goal, kr = company_goal
    d1, d2 = (today - timedelta(days=2)).isoformat(), (today - timedelta(days=1)).isoformat()
    bad = SimpleUploadedFile("leads.csv", f"date,value,note\n{d1},120,ok\n{d2},n/a,broken\n".encode())
    response = signed_in.post(f"/w/acme/goals/{goal.pk}/import", {"key_result_id": kr.pk, "file": bad})
    assert response.status_code == 422 and b"measurements.1.value" in response.content
    assert not Measurement.objects.exists()
    good = SimpleUploadedFile("leads.csv", f"date,value,note\n{d1},120,ok\n{d2},130,\n".encode())
    assert signed_in.post(f"/w/acme/goals/{goal.pk}/import", {"key_result_id": kr.pk, "file": good}).status_code == 302
    assert Measurement.objects.count() == 2


def test_a_viewer_reads_but_cannot_create_goals(client, cast):
    client.force_login(cast.members["viewer"].user)
    assert client.get("/w/acme/goals").status_code == 200
    assert b"New goal" not in client.get("/w/acme/goals").content
    response = client.post("/w/acme/goals", {"title": "Mine", "period_kind": "year", "period": "2030"})
    assert response.status_code == 403


def test_new_goal_form_shows_errors(signed_in):
    response = signed_in.post("/w/acme/goals", {"title": "", "period_kind": "quarter", "period": "2030-Q9"})
    body = response.content.decode()
    assert response.status_code == 422 and 'id="err_period"' in body and 'value="2030-Q9"' in body


def test_a_table_row_saved_inline_keeps_its_no_goal_flag(signed_in, cast, company_goal):
    from django.urls import reverse

    from accord.roadmaps import services as rm_services

    roadmap = rm_services.roadmap_create(member=cast.members["admin"], name="Product")
    item = rm_services.item_create(member=cast.members["admin"], roadmap_id=roadmap.pk, title="Refactor", bucket="next")
    url = reverse("roadmap_item_row", args=["acme", item.pk])
    assert "No goal" in signed_in.get(url, HTTP_HX_REQUEST="true").content.decode()
    saved = signed_in.post(url, {"version": 1, "title": "Refactor billing", "status": "planned", "percent_done": 0}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "Refactor billing" in saved.content.decode()
    assert "No goal" in saved.content.decode()


def test_the_scoreboard_rotates_with_roadmaps_on_a_kiosk_share_link(client, cast, company_goal, today):
    from accord.roadmaps import services as rm_services

    admin = cast.members["admin"]
    _goal, kr = company_goal
    services.measurements_record(member=admin, rows=[{"key_result_id": kr.pk, "date": today - timedelta(days=1), "value": 180}])
    roadmap = rm_services.roadmap_create(member=admin, name="Product")
    link, raw = rm_services.share_link_create(
        member=admin, name="Lobby", views=[{"roadmap": roadmap.pk}, {"view": "scoreboard"}], rotate_seconds=20
    )
    assert link.views[1] == {"roadmap": None, "view": "scoreboard", "filters": {}}
    page = client.get(f"/share/{raw}").content.decode()
    assert 'data-views="2"' in page and "Product · Timeline" in page and "Goals scoreboard" in page
    state = client.get(f"/share/{raw}/state").json()
    assert state["views"] == 2 and state["rotate_seconds"] == 20
    fragment = client.get(f"/share/{raw}/view/1").content.decode()
    assert fragment.lstrip().startswith("<section") and 'data-view-index="1"' in fragment
    assert "Grow qualified demand" in fragment and "Qualified leads per week" in fragment and "180" in fragment
    assert 'href="/w/' not in fragment  # the public board links nowhere into the app
    services.measurements_record(member=admin, rows=[{"key_result_id": kr.pk, "date": today, "value": 230}])
    assert client.get(f"/share/{raw}/state").json()["version"] != state["version"]
    assert "230" in client.get(f"/share/{raw}/view/1").content.decode()  # the cached board moved on


def test_the_sharing_form_offers_the_scoreboard_as_a_view(signed_in, cast):
    from accord.roadmaps import services as rm_services
    from accord.roadmaps.models import ShareLink

    rm_services.roadmap_create(member=cast.members["admin"], name="Product")
    page = signed_in.get("/w/acme/sharing").content.decode()
    assert 'value="scoreboard"' in page and "Goals scoreboard" in page
    response = signed_in.post("/w/acme/sharing", {"action": "create_link", "name": "Lobby", "views": ["scoreboard"], "rotate_seconds": 0})
    assert response.status_code in (200, 302), response.content[:500]
    assert ShareLink.objects.get(name="Lobby").views == [{"roadmap": None, "view": "scoreboard", "filters": {}}]
    assert "Goals scoreboard" in signed_in.get("/w/acme/sharing").content.decode()


def test_a_refused_measurement_keeps_what_was_typed_next_to_the_error(signed_in, company_goal, today):
    goal, kr = company_goal
    day = (today - timedelta(days=1)).isoformat()
    refused = signed_in.post(
        f"/w/acme/goals/{goal.pk}/measure",
        {"key_result_id": kr.pk, "date": day, "value": "lots", "note": "week 3"},
    )
    body = refused.content.decode()
    assert refused.status_code == 422
    assert 'value="lots"' in body and 'value="week 3"' in body and f'value="{day}"' in body
    assert 'aria-invalid="true"' in body and "A finite number is required" in body
    assert not Measurement.objects.exists()
