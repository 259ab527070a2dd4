"""Every write to workspaces, members, invitations, teams, people and API tokens.

Each function checks the permission, changes the data in a transaction and records the audit entry.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Conflict, Forbidden, Invalid, NotFound
from accord.core.tokens import derived_token, hash_token, new_derived_token, new_token

from .models import (
    ApiToken,
    DecimalSeparator,
    Invitation,
    Membership,
    Person,
    Role,
    Team,
    TeamKind,
    Workspace,
)
from .permissions import require
from .tasks import send_invitation_email

WORKSPACE_FIELDS = ["name", "slug", "description", "decimal_separator"]
TEAM_FIELDS = ["name", "kind", "description"]
PERSON_FIELDS = ["name", "email", "title", "skills", "interests"]
RESERVED_SLUGS = {"new", "api", "admin", "static", "accounts", "invitations"}


def _clean_email(value: str, field: str = "email", *, required: bool = True) -> str:
    value = (value or "").strip().lower()
    if not value and not required:
        return ""
    try:
        validate_email(value)
    except ValidationError as exc:
        raise Invalid.field(field, "Enter a valid e-mail address.") from exc
    return value


def _clean_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise Invalid.field("role", f"Unknown role {value!r}; use one of {', '.join(Role.values)}.") from exc


def _clean_words(values: list[str] | None, field: str) -> list[str]:
    """Skills and interests: trimmed, case-insensitively unique, order kept."""
    seen: dict[str, str] = {}
    for value in values or []:
        if not isinstance(value, str):
            raise Invalid.field(field, "Each entry must be text.")
        word = " ".join(value.split())[:60]
        if word and word.lower() not in seen:
            seen[word.lower()] = word
    if len(seen) > 50:
        raise Invalid.field(field, "At most 50 entries.")
    return list(seen.values())


# ---------------------------------------------------------------- workspaces


@transaction.atomic
def workspace_create(*, user, name: str, slug: str = "", description: str = "") -> Workspace:
    name = clean_text(name, "name", required=True, max_length=120)
    slug = slugify(slug or name)[:60]
    if not slug:
        raise Invalid.field("slug", "Choose a name or slug with letters or digits.")
    if slug in RESERVED_SLUGS:
        raise Invalid.field("slug", f"The slug {slug!r} is reserved.")
    if Workspace.objects.filter(slug=slug).exists():
        raise Invalid.field("slug", f"The slug {slug!r} is taken; choose another.")
    workspace = Workspace.objects.create(name=name, slug=slug, description=clean_text(description, "description", max_length=5000, multiline=True))
    membership = Membership.objects.create(workspace=workspace, user=user, role=Role.ADMIN)
    record(workspace=workspace, actor=user, action="created", obj=workspace, after=snapshot(workspace, WORKSPACE_FIELDS))
    record(workspace=workspace, actor=user, action="joined", obj=membership, object_label=user.email, after={"role": Role.ADMIN})
    _person_for_user(workspace=workspace, user=user, actor=user)
    return workspace


@transaction.atomic
def workspace_update(
    *, member: Membership, version: int, name: str | None = None, description: str | None = None,
    decimal_separator: str | None = None,
) -> Workspace:  # fmt: skip
    require(member, "workspace.update")
    workspace = Workspace.objects.select_for_update().get(pk=member.workspace_id)
    before = snapshot(workspace, WORKSPACE_FIELDS)
    if name is not None:
        workspace.name = clean_text(name, "name", required=True, max_length=120)
    if description is not None:
        workspace.description = clean_text(description, "description", max_length=5000, multiline=True)
    if decimal_separator is not None:
        if decimal_separator not in DecimalSeparator.values:
            raise Invalid.field("decimal_separator", "Choose point or comma.")
        workspace.decimal_separator = decimal_separator
    save_versioned(workspace, version, ["name", "description", "decimal_separator"])
    record(workspace=workspace, actor=member.user, action="updated", obj=workspace, before=before, after=snapshot(workspace, WORKSPACE_FIELDS))
    return workspace


# ---------------------------------------------------------------- members


def _admins_left(workspace_id: int, excluding: int) -> int:
    return Membership.objects.filter(workspace_id=workspace_id, role=Role.ADMIN).exclude(pk=excluding).count()


def _get_membership(member: Membership, membership_id: int) -> Membership:
    try:
        return Membership.objects.select_related("user").get(pk=membership_id, workspace_id=member.workspace_id)
    except Membership.DoesNotExist as exc:
        raise NotFound("No such member in this workspace.") from exc


@transaction.atomic
def member_add(*, member: Membership, user, role: str) -> Membership:
    """Add an existing user directly (admins; the demo and imports use it, people join by invitation)."""
    require(member, "member.manage")
    role = _clean_role(role)
    if Membership.objects.filter(workspace_id=member.workspace_id, user=user).exists():
        raise Invalid.field("email", f"{user.email} is already a member of this workspace.")
    added = Membership.objects.create(workspace=member.workspace, user=user, role=role)
    record(workspace=member.workspace, actor=member.user, action="joined", obj=added, object_label=user.email, after={"role": role})
    _person_for_user(workspace=member.workspace, user=user, actor=member.user)
    return added


@transaction.atomic
def member_change_role(*, member: Membership, membership_id: int, role: str, version: int) -> Membership:
    require(member, "member.manage")
    target = _get_membership(member, membership_id)
    new_role = _clean_role(role)
    if target.role == Role.ADMIN and new_role != Role.ADMIN and not _admins_left(target.workspace_id, target.pk):
        raise Invalid.field("role", "A workspace needs at least one admin; make someone else admin first.")
    before = {"role": target.role}
    target.role = new_role
    save_versioned(target, version, ["role"])
    record(workspace=member.workspace, actor=member.user, action="role_changed", obj=target, object_label=target.user.email, before=before, after={"role": new_role})
    return target


@transaction.atomic
def member_remove(*, member: Membership, membership_id: int) -> None:
    target = _get_membership(member, membership_id)
    if target.pk != member.pk:  # anyone may leave; removing others is an admin's job
        require(member, "member.manage")
    if target.role == Role.ADMIN and not _admins_left(target.workspace_id, target.pk):
        raise Invalid.field("role", "The last admin cannot leave; make someone else admin first.")
    record(workspace=member.workspace, actor=member.user, action="removed", obj=target, object_label=target.user.email, before={"role": target.role})
    Person.objects.filter(workspace_id=target.workspace_id, user_id=target.user_id).update(user=None)
    target.delete()  # its API tokens go with it


# ---------------------------------------------------------------- invitations


@transaction.atomic
def invitation_create(*, member: Membership, email: str, role: str = Role.CONTRIBUTOR, valid_days: int = 7) -> tuple[Invitation, str]:
    """Returns the invitation and the one-time link token (shown once, mailed, stored hashed)."""
    require(member, "invitation.manage")
    email = _clean_email(email)
    role = _clean_role(role)
    if not 1 <= valid_days <= 90:
        raise Invalid.field("valid_days", "An invitation is valid for 1 to 90 days.")
    if Membership.objects.filter(workspace_id=member.workspace_id, user__email=email).exists():
        raise Invalid.field("email", f"{email} is already a member of this workspace.")
    raw, digest, nonce = new_derived_token("inv")
    invitation = Invitation.objects.create(
        workspace=member.workspace, email=email, role=role, token_hash=digest, token_nonce=nonce,
        invited_by=member.user, expires_at=timezone.now() + timedelta(days=valid_days),
    )
    record(workspace=member.workspace, actor=member.user, action="invited", obj=invitation, object_label=email, after={"email": email, "role": role})
    # The task gets the id only and rebuilds the link (invitation_link): no token in the task queue.
    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk))
    return invitation, raw


def invitation_link(invitation: Invitation) -> str:
    """The link to mail, its token rebuilt from the stored nonce."""
    raw, digest = derived_token("inv", invitation.token_nonce)
    if digest != invitation.token_hash:  # SECRET_KEY changed since: the mailed link must work
        Invitation.objects.filter(pk=invitation.pk).update(token_hash=digest)
    return f"{settings.ACCORD_BASE_URL}/invitations/{raw}"


def masked_email(email: str) -> str:
    """Enough of an address to recognise it, for a page anyone holding the link can open."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'•' * 3}@{domain}"


