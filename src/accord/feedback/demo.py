"""Demo step: a few hundred pieces of customer feedback for Lumen, from every segment and channel,
many linked to the ideas they support, and a "Customer demand" scoring model fed by that evidence.

Deterministic (seeded): each item is an opener, one customer need (the quoted passage when linked),
a bit of context and a closing, so texts vary like real feedback does.
"""

import random
from datetime import timedelta

from django.utils import timezone

from accord.ideas import services as idea_services
from accord.ideas.models import ModelKind
from accord.workspaces.models import Membership

from . import services
from .models import Importance, Source

# name, e-mail, company, segment, revenue weight (ARR in thousands)
CUSTOMERS = [
    ("Priya Natarajan", "priya@northwind.example", "Northwind Traders", "enterprise", 420),
    ("Tom Becker", "tom@contoso.example", "Contoso", "enterprise", 610),
    ("Ana Souza", "ana@fabrikam.example", "Fabrikam", "enterprise", 380),
    ("Helen Park", "helen.park@woodgrove.example", "Woodgrove Bank", "enterprise", 720),
    ("Marcus Weber", "m.weber@adatum.example", "Adatum", "enterprise", 290),
    ("Lee Min-jun", "minjun@tailspin.example", "Tailspin Toys", "mid-market", 95),
    ("Grace Okafor", "grace@wideworld.example", "Wide World Importers", "mid-market", 140),
    ("Jonas Lind", "jonas@adventure.example", "Adventure Works", "mid-market", 120),
    ("Sofia Rossi", "sofia@litware.example", "Litware", "mid-market", 80),
    ("Omar Haddad", "omar@proseware.example", "Proseware", "mid-market", 110),
    ("Chen Wei", "chen.wei@lucerne.example", "Lucerne Publishing", "mid-market", 70),
    ("Fatima Zahra", "fatima@alpineski.example", "Alpine Ski House", "mid-market", 60),
    ("Emma Clarke", "emma@margie.example", "Margie's Travel", "smb", 18),
    ("Kenji Sato", "kenji@woodgrove-cafe.example", "Woodgrove Café", "smb", 6),
    ("Lucas Martin", "lucas@fourthcoffee.example", "Fourth Coffee", "smb", 12),
    ("Olivia Brown", "olivia@cohowinery.example", "Coho Winery", "smb", 9),
    ("Noah Fischer", "noah@blueyonder.example", "Blue Yonder Airlines", "smb", 24),
    ("Ines Garcia", "ines@graphicdesign.example", "Graphic Design Institute", "smb", 15),
    ("Ravi Kumar", "ravi@humongous.example", "Humongous Insurance", "smb", 30),
    ("Zoe Adams", "zoe.adams@gmail.example", "", "consumer", 0.5),
    ("Mateo Silva", "mateo.s@outlook.example", "", "consumer", 0.5),
    ("Hannah Schulz", "hannah.schulz@web.example", "", "consumer", 0.3),
]
# Per idea (index into the ideas demo's list): what customers ask for, in their words.
NEEDS = {
    0: ["I need the weekly dashboard as a PDF in my inbox every Monday",
        "our managers never log in, they just want the numbers e-mailed to them",
        "please let us schedule a report to go out to the board automatically"],
    1: ["we cannot roll Lumen out until SSO with Okta works without a support ticket",
        "IT asked whether we can connect Azure AD ourselves",
        "every new team means another week waiting for SAML to be configured"],
    2: ["I want to know when a key account stops using the product, before they cancel",
        "an alert when usage drops would have saved us two renewals last quarter"],
    3: ["we need to compare the funnel of our paid and organic segments side by side",
        "I can't see where enterprise trials drop off compared to self-serve ones"],
    4: ["our campaign results live in HubSpot and we copy them by hand every week",
        "a two-way sync with HubSpot would save marketing a day a month"],
    5: ["a dark theme would help, I work on dashboards late at night",
        "the bright white background is tiring on long analysis sessions"],
    6: ["I'd love to just ask which campaigns converted best last month",
        "our sales team cannot write queries, they want to ask questions in plain English"],
    7: ["legal requires us to delete project data after 90 days",
        "we need retention rules per project for our EU customers"],
    8: ["we want to embed Lumen charts in our own customer portal",
        "can we show dashboards inside our app without a second login?"],
    9: ["we need a meter of usage per customer to bill on consumption"],
    10: ["the first hour was confusing, a checklist with sample data would have helped",
         "new colleagues don't know where to start after signing up"],
    11: ["tell us inside the app when maintenance is planned",
         "we found out about the outage from our customers, not from you"],
    13: ["dashboards with a year of data take over ten seconds to load",
         "the big queries time out during our Monday meeting"],
    14: ["a Slack digest of the key metrics every morning would be perfect",
         "post yesterday's numbers to our #growth channel"],
    15: ["our auditors want the admin log as a file",
         "please let admins export the audit log for compliance reviews"],
    17: ["I want to check the numbers on my phone between meetings",
         "the dashboards are unusable on mobile"],
    19: ["only finance should see the revenue dashboard",
         "we need permissions per dashboard, not per workspace"],
    20: ["tell us when a metric jumps unexpectedly",
         "we missed a tracking outage for a week because nobody looked at the chart"],
    22: ["our team in Munich would like the interface in German",
         "a Japanese UI would help us win the Osaka office"],
    23: ["a single health score per customer would help our account managers prioritise"],
}
OPENERS = ["", "", "Hi team, ", "Quick one: ", "Following up on our call: ", "Love the product, but ",
           "Honestly, ", "From the QBR: ", "Feature request: ", "As discussed with our CSM, "]
