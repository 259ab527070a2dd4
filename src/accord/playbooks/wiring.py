"""Playbooks plugged into the capabilities below it: launches are subjects of runs and
post-mortems, a launch's page lists its runs and starts one in one click, and the roles every
workspace starts with own steps."""

from django.urls import reverse

from accord.core import panels
from accord.launches.models import Launch
from accord.workspaces.permissions import can

from . import owner_roles, selectors, subjects
from .models import Playbook, PlaybookKind


def _launch(workspace, ref: str) -> subjects.Subject | None:
    launch = Launch.objects.filter(workspace=workspace, pk=int(ref)).first() if ref.isdigit() else None
    if launch is None:
        return None
    return subjects.Subject(
        kind="launch", ref=str(launch.pk), label=launch.name,
        url=reverse("launch", args=[workspace.slug, launch.pk]),
        fields={"tier": launch.tier}, target_date=launch.launch_date,
    )  # fmt: skip


def _launch_choices(workspace) -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Launch.objects.filter(workspace=workspace).values_list("pk", "name")]


def launch_runs(request, member, launch) -> dict | None:
    if not can(member, "playbook.view"):
        return None
    runs = [
        {"run": r, "percent": selectors.percent(r.step_done, r.step_total)}
        for r in selectors.runs(workspace=member.workspace, subject_kind="launch").filter(subject_ref=str(launch.pk))
    ]
    playbooks = (
        list(Playbook.objects.filter(workspace=member.workspace, kind=PlaybookKind.LAUNCH).order_by("name"))
        if can(member, "playbook.run") else []
    )  # fmt: skip
    return {"runs": runs, "playbooks": playbooks, "subject_kind": "launch", "subject_ref": str(launch.pk),
            "target_date": launch.launch_date}  # fmt: skip


def register() -> None:
    subjects.register("launch", _launch, label="Launch", choices=_launch_choices)
    owner_roles.register_role_definitions()
    panels.register("launch", panels.Panel(key="playbooks.runs", template="playbooks/_subject_runs.html",
                                           context=launch_runs, order=20))  # fmt: skip
