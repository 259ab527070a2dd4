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
    assert refused.status_code == 422 and b"Value: &#x27;lots&#x27; is not a number" in refused.content
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
    assert response.status_code == 422 and b"Row 3, value: &#x27;n/a&#x27; is not a number" in response.content
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
    assert 'aria-invalid="true"' in body and "Value: &#x27;lots&#x27; is not a number" in body
    assert not Measurement.objects.exists()


# ---------------------------------------------------------------- the key result drawer and the dialogs

DRAWER = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "accord-drawer-body"}
DIALOG = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "accord-dialog-body"}


def _as(client, cast, role):
    client.force_login(cast.outsider.user if role == "outsider" else cast.members[role].user)
    return client


@pytest.mark.parametrize("role", ["viewer", "contributor", "editor"])
def test_a_key_result_opens_in_the_drawer(client, cast, company_goal, today, role):
    goal, kr = company_goal
    services.measurements_record(member=cast.members["admin"], rows=[{"key_result_id": kr.pk, "date": today, "value": 180}])
    response = _as(client, cast, role).get(f"/w/acme/goals/key-results/{kr.pk}/drawer", **DRAWER)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="accord-drawer-title" tabindex="-1">Qualified leads per week<' in html and "<polyline" in html
    assert ("Record a measurement" in html) is (role != "viewer")
    page = client.get(f"/w/acme/goals/key-results/{kr.pk}")
    assert page.status_code == 302 and page["Location"] == f"/w/acme/goals/{goal.pk}#kr-{kr.pk}"


def test_the_scoreboard_opens_key_results_in_the_drawer_but_not_on_a_big_screen(signed_in, cast, company_goal):
    _goal, kr = company_goal
    assert f'href="/w/acme/goals/key-results/{kr.pk}" data-drawer' in signed_in.get("/w/acme/goals/scoreboard").content.decode()
    from accord.goals.views import scoreboard_board

    assert "/w/acme" not in scoreboard_board(cast.workspace, public=True)["html"]


def test_a_key_result_of_another_workspace_is_404(client, cast, company_goal):
    _goal, kr = company_goal
    assert _as(client, cast, "outsider").get(f"/w/acme/goals/key-results/{kr.pk}/drawer", **DRAWER).status_code == 404
    theirs = services.goal_create(member=cast.outsider, title="Theirs", period_kind="year", period="2030")
    secret = services.key_result_create(member=cast.outsider, goal_id=theirs.pk, name="Secret", baseline=0, target=1)
    admin = _as(client, cast, "admin")
    for url in (f"/w/acme/goals/key-results/{secret.pk}/drawer", f"/w/acme/goals/key-results/{secret.pk}",
                f"/w/acme/goals/key-results/{secret.pk}/measure"):  # fmt: skip
        assert admin.get(url, **DRAWER).status_code == 404, url
    assert admin.post(f"/w/acme/goals/key-results/{secret.pk}/measure", {"date": "2030-01-01", "value": "1"}).status_code == 404
    assert not Measurement.objects.exists()


def test_record_a_measurement_in_the_dialog(client, cast, company_goal, today):
    goal, kr = company_goal
    url = f"/w/acme/goals/key-results/{kr.pk}/measure"
    assert _as(client, cast, "viewer").get(url, **DIALOG).status_code == 403
    contributor = _as(client, cast, "contributor")
    form = contributor.get(url, **DIALOG).content.decode()
    assert "<html" not in form and f'value="{today.isoformat()}"' in form
    refused = contributor.post(url, {"how": "value", "date": today.isoformat(), "value": "twelve"}, **DIALOG)
    assert refused.status_code == 422 and 'value="twelve"' in refused.content.decode()
    ok = contributor.post(url, {"how": "value", "date": today.isoformat(), "value": "125", "next": "/w/acme/goals/scoreboard"}, **DIALOG)
    assert ok.status_code == 204 and ok["HX-Redirect"] == "/w/acme/goals/scoreboard"
    assert Measurement.objects.get(key_result=kr).value == 125
    plain = contributor.post(url, {"how": "value", "date": (today - timedelta(days=1)).isoformat(), "value": "120"})
    assert plain.status_code == 302 and plain["Location"] == f"/w/acme/goals/{goal.pk}#kr-{kr.pk}"


def test_new_goal_and_key_result_open_in_the_dialog(signed_in, cast, company_goal):
    goal, _kr = company_goal
    assert 'href="/w/acme/goals/new" data-dialog' in signed_in.get("/w/acme/goals").content.decode()
    assert 'id="accord-dialog-title"' in signed_in.get("/w/acme/goals/new", **DIALOG).content.decode()
    made = signed_in.post("/w/acme/goals/new", {"title": "Win Europe", "level": "company", "period_kind": "year", "period": "2030"}, **DIALOG)
    new_goal = cast.workspace.goals.get(title="Win Europe")
    assert made.status_code == 204 and made["HX-Redirect"] == f"/w/acme/goals/{new_goal.pk}"
    url = f"/w/acme/goals/{goal.pk}/key-results/new"
    refused = signed_in.post(url, {"name": "NPS", "baseline": "lots", "target": "50"}, **DIALOG)
    assert refused.status_code == 422 and 'value="lots"' in refused.content.decode() and 'value="NPS"' in refused.content.decode()
    added = signed_in.post(url, {"name": "NPS", "baseline": "30", "target": "50"}, **DIALOG)
    assert added.status_code == 204 and added["HX-Redirect"].startswith(f"/w/acme/goals/{goal.pk}#kr-")


def test_goal_and_key_result_dialogs_are_for_editors(client, cast, company_goal):
    goal, _kr = company_goal
    viewer = _as(client, cast, "contributor")
    assert viewer.get("/w/acme/goals/new").status_code == 403
    assert viewer.post(f"/w/acme/goals/{goal.pk}/key-results/new", {"name": "X", "baseline": "1", "target": "2"}).status_code == 403
    outsider = _as(client, cast, "outsider")
    assert outsider.get("/w/acme/goals/new").status_code == 404
    assert outsider.get(f"/w/acme/goals/{goal.pk}/key-results/new").status_code == 404
    assert goal.key_results.count() == 1


@pytest.mark.parametrize("size", [(1, 1, 5), (2, 4, 60)])
def test_the_key_result_drawer_reads_a_constant_number_of_queries(signed_in, cast, today, django_assert_max_num_queries, size):
    _fill(cast, today, *size)
    kr = cast.workspace.goals.order_by("pk").first().key_results.order_by("pk").last()
    with django_assert_max_num_queries(18):  # 2 of them: its discussion (comments, my watch)
        assert signed_in.get(f"/w/acme/goals/key-results/{kr.pk}/drawer", **DRAWER).status_code == 200
