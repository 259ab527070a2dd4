from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accord.roadmaps import services as rm_services
from accord.workspaces import services as ws_services
from accord.workspaces.models import Person

WHEN = timezone.make_aware(datetime(2031, 3, 3, 20, 0))  # a Monday evening, well in the future


def at(days: float = 0, hours: float = 0) -> datetime:
    return WHEN + timedelta(days=days, hours=hours)


@pytest.fixture
def people(cast):
    """An IT team (with the contributor), a marketing team (with the editor); persons for each role."""
    admin = cast.members["admin"]
    it = ws_services.team_create(member=admin, name="Platform", kind="it")
    mkt = ws_services.team_create(member=admin, name="Growth marketing", kind="marketing")
    out = {}
    for role, teams in (
        ("contributor", [it.pk]),
        ("editor", [mkt.pk]),
        ("viewer", []),
        ("admin", []),
    ):
        m = cast.members[role]
        p = Person.objects.filter(workspace=cast.workspace, user=m.user).first()
        if p is None:
            p = Person.objects.create(
                workspace=cast.workspace, user=m.user, name=f"{role.capitalize()} Person"
            )
        p.teams.set(teams)
        out[role] = p
    out["it"], out["marketing"] = it, mkt
    return out


@pytest.fixture
def campaign(cast):
    """A marketing roadmap with a campaign item tagged "website", Mar 1-10 2031."""
    admin = cast.members["admin"]
    rm = rm_services.roadmap_create(member=admin, name="Marketing 2031", kind="marketing")
    return rm_services.item_create(
        member=admin, roadmap_id=rm.pk, title="Spring launch campaign", start_date=at(-2).date(), end_date=at(7).date(),
        tags=["website"],
    )  # fmt: skip
