import pytest

from accord.feedback import services
from accord.ideas import services as idea_services


@pytest.fixture
def make_feedback(cast):
    def make(text="Please add an export to Excel, we need it for the board.", role="contributor", **fields):
        fields.setdefault("source", "sales_call")
        return services.feedback_create(member=cast.members[role], text=text, **fields)

    return make


@pytest.fixture
def make_idea(cast):
    def make(title="Excel export", role="editor"):
        return idea_services.idea_create(member=cast.members[role], title=title)

    return make


@pytest.fixture
def demand_model(cast):
    """A weighted model whose "demand" criterion is the feedback.linked evidence (saturation 4)."""
    return idea_services.scoring_model_create(
        member=cast.members["editor"],
        name="Demand",
        kind="weighted",
        is_default=True,
        criteria=[
            {"key": "value", "role": "benefit", "weight": 50},
            {"key": "demand", "role": "benefit", "weight": 50, "source": "feedback.linked", "saturation": 4},
        ],
    )
