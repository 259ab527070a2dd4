"""Property-based API testing: schemathesis against the app's own OpenAPI schema.

Every operation of /api/v1/openapi.json gets generated requests (the schema's examples, the coverage
phase's boundary and negative cases, and fuzzed positive and negative data) with an admin token of
workspace "acme", and every response goes through all of schemathesis's default checks: no 5xx,
documented status codes, content types, headers and bodies that conform to the schema, valid data
accepted and invalid data rejected (auth is the authorization table's: see CONFIG). The last test asserts that every operation was
exercised and (apart from the session-only ones) answered 2xx at least once, so the run reached real
code and not only 404s.

Extending (a new app with new routes): append a seeder to SEEDERS that creates the app's objects in
"acme", and add its path id parameters to ID_SOURCES (and VERSIONED for objects PATCHed with a
`version`), so generated requests hit objects that exist.
"""

import os
import secrets
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings

from accord.core.api_support import MAX_ID
from accord.wsgi import application

pytestmark = pytest.mark.xdist_group("schemathesis")  # one worker runs it all: the last test sums it up

# Which of schemathesis's phases run (ACCORD_SCHEMATHESIS_PHASES, comma-separated; all by default).
# CI runs the coverage phase (boundary and negative cases: five sixths of the requests) on
# PostgreSQL only, the stricter database, and the examples and fuzzing phases on both.
PHASES = [p.strip() for p in os.environ.get("ACCORD_SCHEMATHESIS_PHASES", "examples,coverage,fuzzing").split(",") if p.strip()]
MAX_EXAMPLES = int(os.environ.get("ACCORD_SCHEMATHESIS_EXAMPLES", 12))  # per operation, for the fuzzing phase (the coverage phase adds its own cases); ~120 operations
SLUG = "acme"
# The acme admin's API token for the whole run; `seeded` stores its hash in each test's database.
TOKEN = f"acc_{secrets.token_urlsafe(32)}"

CONFIG = schemathesis.Config.from_dict(
    {
        "phases": {phase: {"enabled": phase in PHASES} for phase in ("examples", "coverage", "fuzzing", "stateful")},
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
        # The public portal routes are rate limited per address: a burst of valid requests gets 429.
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]},
            # Off: it sends every case again without credentials and with broken ones (40 % of the
            # module's requests); test_authorization.py sends every operation without credentials
            # and with other workspaces' tokens, and workspaces' tests refuse broken tokens.
            "ignored_auth": {"enabled": False},
        },
    }
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

# Operations that refuse API tokens by design (422, field "authorization"); see test_authorization.py.
SESSION_ONLY = {"POST /api/v1/workspaces", "POST /api/v1/invitations/accept", "POST /api/v1/me/password",
                "POST /api/v1/workspace-imports"}


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


# ---------------------------------------------------------------- ideas and roadmaps

IDEA_CRITERIA = [
    {"key": "value", "name": "Customer value", "role": "benefit", "weight": 60},
    {"key": "effort", "name": "Effort", "role": "cost", "weight": 40},
]


def seed_ideas(cast) -> None:
    """Scoring models of the kinds some operations need, scored ideas, a parked one, open rounds."""
    from accord.ideas import services

    admin = cast.members["admin"]
    scorecard = services.scoring_model_create(
        member=admin, name="Scorecard", kind="weighted", criteria=IDEA_CRITERIA, is_default=True
    )
    value_effort = services.scoring_model_create(member=admin, name="Value vs effort", kind="value_effort")
    kano = services.scoring_model_create(member=admin, name="Kano", kind="kano")
    services.scoring_model_create(member=admin, name="ICE", kind="ice")  # one to delete
    team = cast.workspace.teams.order_by("pk").first()
    ideas = [
        services.idea_create(
            member=admin, title=f"Idea {i}", description="Some *text*", tags=["ux", f"t{i % 3}"],
            department_id=team.pk if team else None,
        )
        for i in range(8)
    ]
    ve_criteria = list(value_effort.criteria.all())
    for i, idea in enumerate(ideas):
        services.idea_set_inputs(
            member=admin, idea_id=idea.pk, model_id=scorecard.pk, values={"value": 1 + i % 5, "effort": 1 + (i * 2) % 5}
        )
        services.idea_set_inputs(
            member=admin, idea_id=idea.pk, model_id=value_effort.pk, values={c.key: c.scale_min for c in ve_criteria}
        )
    services.kano_answer_set(
        member=admin, model_id=kano.pk, idea_id=ideas[0].pk, respondent="Customer", functional="like", dysfunctional="dislike"
    )
    moscow = services.scoring_model_create(member=admin, name="MoSCoW", kind="moscow")
    for idea, (category, effort) in zip(ideas[:3], [(4, 60), (3, 30), (1, 30)], strict=True):
        services.idea_set_inputs(
            member=admin, idea_id=idea.pk, model_id=moscow.pk, values={"category": category, "effort": effort}
        )
    services.decide(member=admin, idea_id=ideas[-1].pk, kind="park", reason="Later", revisit_condition="After launch")
    open_ideas = [i.pk for i in ideas[:-1]]
    for n in range(3):  # all ideas in each round, the admin has rated (not submitted) in each
        scoring_round = services.round_open(member=admin, model_id=scorecard.pk, title=f"Round {n}", idea_ids=open_ideas)
        services.ratings_save(member=admin, round_id=scoring_round.pk, idea_id=open_ideas[0], values={"value": 3})


def seed_roadmaps(cast) -> None:
    """Roadmaps with lanes, dated and undated items, a dependency, milestones, views and sharing."""
    from datetime import date

    from accord.roadmaps import services

    admin = cast.members["admin"]
    for n in range(2):
        roadmap = services.roadmap_create(member=admin, name=f"Roadmap {n}", lanes=["Build", "Ship"])
        lane = roadmap.lanes.first()
        items = [
            services.item_create(
                member=admin, roadmap_id=roadmap.pk, title=f"Item {n}.{i}", lane_id=lane.pk,
                start_date=date(2030, 1 + i, 1), end_date=date(2030, 1 + i, 20),
            )
            for i in range(3)
        ]
        services.item_create(member=admin, roadmap_id=roadmap.pk, title=f"Someday {n}", bucket="later")
        services.dependency_create(member=admin, predecessor_id=items[0].pk, successor_id=items[1].pk)
        services.milestone_create(member=admin, name=f"GA {n}", date_=date(2030, 6, 1), roadmap_id=roadmap.pk)
        services.saved_view_create(member=admin, roadmap_id=roadmap.pk, name=f"View {n}")
        services.share_link_create(member=admin, name=f"Screen {n}", views=[{"roadmap": roadmap.pk}])
        services.calendar_feed_create(member=admin, roadmap_id=roadmap.pk)


