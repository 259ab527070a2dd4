"""GitHub issues as the REST API returns them (GET /repos/{owner}/{repo}/issues, saved to a file;
nothing is fetched): a JSON list of issues, or {"items": [...]} as the search API returns them.

Issues become ideas or feedback keyed "owner/repo#number"; pull requests (the API lists them as
issues with a "pull_request" member) are skipped. Labels become tags. State: "open", "closed" or
"closed (not planned)" (state_reason), mapped like any status. Milestones (each issue names its
own) become roadmap milestones on their due date, keyed "owner/repo milestone N"; one without a due
date is skipped (an Accord milestone is a date).
"""

from accord.core.tabular import file_failed

from ..engine import Plan, Record
from .common import MAX_RECORDS, day_of, iso_moment, load_json, title_of


def parse(data: bytes, filename: str, options) -> Plan:
    issues = load_json(data, "the GitHub issues")
    if isinstance(issues, dict) and isinstance(issues.get("items"), list):
        issues = issues["items"]
    if not isinstance(issues, list) or not all(isinstance(i, dict) for i in issues):
        raise file_failed(
            "This is not a GitHub issues export: it must be the JSON list the REST API returns for issues."
        )
    if len(issues) > MAX_RECORDS:
        raise file_failed(f"The file has more than {MAX_RECORDS:,} issues.")
    repo = next((_repo(i) for i in issues if _repo(i)), "")
    plan = Plan(source="github", name=repo or "GitHub issues", key=repo or "github", records=[])
    milestones: dict[str, Record] = {}
    for n, issue in enumerate(issues, start=1):
        where = _repo(issue) or repo
        number = issue.get("number")
        record = Record(
            key=f"{where}#{number}",
            row=n,
            title=title_of(issue.get("title")),
            description=str(issue.get("body") or "").replace("\r\n", "\n").strip(),
            status=_state(issue),
            tags=[
                title_of(label.get("name"))[:60]
                for label in issue.get("labels") or []
                if isinstance(label, dict) and label.get("name")
            ],
        )
        if not isinstance(number, int) or isinstance(number, bool):
            record.errors.append(("number", "The issue has no number."))
        if not record.title:
            record.errors.insert(0, ("title", "The issue has no title."))
        if issue.get("pull_request") is not None:
            record.skip = "A pull request, not an issue."
        try:
            record.received_at = iso_moment(issue.get("created_at"))
        except (ValueError, TypeError) as exc:
            record.errors.append(("created_at", str(exc)))
        milestone = issue.get("milestone")
        if isinstance(milestone, dict) and not record.skip:
            _milestone(milestones, where, milestone, n)
        plan.records.append(record)
    plan.records = list(milestones.values()) + plan.records
    plan.notes = [
        "Issues become "
        + ("feedback" if options.target == "feedback" else "ideas")
        + ", keyed owner/repo#number: a re-run updates them.",
        "Pull requests are skipped. Labels become tags.",
        "Milestones with a due date become milestones shown on every roadmap.",
    ]
    return plan


def _repo(issue: dict) -> str:
    url = str(issue.get("repository_url") or "")
    marker = "/repos/"
    return url.split(marker, 1)[1].strip("/")[:150] if marker in url else ""


def _state(issue: dict) -> str:
    state = str(issue.get("state") or "open").lower()
    if state == "closed" and issue.get("state_reason") == "not_planned":
        return "closed (not planned)"
    return state


def _milestone(milestones: dict[str, Record], repo: str, milestone: dict, row: int) -> None:
    key = f"{repo} milestone {milestone.get('number')}"
    if key in milestones:
        return
    record = Record(
        key=key,
        row=row,
        title=title_of(milestone.get("title"), "Milestone")[:120],
        description=str(milestone.get("description") or "").strip()[:2000],
        kind="milestone",
    )
    try:
        record.end_date = day_of(iso_moment(milestone.get("due_on")))
    except (ValueError, TypeError) as exc:
        record.errors.append(("milestone.due_on", str(exc)))
    if record.end_date is None and not record.errors:
        record.skip = "A milestone without a due date (an Accord milestone is a date)."
    milestones[key] = record
