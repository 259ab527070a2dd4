"""How ideas, scores, decisions, rounds and scoring models read in the history."""

from datetime import date

from accord.audit import history
from accord.audit.models import AuditEntry
from accord.ideas import services
from accord.workspaces import services as ws_services


def told(workspace, **filters):
    entry = AuditEntry.objects.filter(workspace=workspace, **filters).order_by("-id").first()
    return history.tell([entry], slug=workspace.slug)[0]


def test_an_idea_created_edited_and_moved_along(cast, make_idea):
    editor = cast.members["editor"]
    team = ws_services.team_create(member=cast.members["admin"], name="Marketing", kind="marketing")
    idea = make_idea("Dark mode", description="Easier on the **eyes**", department_id=team.pk, tags=["ui"])
    created = told(cast.workspace, object_type="idea", action="created")
    assert created.text == "Contributor created idea Dark mode"
    assert [d.text for d in created.details] == ["Description:", "Department: Marketing", "Tags: ui"]
    services.idea_update(member=editor, idea_id=idea.pk, version=idea.version, status="under_review", tags=["ui", "enterprise"])
    updated = told(cast.workspace, object_type="idea", action="updated")
    assert updated.text == "Editor updated idea Dark mode"
    assert [d.text for d in updated.details] == ["Changed Status from New to Under review", "Added enterprise to Tags"]


def test_a_score_change_reads_changed_effort_from_3_to_5(cast, make_idea, scorecard):
    editor = cast.members["editor"]
    idea = make_idea("Dark mode")
    services.idea_set_inputs(member=editor, idea_id=idea.pk, model_id=scorecard.pk, values={"value": 4, "effort": 3})
    first = told(cast.workspace, action="scored")
    assert first.text == "Editor scored idea Dark mode with Scorecard"
    assert [d.text for d in first.details][1:] == ["Customer value: 4", "Effort: 3"]
    services.idea_set_inputs(member=editor, idea_id=idea.pk, model_id=scorecard.pk, values={"effort": 5})
    story = told(cast.workspace, action="scored")
    assert story.text_here == "Editor changed Effort from 3 to 5 on this idea"
    assert story.text == "Editor changed Effort from 3 to 5 on idea Dark mode"
    assert story.details[0].text.startswith("Score with Scorecard: ")


def test_decisions_say_what_was_decided_and_why(cast, make_idea):
    idea = make_idea("Dark mode")
    services.decide(member=cast.members["editor"], idea_id=idea.pk, kind="park", reason="No **evidence** yet.",
                    revisit_on=date(2031, 3, 1), revisit_condition="20 customers ask")  # fmt: skip
    story = told(cast.workspace, action="decision_park")
    assert story.text == "Editor parked idea Dark mode"
    assert [d.text for d in story.details] == ["Reason:", "Revisit on: Mar 1, 2031", "Revisit when: 20 customers ask"]
    assert "<strong>evidence</strong>" in story.details[0].html


def test_merging_names_both_ideas(cast, make_idea):
    a, b = make_idea("SSO"), make_idea("Single sign-on")
    services.idea_merge(member=cast.members["editor"], source_id=b.pk, target_id=a.pk)
    assert told(cast.workspace, action="merged").text == "Editor merged idea Single sign-on into idea SSO"
    assert told(cast.workspace, action="merged_in").text == "Editor merged idea Single sign-on into idea SSO"


def test_rounds_and_models(cast, make_idea, scorecard):
    editor = cast.members["editor"]
    idea = make_idea("Dark mode")
    scoring_round = services.round_open(member=editor, model_id=scorecard.pk, title="Q3", idea_ids=[idea.pk])
    assert told(cast.workspace, action="opened").text == "Editor opened scoring round Q3 on 1 idea with Scorecard"
    services.ratings_save(member=editor, round_id=scoring_round.pk, idea_id=idea.pk, values={"value": 4, "effort": 2})
    services.ratings_submit(member=editor, round_id=scoring_round.pk)
    assert told(cast.workspace, action="submitted").text == "Editor submitted 2 scores in scoring round Q3"
    services.round_close(member=editor, round_id=scoring_round.pk)
    assert told(cast.workspace, action="closed").text == "Editor closed scoring round Q3: 1 idea scored by 1 person"
    model = told(cast.workspace, object_type="scoring model", action="created")
    assert model.text == "Editor created scoring model Scorecard"
    assert "Criteria: Customer value (weight 60), Effort (weight 40, cost)" in [d.text for d in model.details]
