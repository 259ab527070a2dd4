"""Web pages for workspaces, members, invitations, teams, people and API tokens (thin: services do the work)."""

import re

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accord.accounts import services as account_services
from accord.audit.selectors import audit_entries
from accord.core import panels
from accord.core.errors import Forbidden, Invalid, NotFound
from accord.core.web import (
    MAX_INT,
    UserError,
    field_errors,
    form_int,
    form_version,
    int_list,
    page_of,
    web_view,
    words,
)

from . import home as homepage
from . import selectors, services
from .models import DecimalSeparator, Role, TeamKind
from .permissions import can
from .web import workspace_page


@web_view
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(selectors.memberships_of(request.user))
    if not memberships:
        return redirect("workspace_new")
    last = next((m for m in memberships if m.workspace_id == request.user.last_workspace_id), memberships[0])
    return redirect("workspace_home", slug=last.workspace.slug)


@web_view
@require_http_methods(["GET", "POST"])
def workspace_new(request: HttpRequest) -> HttpResponse:
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:
            workspace = services.workspace_create(user=request.user, name=values.get("name", ""), slug=values.get("slug", ""), description=values.get("description", ""))
        except UserError as exc:
            errors = field_errors(exc)
        else:
            messages.success(request, f"Workspace {workspace.name} created. Invite your colleagues next.")
            return redirect("members", slug=workspace.slug)
    return render(request, "workspaces/workspace_new.html", {"errors": errors, "values": values}, status=422 if errors else 200)


@workspace_page()
def workspace_home(request: HttpRequest, member) -> HttpResponse:
    """What needs me now: cards the capabilities register (home.py), the plan's health for
    admins and viewers."""
    me = homepage.me_of(member)
    return render(request, "workspaces/home.html", {
        "cards": homepage.render_cards(request, me),
        "health": homepage.health(me) if homepage.shows_summary(member) else [],
    })


@workspace_page()
@require_http_methods(["GET", "POST"])
def workspace_settings(request: HttpRequest, member) -> HttpResponse:
    errors, form = {}, None
    if request.method == "POST":
        try:
            services.workspace_update(
                member=member, version=form_version(request), name=request.POST.get("name"),
                description=request.POST.get("description"), decimal_separator=request.POST.get("decimal_separator"),
            )  # fmt: skip
        except UserError as exc:
            errors, form = field_errors(exc), _typed(request, exc, "name", "description", "decimal_separator")
        else:
            messages.success(request, "Workspace settings saved.")
            return redirect("workspace_settings", slug=member.workspace.slug)
    member.workspace.refresh_from_db()
    workspace = member.workspace
    return render(request, "workspaces/settings.html", {
        "errors": errors,
        "can_edit": can(member, "workspace.update"),
        "form": form or {"name": workspace.name, "description": workspace.description, "decimal_separator": workspace.decimal_separator},
        "decimal_choices": DecimalSeparator.choices,
    }, status=422 if errors else 200)


def _typed(request: HttpRequest, exc: Exception, *fields: str) -> dict | None:
    """What the user typed, to show again with the errors; after a conflict, what is saved now."""
    if not isinstance(exc, Invalid):
        return None
    return {f: request.POST.get(f, "") for f in fields}


# ---------------------------------------------------------------- members and invitations


@workspace_page("member.view")
def members(request: HttpRequest, member) -> HttpResponse:
    return _members_page(request, member)


def _members_page(request, member, *, errors=None, values=None, new_link=None, status=200) -> HttpResponse:
    workspace = member.workspace
    q = request.GET.get("q", "").strip()
    return render(request, "workspaces/members.html", {
        "members": selectors.members(workspace=workspace, q=q or None),
        "invitations": selectors.invitations(workspace=workspace)[:50] if can(member, "invitation.manage") else [],
        "roles": Role.choices,
        "can_manage": can(member, "member.manage"),
        "can_invite": can(member, "invitation.manage"),
        "errors": errors or {},
        "values": values or {},
        "new_link": new_link,
        "q": q,
    }, status=status)


@workspace_page("member.view")
@require_POST
def member_role(request: HttpRequest, member, membership_id: int) -> HttpResponse:
    try:
        target = services.member_change_role(member=member, membership_id=membership_id, role=request.POST.get("role", ""), version=form_version(request))
    except UserError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"{target.user.display_name} is now {target.get_role_display().lower()}.")
    return redirect("members", slug=member.workspace.slug)


