"""Reads for workspaces, members, teams, people and tokens, each in a constant number of queries."""

from collections import defaultdict

from django.db.models import Count, Prefetch, Q, QuerySet

from accord.core.errors import NotFound

from .models import ApiToken, Invitation, Membership, Person, Team, Workspace
from .permissions import can


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")


def membership_in(user, slug: str) -> Membership:
    """The user's membership in the workspace with this slug; 404 if they are not a member (or it does not exist)."""
    membership = Membership.objects.select_related("workspace", "user").filter(user=user, workspace__slug=slug).first()
    if membership is None:
        raise NotFound("No such workspace.")
    return membership


def members(*, workspace: Workspace, q: str | None = None, role: str | None = None) -> QuerySet[Membership]:
    qs = Membership.objects.filter(workspace=workspace).select_related("user")
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(Q(user__email__icontains=q) | Q(user__name__icontains=q))
    return qs.order_by("user__name", "user__email")


def invitations(*, workspace: Workspace) -> QuerySet[Invitation]:
    return Invitation.objects.filter(workspace=workspace).select_related("invited_by").order_by("-created_at")


def teams(*, workspace: Workspace, kind: str | None = None) -> QuerySet[Team]:
    qs = Team.objects.filter(workspace=workspace).annotate(people_count=Count("people"))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def team(*, workspace: Workspace, team_id: int) -> Team:
    found = teams(workspace=workspace).filter(pk=team_id).first()
    if found is None:
        raise NotFound("No such team in this workspace.")
    return found


def people(*, workspace: Workspace, q: str | None = None, team_id: int | None = None, skill: str | None = None, interest: str | None = None) -> QuerySet[Person]:
    qs = Person.objects.filter(workspace=workspace).prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(title__icontains=q))
    if team_id:
        qs = qs.filter(teams__id=team_id)
    # Skills and interests are short JSON lists; a text match keeps this portable across SQLite and PostgreSQL.
    if skill:
        qs = qs.filter(skills__icontains=skill)
    if interest:
        qs = qs.filter(interests__icontains=interest)
    return qs.order_by("name", "pk")


PERSON_ROW_FIELDS = ("id", "name", "email", "title", "skills", "interests", "user_id", "version")


def person_rows(people: QuerySet[Person]) -> list[dict]:
    """The people of a (sliced) `people()` queryset as dicts in the API's shape, with their teams
    ({id, name}, by name): two queries and no model instances, much faster for long pages."""
    rows = list(people.prefetch_related(None).values(*PERSON_ROW_FIELDS))
    if not rows:
        return rows
    teams_of: dict[int, list[dict]] = defaultdict(list)
    links = (
        Person.teams.through.objects.filter(person_id__in=[row["id"] for row in rows])
        .order_by("team__name", "team_id")
        .values_list("person_id", "team_id", "team__name")
    )
    for person_id, team_id, name in links:
        teams_of[person_id].append({"id": team_id, "name": name})
    for row in rows:
        row["teams"] = teams_of[row["id"]]
    return rows


def person(*, workspace: Workspace, person_id: int) -> Person:
    found = people(workspace=workspace).filter(pk=person_id).first()
    if found is None:
        raise NotFound("No such person in this workspace.")
    return found


def tokens(*, member: Membership) -> QuerySet[ApiToken]:
    """Admins see every token of the workspace; others see their own."""
    qs = ApiToken.objects.filter(workspace_id=member.workspace_id).select_related("membership__user")
    if not can(member, "token.manage"):
        qs = qs.filter(membership=member)
    return qs.order_by("-created_at")

