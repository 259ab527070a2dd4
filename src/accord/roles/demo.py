"""The roles part of the demo workspace (accord.demo.loader.STEPS): role assignments and RACI on
the demo's two initiatives (made by the initiatives step; made here, minimally, when it made none),
with one deliberate conflict (a product owner who is also scrum master) and an activity with two
Accountables, so the checks have something to say."""

from accord.initiatives.models import Initiative, LifecycleStage
from accord.workspaces.models import Person

from . import services
from .models import RoleDefinition
from .testing import initiative as minimal_initiative

# initiative -> (role key, person) assignments, then (stage key, activity, skills, gate, {person: value})
PLANS = [
    (
        [("product-manager", "Marco Bianchi"), ("product-owner", "Hannah Okafor"), ("scrum-master", "Hannah Okafor"),
         ("product-marketing-manager", "Sofia Lindqvist"), ("engineering-lead", "Grace Kim"), ("it-operations", "David Nguyen"),
         ("product-designer", "Noah Schmidt"), ("product-analyst", "Victor Alvarez")],
        [
            ("discovery", "Customer interviews", ["user interviews"], False, {"Marco Bianchi": "A", "Isabela Santos": "R", "Sofia Lindqvist": "C"}),
            ("discovery", "Discovery gate review", [], True, {"Priya Natarajan": "A", "Marco Bianchi": "R", "Sofia Lindqvist": "C"}),
            ("build", "Build the report scheduler API", ["APIs", "Python"], False, {"Grace Kim": "A", "Omar Haddad": "R", "Hannah Okafor": "A", "David Nguyen": "C"}),
            ("build", "Release runbook", ["change management"], False, {"David Nguyen": "A", "Fatima Zahra": "R", "Grace Kim": "C"}),
            ("build", "Positioning and pitch", ["positioning", "messaging"], False, {"Sofia Lindqvist": "A", "Marco Bianchi": "C"}),
            ("launch", "Launch campaign", ["SEO", "copywriting"], False, {"James Carter": "A", "Aiko Tanaka": "R", "Lucas Moreau": "R", "Sofia Lindqvist": "C"}),
        ],
    ),
    (
        [("product-manager", "Priya Natarajan"), ("product-marketing-manager", "Sofia Lindqvist"), ("channel-marketing", "Aiko Tanaka")],
        [
            ("strategy", "Market sizing", ["pricing"], False, {"Priya Natarajan": "A", "Victor Alvarez": "R"}),
            ("strategy", "Competitive landscape", ["competitive intelligence"], False, {"Sofia Lindqvist": "A", "Ryan O'Connor": "C"}),
            ("discovery", "Onboarding prototype", ["prototyping"], False, {"Noah Schmidt": "R", "Priya Natarajan": "A", "Amara Mensah": "C"}),
        ],
    ),
]  # fmt: skip
DEMO_NAMES = ["Lumen Insights 2.0", "Spring campaign"]  # made by accord.initiatives.demo
DEFAULT_NAMES = [("Scheduled reports", "build"), ("Self-serve onboarding", "discovery")]


def load(context: dict) -> None:
    workspace, owner = context["workspace"], context["owner"]
    services.ensure_defaults(workspace)
    roles = {r.key: r.pk for r in RoleDefinition.objects.filter(workspace=workspace)}
    people = {p.name: p.pk for p in Person.objects.filter(workspace=workspace)}
    # The initiatives step's two (by name), else the workspace's first two, else minimal ones.
    active = Initiative.objects.filter(workspace=workspace, archived_at__isnull=True).order_by("pk")
    by_name = {i.name: i for i in active.filter(name__in=DEMO_NAMES)}
    found = [by_name[n] for n in DEMO_NAMES if n in by_name] or list(active[:2])
    for name, stage in DEFAULT_NAMES[len(found) :]:
        found.append(minimal_initiative(workspace, name, stage=stage, owner_id=None))
    stages = {s.key: s.pk for s in LifecycleStage.objects.filter(workspace=workspace)}
    for initiative, (assignments, activities) in zip(found, PLANS, strict=False):
        for key, name in assignments:
            if key in roles and name in people:
                services.assignment_create(
                    member=owner,
                    initiative_id=initiative.pk,
                    role_id=roles[key],
                    person_id=people[name],
                )
        cells = []
        for stage, name, skills, gate, values in activities:
            activity = services.activity_create(member=owner, initiative_id=initiative.pk, name=name,
                                                stage_id=stages.get(stage), skills=skills, gate_approval=gate)  # fmt: skip
            cells += [
                {"activity_id": activity.pk, "person_id": people[p], "value": v}
                for p, v in values.items()
                if p in people
            ]
        services.cells_set(member=owner, initiative_id=initiative.pk, cells=cells)
