"""Demo step: ideas from every department, scoring models, a closed and an open scoring round, decisions."""

import random
from datetime import timedelta

from django.utils import timezone

from accord.workspaces.models import Membership

from . import services
from .models import Decision, ModelKind

# title, department, product area, tags, problem
IDEAS = [
    (
        "Scheduled PDF reports by e-mail",
        "Product Management",
        "Reporting",
        ["reporting", "enterprise"],
        "Managers want weekly numbers without logging in.",
    ),
    (
        "Self-serve SSO (SAML/OIDC) setup",
        "Platform Engineering",
        "Security",
        ["enterprise", "security"],
        "Enterprise deals stall while we configure SSO by hand.",
    ),
    (
        "Churn-risk alerts for account managers",
        "Customer Support",
        "Insights",
        ["retention", "AI"],
        "Support learns about unhappy customers after they cancel.",
    ),
    (
        "Funnel comparison across segments",
        "Growth Marketing",
        "Analytics",
        ["funnels", "marketing"],
        "Marketing cannot compare conversion by campaign segment.",
    ),
    (
        "HubSpot two-way sync",
        "Product Marketing",
        "Integrations",
        ["integrations", "marketing"],
        "Campaign results live in HubSpot, product usage in Lumen.",
    ),
    ("Dark mode", "Design", "UI", ["ui"], "Analysts work late and ask for a darker theme."),
    (
        "Natural-language questions on dashboards",
        "Product Management",
        "Insights",
        ["AI", "differentiator"],
        "Business users cannot write queries.",
    ),
    (
        "Data retention controls per project",
        "IT Operations",
        "Security",
        ["security", "compliance"],
        "GDPR requests need per-project retention.",
    ),
    (
        "Embedded dashboards for customers' apps",
        "Sales",
        "Platform",
        ["enterprise", "revenue"],
        "Prospects want to embed charts in their own product.",
    ),
    (
        "Usage-based pricing meter",
        "Product Management",
        "Billing",
        ["pricing", "revenue"],
        "Flat plans leave money on the table for heavy users.",
    ),
    (
        "Onboarding checklist with sample data",
        "Design",
        "Onboarding",
        ["onboarding", "activation"],
        "New trials stall before their first chart.",
    ),
    (
        "Status page and maintenance notices in-app",
        "IT Operations",
        "Platform",
        ["reliability"],
        "Customers learn about maintenance windows from support tickets.",
    ),
    (
        "Annotations on charts for launches",
        "Product Marketing",
        "Reporting",
        ["marketing", "launches"],
        "Nobody remembers which campaign caused last month's spike.",
    ),
    (
        "Query performance: columnar cache",
        "Platform Engineering",
        "Platform",
        ["performance"],
        "Large dashboards take 20 seconds to load.",
    ),
    (
        "Slack digest of key metrics",
        "Growth Marketing",
        "Integrations",
        ["integrations", "engagement"],
        "Teams miss changes in their metrics.",
    ),
    (
        "Audit log export for admins",
        "IT Operations",
        "Security",
        ["enterprise", "compliance"],
        "Security reviews ask for exportable audit logs.",
    ),
    (
        "A/B test significance calculator",
        "Analytics",
        "Analytics",
        ["experimentation"],
        "Marketers declare winners too early.",
    ),
    ("Mobile app for dashboards", "Sales", "UI", ["mobile"], "Executives want numbers on the go."),
    (
        "Template gallery for common SaaS metrics",
        "Product Marketing",
        "Onboarding",
        ["activation", "marketing"],
        "Every new customer rebuilds MRR and churn charts.",
    ),
    (
        "Role-based dashboard permissions",
        "Customer Support",
        "Security",
        ["enterprise", "security"],
        "Customers share dashboards too widely.",
    ),
    (
        "Anomaly detection on metrics",
        "Analytics",
        "Insights",
        ["AI", "differentiator"],
        "Drops are noticed days late.",
    ),
    (
        "Public API rate-limit dashboard",
        "Platform Engineering",
        "Platform",
        ["developer experience"],
        "Integrators cannot see why requests are throttled.",
    ),
    (
        "Localized UI (German, French, Japanese)",
        "Sales",
        "UI",
        ["international"],
        "Deals in DACH and Japan ask for a localized UI.",
    ),
    (
        "Customer health score",
        "Customer Support",
        "Insights",
        ["retention"],
        "Customer success prioritizes accounts by gut feeling.",
    ),
]

