import pytest


@pytest.fixture
def team(cast):
    """People of acme in product, marketing and IT, one initiative in discovery, the default roles."""
    from accord.roles import services
    from accord.roles.models import RoleDefinition
    from accord.roles.testing import initiative, stages_of
    from accord.workspaces import services as ws

    admin = cast.members["admin"]
    teams = {
        k: ws.team_create(member=admin, name=k.title(), kind=k)
        for k in ("product", "marketing", "it")
    }

    def person(name, kind, skills=(), interests=()):
        return ws.person_create(
            member=admin,
            name=name,
            team_ids=[teams[kind].pk],
            skills=list(skills),
            interests=list(interests),
        )

    class T:
        pass

    t = T()
    t.admin, t.editor, t.viewer = admin, cast.members["editor"], cast.members["viewer"]
    t.ana = person("Ana Product", "product", ["backlog management", "user stories"], ["agile"])
    t.mia = person("Mia Marketing", "marketing", ["positioning", "messaging"], ["storytelling"])
    t.ivo = person("Ivo Ops", "it", ["monitoring", "release management"], ["reliability"])
    t.stages = stages_of(cast.workspace)
    t.initiative = initiative(cast.workspace, "Reporting 2.0", stage="discovery", owner=t.ana)
    services.ensure_defaults(cast.workspace)
    t.roles = {r.key: r for r in RoleDefinition.objects.filter(workspace=cast.workspace)}
    t.cast = cast
    return t
