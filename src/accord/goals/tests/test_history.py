"""How goals, key results, measurements and links read in the history."""

from accord.audit import history
from accord.audit.models import AuditEntry
from accord.goals import services
from accord.ideas import services as idea_services
from accord.workspaces import services as ws_services

from .conftest import days_ago


def told(workspace, **filters):
    entry = AuditEntry.objects.filter(workspace=workspace, **filters).order_by("-id").first()
    return history.tell([entry], slug=workspace.slug)[0]


def test_a_goal_names_its_owner_and_period(cast, company_goal):
    story = told(cast.workspace, object_type="goal", action="created")
    assert story.text == "Ada Admin created goal Grow qualified demand"
    assert [d.text.split(":")[0] for d in story.details] == ["Level", "Period", "Starts", "Ends"]


def test_a_key_result_change_and_its_owner(cast, company_goal):
    admin = cast.members["admin"]
    _goal, kr = company_goal
    person = ws_services.person_create(member=admin, name="Aiko Tanaka")
    services.key_result_update(member=admin, key_result_id=kr.pk, version=kr.version, target=600, owner_id=person.pk)
    story = told(cast.workspace, object_type="key result", action="updated")
    assert story.text == "Ada Admin updated key result Qualified leads per week"
    assert [d.text for d in story.details] == ["Changed Target from 500 to 600", "Set Owner to Aiko Tanaka"]


def test_links_and_measurements(cast, company_goal, today):
    admin = cast.members["admin"]
    goal, kr = company_goal
    idea = idea_services.idea_create(member=admin, title="Self-serve trial")
    services.goal_link_idea(member=admin, goal_id=goal.pk, idea_id=idea.pk)
    assert told(cast.workspace, action="linked").text == "Ada Admin linked idea Self-serve trial to goal Grow qualified demand"
    services.goal_unlink_idea(member=admin, goal_id=goal.pk, idea_id=idea.pk)
    assert told(cast.workspace, action="unlinked").text == "Ada Admin unlinked idea Self-serve trial from goal Grow qualified demand"
    services.measurements_record(member=admin, rows=[{"key_result_id": kr.pk, "date": days_ago(today, n), "value": 100 + n} for n in (1, 2)])
    assert told(cast.workspace, action="measured").text == "Ada Admin recorded 2 measurements of Qualified leads per week through the API"
