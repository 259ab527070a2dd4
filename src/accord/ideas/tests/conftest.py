import pytest

from accord.ideas import services

WEIGHTED = [
    {"key": "value", "name": "Customer value", "role": "benefit", "weight": 60},
    {"key": "effort", "name": "Effort", "role": "cost", "weight": 40},
]


@pytest.fixture
def scorecard(cast):
    """A weighted model (value 60 benefit, effort 40 cost, 1-5), the default of workspace acme."""
    return services.scoring_model_create(member=cast.members["editor"], name="Scorecard", kind="weighted", criteria=WEIGHTED, is_default=True)


@pytest.fixture
def make_idea(cast):
    def make(title="An idea", role="contributor", **fields):
        return services.idea_create(member=cast.members[role], title=title, **fields)

    return make