SEEDERS.extend([seed_ideas, seed_roadmaps])

ID_SOURCES.update(
    {
        "idea_id": lambda cast: cast.workspace.ideas.all(),
        "model_id": lambda cast: cast.workspace.scoring_models.all(),
        "round_id": lambda cast: cast.workspace.scoring_rounds.all(),
        "roadmap_id": lambda cast: cast.workspace.roadmaps.all(),
        "lane_id": lambda cast: apps.get_model("roadmaps.Lane").objects.filter(roadmap__workspace=cast.workspace),
        "item_id": lambda cast: cast.workspace.roadmap_items.all(),
        "milestone_id": lambda cast: cast.workspace.milestones.all(),
        "dependency_id": lambda cast: cast.workspace.dependencies.all(),
        "view_id": lambda cast: apps.get_model("roadmaps.SavedView").objects.filter(roadmap__workspace=cast.workspace),
        "link_id": lambda cast: cast.workspace.share_links.all(),
        "feed_id": lambda cast: apps.get_model("roadmaps.CalendarFeed").objects.filter(roadmap__workspace=cast.workspace),
    }
)

# Operations that only work on one kind of object: (path ending, parameter) -> those objects. The
# parameter may be in the path, the query or the body.
ID_SOURCES_BY_PATH: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("/matrix", "model_id"): lambda cast: cast.workspace.scoring_models.filter(kind="value_effort"),
    ("/moscow", "model_id"): lambda cast: cast.workspace.scoring_models.filter(kind="moscow"),
    ("/kano-answers", "model_id"): lambda cast: cast.workspace.scoring_models.filter(kind="kano"),
    ("/sensitivity", "model_id"): lambda cast: cast.workspace.scoring_models.filter(kind="weighted"),
    ("/scores/{model_id}", "model_id"): lambda cast: cast.workspace.scoring_models.exclude(kind="kano"),
    ("/rounds", "model_id"): lambda cast: cast.workspace.scoring_models.exclude(kind="kano"),
}

# Body and query fields that name an object of another parameter's kind.
ID_ALIASES = {
    "target_id": "idea_id",
    "idea_a": "idea_id",
    "idea_b": "idea_id",
    "department_id": "team_id",
    "predecessor_id": "item_id",
    "successor_id": "item_id",
    "parent_id": "item_id",
    "roadmap": "roadmap_id",  # share-link views
    "people_id": "person_id",  # people_ids
}

VERSIONED.update(
    {
        "idea_id": "ideas.Idea",
        "model_id": "ideas.ScoringModel",
        "roadmap_id": "roadmaps.Roadmap",
        "item_id": "roadmaps.RoadmapItem",
        "milestone_id": "roadmaps.Milestone",
    }
)



# ---------------------------------------------------------------- portal


def seed_portal(cast) -> None:
    """The portal of "acme" on, four ideas published (one voted for), a waiting comment and feedback."""
    from accord.core import ratelimit
    from accord.portal import services

    ratelimit.reset()  # the public routes' rate limits count per address: every operation starts fresh
    admin = cast.members["admin"]
    portal = services.portal_update(member=admin, version=1, enabled=True, title="Acme ideas")
    ideas = list(cast.workspace.ideas.exclude(status="merged").order_by("pk")[:4])
    for idea in ideas:
        services.idea_publish(member=admin, idea_id=idea.pk)
    services.vote_member(member=cast.members["viewer"], idea_id=ideas[0].pk)
    for n in range(3):
        services.comment_create(portal=portal, idea_id=ideas[0].pk, name="Cus", email=f"c{n}@example.test", body="+1")
        services.submission_create(portal=portal, name="Cus", email=f"c{n}@example.test", title="", text="SSO please")


SEEDERS.append(seed_portal)

ID_SOURCES.update(
    {
        "comment_id": lambda cast: cast.workspace.portal_comments.all(),
        "submission_id": lambda cast: cast.workspace.portal_submissions.all(),
    }
)

def _published(cast):
    return cast.workspace.ideas.filter(published__isnull=False)


ID_SOURCES_BY_PATH.update(
    {
        ("/portal/{slug}/ideas/{idea_id}", "idea_id"): _published,
        ("/votes", "idea_id"): _published,
    }
)

# ---------------------------------------------------------------- feedback


def seed_feedback(cast) -> None:
    """Customers, feedback from them (triaged, linked to ideas) in "acme"."""
    from accord.feedback import services

    admin = cast.members["admin"]
    ideas = list(cast.workspace.ideas.exclude(status="merged").order_by("pk")[:2])
    for n, segment in enumerate(["enterprise", "smb", "consumer"]):
        customer = services.customer_create(member=admin, name=f"Customer {n}", email=f"customer{n}@example.test", segment=segment, revenue_weight=10 * (n + 1))
        fb = services.feedback_create(member=admin, text=f"We need an export to Excel ({n}).", source="support_ticket", customer_id=customer.pk)
        services.link_create(member=admin, feedback_id=fb.pk, idea_id=ideas[n % len(ideas)].pk, quote="export to Excel")
        services.feedback_create(member=admin, text=f"Dark mode please ({n}).", source="survey", customer_id=customer.pk)


SEEDERS.append(seed_feedback)
ID_SOURCES.update(
    {
        "feedback_id": lambda cast: cast.workspace.feedback.all(),
        "customer_id": lambda cast: cast.workspace.customers.all(),
        "feedback_link_id": lambda cast: apps.get_model("feedback.FeedbackLink").objects.filter(feedback__workspace=cast.workspace),
    }
)
VERSIONED.update({"feedback_id": "feedback.Feedback", "customer_id": "feedback.Customer"})


