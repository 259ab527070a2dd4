"""Property-based API testing: schemathesis against the app's own OpenAPI schema.

Every operation gets generated requests (schema examples, the coverage phase's boundary and negative
cases, and fuzzed positive and negative data) with an admin token of workspace "acme", and every
response goes through all of schemathesis's default checks: no 5xx, status codes, content types,
headers and bodies conform to the schema, valid data is accepted and invalid data rejected, auth
is not ignored. The last test asserts every operation of the schema was exercised.
"""

import secrets
import zlib
from collections import Counter, defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from accord.wsgi import application

MAX_EXAMPLES = 30
SLUG = "acme"
# The acme admin's API token for the whole run; the `seeded` fixture stores its hash for each test.
TOKEN = f"acc_{secrets.token_urlsafe(32)}"

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "mode": "all",  # positive and negative data
            "database": "none",  # no .hypothesis/ directory in the repository
        },
        # Business rules beyond the schema (unique names, unknown team ids, a weak new password, the
        # session-only operations with a token) answer 422 with the documented error schema.
        # Schemathesis knows the credentials, so its auth checks (ignored_auth) send requests without
        # them or with broken ones, and it never generates an Authorization header of its own.
        "auth": {"openapi": {"BearerToken": {"bearer": TOKEN}}},
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409"]}},
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

# Filled per test by the `seeded` fixture: real ids of workspace "acme" for the path parameters.
KNOWN_IDS: dict[str, list[int]] = {}
# operation label -> status codes answered, for the final assertion.
EXERCISED: dict[str, Counter] = defaultdict(Counter)


def _keep(value) -> bool:
    """About one in eight generated values is kept as generated (mostly a 404 or a 409)."""
    return zlib.crc32(repr(value).encode("utf-8", "surrogatepass")) % 8 == 0


def _current_version(path: str, params: dict):
    from accord.workspaces.models import Membership, Person, Team, Workspace

    for name, model in (("member_id", Membership), ("team_id", Team), ("person_id", Person)):
        if f"{{{name}}}" in path:
            if type(params.get(name)) is not int:
                return None
            return model.objects.filter(pk=params[name]).values_list("version", flat=True).first()
    return Workspace.objects.filter(slug=str(params.get("slug"))).values_list("version", flat=True).first()


def aim(case) -> None:
    """Aim most generated requests at workspace "acme" and at objects that exist, so they reach real code.

    A value is only replaced when it is already valid for its schema (a string slug, an integer id or
    version, an e-mail that is a short string), so a negative case stays negative and a positive one
    positive. Works the same for the coverage phase's explicit cases and for fuzzed ones.
    """
    params = dict(case.path_parameters or {})
    for name, value in params.items():
        if name == "slug" and isinstance(value, str) and not (value and _keep(value)):
            params[name] = SLUG
        elif type(value) is int and KNOWN_IDS.get(name) and not _keep(value):
            params[name] = KNOWN_IDS[name][value % len(KNOWN_IDS[name])]
    if case.path_parameters:
        case.path_parameters = params
    if not isinstance(case.body, dict):
        return
    body = dict(case.body)
    version = body.get("version")
    if type(version) is int and not _keep(version):
        current = _current_version(case.operation.path, params)
        if current is not None:
            body["version"] = current
    email = body.get("email")
    if isinstance(email, str) and 0 < len(email) <= 254 and not _keep(email):
        body["email"] = f"someone{zlib.crc32(email.encode('utf-8', 'surrogatepass')) % 1000}@example.test"
    team_ids = body.get("team_ids")
    if isinstance(team_ids, list) and all(type(i) is int for i in team_ids) and not _keep(team_ids):
        body["team_ids"] = sorted({KNOWN_IDS["team_id"][i % len(KNOWN_IDS["team_id"])] for i in team_ids})
    case.body = body


@pytest.fixture
def seeded(cast):
    """Workspace "acme" with teams, people and invitations, and the admin token to test with."""
    from accord.core.tokens import hash_token
    from accord.workspaces import services
    from accord.workspaces.models import ApiToken

    admin = cast.members["admin"]
    teams = [services.team_create(member=admin, name=f"Team {kind}", kind=kind) for kind in ("product", "it", "marketing")]
    for i in range(3):
        services.person_create(member=admin, name=f"Person {i}", email=f"p{i}@example.test", team_ids=[teams[i].pk], skills=["python"])
    for i in range(3):
        services.invitation_create(member=admin, email=f"invitee{i}@example.test")
    ApiToken.objects.create(
        workspace=cast.workspace, membership=admin, name="schemathesis", prefix=TOKEN[:10], token_hash=hash_token(TOKEN)
    )
    for role in ("viewer", "editor"):
        services.token_create(member=cast.members[role], name=f"{role} spare")
    ws = cast.workspace
    KNOWN_IDS.clear()
    KNOWN_IDS.update(
        member_id=[m.pk for m in ws.memberships.exclude(pk=admin.pk)],
        team_id=list(ws.teams.values_list("pk", flat=True)),
        person_id=list(ws.people.values_list("pk", flat=True)),
        invitation_id=list(ws.invitations.values_list("pk", flat=True)),
        # Never the token the run authenticates with: revoking it would turn the rest into 401s.
        token_id=list(ws.api_tokens.exclude(membership=admin).values_list("pk", flat=True)),
    )
    yield cast
    KNOWN_IDS.clear()


# transaction=True: the app runs through the real WSGI handler, which closes the connection after
# each request (CONN_MAX_AGE=0 in tests); that would break the per-test transaction on PostgreSQL.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
# The fixture's data is meant to be shared (and changed) by all examples of one operation.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api(case, seeded):
    aim(case)
    response = case.call_and_validate()
    EXERCISED[case.operation.label][response.status_code] += 1


def test_every_operation_was_exercised():
    operations = {result.ok().label for result in schema.get_all_operations()}
    missing = sorted(operations - EXERCISED.keys())
    assert not missing, f"operations schemathesis never called: {missing}"
    # Most operations must also have succeeded at least once, i.e. the run reached real code and not
    # only 404s and 422s. Three operations refuse API tokens by design (session only).
    session_only = {"POST /api/v1/workspaces", "POST /api/v1/invitations/accept", "POST /api/v1/me/password"}
    never_ok = sorted(op for op in operations - session_only if not any(200 <= s < 300 for s in EXERCISED[op]))
    assert not never_ok, f"operations that never answered 2xx: {never_ok} ({dict(EXERCISED)})"
