"""Playbooks plugged into the capabilities below it: launches and changes are subjects of runs and
post-mortems, their pages list their runs and start one in one click, and the roles every
workspace starts with own steps."""

from django.urls import reverse
from django.utils import timezone

from accord.changes.models import Change
from accord.core import panels
from accord.launches.models import Launch
from accord.workspaces.permissions import can

from . import owner_roles, selectors, subjects
from .models import Playbook, PlaybookKind


def _launch(workspace, ref: str) -> subjects.Subject | None:
    launch = (
        Launch.objects.filter(workspace=workspace, pk=int(ref)).first() if ref.isdigit() else None
    )
    if launch is None:
        return None
    return subjects.Subject(
        kind="launch", ref=str(launch.pk), label=launch.name,
        url=reverse("launch", args=[workspace.slug, launch.pk]),
        fields={"tier": launch.tier}, target_date=launch.launch_date,
    )  # fmt: skip


def _launch_choices(workspace) -> list[tuple[str, str]]:
    return [
        (str(pk), name)
        for pk, name in Launch.objects.filter(workspace=workspace).values_list("pk", "name")
    ]


def _change(workspace, ref: str) -> subjects.Subject | None:
    change = (
        Change.objects.filter(workspace=workspace, pk=int(ref)).first() if ref.isdigit() else None
    )
    if change is None:
        return None
    return subjects.Subject(
        kind="change", ref=str(change.pk), label=change.title,
        url=reverse("change", args=[workspace.slug, change.pk]),
        fields={"risk": change.risk, "area": change.area}, target_date=timezone.localtime(change.start).date(),
    )  # fmt: skip


def _change_choices(workspace) -> list[tuple[str, str]]:
    return [
        (str(pk), title)
        for pk, title in Change.objects.filter(workspace=workspace).values_list("pk", "title")
    ]


def _runs_panel(kind: str, playbook_kind: str, target_date):
    """The runs of one subject and the playbooks that start one, on the subject's page."""

    def context(request, member, obj) -> dict | None:
        if not can(member, "playbook.view"):
            return None
        runs = [
            {"run": r, "percent": selectors.percent(r.step_done, r.step_total)}
            for r in selectors.runs(workspace=member.workspace, subject_kind=kind).filter(
                subject_ref=str(obj.pk)
            )
        ]
        playbooks = (
            list(Playbook.objects.filter(workspace=member.workspace, kind=playbook_kind).order_by("name"))
            if can(member, "playbook.run") else []
        )  # fmt: skip
        return {"runs": runs, "playbooks": playbooks, "subject_kind": kind, "subject_ref": str(obj.pk),
                "target_date": target_date(obj)}  # fmt: skip

    return context


launch_runs = _runs_panel("launch", PlaybookKind.LAUNCH, lambda launch: launch.launch_date)
change_runs = _runs_panel(
    "change", PlaybookKind.CHANGE, lambda change: timezone.localtime(change.start).date()
)


def register() -> None:
    subjects.register("launch", _launch, label="Launch", choices=_launch_choices)
    subjects.register("change", _change, label="Change", choices=_change_choices)
    owner_roles.register_role_definitions()
    panels.register("launch", panels.Panel(key="playbooks.runs", template="playbooks/_subject_runs.html",
                                           context=launch_runs, order=20))  # fmt: skip
    panels.register("change", panels.Panel(key="playbooks.runs", template="playbooks/_subject_runs.html",
                                           context=change_runs, order=20))  # fmt: skip