# ---------------------------------------------------------------- feedback similarity


def seed_similarity(cast) -> None:
    """Embedded feedback in "acme" (two near-duplicates, a theme of three) for the similarity reads."""
    from accord.feedback import services
    from accord.feedback.similarity import indexing

    admin = cast.members["admin"]
    for text in ("Export the roadmap to Excel, please.", "Please add an Excel export of the roadmap.",
                 "We need the roadmap in Excel for the board.", "Dark mode at night would be nice."):
        services.feedback_create(member=admin, text=text, source="sales_call")
    indexing.index_pending(cast.workspace.pk)  # on-commit embedding does not run inside the test


SEEDERS.append(seed_similarity)
ID_SOURCES.setdefault("feedback_id", lambda cast: cast.workspace.feedback.all())


# ---------------------------------------------------------------- goals


def seed_goals(cast) -> None:
    """Goals in "acme" (one company goal with two key results measured daily, a product goal under
    it), linked to ideas and roadmap items, and a scoreboard link. The company goal's period covers
    the dates of the API's examples (2026) and runs a year past today, so example measurements fit."""
    from datetime import date, timedelta

    from django.utils import timezone

    from accord.goals import services

    admin = cast.members["admin"]
    today = timezone.localdate()
    company = services.goal_create(
        member=admin, title="Grow revenue", level="company", period_kind="custom",
        start_date=date(2026, 1, 1), end_date=today + timedelta(days=365),
    )  # fmt: skip
    product = cast.workspace.teams.filter(kind="product").first() or cast.workspace.teams.first()
    services.goal_create(
        member=admin, title="Ship the export", level="department", parent_id=company.pk,
        team_ids=[product.pk], period_kind="year", period=str(today.year),
    )  # fmt: skip
    for n, name in enumerate(["Monthly revenue", "Churn"]):
        kr = services.key_result_create(
            member=admin, goal_id=company.pk, name=name, baseline=100 - n * 90, target=200 - n * 195,
            direction="increase" if n == 0 else "decrease",
        )  # fmt: skip
        services.measurements_record(member=admin, rows=[
            {"key_result_id": kr.pk, "date": today - timedelta(days=d), "value": 120 - d - n * 100} for d in range(1, 8)
        ])  # fmt: skip
    for idea in cast.workspace.ideas.exclude(status__in=["merged", "rejected"]).order_by("pk")[:2]:
        services.goal_link_idea(member=admin, goal_id=company.pk, idea_id=idea.pk)
    for item in cast.workspace.roadmap_items.order_by("pk")[:2]:
        services.goal_link_item(member=admin, goal_id=company.pk, item_id=item.pk)
    services.scoreboard_link_create(member=admin, name="Lobby")


SEEDERS.append(seed_goals)
ID_SOURCES.update(
    {
        "goal_id": lambda cast: cast.workspace.goals.all(),
        "key_result_id": lambda cast: cast.workspace.key_results.all(),
        "measurement_id": lambda cast: apps.get_model("goals.Measurement").objects.filter(key_result__workspace=cast.workspace),
        "scoreboard_link_id": lambda cast: cast.workspace.scoreboard_links.all(),
    }
)
# A goal's parent is a goal (elsewhere parent_id names a roadmap item); owners are people.
ID_SOURCES_BY_PATH.update(
    {
        **{(end, "parent_id"): lambda cast: cast.workspace.goals.all() for end in ("/goals", "/goals/{goal_id}")},
        **{
            (end, "owner_id"): lambda cast: cast.workspace.people.all()
            for end in ("/goals", "/goals/{goal_id}", "/key-results", "/key-results/{key_result_id}")
        },
    }
)
VERSIONED.update({"goal_id": "goals.Goal", "key_result_id": "goals.KeyResult"})


# ---------------------------------------------------------------- glossary


def seed_glossary(cast) -> None:
    """Terms in "acme": agreed and draft ones, one flagged (for review), related terms."""
    from accord.glossary import services

    admin = cast.members["admin"]
    terms = [
        services.term_create(
            member=admin, name=name, synonyms=[f"{name} rate"],
            definitions={"marketing": f"{name} as marketing counts it", "it": f"{name} as the system records it"},
        )
        for name in ("Activation", "Churn", "Conversion", "Uptime", "Release", "Lead")
    ]  # fmt: skip
    for term in terms[:2]:
        services.term_agree(member=admin, term_id=term.pk, version=term.version)
    for term in terms[2:4]:
        services.term_flag(member=admin, term_id=term.pk, note="Two meanings")
    terms[0].related.add(terms[1])


SEEDERS.append(seed_glossary)
ID_SOURCES["term_id"] = lambda cast: cast.workspace.glossary_terms.all()
ID_SOURCES_BY_PATH.update(
    {
        **{(end, "owner_id"): lambda cast: cast.workspace.people.all() for end in ("/glossary/terms", "/glossary/terms/{term_id}")},
        **{(end, "related_id"): lambda cast: cast.workspace.glossary_terms.all() for end in ("/glossary/terms", "/glossary/terms/{term_id}")},
        # Agreeing takes a draft nobody flagged, reviewing a flagged one: aimed there, not left to
        # which ids the run's earlier rollbacks made (PostgreSQL's sequences do not roll back).
        ("/agree", "term_id"): lambda cast: cast.workspace.glossary_terms.filter(status="draft", flagged_at__isnull=True),
        ("/review", "term_id"): lambda cast: cast.workspace.glossary_terms.filter(flagged_at__isnull=False),
    }
)  # fmt: skip
VERSIONED["term_id"] = "glossary.Term"


# ---------------------------------------------------------------- roles (RACI)

RACI_ENDS = ("/raci", "/raci/assignments", "/raci/assignments/{assignment_id}", "/raci/activities",
             "/raci/activities/{activity_id}", "/raci/cells", "/raci/checks", "/raci/suggestions", "/raci/map.svg",
             "/raci/map.png")  # fmt: skip


def _raci_initiative(cast):
    return apps.get_model("initiatives.Initiative").objects.filter(workspace=cast.workspace, name="RACI seeded")


