from datetime import date, timedelta

import pytest

from accord.goals import services


@pytest.fixture
def editor(cast, api):
    return api(cast.tokens["editor"])


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def company_goal(cast, today):
    """A company goal over the current year, with one key result (leads, count, 100 -> 500)."""
    admin = cast.members["admin"]
    goal = services.goal_create(
        member=admin,
        title="Grow qualified demand",
        level="company",
        period_kind="custom",
        start_date=today - timedelta(days=180),
        end_date=today + timedelta(days=180),
    )
    kr = services.key_result_create(
        member=admin, goal_id=goal.pk, name="Qualified leads per week", unit="count",
        baseline=100, target=500,
    )  # fmt: skip
    return goal, kr


def days_ago(today: date, n: int) -> str:
    return (today - timedelta(days=n)).isoformat()
