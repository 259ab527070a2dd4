"""The glossary part of the demo workspace (accord.demo.loader.STEPS): about 40 words marketing and
IT both use, most agreed by their owners, a few drafts, "SQL" flagged by a person (two meanings)
and "Pipeline" suspected by the automatic check. One idea's description mentions activation so the
marking shows on a demo page."""

from accord.ideas import services as idea_services
from accord.ideas.models import Idea
from accord.workspaces.models import Membership, Person

from . import services

# name, synonyms, owner, agreed?, definitions, examples, related
TERMS = [
    (
        "Activation",
        ["Activated account"],
        "Sofia Lindqvist",
        True,
        {
            "marketing": "A new trial account that reaches its first moment of value: the first dashboard shared with a teammate. We count activation within 14 days of sign-up.",
            "it": "The account's activated_at timestamp, set by the event pipeline when the first dashboard share event arrives for a trial account.",
        },
        "31% of March trials activated within 14 days.",
        ["Onboarding", "Funnel", "Trial"],
    ),
    (
        "Churn",
        ["Churn rate", "Customer churn"],
        "Amara Mensah",
        True,
        {
            "marketing": "Customers who cancel or do not renew in a month, as a share of the customers at the start of the month.",
            "it": "Subscriptions whose status changed to cancelled in the billing system during the month, divided by the active subscriptions on day one.",
        },
        "",
        ["Retention", "MRR"],
    ),
    (
        "Conversion",
        ["Conversion rate"],
        "Aiko Tanaka",
        True,
        {
            "marketing": "A visitor or trial who takes the step a campaign asks for: sign-up, demo request or upgrade to a paid plan.",
            "it": "A tracked event (signup_completed, demo_requested, plan_upgraded) attributed to the visitor's first session and campaign parameters.",
        },
        "",
        ["Funnel", "Attribution"],
    ),
    (
        "Release",
        [],
        "Grace Kim",
        True,
        {
            "marketing": "New features announced to customers together, with release notes, an in-app message and sometimes a launch.",
            "it": "A tagged, versioned build deployed to production with release notes; the features inside may stay behind flags.",
        },
        "Release 4.2 shipped the Slack digest behind a flag.",
        ["Deployment", "Launch", "Feature flag"],
    ),
    (
        "Deployment",
        ["Deploy"],
        "Omar Haddad",
        True,
        {
            "marketing": "When code changes reach customers; not always visible, as features can stay hidden behind flags.",
            "it": "Rolling code changes out to production servers through the CI pipeline; several a day, each reversible by a rollback.",
        },
        "",
        ["Release", "Rollback"],
    ),
    (
        "MQL",
        ["Marketing qualified lead"],
        "Aiko Tanaka",
        True,
        {
            "marketing": "A lead whose engagement score reached 60 (content downloads, webinar visits, pricing page views); handed to sales development.",
            "it": "A CRM contact with lifecycle stage MQL, set by the scoring workflow when the lead score field reaches 60.",
            "sales": "A lead marketing hands over for a first call within two working days.",
        },
        "",
        ["SQL", "Lead", "Engagement"],
    ),
    (
        "SQL",
        ["Sales qualified lead"],
        "James Carter",
        False,
        {
            "marketing": "A lead sales accepted after a first call: budget, need and timing confirmed; it counts toward the quarter's forecast.",
            "it": "Structured Query Language: how analysts and engineers ask the database for data, in dashboards and the warehouse.",
        },
        "",
        ["MQL", "Lead"],
    ),
    (
        "Lead",
        ["Prospect"],
        "James Carter",
        True,
        {
            "marketing": "A person who showed interest (a form, an event, a trial) and whom we may contact.",
            "it": "A contact record in the CRM created by a web form, an import or the trial sign-up API.",
        },
        "",
        ["MQL", "SQL"],
    ),
    (
        "Pipeline",
        [],
        "James Carter",
        False,
        {
            "marketing": "Open sales opportunities and their expected value: what the quarter's revenue forecast rests on.",
            "it": "The CI/CD pipeline: the automated steps that build, test and deploy every change.",
        },
        "",
        ["SQL", "Deployment"],
    ),
    (
        "Funnel",
        ["Marketing funnel"],
        "Aiko Tanaka",
        True,
        {
            "marketing": "The stages from visitor to lead, trial, activation and paid customer, with the conversion between each stage.",
            "it": "The event sequence page_view, signup, activated, subscribed, counted per cohort in the analytics warehouse.",
        },
        "",
        ["Conversion", "Activation"],
    ),
    (
        "Incident",
        [],
        "David Nguyen",
        True,
        {
            "marketing": "Anything customers notice as broken or slow: we pause campaigns and post on the status page.",
            "it": "An unplanned interruption or degradation of a service, declared by on-call with a severity (SEV1-SEV3); customers are told on the status page.",
        },
        "",
        ["SLA", "Post-mortem"],
    ),
    (
        "SLA",
        ["Service level agreement"],
        "David Nguyen",
        True,
        {
            "marketing": "What we promise customers in the contract: 99.9% uptime and a first support reply within four hours.",
            "it": "The contractual targets (99.9% monthly uptime, response times by severity) that monitoring and the on-call rota must meet.",
        },
        "",
        ["Uptime", "Incident"],
    ),
    (
        "Uptime",
        ["Availability"],
        "Fatima Zahra",
        True,
        {
            "marketing": "The share of the month the app was usable; we quote it in sales decks and on the status page.",
            "it": "Minutes the health checks succeeded divided by the minutes in the month, measured from three regions.",
        },
        "",
        ["SLA"],
    ),
    (
        "Campaign",
        [],
        "Sofia Lindqvist",
        True,
        {
            "marketing": "A coordinated set of e-mails, ads, content and events toward one goal and audience, with a budget and dates.",
            "it": "A set of tracked links (UTM parameters), landing pages and e-mail sends that may need a traffic estimate and a change freeze.",
        },
        "",
        ["Launch", "Landing page"],
    ),
    (
        "Launch",
        ["Go-live"],
        "Sofia Lindqvist",
        True,
        {
            "marketing": "Announcing a release to the market: positioning, campaign, sales enablement and press on one date.",
            "it": "The date a feature becomes available to all customers: flags switched on, capacity checked, support briefed.",
        },
        "",
        ["Release", "Campaign", "Freeze"],
    ),
    (
        "Sprint",
        ["Iteration"],
        "Hannah Okafor",
        True,
        {
            "marketing": "A two-week block in which the marketing team commits to a fixed set of tasks (content, campaign assets).",
            "it": "A two-week timebox in which the team builds and demos the stories it committed to from the backlog.",
        },
        "",
        ["Backlog"],
    ),
    (
        "Backlog",
        [],
        "Hannah Okafor",
        True,
        {
            "marketing": "The list of campaign ideas and content requests not yet scheduled.",
            "it": "The ordered list of stories, bugs and tech debt the team has not started; the product owner keeps it prioritized.",
        },
        "",
        ["Sprint", "Roadmap"],
    ),
    (
        "Persona",
        [],
        "Isabela Santos",
        True,
        {
            "marketing": "A profile of a typical buyer (role, goals, objections) that messaging and campaigns address.",
            "design": "A research-based archetype of a user: goals, tasks and frustrations, from interviews.",
            "it": "The user roles (admin, analyst, viewer) the product's permissions and flows are designed around.",
        },
        "",
        [],
    ),
    (
        "Cohort",
        [],
        "Marco Bianchi",
        False,
        {
            "marketing": "Customers grouped by the month they signed up, to compare the retention of campaigns and channels.",
            "it": "Accounts grouped by signup month in the warehouse: a column the retention queries group by.",
            "analytics": "A group of users who share a start event in the same period, followed over time.",
        },
        "",
        ["Retention"],
    ),
    (
        "Retention",
        ["Customer retention"],
        "Amara Mensah",
        True,
        {
            "marketing": "The share of customers still paying after 12 months; loyalty programs and webinars aim at it.",
            "it": "Accounts with an active subscription 12 months after their first payment, from the billing tables.",
        },
        "",
        ["Churn", "Cohort"],
    ),
    (
        "Trial",
        ["Free trial"],
        "Aiko Tanaka",
        True,
        {
            "marketing": "The 14 days a prospect uses Lumen free before choosing a plan.",
            "it": "An account with plan = trial and an expiry 14 days after creation; the nightly job downgrades expired ones.",
        },
        "",
        ["Activation"],
    ),
    (
        "Onboarding",
        [],
        "Noah Schmidt",
        True,
        {
            "marketing": "Everything that brings a new customer to activation: welcome e-mails, the checklist, a kickoff call.",
            "it": "The setup steps of a new account: workspace creation, data source connection, first import.",
            "support": "The first 30 days of a new customer, with a kickoff call and two check-ins.",
        },
        "",
        ["Activation"],
    ),
    (
        "Dashboard",
        [],
        "Marco Bianchi",
        True,
        {
            "marketing": "A page of charts a customer shares with their team; what prospects want to see in demos.",
            "it": "A saved set of chart queries rendered together and cached for five minutes.",
        },
        "",
        [],
    ),
    (
        "MRR",
        ["Monthly recurring revenue"],
        "Victor Alvarez",
        True,
        {
            "marketing": "Recurring revenue from subscriptions, normalized to a month: the headline number in board decks.",
            "it": "The sum of active subscription amounts per month from the billing system, in euros, without one-off fees.",
        },
        "",
        ["Churn"],
    ),
    (
        "Feature flag",
        ["Feature toggle"],
        "Grace Kim",
        True,
        {
            "marketing": "A switch that shows a feature to some customers first (a beta) and to everyone on launch day.",
            "it": "A runtime switch in the config service that turns code paths on per account, without a deployment.",
        },
        "",
        ["Release", "Beta"],
    ),
    (
        "Maintenance window",
        ["Maintenance"],
        "David Nguyen",
        True,
        {
            "marketing": "A planned time when the app may be unavailable; no campaigns or webinars are scheduled in it.",
            "it": "A planned slot (Sundays 02:00-04:00 UTC) for upgrades and migrations that may interrupt the service.",
        },
        "",
        ["Freeze"],
    ),
    (
        "Freeze",
        ["Change freeze"],
        "David Nguyen",
        False,
        {
            "marketing": "The weeks around a big launch when no risky changes reach the website or the app.",
            "it": "A period in which only emergency changes are deployed; declared around launches and the quarter end.",
        },
        "",
        ["Launch", "Maintenance window"],
    ),
    (
        "Engagement",
        [],
        "Aiko Tanaka",
        True,
        {
            "marketing": "How much a contact interacts with us (opens, clicks, visits, webinar attendance); feeds the lead score.",
            "it": "Product interactions per active user per week (logins, clicks, queries), from the event pipeline.",
        },
        "",
        ["MQL"],
    ),
    (
        "Customer",
        [],
        "Amara Mensah",
        True,
        {
            "marketing": "A company with a paid subscription; trials and free users are not customers yet.",
            "it": "An organization record with at least one paid subscription in billing.",
            "sales": "A company that signed an order form for a paid subscription.",
        },
        "",
        [],
    ),
    (
        "Attribution",
        [],
        "Aiko Tanaka",
        False,
        {
            "marketing": "Which campaign or channel gets the credit for a sign-up or a deal (first touch, last touch).",
            "it": "The UTM parameters and referrer stored with the first session and copied onto the account at sign-up.",
        },
        "",
        ["Conversion"],
    ),
    (
        "Landing page",
        [],
        "Lucas Moreau",
        True,
        {
            "marketing": "A page built for one campaign with one call to action.",
            "it": "A static page of the marketing site built from the CMS for a campaign; needs an entry in the CDN and the sitemap.",
        },
        "",
        ["Campaign"],
    ),
    (
        "Rollback",
        ["Roll back"],
        "Omar Haddad",
        True,
        {
            "marketing": "Undoing a change customers saw; launch messages about it are paused.",
            "it": "Undoing a change by redeploying the previous build after a failed deployment, within minutes.",
        },
        "",
        ["Deployment"],
    ),
    (
        "Post-mortem",
        ["Postmortem", "Retrospective"],
        "Fatima Zahra",
        True,
        {
            "marketing": "A blameless look back at a campaign or launch that went wrong: what happened, what we change.",
            "it": "A blameless review after an incident: timeline, impact, contributing factors and action items.",
        },
        "",
        ["Incident"],
    ),
    (
        "Beta",
        ["Early access"],
        "Sofia Lindqvist",
        False,
        {
            "marketing": "A programme in which selected customers try a feature before launch and give feedback.",
            "it": "A feature behind a flag for opted-in accounts, with reduced support guarantees.",
        },
        "",
        ["Feature flag"],
    ),
    (
        "Roadmap",
        [],
        "Priya Natarajan",
        True,
        {
            "marketing": "What we can tell customers is coming, by quarter, without promising dates.",
            "it": "The planned work per quarter, maintenance and capacity included, that releases are cut from.",
            "product": "The outcomes we bet on per quarter and the items that serve them.",
        },
        "",
        ["Backlog"],
    ),
    (
        "NPS",
        ["Net Promoter Score"],
        "Amara Mensah",
        True,
        {
            "marketing": "Promoters minus detractors in the 0-10 survey “would you recommend us?”; quoted in case studies.",
            "it": "Survey answers collected in-app every 90 days per user and stored in the feedback table.",
        },
        "",
        [],
    ),
    (
        "Ticket",
        ["Support ticket"],
        "Tom Walker",
        True,
        {
            "support": "A customer's question or problem in the help desk, with a priority and an owner.",
            "it": "A work item in the service desk queue; incidents and change requests are tickets too.",
        },
        "",
        ["Incident"],
    ),
    (
        "Change request",
        ["RFC"],
        "David Nguyen",
        True,
        {
            "marketing": "Asking IT to change something customers see (the website, the pricing page, e-mails) on a date.",
            "it": "A recorded proposal to change a production system (the app, the website) with risk, window and rollback plan.",
        },
        "",
        ["Freeze", "Rollback"],
    ),
    (
        "Webinar",
        [],
        "Lucas Moreau",
        True,
        {
            "marketing": "A live online session with registration, to teach prospects and generate leads.",
            "it": "A scheduled session on the streaming platform: registration sync to the CRM, and load on the demo environment.",
        },
        "",
        ["Lead"],
    ),
    (
        "Go-to-market",
        ["GTM"],
        "James Carter",
        True,
        {
            "marketing": "The plan for bringing a product to its market: audience, positioning, pricing, channels and the launch.",
            "it": "The launch checklist items IT owns for a go-to-market: capacity, feature flags, monitoring, support tooling.",
        },
        "",
        ["Launch"],
    ),
]