def seed_roles(cast) -> None:
    """An initiative of "acme" with activities, role assignments and cells (a product owner who is
    also scrum master), the default roles and an extra incompatible pair."""
    from accord.roles import services
    from accord.roles.testing import initiative

    admin = cast.members["admin"]
    services.ensure_defaults(cast.workspace)
    roles = {r.key: r for r in cast.workspace.role_definitions.all()}
    ini = initiative(cast.workspace, "RACI seeded", stage="discovery")
    people = list(cast.workspace.people.order_by("pk")[:3])
    for key in ("product-owner", "scrum-master"):
        services.assignment_create(member=admin, initiative_id=ini.pk, role_id=roles[key].pk, person_id=people[0].pk)
    cells = []
    for n, name in enumerate(["Positioning", "Backlog", "Release runbook"]):
        a = services.activity_create(member=admin, initiative_id=ini.pk, name=name, skills=["python"], gate_approval=n == 2)
        cells += [{"activity_id": a.pk, "person_id": people[n].pk, "value": "A"},
                  {"activity_id": a.pk, "role_id": roles["product-manager"].pk, "value": "R"}]  # fmt: skip
    services.cells_set(member=admin, initiative_id=ini.pk, cells=cells)
    services.pair_create(member=admin, role_a_id=roles["product-designer"].pk, role_b_id=roles["channel-marketing"].pk)
    services.role_create(member=admin, name="Spare role", department="custom")


SEEDERS.append(seed_roles)
ID_SOURCES.update(
    {
        "role_id": lambda cast: cast.workspace.role_definitions.all(),
        "pair_id": lambda cast: cast.workspace.incompatible_role_pairs.all(),
        "initiative_id": lambda cast: cast.workspace.initiatives.all(),
        "activity_id": lambda cast: cast.workspace.raci_activities.all(),
        "assignment_id": lambda cast: cast.workspace.role_assignments.all(),
    }
)
ID_SOURCES_BY_PATH.update({(end, "initiative_id"): _raci_initiative for end in RACI_ENDS})
ID_ALIASES.update({"role_a_id": "role_id", "role_b_id": "role_id"})
VERSIONED.update({"role_id": "roles.RoleDefinition", "activity_id": "roles.Activity"})


# ---------------------------------------------------------------- capacity


def seed_capacity(cast) -> None:
    """Four quarters with capacity for every team of "acme", efforts on its ideas, a scenario with a
    constraint, a solved plan applied to a roadmap (so apply, undo, compare and cancel reach real code)."""
    from datetime import date

    from accord.capacity import services
    from accord.capacity.tasks import run_plan

    admin = cast.members["admin"]
    bounds = [((1, 1), (3, 31)), ((4, 1), (6, 30)), ((7, 1), (9, 30)), ((10, 1), (12, 31))]
    periods = [
        services.period_create(member=admin, name=f"2035-Q{q + 1}", start_date=date(2035, *start), end_date=date(2035, *end))
        for q, (start, end) in enumerate(bounds)
    ]
    teams = list(cast.workspace.teams.order_by("pk"))
    for team in teams:
        for p in periods:
            services.capacity_set(member=admin, team_id=team.pk, period_id=p.pk, people=2, days_per_person=60)
    ideas = list(cast.workspace.ideas.exclude(status__in=["merged", "rejected", "done"]).order_by("pk")[:4])
    for n, idea in enumerate(ideas):
        services.effort_set(member=admin, idea_id=idea.pk, team_id=teams[n % len(teams)].pk, person_days=20 + 10 * n)
    scenario = services.scenario_create(member=admin, name="Base plan", time_limit=1)
    if ideas:
        services.constraint_add(member=admin, scenario_id=scenario.pk, kind="earliest", idea_id=ideas[0].pk, period_id=periods[0].pk)
    for name in ("Solved once", "Solved twice"):
        other = services.scenario_copy(member=admin, scenario_id=scenario.pk, name=name)
        run = services.solve(member=admin, scenario_id=other.pk)
        run_plan(run.pk)
    roadmap = cast.workspace.roadmaps.exclude(kind="portfolio").order_by("pk").first()
    if roadmap is not None:
        services.apply(member=admin, run_id=run.pk, roadmap_id=roadmap.pk)
    services.solve(member=admin, scenario_id=scenario.pk)  # left queued: something to cancel


SEEDERS.append(seed_capacity)
ID_SOURCES.update(
    {
        "period_id": lambda cast: apps.get_model("capacity.Period").objects.filter(workspace=cast.workspace),
        "effort_id": lambda cast: apps.get_model("capacity.Effort").objects.filter(workspace=cast.workspace),
        "scenario_id": lambda cast: apps.get_model("capacity.Scenario").objects.filter(workspace=cast.workspace),
        "constraint_id": lambda cast: apps.get_model("capacity.Constraint").objects.filter(scenario__workspace=cast.workspace),
        "plan_id": lambda cast: apps.get_model("capacity.PlanRun").objects.filter(workspace=cast.workspace),
        "application_id": lambda cast: apps.get_model("capacity.Application").objects.filter(workspace=cast.workspace),
    }
)
ID_SOURCES_BY_PATH.update(
    {
        ("/plans/compare", "a"): lambda cast: apps.get_model("capacity.PlanRun").objects.filter(workspace=cast.workspace, status="done"),
        ("/plans/compare", "b"): lambda cast: apps.get_model("capacity.PlanRun").objects.filter(workspace=cast.workspace, status="done"),
    }
)
VERSIONED.update({"scenario_id": "capacity.Scenario"})


# ---------------------------------------------------------------- playbooks


class _Numbers(list):
    """Known values that are no primary keys (a playbook's version numbers), for ID_SOURCES."""

    def values_list(self, *fields, flat=False):
        return self


