"""REST API for workspaces, members, invitations, teams, people and API tokens (thin: services do the work)."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from accord.core.api_support import (
    BodyId,
    BodyInt,
    JsonInteger,
    Page,
    PageParams,
    paginate,
    responses,
)
from accord.core.errors import Invalid

from . import selectors, services
from .auth import API_AUTH, member_for
from .models import DecimalSeparator, Role, TeamKind
from .permissions import require

router = Router(auth=API_AUTH, tags=["workspaces"])


# ---------------------------------------------------------------- schemas


class WorkspaceOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    decimal_separator: DecimalSeparator = Field(description="How numbers are typed and imported: point (1,234.5) or comma (1.234,5).")
    role: str = Field(description="The caller's role in this workspace.")
    version: int
    created_at: datetime


class WorkspaceIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    slug: str = Field("", max_length=60)
    description: str = Field("", max_length=5000)


class WorkspacePatch(Schema):
    version: BodyInt
    name: str | None = Field(None, max_length=120)
    description: str | None = Field(None, max_length=5000)
    decimal_separator: DecimalSeparator | None = Field(None, description="point (1,234.5) or comma (1.234,5).")


class UserOut(Schema):
    id: int
    email: str
    name: str


class MemberOut(Schema):
    id: int
    user: UserOut
    role: Role
    joined_at: datetime
    version: int


class MemberPatch(Schema):
    version: BodyInt
    role: Role


class InvitationOut(Schema):
    id: int
    email: str
    role: Role
    state: str
    created_at: datetime
    expires_at: datetime


class InvitationCreated(InvitationOut):
    token: str = Field(description="The invitation secret; shown once. The link is /invitations/<token>.")


class InvitationIn(Schema):
    email: str = Field(max_length=254)
    role: Role = Role.CONTRIBUTOR
    valid_days: Annotated[int, Field(ge=1, le=90), JsonInteger] = 7


class AcceptIn(Schema):
    token: str = Field(min_length=1, max_length=200)


class TeamOut(Schema):
    id: int
    name: str
    kind: TeamKind
    description: str
    people_count: int = 0
    version: int


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    kind: TeamKind = TeamKind.CUSTOM
    description: str = Field("", max_length=5000)


class TeamPatch(Schema):
    version: BodyInt
    name: str | None = Field(None, max_length=120)
    kind: TeamKind | None = None
    description: str | None = Field(None, max_length=5000)


class TeamRef(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    name: str
    email: str
    title: str
    teams: list[TeamRef]
    skills: list[str]
    interests: list[str]
    user_id: int | None
    version: int

    @staticmethod
    def resolve_teams(obj) -> list:
        if isinstance(obj, dict):  # a row of selectors.person_rows
            return obj["teams"]
        return list(obj.teams.all())


class PersonIn(Schema):
    name: str = Field(min_length=1, max_length=150)
    email: str = Field("", max_length=254)
    title: str = Field("", max_length=150)
    team_ids: list[BodyId] = Field(default_factory=list, max_length=50)
    skills: list[str] = Field(default_factory=list, max_length=50)
    interests: list[str] = Field(default_factory=list, max_length=50)


class PersonPatch(Schema):
    version: BodyInt
    name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    title: str | None = Field(None, max_length=150)
    team_ids: list[BodyId] | None = Field(None, max_length=50)
    skills: list[str] | None = Field(None, max_length=50)
    interests: list[str] | None = Field(None, max_length=50)


class PeopleFilter(Schema):
    q: str | None = Field(None, max_length=200, description="Search name, e-mail and title.")
    team_id: int | None = None
    skill: str | None = Field(None, max_length=60)
    interest: str | None = Field(None, max_length=60)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    owner: str
    role: Role
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_owner(obj) -> str:
        return obj.membership.user.email

    @staticmethod
    def resolve_role(obj) -> str:
        return obj.membership.role


class TokenCreated(TokenOut):
    token: str = Field(description="The secret; shown once, send it as `Authorization: Bearer <token>`.")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    valid_days: Annotated[int, Field(ge=1, le=3650), JsonInteger] | None = None


def _workspace_out(membership) -> dict:
    ws = membership.workspace
    return {**{f: getattr(ws, f) for f in ("id", "name", "slug", "description", "decimal_separator", "version", "created_at")}, "role": membership.role}


# ---------------------------------------------------------------- workspaces


@router.get("/workspaces", response=responses(200, Page[WorkspaceOut]), summary="List my workspaces")
def list_workspaces(request: HttpRequest, page: Query[PageParams]):
    api_token = getattr(request, "api_token", None)
    memberships = selectors.memberships_of(request.auth)
    if api_token is not None:
        memberships = memberships.filter(pk=api_token.membership_id)
    return paginate(memberships, page, _workspace_out)


@router.post("/workspaces", response=responses(201, WorkspaceOut), summary="Create a workspace (you become its admin)")
def create_workspace(request: HttpRequest, data: WorkspaceIn):
    if getattr(request, "api_token", None) is not None:
        raise Invalid.field("authorization", "API tokens belong to one workspace; create workspaces while signed in.")
    workspace = services.workspace_create(user=request.auth, name=data.name, slug=data.slug, description=data.description)
    return Status(201, _workspace_out(selectors.membership_in(request.auth, workspace.slug)))


@router.get("/workspaces/{slug}", response=responses(200, WorkspaceOut), summary="Get a workspace")
def get_workspace(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "workspace.view")
    return _workspace_out(member)


@router.patch("/workspaces/{slug}", response=responses(200, WorkspaceOut), summary="Rename or describe a workspace")
def update_workspace(request: HttpRequest, slug: str, data: WorkspacePatch):
    member = member_for(request, slug)
    member.workspace = services.workspace_update(
        member=member, version=data.version, name=data.name, description=data.description,
        decimal_separator=data.decimal_separator,
    )  # fmt: skip
    return _workspace_out(member)


# ---------------------------------------------------------------- members


@router.get("/workspaces/{slug}/members", response=responses(200, Page[MemberOut]), summary="List members")
def list_members(request: HttpRequest, slug: str, page: Query[PageParams], q: str | None = None, role: Role | None = None):
    member = member_for(request, slug)
    require(member, "member.view")
    return paginate(selectors.members(workspace=member.workspace, q=q, role=role), page)


@router.patch("/workspaces/{slug}/members/{member_id}", response=responses(200, MemberOut), summary="Change a member's role")
def update_member(request: HttpRequest, slug: str, member_id: int, data: MemberPatch):
    member = member_for(request, slug)
    return services.member_change_role(member=member, membership_id=member_id, role=data.role, version=data.version)


@router.delete("/workspaces/{slug}/members/{member_id}", response=responses(204), summary="Remove a member (or leave)")
def remove_member(request: HttpRequest, slug: str, member_id: int):
    services.member_remove(member=member_for(request, slug), membership_id=member_id)
    return Status(204, None)


# ---------------------------------------------------------------- invitations


@router.get("/workspaces/{slug}/invitations", response=responses(200, Page[InvitationOut]), summary="List invitations")
def list_invitations(request: HttpRequest, slug: str, page: Query[PageParams]):
    member = member_for(request, slug)
    require(member, "invitation.manage")
    return paginate(selectors.invitations(workspace=member.workspace), page)


@router.post("/workspaces/{slug}/invitations", response=responses(201, InvitationCreated), summary="Invite someone by e-mail")
def create_invitation(request: HttpRequest, slug: str, data: InvitationIn):
    invitation, raw = services.invitation_create(member=member_for(request, slug), email=data.email, role=data.role, valid_days=data.valid_days)
    invitation.token = raw
    return Status(201, invitation)


@router.delete("/workspaces/{slug}/invitations/{invitation_id}", response=responses(204), summary="Revoke an invitation")
def revoke_invitation(request: HttpRequest, slug: str, invitation_id: int):
    services.invitation_revoke(member=member_for(request, slug), invitation_id=invitation_id)
    return Status(204, None)


@router.post("/invitations/accept", response=responses(200, WorkspaceOut), summary="Accept an invitation")
def accept_invitation(request: HttpRequest, data: AcceptIn):
    if getattr(request, "api_token", None) is not None:
        raise Invalid.field("authorization", "Accept invitations while signed in, not with an API token.")
    membership = services.invitation_accept(user=request.auth, token=data.token)
    return _workspace_out(membership)


# ---------------------------------------------------------------- teams


@router.get("/workspaces/{slug}/teams", response=responses(200, Page[TeamOut]), summary="List teams")
def list_teams(request: HttpRequest, slug: str, page: Query[PageParams], kind: TeamKind | None = None):
    member = member_for(request, slug)
    require(member, "team.view")
    return paginate(selectors.teams(workspace=member.workspace, kind=kind), page)


@router.post("/workspaces/{slug}/teams", response=responses(201, TeamOut), summary="Create a team")
def create_team(request: HttpRequest, slug: str, data: TeamIn):
    member = member_for(request, slug)
    team = services.team_create(member=member, name=data.name, kind=data.kind, description=data.description)
    return Status(201, selectors.team(workspace=member.workspace, team_id=team.pk))


@router.get("/workspaces/{slug}/teams/{team_id}", response=responses(200, TeamOut), summary="Get a team")
def get_team(request: HttpRequest, slug: str, team_id: int):
    member = member_for(request, slug)
    require(member, "team.view")
    return selectors.team(workspace=member.workspace, team_id=team_id)


@router.patch("/workspaces/{slug}/teams/{team_id}", response=responses(200, TeamOut), summary="Update a team")
def update_team(request: HttpRequest, slug: str, team_id: int, data: TeamPatch):
    member = member_for(request, slug)
    services.team_update(member=member, team_id=team_id, version=data.version, name=data.name, kind=data.kind, description=data.description)
    return selectors.team(workspace=member.workspace, team_id=team_id)


@router.delete("/workspaces/{slug}/teams/{team_id}", response=responses(204), summary="Delete a team")
def delete_team(request: HttpRequest, slug: str, team_id: int):
    services.team_delete(member=member_for(request, slug), team_id=team_id)
    return Status(204, None)


# ---------------------------------------------------------------- people


@router.get("/workspaces/{slug}/people", response=responses(200, Page[PersonOut]), summary="List people")
def list_people(request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[PeopleFilter]):
    member = member_for(request, slug)
    require(member, "person.view")
    people = selectors.people(workspace=member.workspace, **filters.dict())
    # Rows, not model instances: a page holds up to 1,000 people (see `accord bench`).
    return {
        "items": selectors.person_rows(people[page.offset : page.offset + page.limit]),
        "count": people.count(),
        "limit": page.limit,
        "offset": page.offset,
    }


@router.post("/workspaces/{slug}/people", response=responses(201, PersonOut), summary="Add a person")
def create_person(request: HttpRequest, slug: str, data: PersonIn):
    member = member_for(request, slug)
    person = services.person_create(member=member, **data.dict())
    return Status(201, selectors.person(workspace=member.workspace, person_id=person.pk))


@router.get("/workspaces/{slug}/people/{person_id}", response=responses(200, PersonOut), summary="Get a person")
def get_person(request: HttpRequest, slug: str, person_id: int):
    member = member_for(request, slug)
    require(member, "person.view")
    return selectors.person(workspace=member.workspace, person_id=person_id)


@router.patch("/workspaces/{slug}/people/{person_id}", response=responses(200, PersonOut), summary="Update a person")
def update_person(request: HttpRequest, slug: str, person_id: int, data: PersonPatch):
    member = member_for(request, slug)
    services.person_update(member=member, person_id=person_id, **data.dict())
    return selectors.person(workspace=member.workspace, person_id=person_id)


@router.delete("/workspaces/{slug}/people/{person_id}", response=responses(204), summary="Remove a person")
def delete_person(request: HttpRequest, slug: str, person_id: int):
    services.person_delete(member=member_for(request, slug), person_id=person_id)
    return Status(204, None)


# ---------------------------------------------------------------- API tokens


@router.get("/workspaces/{slug}/tokens", response=responses(200, Page[TokenOut]), summary="List API tokens (admins see all)")
def list_tokens(request: HttpRequest, slug: str, page: Query[PageParams]):
    member = member_for(request, slug)
    require(member, "token.own")
    return paginate(selectors.tokens(member=member), page)


@router.post("/workspaces/{slug}/tokens", response=responses(201, TokenCreated), summary="Create an API token for yourself")
def create_token(request: HttpRequest, slug: str, data: TokenIn):
    token, raw = services.token_create(member=member_for(request, slug), name=data.name, valid_days=data.valid_days)
    token.token = raw
    return Status(201, token)


@router.delete("/workspaces/{slug}/tokens/{token_id}", response=responses(204), summary="Revoke an API token")
def revoke_token(request: HttpRequest, slug: str, token_id: int):
    services.token_revoke(member=member_for(request, slug), token_id=token_id)
    return Status(204, None)