@workspace_page()
@require_POST
def member_remove(request: HttpRequest, member, membership_id: int) -> HttpResponse:
    leaving = membership_id == member.pk
    try:
        services.member_remove(member=member, membership_id=membership_id)
    except UserError as exc:
        messages.error(request, exc.detail)
        return redirect("members", slug=member.workspace.slug)
    if leaving:
        messages.success(request, f"You left {member.workspace.name}.")
        return redirect("home")
    messages.success(request, "Member removed; their API tokens no longer work.")
    return redirect("members", slug=member.workspace.slug)


@workspace_page("invitation.manage")
@require_POST
def invitation_create(request: HttpRequest, member) -> HttpResponse:
    try:
        invitation, raw = services.invitation_create(member=member, email=request.POST.get("email", ""), role=request.POST.get("role", Role.CONTRIBUTOR), valid_days=form_int(request.POST.get("valid_days"), "valid_days", 7))
    except UserError as exc:
        return _members_page(request, member, errors=field_errors(exc), values=request.POST, status=422)
    messages.success(request, f"Invitation sent to {invitation.email}.")
    link = request.build_absolute_uri(reverse("invitation", args=[raw]))
    return _members_page(request, member, new_link=link)


@workspace_page("invitation.manage")
@require_POST
def invitation_revoke(request: HttpRequest, member, invitation_id: int) -> HttpResponse:
    try:
        invitation = services.invitation_revoke(member=member, invitation_id=invitation_id)
    except UserError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("members", slug=member.workspace.slug)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation e-mail: sign in (or create an account) with the invited address
    and join. Signed in as someone else, the page says which address the invitation is for and
    offers to sign out."""
    try:
        invite = services.invitation_by_token(token)
    except NotFound:
        return render(request, "workspaces/invitation_invalid.html", status=404)
    errors: dict = {}
    status = 200
    if request.method == "POST":
        try:
            if not request.user.is_authenticated:
                user = account_services.user_create(email=invite.email, password=request.POST.get("password", ""), name=request.POST.get("name", ""))
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            membership = services.invitation_accept(user=request.user, token=token)
        except UserError as exc:
            errors, status = field_errors(exc), 422
        except Forbidden as exc:
            errors, status = field_errors(exc), 403
        except NotFound:
            return render(request, "workspaces/invitation_invalid.html", status=404)
        else:
            messages.success(request, f"Welcome to {membership.workspace.name}.")
            return redirect("workspace_home", slug=membership.workspace.slug)
    from django.contrib.auth import get_user_model

    has_account = get_user_model().objects.filter(email__iexact=invite.email).exists()
    return render(request, "workspaces/invitation.html", {
        "invite": invite, "errors": errors, "has_account": has_account,
        "invited": services.masked_email(invite.email),
        "for_you": request.user.is_authenticated and services.invitation_is_for(invite, request.user),
        "name": request.POST.get("name", ""),
    }, status=status)


# ---------------------------------------------------------------- teams


@workspace_page("team.view")
@require_http_methods(["GET", "POST"])
def teams(request: HttpRequest, member) -> HttpResponse:
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:
            team = services.team_create(member=member, name=values.get("name", ""), kind=values.get("kind", TeamKind.CUSTOM), description=values.get("description", ""))
        except UserError as exc:
            errors = field_errors(exc)
        else:
            messages.success(request, f"Team {team.name} created.")
            return redirect("teams", slug=member.workspace.slug)
    return render(request, "workspaces/teams.html", {
        "teams": selectors.teams(workspace=member.workspace),
        "kinds": TeamKind.choices,
        "can_manage": can(member, "team.manage"),
        "errors": errors,
        "values": values,
    }, status=422 if errors else 200)


@workspace_page("team.view")
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, member, team_id: int) -> HttpResponse:
    team = selectors.team(workspace=member.workspace, team_id=team_id)
    errors, form = {}, None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                services.team_delete(member=member, team_id=team.pk)
                messages.success(request, f"Team {team.name} deleted.")
                return redirect("teams", slug=member.workspace.slug)
            services.team_update(member=member, team_id=team.pk, version=form_version(request), name=request.POST.get("name"), kind=request.POST.get("kind"), description=request.POST.get("description"))
        except UserError as exc:
            errors, form = field_errors(exc), _typed(request, exc, "name", "kind", "description")
        else:
            messages.success(request, "Team saved.")
            return redirect("team_detail", slug=member.workspace.slug, team_id=team.pk)
    return render(request, "workspaces/team_detail.html", {
        "team": team,
        "people": selectors.people(workspace=member.workspace, team_id=team.pk),
        "kinds": TeamKind.choices,
        "can_manage": can(member, "team.manage"),
        "history": audit_entries(workspace=member.workspace, object_type="team", object_id=team.pk)[:20],
        "errors": errors,
        "form": form or {"name": team.name, "kind": team.kind, "description": team.description},
    }, status=422 if errors else 200)


# ---------------------------------------------------------------- people


def _team_filter(raw: str) -> int | None:
    """The people list's team filter: ASCII digits, else no filter; an id no team can have (past a
    database integer) matches nobody, like any unknown id, instead of failing the query."""
    if not re.fullmatch(r"[0-9]+", raw, re.ASCII):
        return None
    number = int(raw)
    return number if number <= MAX_INT else 0


@workspace_page("person.view")
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, member) -> HttpResponse:
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:
            person = services.person_create(
                member=member, name=values.get("name", ""), email=values.get("email", ""), title=values.get("title", ""),
                team_ids=int_list(values.getlist("team_ids")), skills=words(values.get("skills", "")), interests=words(values.get("interests", "")),
            )
        except UserError as exc:
            errors = field_errors(exc)
        else:
            messages.success(request, f"{person.name} added.")
            return redirect("people", slug=member.workspace.slug)
    filters = {
        "q": request.GET.get("q", "").strip() or None,
        "team_id": _team_filter(request.GET.get("team", "")),
        "skill": request.GET.get("skill", "").strip() or None,
    }
    page = page_of(request, selectors.people(workspace=member.workspace, **filters))
    template = "workspaces/_people_rows.html" if request.htmx and request.htmx.target == "people-rows" else "workspaces/people.html"
    return render(request, template, {
        "page": page,
        "filters": filters,
        "teams": selectors.teams(workspace=member.workspace),
        "can_manage": can(member, "person.manage"),
        "errors": errors,
        "values": values,
    }, status=422 if errors else 200)


@workspace_page("person.view")
@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, member, person_id: int) -> HttpResponse:
    person = selectors.person(workspace=member.workspace, person_id=person_id)
    errors, form = {}, None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                services.person_delete(member=member, person_id=person.pk)
                messages.success(request, f"{person.name} removed.")
                return redirect("people", slug=member.workspace.slug)
            services.person_update(
                member=member, person_id=person.pk, version=form_version(request), name=request.POST.get("name"), email=request.POST.get("email"),
                title=request.POST.get("title"), team_ids=int_list(request.POST.getlist("team_ids")),
                skills=words(request.POST.get("skills", "")), interests=words(request.POST.get("interests", "")),
            )
        except UserError as exc:
            errors = field_errors(exc)
            form = _typed(request, exc, "name", "email", "title", "skills", "interests")
            if form is not None:
                form["team_ids"] = {int(v) for v in request.POST.getlist("team_ids") if v.isdigit()}
        else:
            messages.success(request, "Saved.")
            return redirect("person_detail", slug=member.workspace.slug, person_id=person.pk)
    form = form or {
        "name": person.name, "email": person.email, "title": person.title,
        "team_ids": {t.pk for t in person.teams.all()},
        "skills": ", ".join(person.skills), "interests": ", ".join(person.interests),
    }
    return render(request, "workspaces/person_detail.html", {
        "person": person,
        "form": form,
        "person_team_ids": form["team_ids"],
        "teams": selectors.teams(workspace=member.workspace),
        "can_manage": can(member, "person.manage"),
        "history": audit_entries(workspace=member.workspace, object_type="person", object_id=person.pk)[:20],
        "errors": errors,
    }, status=422 if errors else 200)


# ---------------------------------------------------------------- API tokens


@workspace_page("token.own")
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest, member) -> HttpResponse:
    errors, new_token = {}, None
    if request.method == "POST":
        try:
            days = request.POST.get("valid_days") or None
            _, new_token = services.token_create(member=member, name=request.POST.get("name", ""), valid_days=form_int(days, "valid_days", 0) if days else None)
        except UserError as exc:
            errors = field_errors(exc)
        else:
            messages.success(request, "Token created. Copy it now: it is not shown again.")
    return render(request, "workspaces/tokens.html", {
        "tokens": selectors.tokens(member=member),
        "new_token": new_token,
        "errors": errors,
        "sees_all": can(member, "token.manage"),
        "panels": panels.render("tokens", request, member, None),  # "My feeds" (accord.feeds)
    }, status=422 if errors else 200)


@workspace_page("token.own")
@require_POST
def token_revoke(request: HttpRequest, member, token_id: int) -> HttpResponse:
    try:
        token = services.token_revoke(member=member, token_id=token_id)
    except UserError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Token {token.name} revoked.")
    return redirect("tokens", slug=member.workspace.slug)
