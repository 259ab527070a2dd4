"""Feedback imports of real files: encodings, decimal separators and dates are read as declared
(or detected), never reinterpreted; a file that cannot be read gets one sentence (acceptance issue
items 1 and 2)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.cli import main
from accord.feedback import importing
from accord.feedback.models import Customer, Feedback

IS22 = Path(__file__).resolve().parents[5] / "shared" / "data" / "feedback" / "is22_feature_specific_reviews.csv"
if not IS22.exists():  # a worktree under /work: shared/ is beside it
    IS22 = Path("/work/shared/data/feedback/is22_feature_specific_reviews.csv")

REVENUE = "Feedback;Customer;ARR;Date\r\nExport to Excel;Ada;1.234,5;03/04/2025\r\nDark mode;Bob;80,5;31/05/2025\r\n"


def _run(cast, data: bytes, name="f.csv", role="editor", encoding="auto", **kwargs):
    table = importing.read_table(data, name, encoding)
    mapping = kwargs.pop("mapping", None) or importing.guess_mapping(table.headers)
    return importing.run_import(member=cast.members[role], table=table, mapping=mapping, **kwargs)


def _weights() -> dict[str, float]:
    return dict(Customer.objects.values_list("name", "revenue_weight"))


# ---------------------------------------------------------------- item 1: numbers


def test_european_revenue_is_refused_not_read_as_1_2345_or_805(cast):
    with pytest.raises(importing.ImportFailed) as exc:
        _run(cast, REVENUE.encode(), date_format="dmy")
    problems = {(e.row, e.column): e.message for e in exc.value.errors}
    assert problems == {
        (2, "ARR"): "'1.234,5' — use 1234.5, or choose comma as the file's decimal separator.",
        (3, "ARR"): "'80,5' — use 80.5, or choose comma as the file's decimal separator.",
    }
    assert not Feedback.objects.exists() and not Customer.objects.exists()


def test_a_declared_decimal_comma_reads_revenue_as_written(cast):
    result = _run(cast, REVENUE.encode(), decimal="comma", date_format="dmy")
    assert result.created == 2
    assert _weights() == {"Ada": 1234.5, "Bob": 80.5}


def test_the_workspace_separator_is_the_default_of_an_import(cast):
    cast.workspace.decimal_separator = "comma"
    cast.workspace.save(update_fields=["decimal_separator"])
    cast.members["editor"].workspace.refresh_from_db()
    assert _run(cast, REVENUE.encode(), date_format="dmy").created == 2
    assert _weights() == {"Ada": 1234.5, "Bob": 80.5}


@pytest.mark.parametrize("value", ["NaN", "inf", "1e400", "-5"])
def test_non_finite_and_negative_weights_are_refused(cast, value):
    with pytest.raises(importing.ImportFailed) as exc:
        _run(cast, f"text,arr\nHello,{value}\n".encode())
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "arr")]


# ---------------------------------------------------------------- item 2: encodings and dates


def test_an_ambiguous_date_is_refused_naming_row_and_column_unless_declared(cast):
    with pytest.raises(importing.ImportFailed) as exc:
        _run(cast, REVENUE.encode(), decimal="comma")
    problems = {(e.row, e.column): e.message for e in exc.value.errors}
    assert list(problems) == [(2, "Date")]  # 31/05/2025 reads one way only
    assert "could be 3 April 2025 or 4 March 2025" in problems[(2, "Date")]
    first_row_only = REVENUE.split("Dark mode")[0].encode()
    assert _run(cast, first_row_only, decimal="comma", date_format="mdy").created == 1
    assert Feedback.objects.get(text="Export to Excel").received_at.date().isoformat() == "2025-03-04"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_real_app_reviews_import_in_the_encodings_spreadsheets_save(cast, encoding):
    text = IS22.read_text(encoding="utf-8")
    assert "\xa0" in text  # a no-break space: not ASCII, so the encoding matters
    expected = importing.read_table(text.encode("utf-8"), IS22.name)
    table = importing.read_table(text.encode(encoding), IS22.name)
    assert table.encoding == {"cp1252": "cp1252", "utf-16": "utf-16", "utf-8-sig": "utf-8"}[encoding]
    assert table.rows == expected.rows and table.headers == expected.headers
    result = importing.run_import(
        member=cast.members["editor"], table=table, mapping={"text": "review_text"}, default_source="review"
    )
    assert result.created == len(expected.rows) > 400


def test_a_windows_1252_file_with_accents_is_read_and_a_wrong_declaration_says_so(cast):
    data = "text,company\nL'export est très lent \u2013 à revoir,Société Générale\n".encode("cp1252")
    assert _run(cast, data).created == 1
    assert Feedback.objects.get().text == "L'export est très lent \u2013 à revoir"
    with pytest.raises(importing.ImportFailed) as exc:
        importing.read_table(data, "f.csv", "utf-8")
    assert exc.value.file_error.startswith("The file is not UTF-8 text (byte ")
    assert exc.value.file_error.endswith("choose another encoding, or save it as “CSV UTF-8” and upload it again.")


def test_a_cell_over_128_kib_is_a_row_error_not_a_file_error(cast):
    data = b"text,arr\nfine,1\n" + b"x" * 140_000 + b",2\n"
    with pytest.raises(importing.ImportFailed) as exc:
        _run(cast, data)
    assert [(e.row, e.column, e.message) for e in exc.value.errors] == [(3, "text", "At most 20000 characters.")]


# ---------------------------------------------------------------- the page and the CLI


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast.members["editor"].user)
    return client


def test_the_import_page_reads_a_windows_1252_file_with_the_chosen_options(signed_in, cast):
    data = REVENUE.replace("Ada", "Zoë Müller").encode("cp1252")
    upload = SimpleUploadedFile("crm.csv", data, content_type="text/csv")
    preview = signed_in.post("/w/acme/feedback/import", {"step": "upload", "file": upload, "encoding": "auto"})
    page = preview.content.decode()
    assert preview.status_code == 200 and "read as Windows-1252" in page and "Zoë Müller" in page
    upload_id = preview.context["upload_id"]
    imported = signed_in.post("/w/acme/feedback/import", {
        "step": "import", "upload_id": upload_id, "filename": "crm.csv", "map_text": "Feedback",
        "map_customer_name": "Customer", "map_revenue_weight": "ARR", "map_received_at": "Date",
        "default_source": "import", "encoding": "auto", "decimal": "comma", "date_format": "dmy",
    })  # fmt: skip
    assert imported.status_code == 302, imported.content.decode()[-3000:]
    assert _weights() == {"Zoë Müller": 1234.5, "Bob": 80.5}
    assert Feedback.objects.get(text="Export to Excel").received_at.date().isoformat() == "2025-04-03"


def test_a_file_that_cannot_be_read_gets_one_sentence_not_a_row_table(signed_in):
    upload = SimpleUploadedFile("sheet.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    response = signed_in.post("/w/acme/feedback/import", {"step": "upload", "file": upload})
    page = response.content.decode()
    assert response.status_code == 422
    assert "This is a spreadsheet workbook (.xlsx or .xls), not a CSV file: save it as “CSV UTF-8” and upload it again." in page
    assert "Skip bad rows" not in page and "<th scope=\"col\">Column</th>" not in page
    assert 'accept=".csv,.json,text/csv,application/json"' in page  # the picker offers CSV and JSON only


def test_the_cli_takes_encoding_decimal_and_date_format(cast, tmp_path, capsys):
    path = tmp_path / "crm.csv"
    path.write_bytes(REVENUE.encode("cp1252"))
    assert main(["import-feedback", str(path), "--workspace", "acme"]) == 1
    assert "'1.234,5' — use 1234.5" in capsys.readouterr().err
    args = ["--encoding", "cp1252", "--decimal", "comma", "--date-format", "dmy"]
    assert main(["import-feedback", str(path), "--workspace", "acme", *args]) == 0
    assert _weights() == {"Ada": 1234.5, "Bob": 80.5}
    path.write_bytes(b"\x00\x01binary")
    assert main(["import-feedback", str(path), "--workspace", "acme"]) == 1
    assert "Nothing was imported. The file holds binary data" in capsys.readouterr().err