def seed_playbooks(cast) -> None:
    """Two playbooks (one at version 2, one without runs), a run with steps anyone may check, and
    a post-mortem with action items (one converted into an idea)."""
    from accord.playbooks import postmortems, services

    admin = cast.members["admin"]
    steps = [
        {"title": "Page the on-call", "owner_role": "it", "expected_minutes": 15},
        {"title": "Tell support", "owner_role": "support", "expected_minutes": 30, "required": False},
    ]
    pb = services.playbook_create(member=admin, name="Incident response", kind="incident", body="Stay calm.", steps=steps)
    services.playbook_update(member=admin, playbook_id=pb.pk, version=1, body="Stay calm, write it down.", note="v2")
    services.playbook_create(member=admin, name="Spare", kind="release", steps=steps[:1])
    services.run_start(member=admin, playbook_id=pb.pk, subject_kind="incident", subject_ref="Checkout errors")
    post = postmortems.postmortem_create(member=admin, subject_kind="incident", subject_ref="Checkout errors")
    person = cast.workspace.people.order_by("pk").first()
    for n in range(3):
        item = postmortems.action_item_create(member=admin, postmortem_id=post.pk, title=f"Action {n}", owner_id=person.pk)
    postmortems.action_item_convert(member=admin, postmortem_id=post.pk, action_item_id=item.pk, to="idea")


SEEDERS.append(seed_playbooks)
ID_SOURCES.update(
    {
        "playbook_id": lambda cast: cast.workspace.playbooks.all(),
        "version_number": lambda cast: _Numbers([1, 2]),
        "from_version": lambda cast: _Numbers([1, 2]),
        "to_version": lambda cast: _Numbers([1, 2]),
        "run_id": lambda cast: cast.workspace.playbook_runs.all(),
        "run_step_id": lambda cast: apps.get_model("playbooks.RunStep").objects.filter(workspace=cast.workspace),
        "postmortem_id": lambda cast: cast.workspace.postmortems.all(),
        "action_item_id": lambda cast: apps.get_model("playbooks.ActionItem").objects.filter(workspace=cast.workspace),
    }
)
ID_SOURCES_BY_PATH.update({(end, "owner_id"): lambda cast: cast.workspace.people.all() for end in ("/action-items", "/action-items/{action_item_id}")})
# action_item_id first: an action item's PATCH carries the item's version, not its post-mortem's.
VERSIONED.update({"action_item_id": "playbooks.ActionItem", "playbook_id": "playbooks.Playbook", "postmortem_id": "playbooks.PostMortem"})


# ---------------------------------------------------------------- initiatives


def seed_initiatives(cast) -> None:
    """Initiatives in "acme" at several stages with ideas, items and goals; the admin asked to sign
    some gates (one signed), criteria met and not, and spare stages no initiative uses."""
    from accord.initiatives import lifecycle, services
    from accord.workspaces.models import Person

    admin = cast.members["admin"]
    stages = lifecycle.ensure_stages(cast.workspace.pk)
    me = Person.objects.get(workspace=cast.workspace, user=admin.user)
    for n in range(3):
        lifecycle.stage_create(member=admin, name=f"Spare {n}", criteria=["Spare check"])
    for n in range(6):
        initiative = services.initiative_create(
            member=admin, name=f"Initiative {n}", kind=["product", "release", "campaign"][n % 3],
            stage_id=stages[n % 4].pk, owner_id=me.pk if n == 0 else None,
            idea_ids=list(cast.workspace.ideas.order_by("pk").values_list("pk", flat=True)[: 2 + n]),
            roadmap_item_ids=list(cast.workspace.roadmap_items.order_by("pk").values_list("pk", flat=True))[n % 2 :: 2],
            goal_ids=list(cast.workspace.goals.order_by("pk").values_list("pk", flat=True)[:1]),
        )  # fmt: skip
        services.signer_add(member=admin, initiative_id=initiative.pk, person_id=me.pk)
        if n % 2:
            services.gate_sign(member=admin, initiative_id=initiative.pk)
        for criterion in initiative.criteria.all() if n % 2 == 0 else []:
            services.criterion_check(member=admin, criterion_id=criterion.pk)


SEEDERS.append(seed_initiatives)
ID_SOURCES.update(
    {
        "stage_id": lambda cast: cast.workspace.lifecycle_stages.all(),
        "initiative_id": lambda cast: cast.workspace.initiatives.all(),
        "gate_criterion_id": lambda cast: apps.get_model("initiatives.GateCriterion").objects.filter(initiative__workspace=cast.workspace),
        "gate_signer_id": lambda cast: apps.get_model("initiatives.GateSigner").objects.filter(initiative__workspace=cast.workspace),
    }
)
ID_ALIASES.update({"to_stage_id": "stage_id", "roadmap_item_id": "item_id"})
ID_SOURCES_BY_PATH.update(
    {(end, "owner_id"): lambda cast: cast.workspace.people.all() for end in ("/initiatives", "/initiatives/{initiative_id}")}
)
VERSIONED.update({"stage_id": "initiatives.LifecycleStage", "initiative_id": "initiatives.Initiative"})


# ---------------------------------------------------------------- launches


def seed_launches(cast) -> None:
    """A product roadmap with dated releases and a marketing roadmap with campaigns in "acme"; a
    launch with two positioning versions, a brand attribute, its checklist; a template and a feed."""
    from datetime import date

    from accord.launches import services
    from accord.roadmaps import services as rm

    admin = cast.members["admin"]
    product = rm.roadmap_create(member=admin, name="Launch releases", kind="product", lanes=["Ship"])
    marketing = rm.roadmap_create(member=admin, name="Launch campaigns", kind="marketing", lanes=["Go"])
    releases = [
        rm.item_create(member=admin, roadmap_id=product.pk, title=f"Release {n}", start_date=date(2026, 1, 1), end_date=date(2026, 1, 10 + n))
        for n in range(2)
    ]
    campaigns = [
        rm.item_create(member=admin, roadmap_id=marketing.pk, title=f"Campaign {n}", start_date=date(2026, 2, 1), end_date=date(2026, 2, 10))
        for n in range(2)
    ]
    launch = services.launch_create(member=admin, name="Release launch", release_item_id=releases[0].pk,
                                    campaign_item_ids=[c.pk for c in campaigns], launch_date=date(2026, 2, 1))  # fmt: skip
    services.launch_create(member=admin, name="Second launch", release_item_id=releases[1].pk, tier=1)
    for n in range(2):
        services.positioning_save(member=admin, launch_id=launch.pk, problem=f"Reports take {n + 2} days", usp="One click")
    services.attribute_create(member=admin, launch_id=launch.pk, name="Board-ready", item_ids=[releases[0].pk])
    services.template_create(member=admin, name="Tier 1 launch", tier=1, tasks=[{"title": "Press release", "offset_days": -7}])
    services.feed_create(member=admin)


