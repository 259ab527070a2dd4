"""Demo step: Lumen's customer portal is on, with eight published ideas, votes and comments."""

from accord.ideas import services as idea_services

from . import services

# (index into context["ideas"], public title or "", public text or "")
PUBLISHED = [
    (1, "Single sign-on (SAML and OIDC) you can set up yourself", "Connect Okta, Azure AD or Google Workspace in a few clicks, without a support ticket."),
    (10, "", "A guided first hour: connect a data source, load sample data and build your first dashboard."),
    (0, "", "Get your dashboards as a PDF in your inbox, daily, weekly or monthly, for people who never log in."),
    (5, "", "A darker theme for late-night analysis, easier on the eyes and on laptop batteries."),
    (2, "Alerts when an account looks likely to churn", "Get told when usage of a key account drops, before they cancel."),
    (3, "", "Compare conversion step by step between customer segments and campaigns, side by side."),
    (4, "", "Keep contacts, companies and product usage in sync between HubSpot and Lumen, both ways."),
    (6, "Ask questions about your dashboards in plain English", "Type *which campaigns converted best last month?* and get the chart."),
]
CUSTOMERS = [
    ("Priya Natarajan", "priya@northwind.example"),
    ("Tom Becker", "tom@contoso.example"),
    ("Ana Souza", "ana@fabrikam.example"),
    ("Lee Min-jun", "minjun@tailspin.example"),
    ("Grace Okafor", "grace@wideworld.example"),
    ("Jonas Lind", "jonas@adventure.example"),
    ("Sofia Rossi", "sofia@litware.example"),
    ("Omar Haddad", "omar@proseware.example"),
    ("Emma Clarke", "emma@margie.example"),
    ("Kenji Sato", "kenji@woodgrove.example"),
]
VOTES = [9, 7, 6, 4, 5, 3, 2, 8]  # customers voting for each published idea, in PUBLISHED order
COMMENTS = [
    (0, 0, "We lose a week per enterprise rollout waiting on SSO. This would close two renewals for us."),
    (0, 3, "Please include SCIM provisioning, or at least plan for it."),
    (2, 1, "Our CFO wants the **Monday numbers** as a PDF, not another login."),
    (3, 4, "Yes please, my eyes at 11pm thank you in advance."),
    (7, 6, "Would love to ask *which campaigns converted best last month* and get a chart."),
]


def load(context: dict) -> None:
    owner, ideas = context["owner"], context["ideas"]
    portal = services.portal_update(
        member=owner, version=1, enabled=True, title="Lumen ideas",
        intro="Tell us what would make Lumen better. **Vote** for the ideas you need, comment, or send new feedback: we read everything and let you know when an idea you voted for ships.",
        moderate_comments=True, moderate_submissions=True,
    )  # fmt: skip
    published = []
    for index, title, text in PUBLISHED:
        idea = ideas[index]
        services.idea_publish(member=owner, idea_id=idea.pk, public_title=title, public_description=text)
        published.append(idea)
    for idea, count in zip(published, VOTES, strict=True):
        for name, email in CUSTOMERS[:count]:
            services.vote_on_behalf(member=owner, idea_id=idea.pk, email=email, name=name)
    for idea_n, customer_n, body in COMMENTS:
        name, email = CUSTOMERS[customer_n]
        comment = services.comment_create(portal=portal, idea_id=published[idea_n].pk, name=name, email=email, body=body)
        services.comment_moderate(member=owner, comment_id=comment.pk, action="approve")
    services.comment_create(
        portal=portal, idea_id=published[0].pk, name="", email="", member=owner,
        body="Thanks all: SSO is planned for this quarter. Okta and Azure AD come first.",
    )  # fmt: skip
    # Waiting in the moderation queue: a real question and some spam.
    services.comment_create(
        portal=portal, idea_id=published[3].pk, name="Jonas Lind", email="jonas@adventure.example",
        body="Will dark mode also apply to embedded dashboards?",
    )  # fmt: skip
    services.comment_create(
        portal=portal, idea_id=published[4].pk, name="Best Deals", email="deals@spam.example",
        body="Cheap followers, visit our site!!!",
    )  # fmt: skip
    services.submission_create(
        portal=portal, name="Emma Clarke", email="emma@margie.example", title="Slack alerts",
        text="We would like threshold alerts in Slack when a funnel step drops by more than 10%.",
    )  # fmt: skip
    # Scheduled PDF reports shipped: its voters are told, and the portal says "Shipped on ...".
    shipped = published[2]
    shipped.refresh_from_db()
    idea_services.idea_update(member=owner, idea_id=shipped.pk, version=shipped.version, status="done")