WEIGHTED = [
    {"key": "customer_value", "name": "Customer value", "role": "benefit", "weight": 30},
    {"key": "strategic_fit", "name": "Strategic fit", "role": "benefit", "weight": 20},
    {"key": "revenue_impact", "name": "Revenue impact", "role": "benefit", "weight": 20},
    {"key": "marketing_story", "name": "Marketing story (USP)", "role": "benefit", "weight": 10},
    {"key": "effort", "name": "Effort", "role": "cost", "weight": 12},
    {"key": "risk", "name": "Risk", "role": "cost", "weight": 8},
]
RATERS = ["priya", "sofia", "grace", "james", "marco", "david"]


def load(context: dict) -> None:
    rng = random.Random(42)  # the same demo every time
    workspace, owner, teams = context["workspace"], context["owner"], context["teams"]
    members = {
        m.user.email.split("@")[0]: m
        for m in Membership.objects.filter(workspace=workspace).select_related("user", "workspace")
    }
    weighted = services.scoring_model_create(
        member=owner,
        name="Lumen scorecard",
        kind=ModelKind.WEIGHTED,
        criteria=WEIGHTED,
        is_default=True,
        description="Agreed by product, marketing and IT in January: benefits against costs, each scored 1-5.",
        promote_threshold=70,
        park_threshold=50,
    )
    rice = services.scoring_model_create(member=owner, name="RICE", kind=ModelKind.RICE)
    wsjf = services.scoring_model_create(
        member=owner, name="WSJF (engineering)", kind=ModelKind.WSJF
    )
    value_effort = services.scoring_model_create(
        member=owner, name="Value vs effort", kind=ModelKind.VALUE_EFFORT
    )
    services.scoring_model_create(member=owner, name="MoSCoW release scope", kind=ModelKind.MOSCOW)
    kano = services.scoring_model_create(member=owner, name="Kano survey", kind=ModelKind.KANO)

    authors = [m for key, m in members.items() if m.role != "viewer"]
    ideas = []
    for i, (title, dept, area, tags, problem) in enumerate(IDEAS):
        author = authors[i % len(authors)]
        ideas.append(
            services.idea_create(
                member=author,
                title=title,
                problem=problem,
                department_id=teams[dept].pk,
                product_area=area,
                tags=tags,
                description=f"**Why:** {problem}\n\n**What:** {title}.\n\nRaised by {dept}.",
            )
        )

    # A finished round: six stakeholders from product, marketing and IT scored the first 14 ideas.
    closed = services.round_open(
        member=owner, model_id=weighted.pk, title="Q1 planning", idea_ids=[i.pk for i in ideas[:14]]
    )
    criteria = list(weighted.criteria.all())
    for rater_key in RATERS:
        rater = members[rater_key]
        for idea in ideas[:14]:
            base = random.Random(idea.pk)  # each idea has its own 'true' profile
            values = {}
            for c in criteria:
                centre = base.randint(2, 5) if c.role == "benefit" else base.randint(1, 4)
                # Marketing and IT see some ideas very differently: that is the disagreement to surface.
                swing = (
                    2
                    if rater_key in ("sofia", "james")
                    and "marketing" in IDEAS[ideas.index(idea)][3]
                    else 0
                )
                swing -= (
                    2
                    if rater_key in ("grace", "david") and c.key == "effort" and idea.pk % 3 == 0
                    else 0
                )
                values[c.key] = max(1, min(5, centre + swing + rng.choice([-1, 0, 0, 1])))
            services.ratings_save(member=rater, round_id=closed.pk, idea_id=idea.pk, values=values)
        services.ratings_submit(member=rater, round_id=closed.pk)
    services.round_close(member=owner, round_id=closed.pk)

    # An open round on the newer ideas: two people submitted, one is still scoring.
    open_round = services.round_open(
        member=owner, model_id=weighted.pk, title="Q2 intake", idea_ids=[i.pk for i in ideas[14:]]
    )
    for rater_key in ("priya", "sofia", "grace"):
        rater = members[rater_key]
        for idea in ideas[14:20]:
            services.ratings_save(
                member=rater,
                round_id=open_round.pk,
                idea_id=idea.pk,
                values={c.key: rng.randint(1, 5) for c in criteria},
            )
        if rater_key != "grace":
            services.ratings_submit(member=rater, round_id=open_round.pk)

    for idea in ideas:
        reach = rng.choice([200, 500, 1000, 2500, 5000])
        services.idea_set_inputs(
            member=owner,
            idea_id=idea.pk,
            model_id=rice.pk,
            values={
                "reach": reach,
                "impact": rng.choice([3, 2, 1, 0.5, 0.25]),
                "confidence": rng.choice([100, 80, 50]),
                "effort": rng.choice([0.5, 1, 2, 3, 5, 8]),
            },
        )
        services.idea_set_inputs(
            member=owner,
            idea_id=idea.pk,
            model_id=value_effort.pk,
            values={"value": rng.randint(1, 10), "effort": rng.randint(1, 10)},
        )
    fib = [1, 2, 3, 5, 8, 13, 20]
    for idea in ideas[:10]:
        services.idea_set_inputs(
            member=owner,
            idea_id=idea.pk,
            model_id=wsjf.pk,
            values={
                "business_value": rng.choice(fib),
                "time_criticality": rng.choice(fib),
                "risk_reduction": rng.choice(fib),
                "job_size": rng.choice(fib),
            },
        )
    answers = ["like", "expect", "neutral", "live_with", "dislike"]
    for idea in ideas[:6]:
        for n in range(12):
            services.kano_answer_set(
                member=owner,
                model_id=kano.pk,
                idea_id=idea.pk,
                respondent=f"customer-{n + 1:02d}",
                functional=rng.choice(answers[:3]),
                dysfunctional=rng.choice(answers[2:]),
            )

    services.decide(
        member=owner,
        idea_id=ideas[1].pk,
        kind="promote",
        reason="Unblocks three enterprise deals this quarter; IT has capacity in sprint 14.",
    )
    services.decide(
        member=owner,
        idea_id=ideas[10].pk,
        kind="promote",
        reason="Highest consensus score; marketing ties it to the spring trial campaign.",
    )
    services.decide(
        member=owner,
        idea_id=ideas[5].pk,
        kind="park",
        reason="Nice to have; no revenue or retention evidence yet.",
        revisit_condition="When 20 customers ask for it in the portal",
    )
    parked = services.decide(
        member=owner,
        idea_id=ideas[17].pk,
        kind="park",
        reason="A responsive web UI covers most executive use first.",
        revisit_on=timezone.localdate() + timedelta(days=1),
    )
    # Pretend it was parked a quarter ago, so the demo shows a parked idea due for review.
    Decision.objects.filter(pk=parked.pk).update(
        revisit_on=timezone.localdate() - timedelta(days=2),
        decided_at=timezone.now() - timedelta(days=90),
    )
    services.decide(
        member=owner,
        idea_id=ideas[22].pk,
        kind="park",
        reason="No localization budget before the Series B.",
        revisit_on=timezone.localdate() + timedelta(days=120),
    )
    services.decide(
        member=owner,
        idea_id=ideas[12].pk,
        kind="reject",
        reason="Covered by the launch annotations already in the roadmap tool.",
    )
    context["ideas"] = ideas
    context["scoring_models"] = {
        "weighted": weighted,
        "rice": rice,
        "wsjf": wsjf,
        "value_effort": value_effort,
        "kano": kano,
    }
