"""Property-based API testing: schemathesis against the app's own OpenAPI schema.

Every operation of /api/v1/openapi.json gets generated requests (the schema's examples, the coverage
phase's boundary and negative cases, and fuzzed positive and negative data) with an admin token of
workspace "acme", and every response goes through all of schemathesis's default checks: no 5xx,
documented status codes, content types, headers and bodies that conform to the schema, valid data
accepted and invalid data rejected, auth not ignored. The last test asserts that every operation was
exercised and (apart from the session-only ones) answered 2xx at least once, so the run reached real
code and not only 404s.

Extending (a new app with new routes): append a seeder to SEEDERS that creates the app's objects in
"acme", and add its path id parameters to ID_SOURCES (and VERSIONED for objects PATCHed with a
`version`), so generated requests hit objects that exist.
"""

import secrets
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from accord.wsgi import application

MAX_EXAMPLES = 25  # per operation, for the fuzzing phase (the coverage phase adds its own cases)
SLUG = "acme"
# The acme admin's API token for the whole run; `seeded` stores its hash in each test's database.
TOKEN = f"acc_{secrets.token_urlsafe(32)}"

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "mode": "all",  # positive and negative data
            "database": "none",  # no .hypothesis/ directory in the repository
        },
        # Schemathesis knows the credentials, so its auth check (ignored_auth) can send requests
        # without them or with broken ones, and it never generates an Authorization header itself.
        "auth": {"openapi": {"BearerToken": {"bearer": TOKEN}}},
        # All default checks run. Valid-looking data may still break a business rule the schema cannot
        # express (a team name that exists, a team id of nobody, a weak new password, an operation
        # that refuses API tokens): that is a 422 with the documented error schema, not a failure.
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}},
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

# Operations that refuse API tokens by design (422, field "authorization"); see test_authorization.py.
SESSION_ONLY = {"POST /api/v1/workspaces", "POST /api/v1/invitations/accept", "POST /api/v1/me/password"}


# ---------------------------------------------------------------- data the generated requests aim at


def seed_workspaces(cast) -> None:
    from accord.workspaces import services

    admin = cast.members["admin"]
    teams = [services.team_create(member=admin, name=f"Team {kind}", kind=kind) for kind in ("product", "it", "marketing")]
    for i, team in enumerate(teams):
        services.person_create(
            member=admin, name=f"Person {i}", email=f"p{i}@example.test", team_ids=[team.pk], skills=["python"]
        )
        services.invitation_create(member=admin, email=f"invitee{i}@example.test")
    for role in ("viewer", "editor"):
        services.token_create(member=cast.members[role], name=f"{role} spare")


SEEDERS: list[Callable[[Any], None]] = [seed_workspaces]

# Path parameter -> the objects of "acme" it may name (a queryset of the `cast`).
ID_SOURCES: dict[str, Callable[[Any], Any]] = {
    "member_id": lambda cast: cast.workspace.memberships.exclude(pk=cast.members["admin"].pk),
    "team_id": lambda cast: cast.workspace.teams.all(),
    "person_id": lambda cast: cast.workspace.people.all(),
    "invitation_id": lambda cast: cast.workspace.invitations.all(),
    # Never the token the run authenticates with: revoking it would turn the rest into 401s.
    "token_id": lambda cast: cast.workspace.api_tokens.exclude(name="schemathesis"),
}

# Path parameter -> the model whose current `version` a PATCH body should carry.
VERSIONED: dict[str, str] = {
    "member_id": "workspaces.Membership",
    "team_id": "workspaces.Team",
    "person_id": "workspaces.Person",
}

KNOWN_IDS: dict[str, list[int]] = {}  # filled per test by `seeded`
EXERCISED: dict[str, Counter] = defaultdict(Counter)  # operation -> status codes, for the last test


