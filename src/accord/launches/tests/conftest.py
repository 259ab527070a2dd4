from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accord.roadmaps import services as rm
from accord.workspaces import services as ws


@dataclass
class Plan:
    product: object
    marketing: object
    it: object
    release: object
    feature: object
    campaign: object
    webinar: object
    outage: object
    pm: object  # a person of a product team
    marketer: object  # a person of a marketing team
    release_end: date


def build_plan(cast, member=None) -> Plan:
    """Product, marketing and IT roadmaps; a release ending in 30 days, a campaign and a webinar."""
    admin = member or cast.members["admin"]
    today = timezone.localdate()
    product = rm.roadmap_create(member=admin, name="Product", kind="product", lanes=["Reporting"])
    marketing = rm.roadmap_create(
        member=admin, name="Marketing", kind="marketing", lanes=["Launches"]
    )
    it = rm.roadmap_create(member=admin, name="IT", kind="it", lanes=["Ops"])

    def item(roadmap, title, start, end):
        return rm.item_create(member=admin, roadmap_id=roadmap.pk, title=title, lane_id=roadmap.lanes.first().pk,
                              start_date=today + timedelta(days=start), end_date=today + timedelta(days=end))  # fmt: skip

    release = item(product, "Reporting 2.0", -10, 30)
    feature = item(product, "Scheduled PDFs", -10, 20)
    campaign = item(marketing, "Launch campaign", 31, 60)
    webinar = item(marketing, "Webinar", 35, 35)
    outage = item(it, "Database upgrade", 10, 12)
    product_team = ws.team_create(member=admin, name="Product management", kind="product")
    marketing_team = ws.team_create(member=admin, name="Product marketing", kind="marketing")
    pm = ws.person_create(member=admin, name="Priya PM", team_ids=[product_team.pk])
    marketer = ws.person_create(member=admin, name="Marco Marketer", team_ids=[marketing_team.pk])
    return Plan(
        product,
        marketing,
        it,
        release,
        feature,
        campaign,
        webinar,
        outage,
        pm,
        marketer,
        release.end_date,
    )


@pytest.fixture
def plan(cast):
    return build_plan(cast)


@pytest.fixture
def today():
    return timezone.localdate()
