import pytest

from accord.feedback import services
from accord.ideas import services as idea_services


@pytest.fixture
def say(cast, django_capture_on_commit_callbacks):
    """say("text", ...) captures feedback as the editor and runs the on-commit embedding."""

    def make(text: str, role: str = "editor", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return services.feedback_create(member=cast.members[role], text=text, **fields)

    return make


@pytest.fixture
def idea(cast):
    def make(title: str, description: str = ""):
        return idea_services.idea_create(member=cast.members["editor"], title=title, description=description)

    return make
