"""How feedback, customers and links to ideas read in the history."""

from accord.audit import history
from accord.audit.models import AuditEntry
from accord.feedback import services


def told(workspace, **filters):
    entry = AuditEntry.objects.filter(workspace=workspace, **filters).order_by("-id").first()
    return history.tell([entry], slug=workspace.slug)[0]


def test_feedback_with_its_customer_then_triaged(cast, make_feedback):
    fb = make_feedback(title="Excel export", customer={"name": "Ada Lovelace", "company": "Analytical", "segment": "smb"})
    created = told(cast.workspace, object_type="feedback", action="created")
    assert created.text == "Contributor created feedback Excel export"
    assert [d.text.split(":")[0] for d in created.details] == ["Title", "Source", "Customer", "Status", "Received"]
    assert "Customer: Ada Lovelace" in [d.text for d in created.details]
    services.feedback_update(member=cast.members["editor"], feedback_id=fb.pk, version=fb.version, status="reviewed")
    assert told(cast.workspace, object_type="feedback", action="updated").text_here == "Editor changed Status from New to Reviewed on this feedback"


def test_a_link_names_the_feedback_and_the_idea(cast, make_feedback, make_idea):
    fb = make_feedback(text="Please add an export to Excel, we need it for the board.")
    idea = make_idea("Excel export")
    link = services.link_create(member=cast.members["editor"], feedback_id=fb.pk, idea_id=idea.pk, quote="export to Excel", importance="critical")
    story = told(cast.workspace, object_type="feedbacklink")
    assert story.text == "Editor linked feedback “Please add an export to Excel, we need it for the board.” to idea Excel export"
    assert [d.text for d in story.details] == ["Quote: “export to Excel”", "Importance: Critical"]
    services.link_update(member=cast.members["editor"], link_id=link.pk, importance="important")
    assert told(cast.workspace, object_type="feedbacklink", action="updated").text == (
        "Editor changed Importance from Critical to Important on the link of feedback "
        "“Please add an export to Excel, we need it for the board.” to idea Excel export"
    )