SEEDERS.append(seed_launches)
ID_SOURCES.update(
    {
        "launch_id": lambda cast: cast.workspace.launches.all(),
        "positioning_id": lambda cast: apps.get_model("launches.Positioning").objects.filter(launch__workspace=cast.workspace),
        "brand_attribute_id": lambda cast: apps.get_model("launches.BrandAttribute").objects.filter(launch__workspace=cast.workspace),
        "funnel_stage_id": lambda cast: apps.get_model("launches.FunnelStage").objects.filter(launch__workspace=cast.workspace),
        "launch_task_id": lambda cast: apps.get_model("launches.LaunchTask").objects.filter(launch__workspace=cast.workspace),
        "launch_template_id": lambda cast: cast.workspace.launch_templates.all(),
        "launch_feed_id": lambda cast: cast.workspace.launch_feeds.all(),
    }
)
_LAUNCH_ENDS = ("/launches", "/launches/{launch_id}")
ID_SOURCES_BY_PATH.update(
    {
        **{(end, "release_item_id"): lambda cast: cast.workspace.roadmap_items.filter(roadmap__kind="product", end_date__isnull=False)
           for end in _LAUNCH_ENDS},
        **{(end, "campaign_item_id"): lambda cast: cast.workspace.roadmap_items.filter(roadmap__kind="marketing") for end in _LAUNCH_ENDS},
        **{(end, "owner_id"): lambda cast: cast.workspace.people.all() for end in (*_LAUNCH_ENDS, "/tasks", "/launch-tasks/{launch_task_id}")},
        **{(end, "template_id"): lambda cast: cast.workspace.launch_templates.all() for end in ("/launches", "/checklist")},
    }
)
VERSIONED.update({"launch_id": "launches.Launch", "launch_task_id": "launches.LaunchTask"})


# ---------------------------------------------------------------- changes


def seed_changes(cast) -> None:
    """Change requests in draft and in review (on a planned meeting's agenda), a rule, freezes and a
    calendar feed in "acme"; the admin's person is in a team of every department, to sign for any."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from accord.changes import services
    from accord.workspaces import services as ws_services
    from accord.workspaces.models import Person, TeamKind

    admin = cast.members["admin"]
    person = Person.objects.filter(workspace=cast.workspace, user=admin.user).first() or Person.objects.create(
        workspace=cast.workspace, user=admin.user, name="Ada Admin"
    )
    person.teams.add(*[ws_services.team_create(member=admin, name=f"Dept {k}", kind=k) for k in TeamKind.values])
    services.rule_create(member=admin, department="it", area="website")
    review = services.review_create(member=admin, title="Weekly CAB", starts_at=timezone.now() + timedelta(days=2))
    start = timezone.make_aware(datetime(2030, 3, 4, 20, 0))
    for n in range(4):
        change = services.change_create(member=admin, title=f"Change {n}", area=["website", "crm"][n % 2],
                                        start=start + timedelta(days=n), end=start + timedelta(days=n, hours=3))  # fmt: skip
        if n % 2:
            services.change_transition(member=admin, change_id=change.pk, to="in_review")
    services.review_refresh(member=admin, review_id=review.pk)
    for n in range(2):
        services.freeze_create(member=admin, name=f"Freeze {n}", start=start + timedelta(days=10 * n), end=start + timedelta(days=10 * n + 3))
        services.feed_create(member=admin)


SEEDERS.append(seed_changes)
ID_SOURCES.update(
    {
        "change_id": lambda cast: cast.workspace.changes.filter(status__in=["draft", "in_review"]),
        "change_rule_id": lambda cast: cast.workspace.change_rules.all(),
        "freeze_id": lambda cast: cast.workspace.freezes.all(),
        "change_feed_id": lambda cast: cast.workspace.change_feeds.all(),
        "change_review_id": lambda cast: cast.workspace.change_reviews.all(),
    }
)
ID_SOURCES_BY_PATH[("/decisions", "change_id")] = lambda cast: cast.workspace.changes.filter(agenda_items__isnull=False)
ID_ALIASES["roadmap_item_id"] = "item_id"  # a change's linked roadmap items
VERSIONED.update({"change_id": "changes.Change", "change_review_id": "changes.ChangeReview"})


# ---------------------------------------------------------------- Atom feeds


def seed_atom_feeds(cast) -> None:
    """Feed URLs of "acme" (the workspace's, a roadmap's) of the admin and of an editor."""
    from accord.feeds import services

    roadmap = cast.workspace.roadmaps.order_by("pk").first()
    for role in ("admin", "editor"):
        services.feed_create(member=cast.members[role], scope="workspace")
        if roadmap is not None:
            services.feed_create(member=cast.members[role], scope="roadmap", object_id=roadmap.pk)


SEEDERS.append(seed_atom_feeds)
ID_SOURCES["atom_feed_id"] = lambda cast: cast.workspace.feed_tokens.filter(revoked_at__isnull=True)
ID_SOURCES_BY_PATH[("/atom-feeds", "object_id")] = lambda cast: cast.workspace.roadmaps.all()


# ---------------------------------------------------------------- comments and watching (accord.collab)


def seed_collab(cast) -> None:
    """Comments of the admin (so PATCH, their author's, reaches real code) with a mention on one
    object of every discussable kind that the seeders made, and watches."""
    from accord.collab import services
    from accord.collab.registry import DISCUSSABLE

    admin = cast.members["admin"]
    for entry in DISCUSSABLE.values():
        for obj in entry.model.objects.filter(workspace=cast.workspace).order_by("pk")[:2]:
            services.comment_add(member=admin, kind=entry.key, object_id=obj.pk, body="Seen this, @viewer@acme.test?")
            services.watch(member=cast.members["editor"], kind=entry.key, object_id=obj.pk)


def _discussed(key):
    from accord.collab.registry import DISCUSSABLE

    return lambda cast: DISCUSSABLE[key].model.objects.filter(workspace=cast.workspace)


def _discussable_sources() -> dict:
    from accord.collab.registry import DISCUSSABLE

    return {f"discussable {e.slug}": _discussed(key) for key, e in DISCUSSABLE.items()}


SEEDERS.append(seed_collab)
ID_SOURCES["discussion_comment_id"] = lambda cast: apps.get_model("collab.Comment").objects.filter(workspace=cast.workspace, deleted_at__isnull=True)
ID_SOURCES.update(_discussable_sources())  # {kind}/{object_id}: an object of that kind (see aim)


# ---------------------------------------------------------------- outgoing webhooks (accord.webhooks)


def seed_webhooks(cast) -> None:
    """Two webhooks of "acme" on example.invalid (nothing real is ever called: generated URLs meet
    the SSRF checks, these the name that never resolves), each with a delivery attempted once and
    failed; one paused. They subscribe to a rare event, so other operations add no deliveries."""
    from accord.webhooks import services
    from accord.webhooks.models import Delivery
    from accord.workspaces import services as ws_services

    admin = cast.members["admin"]
    for n in range(2):
        hook, _secret = services.webhook_create(member=admin, name=f"Hook {n}", url=f"https://hooks{n}.example.invalid/accord", events=["team.created"])
        ws_services.team_create(member=admin, name=f"Hooked {n}")  # the event: a delivery to each
        Delivery.objects.filter(webhook=hook).update(body='{"event": "team.created"}', attempts=1, status="failed", last_error="Refused")
        services.webhook_update(member=admin, webhook_id=hook.pk, version=hook.version, events=["glossary_term.flagged"])
        if n:
            services.webhook_pause(member=admin, webhook_id=hook.pk, reason="Demo pause")


SEEDERS.append(seed_webhooks)
ID_SOURCES["webhook_id"] = lambda cast: cast.workspace.webhooks.all()
ID_SOURCES["delivery_id"] = lambda cast: apps.get_model("webhooks.Delivery").objects.filter(workspace=cast.workspace)
VERSIONED["webhook_id"] = "webhooks.Webhook"


# ---------------------------------------------------------------- notifications (accord.notifications)


def seed_notifications(cast) -> None:
    """Notifications for the acme admin (some read), so the list and marking read reach real rows."""
    from accord.notifications import services

    admin = cast.members["admin"]
    for n in range(4):
        services.notify(workspace=cast.workspace, users=[admin.user], kind=["mentioned", "watching"][n % 2],
                        title=f"Notice {n}", url="/w/acme/ideas")  # fmt: skip
    services.mark_read(member=admin, ids=list(admin.user.notifications.values_list("pk", flat=True)[:1]))


SEEDERS.append(seed_notifications)

KNOWN_IDS: dict[str, list[int]] = {}  # filled per test by `seeded`
EXERCISED: dict[str, Counter] = defaultdict(Counter)  # operation -> status codes, for the last test


@pytest.fixture
def one_connection():
    """Keep one database connection for the whole test.

    The WSGI handler closes it after every request (CONN_MAX_AGE=0 in tests), which would end the
    test's transaction; Django's test client avoids that the same way.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, module_transaction, cast_factory):
    """The cast's workspaces, seeded by every app, and the run's admin token for "acme": built once
    for the module (about a third of a second per operation saved, more on PostgreSQL) and rolled
    back after it. Each operation's test runs in a savepoint of it."""
    from accord.core.tokens import hash_token
    from accord.workspaces.models import ApiToken

    with module_transaction():
        cast = cast_factory()
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
        KNOWN_IDS.update(
            {f"{end} {name}": sorted(source(cast).values_list("pk", flat=True)) for (end, name), source in ID_SOURCES_BY_PATH.items()}
        )
        yield cast
        KNOWN_IDS.clear()