def invitation_is_for(invitation: Invitation, user) -> bool:
    return (user.email or "").strip().lower() == invitation.email.strip().lower()


@transaction.atomic
def invitation_revoke(*, member: Membership, invitation_id: int) -> Invitation:
    require(member, "invitation.manage")
    try:
        invitation = Invitation.objects.select_for_update().get(pk=invitation_id, workspace_id=member.workspace_id)
    except Invitation.DoesNotExist as exc:
        raise NotFound("No such invitation in this workspace.") from exc
    if invitation.state != "pending":
        raise Conflict(f"This invitation is already {invitation.state}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(workspace=member.workspace, actor=member.user, action="revoked", obj=invitation, object_label=invitation.email)
    return invitation


def invitation_by_token(raw: str) -> Invitation:
    """The pending invitation behind a link; one uniform 404 for unknown, used, revoked or expired."""
    invitation = Invitation.objects.select_related("workspace").filter(token_hash=hash_token(raw or "")).first()
    if invitation is None or invitation.state != "pending":
        raise NotFound("This invitation link is not valid (it may have expired or been revoked).")
    return invitation


@transaction.atomic
def invitation_accept(*, user, token: str) -> Membership:
    """Only the account with the invited address may accept (any letter case): a forwarded or
    leaked link gives nobody else the invitation's role."""
    found = invitation_by_token(token)
    invitation = Invitation.objects.select_for_update().select_related("workspace").get(pk=found.pk)
    if invitation.state != "pending":  # accepted or revoked by a concurrent request
        raise NotFound("This invitation link is not valid (it may have expired or been revoked).")
    if not invitation_is_for(invitation, user):
        raise Forbidden(
            f"This invitation is for {masked_email(invitation.email)}; you are signed in as {user.email}. "
            "Sign in with the invited address (or create an account for it) to accept."
        )
    membership, created = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if created:
        record(workspace=invitation.workspace, actor=user, action="joined", obj=membership, object_label=user.email, after={"role": membership.role, "invitation": invitation.pk})
        _person_for_user(workspace=invitation.workspace, user=user, actor=user)
    return membership


# ---------------------------------------------------------------- teams


def _get_team(member: Membership, team_id: int) -> Team:
    try:
        return Team.objects.get(pk=team_id, workspace_id=member.workspace_id)
    except Team.DoesNotExist as exc:
        raise NotFound("No such team in this workspace.") from exc


def _clean_kind(kind: str) -> str:
    if kind not in TeamKind.values:
        raise Invalid.field("kind", f"Unknown kind {kind!r}; use one of {', '.join(TeamKind.values)}.")
    return kind


def _unique_team_name(workspace_id: int, name: str, exclude: int | None = None) -> None:
    clash = Team.objects.filter(workspace_id=workspace_id, name__iexact=name).exclude(pk=exclude)
    if clash.exists():
        raise Invalid.field("name", f"A team called {name!r} already exists.")


@transaction.atomic
def team_create(*, member: Membership, name: str, kind: str = TeamKind.CUSTOM, description: str = "") -> Team:
    require(member, "team.manage")
    name = clean_text(name, "name", required=True, max_length=120)
    _unique_team_name(member.workspace_id, name)
    team = Team.objects.create(workspace=member.workspace, name=name, kind=_clean_kind(kind), description=clean_text(description, "description", max_length=5000, multiline=True))
    record(workspace=member.workspace, actor=member.user, action="created", obj=team, after=snapshot(team, TEAM_FIELDS))
    return team


@transaction.atomic
def team_update(*, member: Membership, team_id: int, version: int, name: str | None = None, kind: str | None = None, description: str | None = None) -> Team:
    require(member, "team.manage")
    team = _get_team(member, team_id)
    before = snapshot(team, TEAM_FIELDS)
    if name is not None:
        team.name = clean_text(name, "name", required=True, max_length=120)
        _unique_team_name(member.workspace_id, team.name, exclude=team.pk)
    if kind is not None:
        team.kind = _clean_kind(kind)
    if description is not None:
        team.description = clean_text(description, "description", max_length=5000, multiline=True)
    save_versioned(team, version, TEAM_FIELDS)
    record(workspace=member.workspace, actor=member.user, action="updated", obj=team, before=before, after=snapshot(team, TEAM_FIELDS))
    return team


@transaction.atomic
def team_delete(*, member: Membership, team_id: int) -> None:
    require(member, "team.manage")
    team = _get_team(member, team_id)
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=team, before=snapshot(team, TEAM_FIELDS))
    team.delete()