FLAG = (
    "SQL",
    "david",
    "In the pipeline review “SQLs are down” meant fewer sales qualified leads to sales and slower queries to IT. Say “sales qualified lead” or “query” until we agree.",
)
ACTIVATION_IDEA = "Onboarding checklist with sample data"


def load(context: dict) -> None:
    owner = context["owner"]
    workspace = owner.workspace
    members = {
        m.user_id: m
        for m in Membership.objects.filter(workspace=workspace).select_related("user", "workspace")
    }
    by_local = {m.user.email.split("@")[0]: m for m in members.values()}
    people = {p.name: p for p in Person.objects.filter(workspace=workspace)}

    def member_of(person):
        m = members.get(person.user_id) if person and person.user_id else None
        return m if m is not None and m.role != "viewer" else owner

    terms = {}
    for name, synonyms, owner_name, _agreed, definitions, examples, _related in TERMS:
        person = people.get(owner_name)
        proposer = member_of(person)
        terms[name] = services.term_create(
            member=proposer, name=name, synonyms=synonyms, definitions=definitions, examples=examples,
            owner_id=person.pk if person else None,
        )  # fmt: skip
    for name, *_rest, related in TERMS:
        if related:
            terms[name].related.add(*[terms[r] for r in related])
    services.touch(workspace.pk)
    for name, _s, owner_name, agreed, *_rest in TERMS:
        if agreed:
            term = terms[name]
            term.refresh_from_db(fields=["version"])
            services.term_agree(
                member=member_of(people.get(owner_name)), term_id=term.pk, version=term.version
            )
    name, local, note = FLAG
    services.term_flag(member=by_local.get(local, owner), term_id=terms[name].pk, note=note)
    # A demo idea that says "activation", so hovering it shows the definitions.
    idea = Idea.objects.filter(workspace=workspace, title=ACTIVATION_IDEA).first()
    if idea is not None:
        idea_services.idea_update(
            member=owner, idea_id=idea.pk, version=idea.version,
            description=idea.description + "\n\n**Measure:** 14-day activation of new trials, from 31% to 40%.",
        )  # fmt: skip