@pytest.fixture
def seeded(seeded_once, db, one_connection):
    return seeded_once


def _keep(value) -> bool:
    """About one in eight generated values is sent as generated (mostly a 404 or a 409)."""
    return zlib.crc32(repr(value).encode("utf-8", "surrogatepass")) % 8 == 0


def _current_version(path: str, params: dict) -> int | None:
    for name, label in VERSIONED.items():
        if f"{{{name}}}" in path:
            value = params.get(name)
            if isinstance(value, str) and value.isascii() and value.isdigit():
                value = int(value)  # the coverage phase sends path ids as text
            if type(value) is not int or not 1 <= value <= MAX_ID:
                return None
            return apps.get_model(label).objects.filter(pk=value).values_list("version", flat=True).first()
    if path.endswith("/role-settings"):  # one per workspace, no id in the path
        return apps.get_model("roles.RoleSettings").objects.filter(workspace__slug=str(params.get("slug"))).values_list("version", flat=True).first()
    if path == "/api/v1/workspaces/{slug}":
        Workspace = apps.get_model("workspaces.Workspace")
        return Workspace.objects.filter(slug=str(params.get("slug"))).values_list("version", flat=True).first()
    return None


def _known(path: str, name: str) -> list[int] | None:
    """The ids a parameter (path, query or body) may take in this operation."""
    for end, param in ID_SOURCES_BY_PATH:
        if param == name and path.endswith(end):
            return KNOWN_IDS.get(f"{end} {name}")
    return KNOWN_IDS.get(ID_ALIASES.get(name, name))


def _aim_id(path: str, name: str, value, *, text: bool = False):
    """A valid id (an integer 1..MAX_ID) becomes one that exists; an invalid one stays invalid.

    text: a path or query parameter, which may also be the id's digits (the coverage phase sends
    them so); about one in eight of these is left as generated, for the 404s. Ids in a body always
    name an object that exists when they can (a request with a missing one is refused like any other
    invalid body, and that would hide what the rest of the body does).
    """
    known = _known(path, name)
    if text and isinstance(value, str) and value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
        aimed = _aim_id(path, name, int(value))
        return str(aimed) if aimed != int(value) else value
    if known and type(value) is int and 1 <= value <= MAX_ID and not (text and _keep(value)):
        return known[value % len(known)]
    return value