# ---------------------------------------------------------------- people


def _get_person(member: Membership, person_id: int) -> Person:
    try:
        return Person.objects.get(pk=person_id, workspace_id=member.workspace_id)
    except Person.DoesNotExist as exc:
        raise NotFound("No such person in this workspace.") from exc


def _teams_of(member: Membership, team_ids: list[int]) -> list[Team]:
    teams = list(Team.objects.filter(workspace_id=member.workspace_id, pk__in=set(team_ids)))
    if len(teams) != len(set(team_ids)):
        raise Invalid.field("team_ids", "One or more teams do not exist in this workspace.")
    return teams


def _person_snapshot(person: Person) -> dict:
    return {**snapshot(person, PERSON_FIELDS), "team_ids": sorted(person.teams.values_list("pk", flat=True))}


def _unique_person_email(workspace_id: int, email: str, exclude: int | None = None) -> None:
    if email and Person.objects.filter(workspace_id=workspace_id, email=email).exclude(pk=exclude).exists():
        raise Invalid.field("email", f"Someone with the e-mail {email} is already listed.")


@transaction.atomic
def person_create(*, member: Membership, name: str, email: str = "", title: str = "", team_ids: list[int] | None = None, skills: list[str] | None = None, interests: list[str] | None = None) -> Person:
    require(member, "person.manage")
    email = _clean_email(email, required=False)
    _unique_person_email(member.workspace_id, email)
    teams = _teams_of(member, team_ids or [])
    person = Person.objects.create(
        workspace=member.workspace,
        name=clean_text(name, "name", required=True, max_length=150),
        email=email,
        title=clean_text(title, "title", max_length=150),
        skills=_clean_words(skills, "skills"),
        interests=_clean_words(interests, "interests"),
        user=_member_user(member.workspace_id, email),
    )
    person.teams.set(teams)
    record(workspace=member.workspace, actor=member.user, action="created", obj=person, after=_person_snapshot(person))
    return person


