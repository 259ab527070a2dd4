"""Numbers and files as people type and export them: never reinterpreted, refused with the row and
field named, never a 500 (acceptance issue items 1, 2 and 8 for goals)."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.goals.models import KeyResult, Measurement
from accord.goals.tests.conftest import days_ago

WS = "/workspaces/acme"


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast.members["editor"].user)
    return client


@pytest.fixture
def company_goal(company_goal):
    """The shared goal, its key result measured as a plain number (a count takes whole numbers only)."""
    goal, kr = company_goal
    KeyResult.objects.filter(pk=kr.pk).update(unit="number")
    kr.refresh_from_db()
    return goal, kr


def _comma(cast):
    cast.workspace.decimal_separator = "comma"
    cast.workspace.save(update_fields=["decimal_separator"])


def _measure(client, goal, kr, today, value):
    return client.post(
        f"/w/acme/goals/{goal.pk}/measure",
        {"key_result_id": kr.pk, "date": days_ago(today, 1), "value": value},
    )


# ---------------------------------------------------------------- item 1: typed numbers


def test_12_comma_5_is_refused_in_a_point_workspace_not_stored_as_125(signed_in, company_goal, today):
    goal, kr = company_goal
    response = _measure(signed_in, goal, kr, today, "12,5")
    assert response.status_code == 422
    assert "Value: &#x27;12,5&#x27; — use 12.5, or set the workspace&#x27;s decimal separator to comma." in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_comma_workspace_reads_12_comma_5_and_thousands(signed_in, cast, company_goal, today):
    goal, kr = company_goal
    _comma(cast)
    assert _measure(signed_in, goal, kr, today, "12,5").status_code == 302
    assert Measurement.objects.get().value == 12.5
    refused = _measure(signed_in, goal, kr, today, "12.5")
    assert refused.status_code == 422 and "use 12,5" in refused.content.decode()
    created = signed_in.post(
        f"/w/acme/goals/{goal.pk}/key-result",
        {"name": "Revenue", "unit": "number", "direction": "increase", "baseline": "1.000,5", "target": "2.500"},
    )
    assert created.status_code == 302
    kr2 = KeyResult.objects.get(name="Revenue")
    assert (kr2.baseline, kr2.target) == (1000.5, 2500)


@pytest.mark.parametrize("value", ["NaN", "inf", "1e308", "1_000"])
def test_the_measurement_form_refuses_non_numbers_and_huge_numbers(signed_in, company_goal, today, value):
    goal, kr = company_goal
    response = _measure(signed_in, goal, kr, today, value)
    assert response.status_code == 422, value
    assert not Measurement.objects.exists()


# ---------------------------------------------------------------- item 2: files as spreadsheets save them


def _import(client, goal, kr, data: bytes, **options):
    upload = SimpleUploadedFile("values.csv", data, content_type="text/csv")
    return client.post(f"/w/acme/goals/{goal.pk}/import", {"key_result_id": kr.pk, "file": upload, **options})


def test_a_windows_1252_csv_with_day_first_dates_and_decimal_commas_imports(signed_in, company_goal, today):
    goal, kr = company_goal
    d1, d2 = today - timedelta(days=20), today - timedelta(days=13)
    text = f"date;value;note\r\n{d1:%d/%m/%Y};1.234,5;Café \u2013 très bien\r\n{d2:%d/%m/%Y};1.300;Größer\r\n"
    response = _import(signed_in, goal, kr, text.encode("cp1252"), decimal="comma", date_format="dmy")
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = list(Measurement.objects.order_by("date").values_list("date", "value", "note"))
    assert stored == [(d1, 1234.5, "Café \u2013 très bien"), (d2, 1300.0, "Größer")]


def test_auto_detection_reads_windows_1252_and_utf16(signed_in, company_goal, today):
    goal, kr = company_goal
    text = f"date,value,note\n{days_ago(today, 3)},150,Müller\n"
    assert _import(signed_in, goal, kr, text.encode("cp1252")).status_code == 302
    text = f"date,value,note\n{days_ago(today, 2)},160,Zoë\n"
    assert _import(signed_in, goal, kr, text.encode("utf-16")).status_code == 302
    assert list(Measurement.objects.order_by("date").values_list("note", flat=True)) == ["Müller", "Zoë"]


def test_an_ambiguous_date_is_refused_naming_the_row_unless_the_order_is_declared(signed_in, cast):
    from datetime import date

    from accord.goals import services

    admin = cast.members["admin"]
    goal = services.goal_create(
        member=admin, title="Last year", period_kind="custom", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    kr = services.key_result_create(member=admin, goal_id=goal.pk, name="Leads", baseline=0, target=10)
    data = b"date,value\n03/04/2025,1\n31/05/2025,2\n"
    refused = _import(signed_in, goal, kr, data)
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Row 2, date: &#x27;03/04/2025&#x27; could be 3 April 2025 or 4 March 2025" in page
    assert "Row 3" not in page  # 31/05 reads one way only
    assert _import(signed_in, goal, kr, data, date_format="dmy").status_code == 302
    assert list(Measurement.objects.order_by("date").values_list("date", flat=True)) == [date(2025, 4, 3), date(2025, 5, 31)]
    wrong_order = _import(signed_in, goal, kr, b"date,value\n31/05/2025,2\n", date_format="mdy", replace="1")
    assert wrong_order.status_code == 422 and "not a date with the month first" in wrong_order.content.decode()


def test_a_decimal_comma_in_a_point_file_is_refused_naming_row_and_column(signed_in, company_goal, today):
    goal, kr = company_goal
    data = f"date,value\n{days_ago(today, 2)},120\n{days_ago(today, 1)},\"80,5\"\n".encode()
    response = _import(signed_in, goal, kr, data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Row 3, value: &#x27;80,5&#x27; — use 80.5, or choose comma as the file&#x27;s decimal separator." in page
    assert not Measurement.objects.exists()


def test_an_unreadable_file_gets_one_sentence_that_says_what_to_do(signed_in, company_goal):
    goal, kr = company_goal
    xlsx = b"PK\x03\x04" + b"\x00" * 100
    response = _import(signed_in, goal, kr, xlsx)
    assert response.status_code == 422
    assert "save it as “CSV UTF-8” and upload it again" in response.content.decode()
    wrong = _import(signed_in, goal, kr, "date,value,note\n2026-01-01,1,Müller\n".encode("cp1252"), encoding="utf-8")
    assert wrong.status_code == 422
    assert "The file is not UTF-8 text (byte 31 does not fit): choose another encoding, or save it" in wrong.content.decode()


# ---------------------------------------------------------------- item 8: ranges and sizes


def test_a_huge_measurement_is_a_422_naming_the_row_not_a_500(editor, company_goal, today):
    _goal, kr = company_goal
    row = {"key_result_id": kr.pk, "date": days_ago(today, 1), "value": 1e308}
    response = editor.post(f"{WS}/measurements", {"measurements": [row]})
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "measurements.0.value"
    assert "out of range" in response.json()["errors"][0]["message"]
    assert editor.get(f"{WS}/goals").status_code == 200


def test_huge_baselines_and_targets_are_refused(editor, company_goal):
    goal, _kr = company_goal
    response = editor.post(f"{WS}/goals/{goal.pk}/key-results", {"name": "Big", "baseline": 0, "target": 1e300})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "target"


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_json_nan_and_infinity_are_refused_everywhere(client, cast, company_goal, today, literal):
    _goal, kr = company_goal
    row = f'{{"key_result_id": {kr.pk}, "date": "{days_ago(today, 1)}", "value": {literal}}}'
    body = f'{{"measurements": [{row}]}}'
    response = client.post(
        f"/api/v1{WS}/measurements", body, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {cast.tokens['editor']}",
    )  # fmt: skip
    assert response.status_code == 422, response.content
    assert "finite" in response.json()["detail"]
    json.loads(response.content)  # valid JSON
    assert not Measurement.objects.exists()


def test_a_csv_cell_over_128_kib_is_a_422_naming_the_row_and_column(signed_in, company_goal, today):
    goal, kr = company_goal
    data = f"date,value,note\n{days_ago(today, 2)},120,short\n{days_ago(today, 1)},130,{'x' * 140_000}\n".encode()
    response = _import(signed_in, goal, kr, data)
    assert response.status_code == 422
    assert "Row 3, note: at most 500 characters" in response.content.decode()
    assert not Measurement.objects.exists()


# ---------------------------------------------------------------- the same through the dialogs


def test_the_dialogs_read_numbers_and_files_as_the_pages_do(signed_in, cast, company_goal, today):
    from django.urls import reverse

    goal, kr = company_goal
    _comma(cast)
    measure_url = reverse("measurement_new", args=["acme", kr.pk])
    form = signed_in.get(measure_url).content.decode()
    assert 'name="encoding"' in form and 'name="date_format"' in form and 'name="decimal"' in form
    assert signed_in.post(measure_url, {"how": "value", "date": days_ago(today, 3), "value": "12,5"}).status_code == 302
    assert Measurement.objects.get().value == 12.5
    d1, d2 = today - timedelta(days=2), today - timedelta(days=1)
    csv = f"date;value\n{d1:%d/%m/%Y};1.234,5\n{d2:%d/%m/%Y};oops\n".encode("cp1252")
    refused = signed_in.post(measure_url, {"how": "csv", "date_format": "dmy", "file": SimpleUploadedFile("m.csv", csv)})
    assert refused.status_code == 422 and "Row 3, value: &#x27;oops&#x27; is not a number" in refused.content.decode()
    assert Measurement.objects.count() == 1
    good = f"date;value\n{d1:%d/%m/%Y};1.234,5\n{d2:%d/%m/%Y};7\n".encode("cp1252")
    done = signed_in.post(measure_url, {"how": "csv", "date_format": "dmy", "file": SimpleUploadedFile("m.csv", good)})
    assert done.status_code == 302
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [7, 12.5, 1234.5]
    created = signed_in.post(
        reverse("key_result_new", args=["acme", goal.pk]),
        {"name": "Revenue", "unit": "number", "direction": "increase", "baseline": "1.000,5", "target": "2.500"},
    )
    assert created.status_code == 302
    assert KeyResult.objects.filter(name="Revenue").values_list("baseline", "target").get() == (1000.5, 2500)
