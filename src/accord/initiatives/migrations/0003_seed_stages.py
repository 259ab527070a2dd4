"""The default lifecycle (stages and their gate templates) for workspaces made before this app."""

from django.db import migrations

from accord.initiatives.models import DEFAULT_CRITERIA, DEFAULT_STAGES


def seed(apps, schema_editor):
    Workspace = apps.get_model("workspaces", "Workspace")
    Stage = apps.get_model("initiatives", "LifecycleStage")
    Criterion = apps.get_model("initiatives", "StageCriterion")
    for workspace_id in Workspace.objects.values_list("pk", flat=True):
        if Stage.objects.filter(workspace_id=workspace_id).exists():
            continue
        for position, (key, name, color) in enumerate(DEFAULT_STAGES):
            stage = Stage.objects.create(
                workspace_id=workspace_id, key=key, name=name, color=color, position=position
            )
            Criterion.objects.bulk_create(
                Criterion(stage=stage, text=text, position=i)
                for i, text in enumerate(DEFAULT_CRITERIA.get(key, []))
            )


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0002_gates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
