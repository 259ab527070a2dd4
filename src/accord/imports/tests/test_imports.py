"""Imports from Jira, Trello, GitHub and CSV/xlsx: with the real sample files where there are some
(../shared/data/formats), and fixtures in GitHub's and Jira's documented shapes otherwise."""

import io
import json
from pathlib import Path

import openpyxl
import pytest

from accord.audit.models import AuditEntry
from accord.core.errors import Invalid
from accord.core.tabular import ImportFailed
from accord.feedback.models import Feedback
from accord.ideas.models import Idea
from accord.imports.models import ImportRun, Origin
from accord.imports.services import ImportRefused, Options, run_import
from accord.roadmaps.models import Milestone, Roadmap, RoadmapItem

FILES = Path(__file__).parent / "files"
SHARED = Path(__file__).resolve().parents[5] / "shared" / "data" / "formats"
JIRA_XML = SHARED / "jira" / "focalboard_jira-export.xml"
TRELLO = SHARED / "trello"


def run(cast, source, path_or_bytes, *, role="editor", dry_run=False, filename=None, **options):
    data = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    name = filename or (path_or_bytes.name if isinstance(path_or_bytes, Path) else "file")
    return run_import(
        member=cast.members[role],
        source=source,
        data=data,
        filename=name,
        options=Options(**options),
        dry_run=dry_run,
    )


def actions(report) -> dict[str, str]:
    return {line.key: line.action for line in report.lines}


# ---------------------------------------------------------------- Jira


def test_the_real_jira_xml_export_becomes_ideas_with_the_epic_as_a_tag(cast):
    report = run(cast, "jira", JIRA_XML, target="idea")
    assert actions(report) == {"AR-9": "created", "AR-1": "skipped"}
    assert "Epic" in report.lines[1].reason
    idea = Idea.objects.get(pk=report.lines[0].object_id)
    assert idea.title == "Investigate feature area"
    # "In Progress" (category indeterminate) means planned for an idea
    assert (
        report.status_map == {"In Progress": "planned", "To Do": "new"} and idea.status == "planned"
    )
    assert Origin.objects.get(source="jira", external_key="AR-9").object_id == idea.pk


def test_jira_xml_as_roadmap_items_makes_the_epic_a_dated_container(cast):
    report = run(cast, "jira", JIRA_XML, target="item")
    epic = RoadmapItem.objects.get(title="Investigate feature")
    assert epic.roadmap.name == "Areca" and report.roadmap == "Areca"
    assert (epic.start_date.isoformat(), epic.end_date.isoformat()) == ("2021-09-28", "2021-11-12")
    assert [t.name for t in epic.tags.all()] == ["PM"]
    assert actions(report) == {"AR-9": "created", "AR-1": "created"}


def test_jira_csv_all_fields_epic_links_labels_and_status_mapping(cast):
    report = run(
        cast,
        "jira",
        FILES / "jira_all_fields.csv",
        target="item",
        status_map={"Won't Do": "cancelled"},
    )
    assert report.counts == {"created": 4, "updated": 0, "skipped": 0, "refused": 0}
    items = {i.title: i for i in RoadmapItem.objects.filter(roadmap__name="Platform")}
    epic = items["Self-serve SSO"]
    assert items["SAML metadata upload"].parent == epic  # Epic Link
    assert items["Audit log for SSO logins"].parent == epic  # Parent (the epic's issue id)
    assert sorted(t.name for t in items["SAML metadata upload"].tags.all()) == [
        "enterprise",
        "security",
    ]
    assert (
        items["Audit log for SSO logins"].status == "done"
        and items["Won't-do spike"].status == "cancelled"
    )
    assert (
        items["SAML metadata upload"].bucket == "next"
        and items["Self-serve SSO"].status == "in_progress"
    )


