"""How the portal reads in the history: its settings and the ideas it publishes."""

from accord.audit import history
from accord.audit.models import AuditEntry
from accord.ideas import services as idea_services
from accord.portal import services


def told(workspace, **filters):
    entry = AuditEntry.objects.filter(workspace=workspace, **filters).order_by("-id").first()
    return history.tell([entry], slug=workspace.slug)[0]


def test_opening_the_portal_and_publishing_an_idea(cast):
    admin = cast.members["admin"]
    services.portal_update(member=admin, version=1, enabled=True)
    assert told(cast.workspace, object_type="portal").text == "Ada Admin turned on the portal"
    idea = idea_services.idea_create(member=admin, title="Dark mode")
    services.idea_publish(member=admin, idea_id=idea.pk, public_title="A dark theme", public_description="For **night** owls")
    story = told(cast.workspace, action="published")
    assert story.text == "Ada Admin published idea Dark mode on the portal"
    assert [d.text for d in story.details] == ["Public title: A dark theme", "Public text:"]
    assert "<strong>night</strong>" in story.details[1].html
