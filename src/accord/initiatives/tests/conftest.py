import pytest


@pytest.fixture
def ws(cast):
    """The cast plus helpers: `mk(name, stage_key)` makes an initiative as the acme admin."""
    from accord.initiatives import services
    from accord.initiatives.models import LifecycleStage

    def stage(key):
        return LifecycleStage.objects.get(workspace=cast.workspace, key=key)

    def mk(name="Lumen 2.0", key="discovery", **kw):
        return services.initiative_create(
            member=cast.members["admin"], name=name, stage_id=stage(key).pk, **kw
        )

    def person(role):
        from accord.workspaces.models import Person

        return Person.objects.get(workspace=cast.workspace, user=cast.members[role].user)

    cast.stage, cast.mk, cast.person = stage, mk, person
    return cast