def test_a_rerun_updates_what_changed_and_skips_the_rest_never_duplicates(cast):
    run(cast, "jira", FILES / "jira_all_fields.csv", target="idea")
    changed = (
        (FILES / "jira_all_fields.csv")
        .read_text()
        .replace("SAML metadata upload", "SAML metadata upload (XML)")
    )
    report = run(cast, "jira", changed.encode(), filename="again.csv", target="idea")
    assert actions(report) == {
        "PROJ-1": "skipped",
        "PROJ-2": "updated",
        "PROJ-3": "skipped",
        "PROJ-4": "skipped",
    }
    assert report.lines[1].reason == "Changed: title."
    assert Idea.objects.filter(workspace=cast.workspace).count() == 3  # the epic is a tag
    assert (
        Idea.objects.filter(title="SAML metadata upload (XML)")
        .get()
        .tags.filter(name="Epic: Self-serve SSO")
        .exists()
    )


def test_a_dry_run_previews_everything_and_saves_nothing(cast):
    before = AuditEntry.objects.count()
    report = run(cast, "jira", FILES / "jira_all_fields.csv", target="item", dry_run=True)
    assert report.counts["created"] == 4 and report.dry_run and report.run_id is None
    assert all(line.object_id is None for line in report.lines)
    assert not RoadmapItem.objects.exists() and not Roadmap.objects.filter(name="Platform").exists()
    assert not Origin.objects.exists() and AuditEntry.objects.count() == before


def test_a_bad_date_refuses_the_import_naming_the_row_and_column(cast):
    bad = (FILES / "jira_all_fields.csv").read_text().replace("1/Oct/21 12:00 AM", "31/31/2021")
    preview = run(cast, "jira", bad.encode(), filename="bad.csv", target="idea", dry_run=True)
    refused = preview.refused
    assert [(line.row, line.field) for line in refused] == [(4, "Due date")]
    with pytest.raises(ImportRefused) as exc:
        run(cast, "jira", bad.encode(), filename="bad.csv", target="idea")
    assert exc.value.report.refused[0].key == "PROJ-3"
    assert not Idea.objects.exists() and not ImportRun.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<rss><channel><item><key>A-1", "not readable XML"),
        (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><rss><channel/></rss>', "entities"),
        (b"<feed/>", "not a Jira export"),
        (b"Name,Owner\nx,y\n", "A Jira CSV export has this column"),
    ],
)
def test_unreadable_jira_files_are_refused_with_one_sentence(cast, data, message):
    with pytest.raises(ImportFailed) as exc:
        run(cast, "jira", data, filename="export", target="idea")
    assert message in str([e.message for e in exc.value.errors])


# ---------------------------------------------------------------- Trello


def test_trello_board_lists_become_lanes_labels_tags_checklists_kept_archived_skipped(cast):
    report = run(cast, "trello", FILES / "trello_board.json", target="item")
    assert actions(report) == {
        "card1": "created",
        "card2": "created",
        "card3": "created",
        "card4": "skipped",
        "card5": "skipped",
    }
    assert "archived" in report.lines[3].reason and "Old ideas" in report.lines[4].reason
    roadmap = Roadmap.objects.get(name="Launch plan")
    assert [lane.name for lane in roadmap.lanes.all()] == ["Doing", "To Do", "Done"]
    post = RoadmapItem.objects.get(title="Write the launch blog post")
    assert post.lane.name == "Doing" and [t.name for t in post.tags.all()] == ["Marketing"]
    assert (
        post.description
        == "Draft by **Friday**.\n\n### Review\n- [x] Product review\n- [ ] Legal sign-off"
    )
    assert (post.start_date.isoformat(), post.end_date.isoformat()) == ("2026-09-01", "2026-09-18")
    assert [t.name for t in RoadmapItem.objects.get(title="Press kit").tags.all()] == ["green"]


def test_trello_lists_as_statuses_for_ideas_and_archived_cards_when_asked(cast):
    report = run(cast, "trello", FILES / "trello_board.json", target="idea", include_archived=True)
    assert report.status_map == {
        "Doing": "planned",
        "To Do": "new",
        "Done": "done",
        "Old ideas": "new",
    }
    assert report.counts["created"] == 5
    assert Idea.objects.get(title="Pricing page").status == "done"


