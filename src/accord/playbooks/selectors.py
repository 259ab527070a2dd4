"""Reads for playbooks, runs and post-mortems, each in a constant number of queries."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from . import owner_roles, subjects
from . import steps as checklist
from .models import ActionItem, Playbook, PlaybookRun, PlaybookVersion, PostMortem, RunStep

_OPEN = Q(steps__applies=True, steps__done_at__isnull=True)


def playbooks(*, workspace, kind: str | None = None) -> QuerySet[Playbook]:
    qs = Playbook.objects.filter(workspace=workspace).annotate(
        run_count=Count("runs", distinct=True),
        open_run_count=Count("runs", filter=Q(runs__finished_at__isnull=True), distinct=True),
        last_run_at=Max("runs__started_at"),
    )
    return qs.filter(kind=kind) if kind else qs


def current_versions(playbook_list: list[Playbook]) -> dict[int, PlaybookVersion]:
    """The current version of each playbook (one query)."""
    if not playbook_list:
        return {}
    q = Q()
    for p in playbook_list:
        q |= Q(playbook_id=p.pk, number=p.version)
    return {v.playbook_id: v for v in PlaybookVersion.objects.filter(q)}


@dataclass
class VersionRow:
    version: PlaybookVersion
    runs: list[PlaybookRun] = field(default_factory=list)


def playbook(*, workspace, playbook_id: int) -> dict | None:
    """A playbook, its versions newest first with the runs each was used by (3 queries)."""
    pb = playbooks(workspace=workspace).filter(pk=playbook_id).first()
    if pb is None:
        return None
    versions = [VersionRow(v) for v in pb.versions.select_related("created_by")]
    by_number = {row.version.pk: row for row in versions}
    for run in runs(workspace=workspace, playbook_id=pb.pk):
        by_number[run.playbook_version_id].runs.append(run)
    return {"playbook": pb, "current": versions[0].version, "versions": versions}


def version(*, workspace, playbook_id: int, number: int) -> PlaybookVersion | None:
    return PlaybookVersion.objects.filter(
        workspace=workspace, playbook_id=playbook_id, number=number
    ).first()


def runs(
    *,
    workspace,
    playbook_id: int | None = None,
    state: str | None = None,
    subject_kind: str | None = None,
) -> QuerySet[PlaybookRun]:
    """Runs, newest first, with their step counts: applicable, done, overdue."""
    now = timezone.now()
    qs = (
        PlaybookRun.objects.filter(workspace=workspace)
        .select_related("playbook", "playbook_version", "started_by")
        .annotate(
            step_total=Count("steps", filter=Q(steps__applies=True)),
            step_done=Count("steps", filter=Q(steps__applies=True, steps__done_at__isnull=False)),
            step_overdue=Count("steps", filter=_OPEN & Q(steps__due_at__lt=now)),
        )
    )
    if playbook_id is not None:
        qs = qs.filter(playbook_id=playbook_id)
    if state == "open":
        qs = qs.filter(finished_at__isnull=True)
    elif state == "finished":
        qs = qs.filter(finished_at__isnull=False)
    if subject_kind is not None:
        qs = qs.filter(subject_kind=subject_kind)
    return qs


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 100


@dataclass
class StepView:
    step: RunStep
    overdue: bool
    role_label: str
    duration: str
    mine: bool = False
    may_check: bool = False


def run(*, workspace, run_id: int) -> PlaybookRun | None:
    return runs(workspace=workspace).filter(pk=run_id).first()


def run_steps(
    run_obj: PlaybookRun, now: datetime | None = None, person_id: int | None = None
) -> list[StepView]:
    """The run's steps with what the page shows (2 queries, whatever the number of steps)."""
    now = now or timezone.now()
    steps = list(run_obj.steps.select_related("done_by"))
    holders: dict[str, set[int]] = {}
    if person_id is not None:
        for key in {s.owner_role for s in steps}:
            holders[key] = owner_roles.holders(run_obj.workspace_id, key)
    return [
        StepView(
            step=s,
            overdue=s.applies and s.done_at is None and s.due_at < now,
            role_label=owner_roles.label(s.owner_role),
            duration=checklist.duration_label(s.expected_minutes),
            mine=person_id in holders.get(s.owner_role, ()),
        )
        for s in steps
    ]


def subject_label(kind: str) -> str:
    return subjects.label_of(kind)


# ---------------------------------------------------------------- post-mortems


def postmortems(*, workspace, subject_kind: str | None = None) -> QuerySet[PostMortem]:
    today = timezone.localdate()
    qs = PostMortem.objects.filter(workspace=workspace).annotate(
        action_total=Count("action_items"),
        action_done=Count("action_items", filter=Q(action_items__done_at__isnull=False)),
        action_overdue=Count(
            "action_items",
            filter=Q(action_items__done_at__isnull=True, action_items__due_date__lt=today),
        ),
    )
    return qs.filter(subject_kind=subject_kind) if subject_kind else qs


def postmortem(*, workspace, postmortem_id: int) -> PostMortem | None:
    return postmortems(workspace=workspace).filter(pk=postmortem_id).first()


def action_items(post: PostMortem) -> list[ActionItem]:
    return list(post.action_items.select_related("owner", "idea", "roadmap_item"))


def closure_rate(done: int, total: int) -> int | None:
    return round(100 * done / total) if total else None


def overdue_action_items(*, workspace, person_id: int, today: date) -> list[ActionItem]:
    return list(
        ActionItem.objects.filter(
            workspace=workspace, owner_id=person_id, done_at__isnull=True, due_date__lt=today
        )
        .select_related("postmortem")
        .order_by("due_date", "id")[:20]
    )


def action_items_of_idea(*, idea) -> list[ActionItem]:
    return list(ActionItem.objects.filter(idea=idea).select_related("postmortem", "owner"))


def action_items_of_roadmap_item(*, item) -> list[ActionItem]:
    return list(ActionItem.objects.filter(roadmap_item=item).select_related("postmortem", "owner"))
