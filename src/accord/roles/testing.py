"""Minimal initiatives for tests, the bench and the demo when the initiatives app has made none:
the workspace's default lifecycle stages (as accord.initiatives.models.DEFAULT_STAGES) and one
initiative, through the models alone (the initiatives app owns their services)."""

from accord.initiatives.models import DEFAULT_STAGES, Initiative, LifecycleStage


def stages_of(workspace) -> dict[str, LifecycleStage]:
    existing = {s.key: s for s in LifecycleStage.objects.filter(workspace=workspace)}
    for pos, (key, name, color) in enumerate(DEFAULT_STAGES):
        if (
            key not in existing
            and not LifecycleStage.objects.filter(workspace=workspace, name=name).exists()
        ):
            existing[key] = LifecycleStage.objects.create(
                workspace=workspace, key=key, name=name, color=color, position=pos
            )
    return existing


def initiative(
    workspace, name: str, stage: str = "discovery", owner=None, owner_id: int | None = None
) -> Initiative:
    found = Initiative.objects.filter(workspace=workspace, name=name).first()
    if found is not None:
        return found
    stages = stages_of(workspace)
    return Initiative.objects.create(
        workspace=workspace, name=name, stage=stages[stage], owner=owner
    )
