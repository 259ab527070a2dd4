"""The initiatives part of the demo workspace (accord.demo.loader.STEPS): two initiatives at
different stages, with real ideas, roadmap items and goals, a stage history, gates partly met and a
signer still to sign (and the owner of Lumen Insights 2.0 signing their own gate, which the
conflict checks flag); the company portfolio coloured by stage and a saved view "In build"."""

from accord.ideas.models import Idea
from accord.roadmaps import services as roadmaps
from accord.roadmaps.models import Roadmap, RoadmapItem, RoadmapKind
from accord.workspaces.models import Membership, Person

from . import services
from .lifecycle import ensure_stages
from .models import GateCriterion

INITIATIVES = [
    {
        "name": "Lumen Insights 2.0",
        "kind": "release",
        "owner": "Marco Bianchi",
        "description": "Reporting that managers read without logging in: scheduled PDF reports, annotations and a "
        "faster query engine, launched with product marketing.",
        "ideas": ["Scheduled PDF reports by e-mail", "Natural-language questions on dashboards",
                  "Churn-risk alerts for account managers"],
        "items": ["Reporting 2.0 release", "Scheduled PDF reports", "Dashboard annotations", "Columnar query cache",
                  "Load-test the reporting cluster"],
        "goals": ["advocacy", "revenue"],
        # stage key -> (criteria met: indexes or "all", [(signer, signed?)], evidence when leaving it)
        "path": [
            ("discovery", "all", [("Priya Natarajan", True), ("Sofia Lindqvist", True)],
             "Twelve customer interviews: managers want reports in their inbox; the business case was reviewed."),
            ("build", [0, 2], [("Grace Kim", True), ("Marco Bianchi", True), ("Sofia Lindqvist", False)], ""),
        ],
    },
    {
        "name": "Spring campaign",
        "kind": "campaign",
        "owner": "Aiko Tanaka",
        "description": "Trials from the spring campaign and the board-reporting webinar.",
        "ideas": ["Funnel comparison across segments"],
        "items": ["Spring trial campaign", "Webinar: reports your board will read"],
        "goals": ["pipeline"],
        "path": [
            ("strategy", "all", [("James Carter", True)], "Budget approved in the marketing plan."),
            ("discovery", [0], [("James Carter", False), ("Priya Natarajan", False)], ""),
        ],
    },
]  # fmt: skip


def load(context: dict) -> None:
    owner, workspace = context["owner"], context["workspace"]
    stages = {s.key: s for s in ensure_stages(workspace.pk)}
    people = {p.name: p for p in Person.objects.filter(workspace=workspace)}
    members = {
        m.user_id: m
        for m in Membership.objects.filter(workspace=workspace).select_related("user", "workspace")
    }
    ideas = {i.title: i.pk for i in Idea.objects.filter(workspace=workspace)}
    items = {i.title: i.pk for i in RoadmapItem.objects.filter(workspace=workspace)}
    goals = context.get("goals") or {}
    made = {}
    for spec in INITIATIVES:
        first = spec["path"][0][0]
        initiative = services.initiative_create(
            member=owner, name=spec["name"], kind=spec["kind"], description=spec["description"],
            owner_id=people[spec["owner"]].pk if spec["owner"] in people else None, stage_id=stages[first].pk,
            idea_ids=[ideas[t] for t in spec["ideas"] if t in ideas],
            roadmap_item_ids=[items[t] for t in spec["items"] if t in items],
            goal_ids=[goals[k].pk for k in spec["goals"] if k in goals],
        )  # fmt: skip
        for n, (key, met, signers, evidence) in enumerate(spec["path"]):
            criteria = list(GateCriterion.objects.filter(initiative=initiative, stage=stages[key]))
            for i, criterion in enumerate(criteria):
                if met == "all" or i in met:
                    services.criterion_check(member=owner, criterion_id=criterion.pk)
            for name, signed in signers:
                person = people.get(name)
                if person is None:
                    continue
                services.signer_add(member=owner, initiative_id=initiative.pk, person_id=person.pk)
                if signed and person.user_id in members:
                    services.gate_sign(member=members[person.user_id], initiative_id=initiative.pk)
            if n + 1 < len(spec["path"]):
                nxt = stages[spec["path"][n + 1][0]]
                services.initiative_move(
                    member=owner, initiative_id=initiative.pk, to_stage_id=nxt.pk, evidence=evidence
                )
        made[spec["name"]] = initiative
    context["initiatives"] = made
    # Stage on the roadmaps: the portfolio's bars coloured by the stage of their initiative, and a
    # saved view of the product roadmap with what is in build.
    portfolio = Roadmap.objects.filter(workspace=workspace, kind=RoadmapKind.PORTFOLIO).first()
    if portfolio is not None:
        roadmaps.roadmap_update(member=owner, roadmap_id=portfolio.pk, version=portfolio.version,
                                color_by="stage")  # fmt: skip
    product = (context.get("roadmaps") or {}).get("product")
    if product is not None:
        roadmaps.saved_view_create(member=owner, roadmap_id=product.pk, name="In build",
                                   filters={"stage": "build"})  # fmt: skip
