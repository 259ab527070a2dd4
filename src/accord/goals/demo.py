"""Demo step: company goals shared by product and marketing, each department's own metrics, a year
of weekly measurements, and links from ideas and roadmap items to the goals they serve."""

import math
from datetime import timedelta

from django.utils import timezone

from accord.roadmaps.models import RoadmapItem
from accord.workspaces.models import Person

from . import services

# (key result, unit, direction, baseline, target, target_min, how far it got (share of the way), wobble)
COMPANY = [
    ("Grow annual recurring revenue", "Revenue is what funds the roadmap; product and marketing share it.", [
        ("ARR (EUR million)", "currency", "increase", 8.0, 12.0, None, 0.86, 0.02),
        ("Net revenue retention", "percent", "increase", 98.0, 110.0, None, 0.82, 0.01),
    ]),
    ("Become the reporting tool teams recommend", "Word of mouth is our cheapest channel.", [
        ("Net promoter score", "number", "increase", 24, 40, None, 0.9, 0.04),
        ("Average review rating", "number", "increase", 4.1, 4.6, None, 0.85, 0.01),
    ]),
]
PRODUCT = [
    ("Keep customers longer", "Product Management", [
        ("Monthly logo churn", "percent", "decrease", 2.4, 1.5, None, 0.84, 0.03),
        ("Weekly active teams", "count", "increase", 1800, 2600, None, 0.8, 0.02),
    ]),
    ("Fast, reliable reports", "Product Management", [
        ("p95 report load time (s)", "number", "range", 4.5, 2.0, 0.5, 0.9, 0.04),
    ]),
]
MARKETING = [
    ("Fill the pipeline", "Growth Marketing", [
        ("Marketing-qualified leads per week", "count", "increase", 120, 260, None, 0.74, 0.06),
        ("Trial-to-paid conversion", "percent", "increase", 8.0, 12.0, None, 0.45, 0.03),
    ]),
    ("Be known for board-ready reporting", "Product Marketing", [
        ("Branded search share", "percent", "increase", 11.0, 18.0, None, 0.72, 0.04),
    ]),
]


def _series(baseline: float, target: float, share: float, wobble: float, weeks: int, seed: int) -> list[float]:
    """A deterministic, plausible path from the baseline towards the target with some noise."""
    out = []
    for w in range(weeks):
        progress = share * (w / max(weeks - 1, 1)) ** 0.9
        noise = math.sin(w * 1.7 + seed) * wobble * abs(target - baseline + (baseline or 1) * 0.5)
        out.append(round(baseline + (target - baseline) * progress + noise, 2))
    return out


def load(context: dict) -> None:
    owner, teams = context["owner"], context["teams"]
    today = timezone.localdate()
    start, end = today - timedelta(days=364), today + timedelta(days=91)
    people = {p.name: p.pk for p in Person.objects.filter(workspace=context["workspace"])}
    weeks = 53
    seed = 0

    def add(title: str, why: str, level: str, team_names: list[str], parent, owner_name: str, krs: list):
        nonlocal seed
        goal = services.goal_create(
            member=owner, title=title, description=why, level=level, parent_id=parent.pk if parent else None,
            team_ids=[teams[t].pk for t in team_names], owner_id=people.get(owner_name),
            period_kind="custom", start_date=start, end_date=end,
        )  # fmt: skip
        rows = []
        for name, unit, direction, base, target, tmin, share, wobble in krs:
            kr = services.key_result_create(
                member=owner, goal_id=goal.pk, name=name, unit=unit, direction=direction, baseline=base,
                target=target, target_min=tmin, currency="EUR" if unit == "currency" else "",
                owner_id=people.get(owner_name),
            )  # fmt: skip
            seed += 1
            goal_value = (tmin + target) / 2 if direction == "range" else target
            values = _series(base, goal_value, share, wobble, weeks, seed)
            for w, value in enumerate(values):
                day = today - timedelta(days=7 * (weeks - 1 - w))
                if unit == "count":
                    value = round(value)
                rows.append({"key_result_id": kr.pk, "date": day, "value": value,
                             "note": "weekly report" if w % 4 else "month close"})  # fmt: skip
        services.measurements_record(member=owner, rows=rows, source="api")
        return goal

    revenue = add(*COMPANY[0][:2], "company", [], None, "Priya Natarajan", COMPANY[0][2])
    advocacy = add(*COMPANY[1][:2], "company", [], None, "James Carter", COMPANY[1][2])
    retention = add(PRODUCT[0][0], "Retention is the product's share of revenue growth.", "department",
                    [PRODUCT[0][1]], revenue, "Priya Natarajan", PRODUCT[0][2])
    speed = add(PRODUCT[1][0], "Slow reports are the first complaint in reviews.", "department",
                [PRODUCT[1][1]], advocacy, "Marco Bianchi", PRODUCT[1][2])
    pipeline = add(MARKETING[0][0], "Leads and conversion: marketing's share of revenue growth.", "department",
                   [MARKETING[0][1]], revenue, "Aiko Tanaka", MARKETING[0][2])
    brand = add(MARKETING[1][0], "Brand awareness makes every campaign cheaper.", "department",
                [MARKETING[1][1]], advocacy, "Sofia Lindqvist", MARKETING[1][2])

    items = {i.title: i.pk for i in RoadmapItem.objects.filter(workspace=context["workspace"])}
    for goal, titles in (
        (retention, ["Onboarding checklist with sample data", "HubSpot two-way sync"]),
        (speed, ["Columnar query cache", "Reporting 2.0 release", "Load-test the reporting cluster"]),
        (pipeline, ["Spring trial campaign", "Webinar: reports your board will read"]),
        (brand, ["Reporting 2.0 launch campaign", "Enterprise security whitepaper"]),
        (revenue, ["Self-serve SSO"]),
    ):
        for title in titles:
            if title in items:
                services.goal_link_item(member=owner, goal_id=goal.pk, item_id=items[title])
    ideas = context.get("ideas") or []
    for goal, picks in ((retention, ideas[0:3]), (pipeline, ideas[3:5]), (revenue, ideas[5:7]), (speed, ideas[7:8])):
        for idea in picks:
            services.goal_link_idea(member=owner, goal_id=goal.pk, idea_id=idea.pk)
    context["goals"] = {"revenue": revenue, "advocacy": advocacy, "pipeline": pipeline}