def test_the_real_trello_exports_import(cast):
    one = run(cast, "trello", TRELLO / "alphagov_one_column_two_cards.json", target="idea")
    assert one.counts["created"] == 2
    assert sorted(t.name for t in Idea.objects.get(title="Card One").tags.all()) == [
        "temp-label-1",
        "temp-label-2",
    ]
    moved = run(cast, "trello", TRELLO / "alphagov_one_list_moved_card.json", target="item")
    # the same board: its cards are the same cards (ideas before, items now), and one card's list is not in the export
    assert moved.counts["created"] == 3 and RoadmapItem.objects.get(title="delete me").lane is None


def test_truncated_trello_json_is_refused_and_nothing_is_saved(cast):
    data = (FILES / "trello_board.json").read_bytes()[:300]
    with pytest.raises(ImportFailed) as exc:
        run(cast, "trello", data, filename="board.json", target="item")
    assert "truncated" in exc.value.file_error
    assert not Roadmap.objects.exists()


# ---------------------------------------------------------------- GitHub


def test_github_issues_become_feedback_pull_requests_skipped_milestones_kept(cast):
    report = run(cast, "github", FILES / "github_issues.json", target="feedback")
    got = actions(report)
    assert (
        got["acme/widgets#12"] == "skipped"
        and "pull request"
        in report.lines[[line.key for line in report.lines].index("acme/widgets#12")].reason
    )
    assert (
        got["acme/widgets milestone 1"] == "created"
        and got["acme/widgets milestone 2"] == "skipped"
    )
    assert Milestone.objects.get().name == "v1.0" and Milestone.objects.get().roadmap is None
    assert Feedback.objects.count() == 4
    loop = Feedback.objects.get(title="Fix the login redirect loop")
    assert (
        loop.text == "After SSO the page reloads forever."
        and loop.received_at.isoformat().startswith("2026-05-01")
    )
    assert (
        Feedback.objects.get(title="Support Internet Explorer").status == "archived"
    )  # closed, not planned
    assert Feedback.objects.get(title="Dark mode").text == "Dark mode"  # no body: the title


def test_github_issues_as_ideas_with_label_tags_and_an_idempotent_rerun(cast):
    first = run(cast, "github", FILES / "github_issues.json", target="idea")
    assert first.status_map == {"open": "new", "closed": "done", "closed (not planned)": "rejected"}
    assert Idea.objects.get(title="Export the roadmap as PDF").tags.get().name == "enhancement"
    again = run(cast, "github", FILES / "github_issues.json", target="idea")
    assert again.counts == {
        "created": 0,
        "updated": 0,
        "skipped": 7,
        "refused": 0,
    }  # 4 issues, a PR, 2 milestones
    assert Idea.objects.count() == 4 and Milestone.objects.count() == 1


def test_not_a_github_export(cast):
    with pytest.raises(ImportFailed) as exc:
        run(cast, "github", b'{"message": "Not Found"}', filename="x.json", target="idea")
    assert "not a GitHub issues export" in exc.value.file_error


# ---------------------------------------------------------------- generic CSV and xlsx


def test_csv_with_a_mapping_semicolons_windows_1252_day_first_dates_and_decimal_commas(cast):
    text = "Nom;Réf;Début;Fin;Avancement;Étiquettes;Couloir\nCampagne été;C-1;01/07/2026;31/08/2026;12,6;été, prix;Marketing\n"
    mapping = {
        "title": "Nom",
        "key": "Réf",
        "start_date": "Début",
        "end_date": "Fin",
        "percent_done": "Avancement",
        "tags": "Étiquettes",
        "lane": "Couloir",
    }
    report = run(
        cast,
        "csv",
        text.encode("cp1252"),
        filename="plan.csv",
        target="item",
        mapping=mapping,
        decimal="comma",
        date_format="dmy",
    )
    assert report.counts["created"] == 1
    item = RoadmapItem.objects.get()
    assert (
        item.title,
        item.start_date.isoformat(),
        item.end_date.isoformat(),
        item.percent_done,
    ) == ("Campagne été", "2026-07-01", "2026-08-31", 13)
    assert item.lane.name == "Marketing" and sorted(t.name for t in item.tags.all()) == [
        "prix",
        "été",
    ]
    assert Origin.objects.get(source="csv", object_type="roadmapitem").external_key == "C-1"