def _member_user(workspace_id: int, email: str):
    """The signed-up member with this e-mail, so a listed person and a login are one."""
    if not email:
        return None
    membership = Membership.objects.select_related("user").filter(workspace_id=workspace_id, user__email=email).first()
    return membership.user if membership else None


@transaction.atomic
def person_update(*, member: Membership, person_id: int, version: int, name: str | None = None, email: str | None = None, title: str | None = None, team_ids: list[int] | None = None, skills: list[str] | None = None, interests: list[str] | None = None) -> Person:
    require(member, "person.manage")
    person = _get_person(member, person_id)
    before = _person_snapshot(person)
    if name is not None:
        person.name = clean_text(name, "name", required=True, max_length=150)
    if email is not None:
        person.email = _clean_email(email, required=False)
        _unique_person_email(member.workspace_id, person.email, exclude=person.pk)
        person.user = _member_user(member.workspace_id, person.email)
    if title is not None:
        person.title = clean_text(title, "title", max_length=150)
    if skills is not None:
        person.skills = _clean_words(skills, "skills")
    if interests is not None:
        person.interests = _clean_words(interests, "interests")
    save_versioned(person, version, [*PERSON_FIELDS, "user"])
    if team_ids is not None:
        person.teams.set(_teams_of(member, team_ids))
    record(workspace=member.workspace, actor=member.user, action="updated", obj=person, before=before, after=_person_snapshot(person))
    return person


@transaction.atomic
def person_delete(*, member: Membership, person_id: int) -> None:
    require(member, "person.manage")
    person = _get_person(member, person_id)
    record(workspace=member.workspace, actor=member.user, action="deleted", obj=person, before=_person_snapshot(person))
    person.delete()


def _person_for_user(*, workspace: Workspace, user, actor) -> Person:
    """A member is also a person of the workspace: link the listed one or add them."""
    person = Person.objects.filter(workspace=workspace, email=user.email).first()
    if person:
        if person.user_id != user.pk:
            Person.objects.filter(pk=person.pk).update(user=user)
        return person
    person = Person.objects.create(workspace=workspace, name=user.display_name, email=user.email, user=user)
    record(workspace=workspace, actor=actor, action="created", obj=person, after=snapshot(person, PERSON_FIELDS))
    return person


# ---------------------------------------------------------------- API tokens


@transaction.atomic
def token_create(*, member: Membership, name: str, valid_days: int | None = None) -> tuple[ApiToken, str]:
    """Returns the token and its secret, which is shown once and stored only as a hash."""
    require(member, "token.own")
    name = clean_text(name, "name", required=True, max_length=100)
    if valid_days is not None and not 1 <= valid_days <= 3650:
        raise Invalid.field("valid_days", "A token is valid for 1 to 3650 days, or without expiry.")
    raw, digest = new_token("acc")
    token = ApiToken.objects.create(
        workspace=member.workspace, membership=member, name=name, prefix=raw[:10], token_hash=digest,
        expires_at=timezone.now() + timedelta(days=valid_days) if valid_days else None,
    )
    record(workspace=member.workspace, actor=member.user, action="created", object_type="api token", obj=token, after={"name": name, "prefix": token.prefix, "expires_at": token.expires_at})
    return token, raw


@transaction.atomic
def token_revoke(*, member: Membership, token_id: int) -> ApiToken:
    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id, workspace_id=member.workspace_id)
    except ApiToken.DoesNotExist as exc:
        raise NotFound("No such API token in this workspace.") from exc
    if token.membership_id != member.pk:
        require(member, "token.manage")
    if token.revoked_at:
        raise Conflict("This token is already revoked.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(workspace=member.workspace, actor=member.user, action="revoked", object_type="api token", obj=token)
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token behind a secret, with its member and workspace, or None."""
    token = (
        ApiToken.objects.select_related("membership__user", "membership__workspace", "workspace")
        .filter(token_hash=hash_token(raw))
        .first()
    )
    if token is None or not token.is_active or not token.membership.user.is_active:
        return None
    now = timezone.now()
    # Touch last_used at most once a minute: a write per request would serialize reads on SQLite.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
