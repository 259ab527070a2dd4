"""Fixtures of the portal tests: an enabled portal of "acme" with a published idea."""

import pytest


@pytest.fixture
def portal(cast):
    from accord.ideas import services as ideas
    from accord.portal import services

    admin = cast.members["admin"]
    portal = services.portal_update(
        member=admin, version=1, enabled=True, title="Acme ideas", intro="Tell us **more**."
    )
    portal.idea = ideas.idea_create(member=admin, title="Dark mode", description="Easier on the *eyes*.")
    services.idea_publish(member=admin, idea_id=portal.idea.pk)
    return portal


@pytest.fixture(autouse=True)
def _no_member_notifications(monkeypatch):
    """These tests count the mails the portal sends its customers; the members' own notifications
    (an idea's watchers hear that it shipped) are accord.notifications' and tested there."""
    from accord.audit.services import LISTENERS

    monkeypatch.delitem(LISTENERS, "notifications.inbox", raising=False)
