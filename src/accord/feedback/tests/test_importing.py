"""CSV and JSON imports: preview mapping, all-or-nothing, per-row report, the real IS22 review data."""

import json
from pathlib import Path

import pytest

from accord.core.errors import Forbidden
from accord.feedback import exports, importing
from accord.feedback.models import Customer, Feedback

IS22 = Path("/work/shared/data/feedback/is22_feature_specific_reviews.csv")


def _run(cast, data: bytes, name="f.csv", role="editor", **kwargs):
    table = importing.read_table(data, name)
    mapping = kwargs.pop("mapping", None) or importing.guess_mapping(table.headers)
    return importing.run_import(member=cast.members[role], table=table, mapping=mapping, **kwargs)


@pytest.mark.skipif(not IS22.exists(), reason="shared data set not mounted")
def test_the_is22_app_reviews_import_with_a_chosen_mapping(cast):
    table = importing.read_table(IS22.read_bytes(), IS22.name)
    assert importing.guess_mapping(table.headers) == {"text": "review_text"}
    mapping = {"text": "review_text", "title": "feature_query", "company": "app"}
    result = importing.run_import(member=cast.members["editor"], table=table, mapping=mapping, default_source="review")
    assert result.created == len(table.rows) > 400
    assert Feedback.objects.filter(source="review").count() == result.created
    # Reviews of one app share an anonymous customer named after the company column: none here
    # (no name or e-mail column), so every item has the company-only customer of its app.
    assert Customer.objects.count() == len({r["app"] for r in table.rows})


def test_one_bad_row_imports_nothing_and_names_row_and_column(cast):
    data = (
        b"Feedback,Customer,Email,Segment,ARR,Date\n"
        b"Export to Excel,Ada,ada@example.com,enterprise,120,2025-03-01\n"
        b",Bob,bob@example.com,smb,5,2025-03-02\n"
        b"Dark mode,Cy,not-mail,smb,lots,2025-13-40\n"
    )
    with pytest.raises(importing.ImportFailed) as exc:
        _run(cast, data)
    problems = {(e.row, e.column) for e in exc.value.errors}
    assert problems == {(3, "Feedback"), (4, "Email"), (4, "ARR"), (4, "Date")}
    assert exc.value.bad_rows == 2
    assert not Feedback.objects.exists() and not Customer.objects.exists()
    result = _run(cast, data, skip_bad_rows=True)
    assert (result.created, result.skipped) == (1, 2)
    fb = Feedback.objects.get()
    assert (fb.customer.name, fb.customer.segment, fb.customer.revenue_weight) == ("Ada", "enterprise", 120)
    assert fb.received_at.date().isoformat() == "2025-03-01"


def test_an_export_imports_again(cast, make_feedback):
    make_feedback("=cmd|' /C calc'!A0 is a formula", customer={"name": "Ada", "email": "ada@example.com", "segment": "smb", "revenue_weight": 3})
    make_feedback("Second, with \"quotes\"\nand lines", source="survey")
    rows = exports.export_rows(Feedback.objects.all())
    csv_text = exports.export_csv(rows)
    assert "'=cmd" in csv_text  # formula cells are neutralized
    Feedback.objects.all().delete()
    assert _run(cast, csv_text.encode()).created == 2
    assert _run(cast, json.dumps({"feedback": rows}).encode(), "f.json").created == 2
    assert set(Feedback.objects.values_list("source", flat=True)) == {"sales_call", "survey"}
    assert Customer.objects.count() == 1


def test_unreadable_files_fail_cleanly(cast):
    for data in [b"\xff\xfe\x00bad", b"", b'{"feedback": 3}', b"[1, 2]", b"text\n" + b"x\n" * 20_001, b"a,a\n1,2\n"]:
        with pytest.raises(importing.ImportFailed):
            _run(cast, data, name="x.csv")


def test_contributors_cannot_import(cast):
    with pytest.raises(Forbidden):
        _run(cast, b"text\nhello\n", role="contributor")
