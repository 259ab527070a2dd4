"""`accord import-feedback FILE --workspace SLUG [--skip-bad-rows]`."""

import pytest

from accord.cli import main
from accord.feedback.models import Feedback


@pytest.fixture
def survey(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("Comment,Email,Tier\nNeeds SSO,ada@example.com,enterprise\n,bob@example.com,smb\nDark mode,cy@example.com,smb\n")
    return path


def test_bad_rows_import_nothing_and_exit_non_zero(cast, survey, capsys):
    assert main(["import-feedback", str(survey), "--workspace", "acme"]) == 1
    err = capsys.readouterr().err
    assert "row 3, Comment: Text is required." in err and "nothing was imported" in err
    assert not Feedback.objects.exists()


def test_skipping_bad_rows_imports_the_rest_with_progress(cast, survey, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["import-feedback", str(survey), "--workspace", "acme", "--skip-bad-rows", "--source", "survey"])
    assert exc.value.code == 2
    out, err = capsys.readouterr()
    assert "Imported 2 feedback items into acme; skipped 1 bad rows." in out
    assert "Importing: 2/2 rows" in err and "text=Comment" in err
    assert set(Feedback.objects.values_list("source", "customer__segment")) == {("survey", "enterprise"), ("survey", "smb")}


def test_a_clean_file_exits_zero_and_unknown_workspaces_fail(cast, tmp_path, capsys):
    path = tmp_path / "ok.json"
    path.write_text('[{"text": "Hello", "customer": {"name": "Ada"}}]')
    assert main(["import-feedback", str(path), "--workspace", "acme", "--map", "text=text"]) == 0
    assert Feedback.objects.get().customer.name == "Ada"
    assert main(["import-feedback", str(path), "--workspace", "nope"]) == 1