def _aim_ids(path: str, name: str, values):
    known = _known(path, name)
    if known and isinstance(values, list) and values and all(type(i) is int and 1 <= i <= MAX_ID for i in values):
        return sorted({known[i % len(known)] for i in values})
    return values


def _aim_fields(path: str, data: dict, *, text: bool = False) -> dict:
    data = dict(data)
    for name, value in data.items():
        if name.endswith("_ids"):
            data[name] = _aim_ids(path, name[:-4] + "_id", value)
        elif name != "version":
            data[name] = _aim_id(path, name, value, text=text)
    for nested in ("views", "measurements", "cells"):  # lists of objects: share-link views, measurement rows, RACI cells
        rows = data.get(nested)
        if isinstance(rows, list):
            data[nested] = [_aim_fields(path, v) if isinstance(v, dict) else v for v in rows]
    return data


# CSV imports: a header and a row about objects the seeders made (n varies the text).
CSV_ROWS = {
    "/capacity/import": ("team,period,people,days_per_person,holidays", "Team it,2035-Q2,3,60,{n}"),
    "/glossary/import": ("name,synonyms,marketing,it", "Term {n},Alias {n},What marketing means,What IT means"),
}

# Imports (POST .../imports): a file per source, {n} varying the keys and titles.
IMPORT_FILES = {
    "csv": "title,status\nIdea {n},new\n",
    "jira": "Summary,Issue key,Status\nIssue {n},SCH-{n},To Do\n",
    "trello": '{"id": "b1", "name": "Board {n}", "lists": [{"id": "l1", "name": "To Do"}], "cards": [{"id": "c{n}", "name": "Card {n}", "idList": "l1"}]}',
    "github": '[{"number": {n}, "title": "Issue {n}", "state": "open", "repository_url": "https://api.github.com/repos/acme/app"}]',
}


def aim(case) -> None:
    """Aim most generated requests at workspace "acme" and at objects that exist, so they reach real code.

    A value is only replaced when it is already valid for its schema (a string slug, an id from 1 to
    MAX_ID, a version, an e-mail that is a short string), so a negative case stays negative and a
    positive one positive. Deterministic (a function of the generated values), so failures replay and
    shrink; it treats the coverage phase's explicit cases and the fuzzed ones alike.
    """
    path = case.operation.path
    if case.path_parameters:
        params = dict(case.path_parameters)
        for name, value in params.items():
            if name == "slug" and isinstance(value, str) and not (value and _keep(value)):
                params[name] = SLUG
            elif name != "slug":
                params[name] = _aim_id(path, name, value, text=True)
        if isinstance(params.get("kind"), str) and "object_id" in params:  # collab: an object of that kind
            params["object_id"] = _aim_id(f"discussable {params['kind']}", f"discussable {params['kind']}", params["object_id"], text=True)
        case.path_parameters = params
    if isinstance(case.query, dict) and case.query:
        case.query = _aim_fields(path, case.query, text=True)
    if not isinstance(case.body, dict):
        return
    body = _aim_fields(path, case.body)
    version = body.get("version")
    if type(version) is int and not _keep(version):
        current = _current_version(path, case.path_parameters or {})
        if current is not None:
            body["version"] = current
    csv = body.get("csv")
    if isinstance(csv, str) and csv and not _keep(csv) and path.endswith(tuple(CSV_ROWS)):
        # a CSV import: a valid string becomes a valid file about the seeded objects
        header, row = CSV_ROWS[next(end for end in CSV_ROWS if path.endswith(end))]
        body["csv"] = f"{header}\n{row.format(n=zlib.crc32(csv.encode('utf-8', 'surrogatepass')) % 30)}\n"
    content, source = body.get("content"), body.get("source")
    if isinstance(content, str) and not _keep(content) and path.endswith("/imports") and isinstance(source, str) and source in IMPORT_FILES:
        # an import (accord.imports): a valid string becomes a small valid file of its source
        body["content"] = IMPORT_FILES[source].replace("{n}", str(zlib.crc32(content.encode("utf-8", "surrogatepass")) % 30))
        body.pop("content_base64", None)
        if isinstance(body.get("status_map"), dict) and isinstance(body.get("mapping"), dict):
            body["status_map"], body["mapping"] = {}, {}  # any names are valid; these would name nothing in the file
    email = body.get("email")
    if isinstance(email, str) and 0 < len(email) <= 254 and not _keep(email):
        body["email"] = f"someone{zlib.crc32(email.encode('utf-8', 'surrogatepass')) % 1000}@example.test"
    case.body = body


# ---------------------------------------------------------------- the run


# Every generated request runs in a savepoint of the module's seeded data and is rolled back after it,
# so each one meets the same objects, and one failing request (a database error on PostgreSQL) cannot
# poison the rest of the run. What a request leaves to run on commit (indexing, e-mail tasks) runs
# right after it, as it would after a real commit.
@pytest.mark.django_db
@schema.parametrize()
# The module fixture's data is shared by every example (each rolled back), on purpose.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api(case, seeded, django_capture_on_commit_callbacks):
    aim(case)
    savepoint = transaction.savepoint_create()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = case.call_and_validate()
    finally:
        transaction.savepoint_rollback(savepoint)
    EXERCISED[case.operation.label][response.status_code] += 1


def test_every_operation_was_exercised():
    """Runs after test_api (same module, defined later): run the module as a whole."""
    if not EXERCISED:
        pytest.skip("test_api did not run (deselected)")
    operations = {result.ok().label for result in schema.get_all_operations()}
    missing = sorted(operations - EXERCISED.keys())
    assert not missing, f"operations schemathesis never called: {missing}"
    if "coverage" not in PHASES:
        return  # twelve fuzzed cases per operation need not include a valid one; the coverage phase's do
    never_ok = sorted(op for op in operations - SESSION_ONLY if not any(200 <= s < 300 for s in EXERCISED[op]))
    assert not never_ok, (
        f"operations that never answered 2xx, only {[dict(EXERCISED[op]) for op in never_ok]}: {never_ok}. "
        "Seed their objects (SEEDERS) and aim at them (ID_SOURCES, VERSIONED)."
    )