@pytest.fixture
def one_connection():
    """Keep one database connection for the whole test.

    The WSGI handler closes it after every request (CONN_MAX_AGE=0 in tests), so each request would
    log in to PostgreSQL again; Django's test client avoids that the same way.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(cast, one_connection):
    """The cast's workspaces, seeded by every app, and the run's admin token for "acme"."""
    from accord.core.tokens import hash_token
    from accord.workspaces.models import ApiToken

    for seeder in SEEDERS:
        seeder(cast)
    ApiToken.objects.create(
        workspace=cast.workspace,
        membership=cast.members["admin"],
        name="schemathesis",
        prefix=TOKEN[:10],
        token_hash=hash_token(TOKEN),
    )
    KNOWN_IDS.clear()
    KNOWN_IDS.update({name: sorted(source(cast).values_list("pk", flat=True)) for name, source in ID_SOURCES.items()})
    yield cast
    KNOWN_IDS.clear()


def _keep(value) -> bool:
    """About one in eight generated values is sent as generated (mostly a 404 or a 409)."""
    return zlib.crc32(repr(value).encode("utf-8", "surrogatepass")) % 8 == 0


def _current_version(path: str, params: dict) -> int | None:
    for name, label in VERSIONED.items():
        if f"{{{name}}}" in path:
            if type(params.get(name)) is not int:
                return None
            return apps.get_model(label).objects.filter(pk=params[name]).values_list("version", flat=True).first()
    if path == "/api/v1/workspaces/{slug}":
        Workspace = apps.get_model("workspaces.Workspace")
        return Workspace.objects.filter(slug=str(params.get("slug"))).values_list("version", flat=True).first()
    return None


def aim(case) -> None:
    """Aim most generated requests at workspace "acme" and at objects that exist, so they reach real code.

    A value is only replaced when it is already valid for its schema (a string slug, an integer id or
    version, an e-mail that is a short string), so a negative case stays negative and a positive one
    positive. Deterministic (a function of the generated values), so failures replay and shrink; it
    treats the coverage phase's explicit cases and the fuzzed ones alike.
    """
    if case.path_parameters:
        params = dict(case.path_parameters)
        for name, value in params.items():
            if name == "slug" and isinstance(value, str) and not (value and _keep(value)):
                params[name] = SLUG
            elif type(value) is int and KNOWN_IDS.get(name) and not _keep(value):
                params[name] = KNOWN_IDS[name][value % len(KNOWN_IDS[name])]
        case.path_parameters = params
    if not isinstance(case.body, dict):
        return
    body = dict(case.body)
    version = body.get("version")
    if type(version) is int and not _keep(version):
        current = _current_version(case.operation.path, case.path_parameters or {})
        if current is not None:
            body["version"] = current
    email = body.get("email")
    if isinstance(email, str) and 0 < len(email) <= 254 and not _keep(email):
        body["email"] = f"someone{zlib.crc32(email.encode('utf-8', 'surrogatepass')) % 1000}@example.test"
    team_ids = body.get("team_ids")
    teams = KNOWN_IDS.get("team_id")
    if teams and isinstance(team_ids, list) and all(type(i) is int for i in team_ids) and not _keep(team_ids):
        body["team_ids"] = sorted({teams[i % len(teams)] for i in team_ids})
    case.body = body


# ---------------------------------------------------------------- the run


# transaction=True: every request commits like in production, so one failing request (a database
# error on PostgreSQL) cannot poison the rest of the run the way it would inside a test transaction.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
# The fixture's data is shared (and changed) by all examples of one operation, on purpose.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api(case, seeded):
    aim(case)
    response = case.call_and_validate()
    EXERCISED[case.operation.label][response.status_code] += 1


def test_every_operation_was_exercised():
    """Runs after test_api (same module, defined later): run the module as a whole."""
    if not EXERCISED:
        pytest.skip("test_api did not run (deselected)")
    operations = {result.ok().label for result in schema.get_all_operations()}
    missing = sorted(operations - EXERCISED.keys())
    assert not missing, f"operations schemathesis never called: {missing}"
    never_ok = sorted(op for op in operations - SESSION_ONLY if not any(200 <= s < 300 for s in EXERCISED[op]))
    assert not never_ok, (
        f"operations that never answered 2xx, only {[dict(EXERCISED[op]) for op in never_ok]}: {never_ok}. "
        "Seed their objects (SEEDERS) and aim at them (ID_SOURCES, VERSIONED)."
    )