CONTEXTS = ["", "", " This comes up in every weekly review.", " Three teams asked me about it this month.",
            " It is the main blocker for the wider rollout.", " We currently work around it with spreadsheets.",
            " It would make renewal discussions much easier.", " Our competitor evaluation lists it explicitly."]
CLOSERS = ["", "", " Thanks!", " Thank you for listening.", " Happy to jump on a call.", " Keep up the good work."]
SOURCE_BY_SEGMENT = {
    "enterprise": [Source.SALES_CALL, Source.SALES_CALL, Source.SUPPORT_TICKET, Source.INTERNAL],
    "mid-market": [Source.SUPPORT_TICKET, Source.SALES_CALL, Source.SURVEY, Source.CAMPAIGN_RESULT],
    "smb": [Source.SUPPORT_TICKET, Source.SURVEY, Source.REVIEW],
    "consumer": [Source.REVIEW, Source.SURVEY],
}
ITEMS = 300
# The idea the product manager opens in the demo keeps a few unlinked items to link in one click.
SHOWCASE_IDEA = 0


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def load(context: dict) -> None:
    rng = random.Random(7)
    workspace, owner, ideas = context["workspace"], context["owner"], context["ideas"]
    capturers = list(
        Membership.objects.filter(workspace=workspace, role__in=["contributor", "editor", "admin"])
        .select_related("user", "workspace").order_by("pk")
    )
    customer_ids = {
        email: services.customer_create(member=owner, name=name, email=email, company=company,
                                        segment=segment, revenue_weight=weight).pk
        for name, email, company, segment, weight in CUSTOMERS
    }
    # Evidence only: every idea has this score, and it rises as feedback is linked.
    demand = idea_services.scoring_model_create(
        member=owner,
        name="Customer demand",
        kind=ModelKind.WEIGHTED,
        description="Filled by Accord from linked feedback: how many items, how many customers, and their revenue weight.",
        criteria=[
            {"key": "feedback", "name": "Linked feedback", "role": "benefit", "weight": 25, "source": "feedback.linked", "saturation": 15},
            {"key": "customers", "name": "Customers asking", "role": "benefit", "weight": 25, "source": "feedback.customers", "saturation": 8},
            {"key": "revenue", "name": "Revenue-weighted demand", "role": "benefit", "weight": 50, "source": "feedback.revenue", "saturation": 1500},
        ],
    )  # fmt: skip
    context["scoring_models"]["demand"] = demand
    now = timezone.now()
    showcase_unlinked = 0
    pairs = [(idea_n, need) for idea_n, needs in NEEDS.items() for need in needs]
    for n in range(ITEMS):
        idea_n, need = pairs[rng.randrange(len(pairs))] if n >= len(pairs) else pairs[n]
        _name, email, _company, segment, _weight = CUSTOMERS[rng.randrange(len(CUSTOMERS))]
        known = rng.random() > 0.08  # a few anonymous survey answers
        text = f"{rng.choice(OPENERS)}{need}.{rng.choice(CONTEXTS)}{rng.choice(CLOSERS)}".strip()
        fb = services.feedback_create(
            member=capturers[n % len(capturers)],
            text=_sentence(text),
            source=rng.choice(SOURCE_BY_SEGMENT[segment]),
            customer_id=customer_ids[email] if known else None,
            received_at=now - timedelta(days=rng.randint(0, 150), hours=rng.randint(0, 23)),
        )
        roll = rng.random()
        if idea_n == SHOWCASE_IDEA and showcase_unlinked < 3 and roll < 0.9:
            showcase_unlinked += 1  # left in the inbox: the "related unlinked feedback" of the demo
        elif roll < 0.55:
            importance = (Importance.CRITICAL if segment == "enterprise" and rng.random() < 0.5
                          else rng.choice([Importance.IMPORTANT, Importance.IMPORTANT, Importance.NICE_TO_HAVE]))
            quote = need if need in fb.text else _sentence(need)
            services.link_create(member=owner, feedback_id=fb.pk, idea_id=ideas[idea_n].pk,
                                 quote=quote if rng.random() < 0.8 else "", importance=importance)
            continue
        if roll > 0.9:
            services.feedback_update(member=owner, feedback_id=fb.pk, version=fb.version, status="archived")
        elif roll > 0.75:
            services.feedback_update(member=owner, feedback_id=fb.pk, version=fb.version, status="reviewed")
    context["customers"] = customer_ids
