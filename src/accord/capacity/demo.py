"""The capacity part of the demo workspace (accord.demo.loader.STEPS): four quarters of capacity
for the product, engineering, design, marketing and IT teams, efforts on the demo ideas, and a
"Current plan" scenario in which "Mobile app for dashboards" does not fit (Platform Engineering
has too few person-days in the quarter it must ship in); one more engineer there makes it fit."""

from datetime import date, timedelta

from django.utils import timezone

from accord.ideas.models import Idea, IdeaScore, ScoringModel

from . import services

# team: (people, holidays per quarter)
CAPACITY = {
    "Platform Engineering": (3, [0, 10, 5, 15]),
    "Product Management": (2.5, [5, 5, 0, 10]),
    "Design": (2, [0, 5, 5, 10]),
    "Product Marketing": (2, [0, 5, 0, 10]),
    "IT Operations": (2, [5, 0, 5, 15]),
}
DAYS = 60  # working days a quarter
# idea: {team: person-days}, periods it is spread over
EFFORTS = [
    ("Mobile app for dashboards", {"Platform Engineering": 200, "Design": 20}, 1),
    ("Self-serve SSO (SAML/OIDC) setup", {"Platform Engineering": 80, "IT Operations": 15}, 1),
    ("Query performance: columnar cache", {"Platform Engineering": 60}, 1),
    (
        "Embedded dashboards for customers' apps",
        {"Platform Engineering": 100, "Product Management": 20},
        2,
    ),
    ("Public API rate-limit dashboard", {"Platform Engineering": 30}, 1),
    ("Audit log export for admins", {"Platform Engineering": 40, "IT Operations": 20}, 1),
    ("Data retention controls per project", {"Platform Engineering": 40, "IT Operations": 30}, 1),
    (
        "Status page and maintenance notices in-app",
        {"Platform Engineering": 30, "IT Operations": 20},
        1,
    ),
    ("Slack digest of key metrics", {"Platform Engineering": 25, "Product Marketing": 10}, 1),
    ("Scheduled PDF reports by e-mail", {"Platform Engineering": 45, "Design": 10}, 1),
    ("Role-based dashboard permissions", {"Platform Engineering": 40, "Design": 10}, 1),
    ("Dark mode", {"Design": 30}, 1),
    ("Onboarding checklist with sample data", {"Design": 25, "Product Management": 15}, 1),
    ("Template gallery for common SaaS metrics", {"Product Marketing": 40, "Design": 15}, 1),
    ("Usage-based pricing meter", {"Product Management": 40}, 1),
]


def _quarters(today: date) -> list[tuple[str, date, date]]:
    year, q = today.year, (today.month - 1) // 3
    out = []
    for _ in range(4):
        start = date(year, 3 * q + 1, 1)
        end = (date(year + (q == 3), (3 * q + 3) % 12 + 1, 1)) - timedelta(days=1)
        out.append((f"{year}-Q{q + 1}", start, end))
        year, q = (year + 1, 0) if q == 3 else (year, q + 1)
    return out


def _model(workspace, idea: Idea) -> ScoringModel | None:
    """The default model when it scores the mobile app, else the first that does."""
    models = list(ScoringModel.objects.filter(workspace=workspace).order_by("-is_default", "name"))
    scored = set(
        IdeaScore.objects.filter(idea=idea, value__gt=0).values_list("model_id", flat=True)
    )
    return next((m for m in models if m.pk in scored), None)


def load(context: dict) -> None:
    owner, teams = context["owner"], context["teams"]
    workspace = owner.workspace
    periods = [
        services.period_create(member=owner, name=n, start_date=s, end_date=e)
        for n, s, e in _quarters(timezone.localdate())
    ]
    context["periods"] = periods
    for name, (people, holidays) in CAPACITY.items():
        for period, off in zip(periods, holidays, strict=True):
            services.capacity_set(
                member=owner,
                team_id=teams[name].pk,
                period_id=period.pk,
                people=people,
                days_per_person=DAYS,
                holidays=off,
            )
    ideas = {i.title: i for i in Idea.objects.filter(workspace=workspace)}
    for title, need, spread in EFFORTS:
        idea = ideas.get(title)
        if idea is None:
            continue
        for team, days in need.items():
            services.effort_set(
                member=owner,
                idea_id=idea.pk,
                team_id=teams[team].pk,
                person_days=days,
                periods=spread,
            )
    mobile = ideas.get("Mobile app for dashboards")
    model = _model(workspace, mobile) if mobile else None
    scenario = services.scenario_create(
        member=owner, name="Current plan", scoring_model_id=model.pk if model else None, time_limit=5,
        description="This year's capacity as the teams reported it. The mobile app must ship in the quarter of the board meeting.",
    )  # fmt: skip
    if mobile:
        services.constraint_add(
            member=owner,
            scenario_id=scenario.pk,
            kind="earliest",
            idea_id=mobile.pk,
            period_id=periods[1].pk,
        )
        services.constraint_add(
            member=owner,
            scenario_id=scenario.pk,
            kind="deadline",
            idea_id=mobile.pk,
            period_id=periods[1].pk,
        )
    sso = ideas.get("Self-serve SSO (SAML/OIDC) setup")
    if sso:
        services.constraint_add(
            member=owner,
            scenario_id=scenario.pk,
            kind="pin",
            idea_id=sso.pk,
            period_id=periods[0].pk,
        )
    pricing = ideas.get("Usage-based pricing meter")
    if pricing:
        services.constraint_add(
            member=owner,
            scenario_id=scenario.pk,
            kind="deadline",
            idea_id=pricing.pk,
            period_id=periods[2].pk,
        )
    context["scenario"] = scenario
