import pytest

from accord.glossary import services


@pytest.fixture
def admin(cast):
    return cast.members["admin"]


@pytest.fixture
def term(admin):
    """“Activation” with a marketing and an IT definition, a synonym, proposed by the admin."""
    return services.term_create(
        member=admin, name="Activation", synonyms=["Activated account"],
        definitions={"marketing": "A trial account reaching its first dashboard share.", "it": "The activated_at timestamp of a trial account, set at the first dashboard share."},
    )  # fmt: skip


def person_for(cast, role: str, kind: str):
    """The person of the member with this role, in a team of this kind."""
    from accord.workspaces import services as ws
    from accord.workspaces.models import Person

    admin = cast.members["admin"]
    member = cast.members[role]
    team = ws.team_create(member=admin, name=f"{kind} team {role}", kind=kind)
    person = Person.objects.filter(workspace=cast.workspace, user=member.user).first()
    if person is None:
        person = ws.person_create(member=admin, name=member.user.name, email=member.user.email)
        person.user = member.user
        person.save(update_fields=["user"])
    person.teams.add(team)
    return person
