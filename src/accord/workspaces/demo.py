"""Demo step: Lumen Analytics, a B2B analytics SaaS company with product, marketing and IT teams."""

from django.contrib.auth import get_user_model

from . import services
from .models import Membership, Person, Role

TEAMS = [
    ("Product Management", "product", "Owns the product roadmap and prioritization."),
    ("Product Marketing", "marketing", "Positioning, launches and campaign evidence."),
    ("Growth Marketing", "marketing", "Demand generation, funnels and conversion."),
    ("Platform Engineering", "it", "Core platform, releases and maintenance windows."),
    ("IT Operations", "it", "Infrastructure, change control and freezes."),
    ("Design", "design", "Research and product design."),
    ("Sales", "sales", "Enterprise and mid-market sales."),
    ("Customer Support", "support", "Tickets, onboarding and customer voice."),
    ("Analytics", "analytics", "Product analytics and metrics."),
]

# name, e-mail local part, title, teams, skills, interests, role (None: listed person without a login)
PEOPLE = [
    ("Priya Natarajan", "priya", "Head of Product", ["Product Management"], ["roadmapping", "prioritization", "stakeholder management"], ["pricing", "enterprise"], Role.ADMIN),
    ("Marco Bianchi", "marco", "Product Manager, Reporting", ["Product Management"], ["discovery", "user interviews", "SQL"], ["data visualization", "AI"], Role.EDITOR),
    ("Hannah Okafor", "hannah", "Product Owner, Integrations", ["Product Management", "Platform Engineering"], ["backlog management", "APIs", "scrum"], ["integrations", "developer experience"], Role.EDITOR),
    ("Sofia Lindqvist", "sofia", "Product Marketing Manager", ["Product Marketing"], ["positioning", "messaging", "launch planning"], ["competitive intelligence", "storytelling"], Role.EDITOR),
    ("James Carter", "james", "VP Marketing", ["Product Marketing", "Growth Marketing"], ["brand strategy", "budgeting"], ["brand", "analyst relations"], Role.EDITOR),
    ("Aiko Tanaka", "aiko", "Growth Marketer", ["Growth Marketing"], ["SEO", "paid acquisition", "A/B testing"], ["funnels", "lifecycle e-mail"], Role.CONTRIBUTOR),
    ("Lucas Moreau", "lucas", "Content Lead", ["Growth Marketing"], ["copywriting", "SEO", "webinars"], ["thought leadership"], Role.CONTRIBUTOR),
    ("Grace Kim", "grace", "Engineering Lead, Platform", ["Platform Engineering"], ["architecture", "capacity planning", "Python"], ["reliability", "performance"], Role.EDITOR),
    ("Omar Haddad", "omar", "Senior Engineer", ["Platform Engineering"], ["PostgreSQL", "Kubernetes", "Go"], ["observability"], Role.CONTRIBUTOR),
    ("Elena Petrova", "elena", "Frontend Engineer", ["Platform Engineering"], ["TypeScript", "accessibility", "design systems"], ["data visualization"], Role.CONTRIBUTOR),
    ("David Nguyen", "david", "IT Operations Manager", ["IT Operations"], ["change management", "ITIL", "incident response"], ["automation", "security"], Role.EDITOR),
    ("Fatima Zahra", "fatima", "Site Reliability Engineer", ["IT Operations"], ["on-call", "Terraform", "monitoring"], ["post-mortems"], None),
    ("Noah Schmidt", "noah", "Product Designer", ["Design"], ["interaction design", "prototyping", "usability testing"], ["accessibility", "onboarding"], Role.CONTRIBUTOR),
    ("Isabela Santos", "isabela", "UX Researcher", ["Design"], ["user research", "surveys", "Kano analysis"], ["customer voice"], None),
    ("Ryan O'Connor", "ryan", "Account Executive", ["Sales"], ["negotiation", "enterprise sales"], ["pricing", "competitive deals"], Role.VIEWER),
    ("Mei Chen", "mei", "Sales Engineer", ["Sales"], ["demos", "solution architecture", "APIs"], ["integrations"], None),
    ("Tom Walker", "tom", "Support Lead", ["Customer Support"], ["customer empathy", "knowledge base", "triage"], ["self-service", "feedback loops"], Role.CONTRIBUTOR),
    ("Amara Mensah", "amara", "Customer Success Manager", ["Customer Support"], ["onboarding", "renewals"], ["retention"], None),
    ("Victor Alvarez", "victor", "Data Analyst", ["Analytics"], ["SQL", "dbt", "experimentation"], ["metrics design", "forecasting"], Role.VIEWER),
    ("Chloe Dubois", "chloe", "Chief Executive Officer", [], ["strategy", "fundraising"], ["vision", "go-to-market"], Role.VIEWER),
]

DOMAIN = "lumen.example"


def load(context: dict) -> None:
    admin = context["admin"]
    User = get_user_model()
    workspace = services.workspace_create(
        user=admin, name="Lumen Analytics", slug=context["slug"],
        description="B2B product analytics for mid-market SaaS. One plan for product, marketing and IT.",
    )
    owner = Membership.objects.select_related("workspace", "user").get(workspace=workspace, user=admin)
    teams = {name: services.team_create(member=owner, name=name, kind=kind, description=desc) for name, kind, desc in TEAMS}
    for name, local, title, team_names, skills, interests, role in PEOPLE:
        email = f"{local}@{context.get('domain', DOMAIN)}"
        if role is not None:
            user = User.objects.filter(email=email).first() or User.objects.create_user(email, context["password"], name=name)
            services.member_add(member=owner, user=user, role=role)
            person = Person.objects.get(workspace=workspace, email=email)
            services.person_update(
                member=owner, person_id=person.pk, version=person.version, name=name, title=title,
                team_ids=[teams[t].pk for t in team_names], skills=skills, interests=interests,
            )
        else:
            services.person_create(
                member=owner, name=name, email=email, title=title,
                team_ids=[teams[t].pk for t in team_names], skills=skills, interests=interests,
            )
    # A second, smaller workspace so switching between workspaces can be tried at once.
    sandbox = services.workspace_create(user=admin, name="Lumen Labs (sandbox)", slug=f"{context['slug']}-labs", description="A place to try things without touching the real plan.")
    sandbox_owner = Membership.objects.select_related("workspace", "user").get(workspace=sandbox, user=admin)
    services.team_create(member=sandbox_owner, name="Experiments", kind="product")
    context["workspace"] = workspace
    context["owner"] = owner
    context["teams"] = teams