def test_csv_guesses_the_mapping_and_keys_rows_by_title_without_a_key_column(cast):
    data = "\ufefftitle,description,status,tags\nDark mode,At night,under review,ui\n".encode()
    run(cast, "csv", data, filename="ideas.csv", target="idea")
    again = run(
        cast,
        "csv",
        data.replace(b"At night", b"At night (please)"),
        filename="ideas.csv",
        target="idea",
    )
    assert actions(again) == {"title:dark mode": "updated"}
    assert Idea.objects.get().status == "under_review"


def test_csv_unknown_columns_bad_dates_and_numbers_are_named(cast):
    with pytest.raises(ImportFailed) as exc:
        run(
            cast,
            "csv",
            b"title,start\nA,2026-01-01\n",
            filename="x.csv",
            target="item",
            mapping={"title": "Name"},
        )
    assert (exc.value.errors[0].column, exc.value.errors[0].message) == (
        "Name",
        "No such column in the file.",
    )
    bad = b"title,start,end,progress\nA,2026-01-01,03/04/2026,x\n"
    report = run(cast, "csv", bad, filename="x.csv", target="item", dry_run=True)
    assert [(line.row, line.field) for line in report.refused] == [(2, "end")]
    assert "could be 3 April 2026 or 4 March 2026" in report.refused[0].reason


