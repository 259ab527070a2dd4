"""CSV import of items: validate every row, import all or nothing, never fail on odd bytes."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.audit.models import AuditEntry
from accord.roadmaps import importing, services
from accord.roadmaps.models import Lane, RoadmapItem

pytestmark = pytest.mark.django_db

HEADER = "title,start_date,end_date,bucket,lane,status,percent_done,tags,description\n"
GOOD = HEADER + (
    "Alpha engine,2026-03-01,2026-04-15,,Build,in_progress,40,\"core, engine\",The first one\n"
    "Beta rollout,2026-04-16,2026-05-01,,Ship,At risk,10%,ship;beta,\n"
    "Someday maybe,,,later,,,,,\"Multi\nline\"\n"
    "\n"
    "Cancelled thing,2026-02-01,2026-02-02,,build,cancelled,0,,\n"
)


@pytest.fixture
def roadmap(cast):
    return services.roadmap_create(member=cast.members["editor"], name="Imports", lanes=["Build"])


def run(cast, roadmap, data: bytes, role="editor"):
    return importing.import_items(member=cast.members[role], roadmap_id=roadmap.pk, data=data)


def errors_of(cast, roadmap, data: bytes):
    with pytest.raises(importing.ImportFailed) as info:
        run(cast, roadmap, data)
    return [(e.row, e.column) for e in info.value.errors], info.value


def test_a_good_file_imports_every_row(cast, roadmap):
    result = run(cast, roadmap, GOOD.encode())
    assert result.created == 4 and result.lanes_created == ["Ship"]
    items = {i.title: i for i in RoadmapItem.objects.filter(roadmap=roadmap)}
    assert set(items) == {"Alpha engine", "Beta rollout", "Someday maybe", "Cancelled thing"}
    alpha = items["Alpha engine"]
    assert (alpha.start_date, alpha.end_date) == (date(2026, 3, 1), date(2026, 4, 15))
    assert alpha.lane.name == "Build" and alpha.status == "in_progress" and alpha.percent_done == 40
    assert sorted(t.name for t in alpha.tags.all()) == ["core", "engine"]
    assert alpha.description == "The first one"
    beta = items["Beta rollout"]
    assert beta.status == "at_risk" and beta.percent_done == 10 and beta.lane.name == "Ship"
    assert sorted(t.name for t in beta.tags.all()) == ["beta", "ship"]
    assert items["Someday maybe"].bucket == "later" and items["Someday maybe"].start_date is None
    assert items["Someday maybe"].description == "Multi\nline"
    assert items["Cancelled thing"].lane.name == "Build"  # lane names match case-insensitively
    # Through the services: each item is in the audit trail.
    assert AuditEntry.objects.filter(object_type="roadmap item", action="created").count() == 4


def test_one_bad_row_imports_nothing_and_names_the_row_and_column(cast, roadmap):
    bad = GOOD.replace("2026-04-16,2026-05-01", "2026-04-16,2026-13-01")
    errors, failure = errors_of(cast, roadmap, bad.encode())
    assert errors == [(3, "end_date")]
    assert "not a date" in failure.errors[0].message
    assert not RoadmapItem.objects.filter(roadmap=roadmap).exists()
    assert not Lane.objects.filter(roadmap=roadmap, name="Ship").exists()


def test_every_bad_row_is_reported_at_once(cast, roadmap):
    data = HEADER + (
        ",2026-01-01,2026-01-02,,,,,,\n"  # no title
        "Backwards,2026-02-02,2026-02-01,,,,,,\n"
        "Half dated,2026-02-02,,,,,,,\n"
        "No bucket,,,,,,,,\n"
        "Weird,,,soon,,sleeping,150,,\n"
        "Fine,,,now,,,,,\n"
    )
    errors, _failure = errors_of(cast, roadmap, data.encode())
    assert errors == [
        (2, "title"),
        (3, "end_date"),
        (4, "end_date"),
        (5, "bucket"),
        (6, "bucket"),
        (6, "status"),
        (6, "percent_done"),
    ]
    assert not RoadmapItem.objects.filter(roadmap=roadmap).exists()


def test_a_bom_and_semicolons_are_fine(cast, roadmap):
    data = "\ufeffTitle;Start date;End date;Bucket\nWith BOM;2026-01-05;2026-01-09;\n"
    assert run(cast, roadmap, data.encode("utf-8")).created == 1
    assert RoadmapItem.objects.get(roadmap=roadmap).title == "With BOM"


def test_the_header_must_name_a_title_column(cast, roadmap):
    errors, _ = errors_of(cast, roadmap, b"name,start_date\nx,2026-01-01\n")
    assert errors == [(1, "title")]
    errors, _ = errors_of(cast, roadmap, b"title,title\nx,y\n")
    assert errors == [(1, "title")]


def test_other_columns_are_ignored_and_named(cast, roadmap):
    result = run(cast, roadmap, b"title,bucket,owner,team\nA,now,me,x\n")
    assert result.created == 1 and result.ignored_columns == ["owner", "team"]


def test_empty_oversized_and_non_utf8_files_are_refused(cast, roadmap):
    for data in (b"", b"   \n", HEADER.encode()):
        errors, _ = errors_of(cast, roadmap, data)
        assert len(errors) == 1
    big = (HEADER + "x,,,now,,,,,\n" * 200_000).encode()
    assert len(big) > importing.MAX_BYTES
    _errors, failure = errors_of(cast, roadmap, big)
    assert "larger than 2 MB" in failure.errors[0].message
    latin = (HEADER + "Caf\xe9,,,now,,,,,\n").encode("latin-1")
    with pytest.raises(importing.ImportFailed) as info:
        importing.import_items(member=cast.members["editor"], roadmap_id=roadmap.pk, data=latin, encoding="utf-8")
    assert [(e.row, e.column) for e in info.value.errors] == [(0, "file")]
    assert info.value.file_error.startswith("The file is not UTF-8 text")
    errors, _ = errors_of(cast, roadmap, b"title\x00,bucket\n")
    assert errors == [(0, "file")]
    assert not RoadmapItem.objects.filter(roadmap=roadmap).exists()


def test_an_exported_csv_imports_into_another_roadmap(cast, roadmap):
    run(cast, roadmap, GOOD.encode())
    services.item_create(
        member=cast.members["editor"], roadmap_id=roadmap.pk, title="=1+2", bucket="now"
    )
    client = Client()
    client.force_login(cast.members["editor"].user)
    exported = client.get(f"/w/acme/roadmaps/{roadmap.pk}/export.csv").content
    copy = services.roadmap_create(member=cast.members["editor"], name="Copy")
    result = run(cast, copy, exported)
    assert result.created == 5 and "roadmap" in result.ignored_columns

    def shape(rm):
        return sorted(
            (i.title, i.start_date, i.end_date, i.bucket, i.lane.name if i.lane else "", i.status,
             i.percent_done, sorted(t.name for t in i.tags.all()), i.description)
            for i in RoadmapItem.objects.filter(roadmap=rm)
        )  # fmt: skip

    assert shape(copy) == shape(roadmap)  # "=1+2" came back as it was, unquoted


def shape_of(rm):
    return sorted(
        (i.title, i.start_date, i.end_date, i.bucket, i.lane.name if i.lane else "", i.status,
         i.percent_done, sorted(t.name for t in i.tags.all()), i.description)
        for i in RoadmapItem.objects.filter(roadmap=rm)
    )  # fmt: skip


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_export_then_import_is_lossless_whatever_the_text(cast, roadmap, delimiter):
    """Tags holding the separators and quotes, tabs and line breaks anywhere, cells that look
    like formulas or like a neutralized formula: the copy has exactly the same items."""
    editor = cast.members["editor"]
    tab_lane = services.lane_create(member=editor, roadmap_id=roadmap.pk, name="Build\tteam")
    services.item_create(
        member=editor, roadmap_id=roadmap.pk, title="Tab\there, \"quoted\"; and\nnewline",
        lane_id=tab_lane.pk, start_date=date(2026, 3, 1), end_date=date(2026, 3, 9),
        status="at_risk", percent_done=35,
        tags=["a;b", "c,d", 'say "hi"', "x, y; z", "'=quoted", "-minus", "tab\there", "plain"],
        description="Line one\r\nline two\n\tindented \"q\" ; , \\ end",
    )  # fmt: skip
    services.item_create(
        member=editor, roadmap_id=roadmap.pk, title="'=looks neutralized", bucket="next",
        tags=['"', ";", "'"], description="=SUM(A1)\n@risk",
    )  # fmt: skip
    client = Client()
    client.force_login(editor.user)
    exported = client.get(f"/w/acme/roadmaps/{roadmap.pk}/export.csv").content
    if delimiter == ";":  # the same file as a spreadsheet set to semicolons writes it
        import csv

        rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"), newline="")))
        out = io.StringIO()
        csv.writer(out, delimiter=";").writerows(rows)
        exported = out.getvalue().encode()
    copy = services.roadmap_create(member=editor, name="Copy")
    run(cast, copy, exported)
    assert shape_of(copy) == shape_of(roadmap)


def test_a_portfolio_takes_no_import(cast, roadmap):
    portfolio = services.roadmap_create(
        member=cast.members["editor"], name="All", kind="portfolio", includes=[roadmap.pk]
    )
    errors, _ = errors_of(cast, portfolio, GOOD.encode())
    assert errors == [(0, "file")]


# ---------------------------------------------------------------- the page


def page(cast, roadmap, role="editor"):
    client = Client()
    client.force_login(
        cast.members[role].user if role in cast.members else cast.outsider.user
    )
    return client, f"/w/acme/roadmaps/{roadmap.pk}/import"


def upload(data: bytes, name="items.csv"):
    return {"file": SimpleUploadedFile(name, data, content_type="text/csv")}


def test_the_page_imports_and_says_how_many(cast, roadmap):
    client, path = page(cast, roadmap)
    assert client.get(path).status_code == 200
    response = client.post(path, upload(GOOD.encode()), follow=True)
    assert response.status_code == 200
    assert "Imported 4 items and created the lane Ship." in response.content.decode()
    assert RoadmapItem.objects.filter(roadmap=roadmap).count() == 4


def test_the_page_lists_the_problems_and_imports_nothing(cast, roadmap):
    client, path = page(cast, roadmap)
    bad = GOOD.replace("Beta rollout,", ",")
    response = client.post(path, upload(bad.encode()))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html and "The title is required." in html
    assert "<td class=\"num\">3</td>" in html
    assert not RoadmapItem.objects.filter(roadmap=roadmap).exists()
    assert client.post(path, {}).status_code == 422  # no file at all


def test_the_page_refuses_an_oversized_upload(cast, roadmap):
    client, path = page(cast, roadmap)
    response = client.post(path, upload(b"title\n" + b"x" * (importing.MAX_BYTES + 10)))
    assert response.status_code == 422 and "larger than 2 MB" in response.content.decode()


def test_only_editors_import_and_outsiders_see_nothing(cast, roadmap):
    client, path = page(cast, roadmap, "viewer")
    assert client.get(path).status_code == 403
    assert client.post(path, upload(GOOD.encode())).status_code == 403
    client, path = page(cast, roadmap, "contributor")
    assert client.post(path, upload(GOOD.encode())).status_code == 403
    client, path = page(cast, roadmap, "outsider")
    assert client.get(path).status_code == 404
    assert client.post(path, upload(GOOD.encode())).status_code == 404
    assert not RoadmapItem.objects.filter(roadmap=roadmap).exists()
    with pytest.raises(Exception, match="may not"):
        run(cast, roadmap, GOOD.encode(), role="viewer")


# ---------------------------------------------------------------- fuzzing


FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_only_ever_give_validation_errors(cast, roadmap, data):
    before = RoadmapItem.objects.count()
    try:
        result = run(cast, roadmap, data)
    except importing.ImportFailed as failure:
        assert failure.errors and RoadmapItem.objects.count() == before
        for error in failure.errors:
            assert isinstance(error.row, int) and error.column and error.message
    else:
        assert RoadmapItem.objects.count() == before + result.created


CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["2026-01-01", "2026-02-30", "now", "later", "done", "At risk", "101", "50%",
                     "=1+1", "'@x", '"', "\r\n", ";", ","]),
)  # fmt: skip


@FUZZ
@given(
    header=st.lists(st.sampled_from([*importing.COLUMNS, "other", ""]), min_size=1, max_size=10),
    rows=st.lists(st.lists(CELL, max_size=10), max_size=6),
    bom=st.booleans(),
)
def test_csv_shaped_input_imports_all_or_nothing(cast, roadmap, header, rows, bom):
    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    data = ("\ufeff" if bom else "") + out.getvalue()
    before = RoadmapItem.objects.count()
    try:
        result = run(cast, roadmap, data.encode())
    except importing.ImportFailed:
        assert RoadmapItem.objects.count() == before
    else:
        assert RoadmapItem.objects.count() == before + result.created


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_the_page_never_answers_500(cast, roadmap, data):
    client, path = page(cast, roadmap)
    response = client.post(path, upload(data))
    assert response.status_code in (302, 422)


# ---------------------------------------------------------------- real encodings, dates, numbers


def test_a_windows_1252_file_with_day_first_dates_imports_as_declared(cast, roadmap):
    data = "Title;Start date;End date;Percent done\r\nCafé rollout;03/04/2026;30/04/2026;40\r\n".encode("cp1252")
    errors, failure = errors_of(cast, roadmap, data)  # 03/04/2026 reads both ways: refused, not guessed
    assert errors == [(2, "start_date")] and "choose day-first or month-first" in failure.errors[0].message
    result = importing.import_items(member=cast.members["editor"], roadmap_id=roadmap.pk, data=data, date_format="dmy")
    assert result.created == 1
    item = RoadmapItem.objects.get(roadmap=roadmap)
    assert (item.title, item.start_date, item.end_date, item.percent_done) == ("Café rollout", date(2026, 4, 3), date(2026, 4, 30), 40)


def test_a_utf16_export_with_tabs_imports(cast, roadmap):
    data = "title\tbucket\tpercent_done\nZoë's idea\tnow\t25 %\n".encode("utf-16")
    assert run(cast, roadmap, data).created == 1
    assert RoadmapItem.objects.get(roadmap=roadmap).percent_done == 25


def test_a_fractional_percent_is_refused_not_truncated(cast, roadmap):
    errors, failure = errors_of(cast, roadmap, b"title,bucket,percent_done\nA,now,\"12,5\"\n")
    assert errors == [(2, "percent_done")]
    assert failure.errors[0].message.startswith("'12,5' — use 12.5, or choose comma as the file's decimal separator.")


def test_the_page_takes_the_file_options_and_says_one_sentence_when_unreadable(cast, roadmap):
    client = Client()
    client.force_login(cast.members["editor"].user)
    url = f"/w/acme/roadmaps/{roadmap.pk}/import"
    data = "title;start_date;end_date\nCafé;03/04/2026;30/04/2026\n".encode("cp1252")
    upload = SimpleUploadedFile("items.csv", data, content_type="text/csv")
    response = client.post(url, {"file": upload, "encoding": "cp1252", "date_format": "dmy"})
    assert response.status_code == 302
    assert RoadmapItem.objects.get(roadmap=roadmap).start_date == date(2026, 4, 3)
    workbook = SimpleUploadedFile("items.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    page = client.post(url, {"file": workbook})
    assert page.status_code == 422
    assert "This is a spreadsheet workbook (.xlsx or .xls), not a CSV file" in page.content.decode()
    assert 'data-testid="import-errors"' not in page.content.decode()  # one sentence, no row table
