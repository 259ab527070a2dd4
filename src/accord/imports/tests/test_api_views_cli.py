"""The Import page, the API and `accord import-from`: preview, confirm, refuse (4xx naming the row and
field, never a 500, nothing saved)."""

import base64
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.cli import main
from accord.ideas.models import Idea
from accord.imports.models import ImportRun, Origin
from accord.roadmaps.models import RoadmapItem

FILES = Path(__file__).parent / "files"
JIRA_XML = (
    Path(__file__).resolve().parents[5]
    / "shared"
    / "data"
    / "formats"
    / "jira"
    / "focalboard_jira-export.xml"
)
URL = "/workspaces/acme/imports"


# ---------------------------------------------------------------- API


def test_api_preview_then_confirm_with_an_edited_status_mapping(api, cast):
    client = api(cast.tokens["editor"])
    body = {
        "source": "jira",
        "target": "item",
        "filename": "export.xml",
        "content": JIRA_XML.read_text(),
    }
    preview = client.post(URL, body)
    assert preview.status_code == 200, preview.content
    got = preview.json()
    assert got["dry_run"] and not got["committed"] and got["counts"]["created"] == 2
    assert got["status_map"] == {"In Progress": "in_progress", "To Do": "planned"}
    assert not RoadmapItem.objects.exists()
    done = client.post(URL, {**body, "dry_run": False, "status_map": {"In Progress": "at_risk"}})
    assert done.status_code == 200, done.content
    assert done.json()["committed"] and done.json()["run_id"] == ImportRun.objects.get().pk
    assert RoadmapItem.objects.get(title="Investigate feature area").status == "at_risk"
    runs = client.get(URL).json()
    assert (
        runs[0]["counts"]["created"] == 2 and runs[0]["actor"] == cast.members["editor"].user.email
    )


def test_api_xlsx_in_base64_and_the_column_mapping(api, cast):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Idea", "Labels"])
    book.active.append(["Offline mode", "mobile; sync"])
    out = io.BytesIO()
    book.save(out)
    response = api(cast.tokens["admin"]).post(
        URL,
        {"source": "csv", "filename": "ideas.xlsx", "dry_run": False, "mapping": {"title": "Idea", "tags": "Labels"},
         "content_base64": base64.b64encode(out.getvalue()).decode()},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["mapping"] == {"title": "Idea", "tags": "Labels"}
    assert sorted(t.name for t in Idea.objects.get().tags.all()) == ["mobile", "sync"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (
            {"source": "trello", "content": '{"cards": [', "filename": "b.json"},
            "content",
            "truncated",
        ),
        ({"source": "github", "content": "not json"}, "content", "not valid JSON"),
        (
            {"source": "csv", "content": "title\nA\n", "mapping": {"title": "Name"}},
            "row 1: Name",
            "No such column",
        ),
        (
            {
                "source": "csv",
                "content": "title,end\nA,2026-02-30\n",
                "target": "item",
                "dry_run": False,
            },
            "row 2: end",
            "not a date",
        ),
        (
            {"source": "csv", "content": "title\nA\n", "content_base64": "QQ=="},
            "content",
            "one of them",
        ),
        ({"source": "csv", "content_base64": "***"}, "content_base64", "not base64"),
        ({"source": "github", "target": "item", "content": "[]"}, "target", "ideas or feedback"),
        (
            {"source": "csv", "target": "item", "content": "title\nA\n", "roadmap_id": 999999},
            "roadmap_id",
            "roadmap",
        ),
    ],
)
def test_api_bad_input_is_a_422_naming_the_field_and_saves_nothing(api, cast, body, field, words):
    response = api(cast.tokens["editor"]).post(URL, body)
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == field and words in error["message"] + response.json()["detail"]
    assert (
        not Idea.objects.exists()
        and not RoadmapItem.objects.exists()
        and not Origin.objects.exists()
    )


def test_api_a_huge_body_is_a_413(api, cast, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api(cast.tokens["editor"]).post(
        URL, {"source": "csv", "content": "title\n" + "x\n" * 2000}
    )
    assert response.status_code == 413


# ---------------------------------------------------------------- the page


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast.members["editor"].user)
    return client


def test_page_upload_preview_edit_mapping_confirm(signed_in, cast):
    page = signed_in.get("/w/acme/imports/")
    assert page.status_code == 200 and b"Upload and preview" in page.content
    upload = SimpleUploadedFile("trello.json", (FILES / "trello_board.json").read_bytes())
    preview = signed_in.post(
        "/w/acme/imports/", {"step": "upload", "source": "trello", "target": "idea", "file": upload}
    )
    html = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="import-preview"' in html
    assert "An archived card" in html and 'name="status:Doing"' in html
    assert not Idea.objects.exists()
    upload_id = preview.context["upload_id"]
    confirm = signed_in.post(
        "/w/acme/imports/",
        {"step": "import", "source": "trello", "target": "idea", "upload_id": upload_id, "filename": "trello.json", "status:Doing": "under_review"},
    )  # fmt: skip
    assert confirm.status_code == 200, confirm.content.decode()[:400]
    assert Idea.objects.get(title="Write the launch blog post").status == "under_review"
    assert "Imported: 3 created" in confirm.content.decode()


def test_page_csv_shows_the_column_mapping_and_refuses_bad_rows(signed_in):
    data = b"Name,Due\nA,2026-01-01\nB,someday\n"
    upload = SimpleUploadedFile("plan.csv", data)
    preview = signed_in.post(
        "/w/acme/imports/",
        {
            "step": "upload",
            "source": "csv",
            "target": "item",
            "file": upload,
            "map_title": "Name",
            "map_end_date": "Due",
        },
    )
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="id_map_title"' in html and "refused" in html
    confirm = signed_in.post("/w/acme/imports/", {"step": "import", "source": "csv", "target": "item", "upload_id": preview.context["upload_id"],
                                                  "filename": "plan.csv", "map_title": "Name", "map_end_date": "Due"})  # fmt: skip
    assert confirm.status_code == 422 and "Nothing was imported" in confirm.content.decode()
    assert not RoadmapItem.objects.exists()


def test_page_unreadable_file_and_roles(client, signed_in, cast):
    upload = SimpleUploadedFile("x.xml", b"<rss><channel><item>")
    response = signed_in.post(
        "/w/acme/imports/", {"step": "upload", "source": "jira", "target": "idea", "file": upload}
    )
    assert response.status_code == 422 and "not readable XML" in response.content.decode()
    client.force_login(cast.members["contributor"].user)
    assert client.get("/w/acme/imports/").status_code == 403


# ---------------------------------------------------------------- CLI


def test_cli_dry_run_then_import(cast, capsys):
    args = [
        "import-from",
        "github",
        str(FILES / "github_issues.json"),
        "--workspace",
        "acme",
        "--into",
        "feedback",
    ]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr()
    assert "Would import into acme: 5 created" in out.out and "A pull request" in out.err
    assert not ImportRun.objects.exists()
    assert main(args) == 0
    assert "Imported into acme: 5 created" in capsys.readouterr().out
    assert main(args) == 0
    assert "0 created, 0 updated, 7 skipped" in capsys.readouterr().out


def test_cli_refuses_a_bad_file(cast, capsys, tmp_path):
    bad = tmp_path / "board.json"
    bad.write_text(json.dumps({"name": "x"}))
    assert main(["import-from", "trello", str(bad), "--workspace", "acme"]) == 1
    assert "not a Trello board export" in capsys.readouterr().err