def _xlsx(rows, *, sheet_rows=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if sheet_rows:
        sheet.cell(row=sheet_rows, column=1, value="far away")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_typed_dates_and_numbers(cast):
    from datetime import datetime

    data = _xlsx(
        [
            ["Title", "Start date", "End date", "Progress"],
            ["Beta", datetime(2026, 3, 1), datetime(2026, 3, 31), 40.0],
        ]
    )
    run(cast, "csv", data, filename="plan.xlsx", target="item", decimal="comma")
    item = RoadmapItem.objects.get()
    assert (item.start_date.isoformat(), item.end_date.isoformat(), item.percent_done) == (
        "2026-03-01",
        "2026-03-31",
        40,
    )


def test_xlsx_macros_and_huge_sheets_are_refused(cast):
    with pytest.raises(ImportFailed) as exc:
        run(cast, "csv", _xlsx([["Title"], ["A"]]), filename="plan.xlsm", target="idea")
    assert "macros" in exc.value.file_error
    with pytest.raises(ImportFailed) as exc:
        run(
            cast,
            "csv",
            _xlsx([["Title"], ["A"]], sheet_rows=30_000),
            filename="big.xlsx",
            target="idea",
        )
    assert "more than 20,000 rows" in exc.value.file_error
    with pytest.raises(ImportFailed) as exc:
        run(cast, "csv", b"PK\x03\x04" + b"\x00" * 40, filename="broken.xlsx", target="idea")
    assert "damaged or truncated" in exc.value.file_error


# ---------------------------------------------------------------- rules


def test_one_audit_entry_per_import_plus_the_objects_own(cast):
    report = run(cast, "github", FILES / "github_issues.json", target="idea")
    entry = AuditEntry.objects.get(action="imported")
    assert entry.object_type == "import" and entry.object_id == str(report.run_id)
    assert entry.after["created"] == report.counts["created"]
    assert AuditEntry.objects.filter(object_type="idea", action="created").count() == 4


def test_viewers_and_contributors_cannot_import(cast):
    from accord.core.errors import Forbidden

    for role in ("viewer", "contributor"):
        with pytest.raises(Forbidden):
            run(cast, "github", FILES / "github_issues.json", target="idea", role=role)


def test_targets_and_status_maps_are_checked(cast):
    with pytest.raises(Invalid) as exc:
        run(cast, "trello", FILES / "trello_board.json", target="feedback")
    assert exc.value.errors[0].field == "target"
    with pytest.raises(Invalid) as exc:
        run(
            cast,
            "trello",
            FILES / "trello_board.json",
            target="idea",
            status_map={"Doing": "shipped"},
        )
    assert exc.value.errors[0].field == "status_map"


def test_the_github_fixture_follows_the_rest_api_shape():
    issues = json.loads((FILES / "github_issues.json").read_text())
    assert {
        "number",
        "title",
        "state",
        "labels",
        "milestone",
        "repository_url",
        "created_at",
    } <= set(issues[0])
    assert sum("pull_request" in i for i in issues) == 1


def test_a_rerun_of_a_trello_board_moves_and_renames_items_it_imported(cast):
    run(cast, "trello", FILES / "trello_board.json", target="item")
    board = json.loads((FILES / "trello_board.json").read_text())
    board["cards"][0].update(
        name="Write and publish the launch blog post", idList="list3", due=None, start=None
    )
    report = run(cast, "trello", json.dumps(board).encode(), filename="board.json", target="item")
    assert actions(report)["card1"] == "updated" and actions(report)["card2"] == "skipped"
    assert "title" in report.lines[0].reason and "lane" in report.lines[0].reason
    post = RoadmapItem.objects.get(pk=report.lines[0].object_id)
    assert (post.title, post.lane.name, post.start_date, post.bucket) == (
        "Write and publish the launch blog post",
        "Done",
        None,
        "next",
    )
    assert RoadmapItem.objects.count() == 3 and Roadmap.objects.count() == 1


def test_trello_lists_as_lanes_for_ideas_become_tags(cast):
    report = run(cast, "trello", FILES / "trello_board.json", target="idea", lists_as="lanes")
    assert report.status_map == {"(no status)": "new"}
    assert sorted(t.name for t in Idea.objects.get(title="Press kit").tags.all()) == [
        "List: To Do",
        "green",
    ]


def test_the_import_reads_in_plain_language_in_the_history(cast):
    from accord.audit import history

    run(cast, "github", FILES / "github_issues.json", target="feedback")
    story = history.tell([AuditEntry.objects.get(action="imported")], slug="acme")[0]
    assert "imported feedback from GitHub" in story.text and "github_issues.json" in story.text
    assert "5 created, 0 updated, 2 skipped." in [d.text for d in story.details]


def test_recent_imports_and_origins_read_in_one_query(cast, django_assert_num_queries):
    from accord.imports import selectors

    for name in ("a.csv", "b.csv", "c.csv"):
        run(cast, "csv", f"title\nIdea from {name}\n".encode(), filename=name, target="idea")
    idea = Idea.objects.get(title="Idea from b.csv")
    with django_assert_num_queries(1):
        runs = selectors.recent_runs(workspace=cast.workspace)
        assert [r.filename for r in runs] == ["c.csv", "b.csv", "a.csv"] and runs[0].actor.email
    with django_assert_num_queries(1):
        assert (
            selectors.origin_of(
                workspace=cast.workspace, object_type="idea", object_id=idea.pk
            ).external_key
            == "title:idea from b.csv"
        )


def test_a_sub_task_before_its_parent_lands_inside_it_and_a_repeated_key_is_imported_once(cast):
    xml = b"""<rss version="0.92"><channel><title>Jira</title>
    <item><key id="3">X-3</key><summary>Sub-task</summary><type>Sub-task</type><status>To Do</status><parent id="2">X-2</parent></item>
    <item><project id="1" key="X">Xylo</project><key id="2">X-2</key><summary>Story</summary><type>Story</type><status>Done</status></item>
    <item><key id="2">X-2</key><summary>Story again</summary><type>Story</type><status>Done</status></item>
    </channel></rss>"""
    report = run(cast, "jira", xml, filename="x.xml", target="item")
    assert [line.action for line in report.lines] == ["created", "created", "skipped"]
    assert "same key as row 2" in report.lines[2].reason
    assert RoadmapItem.objects.get(title="Sub-task").parent.title == "Story"
