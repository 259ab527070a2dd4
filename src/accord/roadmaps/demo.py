"""Demo step: product, marketing and IT roadmaps linked by dependencies, a portfolio, and a week of history."""

from datetime import timedelta

from django.utils import timezone

from . import services
from .models import ItemSnapshot, RoadmapItem


def load(context: dict) -> None:
    owner, teams = context["owner"], context["teams"]
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())

    def d(days: int):
        return monday + timedelta(days=days)

    product = services.roadmap_create(member=owner, name="Product roadmap", kind="product", time_scale="months",
                                      lanes=["Reporting", "Platform", "Integrations", "Onboarding"],
                                      description="What ships when, and why. Owned by product management.")
    marketing = services.roadmap_create(member=owner, name="Marketing roadmap", kind="marketing", time_scale="months",
                                        lanes=["Launches", "Campaigns", "Content", "Events"],
                                        description="Campaigns and launches, tied to the releases they promote.")
    it = services.roadmap_create(member=owner, name="IT roadmap", kind="it", time_scale="months",
                                 lanes=["Infrastructure", "Security", "Change windows"],
                                 description="Capacity, maintenance windows and freezes.")
    lanes = {(r.pk, lane.name): lane.pk for r in (product, marketing, it) for lane in r.lanes.all()}

    def item(roadmap, lane, title, start, end, **extra):
        return services.item_create(member=owner, roadmap_id=roadmap.pk, lane_id=lanes[(roadmap.pk, lane)], title=title,
                                    start_date=d(start), end_date=d(end), **extra)

    release = item(product, "Reporting", "Reporting 2.0 release", 7, 48, status="in_progress", percent_done=35, tags=["reporting"], team_id=teams["Product Management"].pk)
    pdf = item(product, "Reporting", "Scheduled PDF reports", 7, 30, parent_id=release.pk, status="in_progress", percent_done=60)
    item(product, "Reporting", "Dashboard annotations", 28, 48, parent_id=release.pk)
    sso = item(product, "Platform", "Self-serve SSO", 14, 60, team_id=teams["Platform Engineering"].pk, tags=["enterprise", "security"])
    perf = item(product, "Platform", "Columnar query cache", -20, 12, status="at_risk", percent_done=70, team_id=teams["Platform Engineering"].pk)
    hubspot = item(product, "Integrations", "HubSpot two-way sync", 63, 95, tags=["integrations", "marketing"])
    onboarding = item(product, "Onboarding", "Onboarding checklist with sample data", 0, 35, status="in_progress", percent_done=20)
    services.item_create(member=owner, roadmap_id=product.pk, title="Natural-language questions", bucket="later", lane_id=lanes[(product.pk, "Reporting")])
    services.item_create(member=owner, roadmap_id=product.pk, title="Usage-based pricing meter", bucket="next", lane_id=lanes[(product.pk, "Platform")])

    launch = item(marketing, "Launches", "Reporting 2.0 launch campaign", 49, 70, team_id=teams["Product Marketing"].pk, tags=["launches", "website"])
    webinar = item(marketing, "Events", "Webinar: reports your board will read", 56, 57, team_id=teams["Growth Marketing"].pk)
    trial = item(marketing, "Campaigns", "Spring trial campaign", 36, 80, team_id=teams["Growth Marketing"].pk)
    item(marketing, "Content", "Enterprise security whitepaper", 40, 62, tags=["enterprise"])
    item(marketing, "Campaigns", "HubSpot partner co-marketing", 96, 120)

    item(it, "Infrastructure", "PostgreSQL 17 upgrade", 21, 27, team_id=teams["IT Operations"].pk)
    freeze = item(it, "Change windows", "Year-end change freeze", 28, 40, team_id=teams["IT Operations"].pk)
    item(it, "Security", "SOC 2 evidence collection", 0, 60, team_id=teams["IT Operations"].pk)
    item(it, "Infrastructure", "Load-test the reporting cluster", 38, 45)

    services.dependency_create(member=owner, predecessor_id=release.pk, successor_id=launch.pk)
    services.dependency_create(member=owner, predecessor_id=release.pk, successor_id=webinar.pk)
    services.dependency_create(member=owner, predecessor_id=onboarding.pk, successor_id=trial.pk)
    services.dependency_create(member=owner, predecessor_id=pdf.pk, successor_id=release.pk, kind="start_to_start")
    services.dependency_create(member=owner, predecessor_id=perf.pk, successor_id=sso.pk)
    services.dependency_create(member=owner, predecessor_id=sso.pk, successor_id=hubspot.pk)
    services.dependency_create(member=owner, predecessor_id=freeze.pk, successor_id=launch.pk, kind="start_to_start")

    services.milestone_create(member=owner, name="Reporting 2.0 GA", date_=d(49), roadmap_id=product.pk)
    services.milestone_create(member=owner, name="Q1 board meeting", date_=d(75))
    services.milestone_create(member=owner, name="Sales kick-off", date_=d(63), roadmap_id=marketing.pk)

    services.roadmap_create(member=owner, name="Company portfolio", kind="portfolio", time_scale="quarters", includes=[product.pk, marketing.pk, it.pk],
                            description="Product, marketing and IT together: one plan everyone can see.")

    # The plan as it stood a week ago; then this week the release slipped two weeks, which the
    # "what changed since Monday" diff shows and which now collides with the launch campaign.
    ItemSnapshot.objects.update(at=timezone.now() - timedelta(days=7))
    current = RoadmapItem.objects.get(pk=release.pk)
    services.item_move(member=owner, item_id=release.pk, version=current.version, start_date=d(21), end_date=d(62))
    context["roadmaps"] = {"product": product, "marketing": marketing, "it": it}
