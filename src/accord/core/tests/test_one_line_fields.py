"""Every one-line field, whichever app and door (service, API, form) it comes through, stores CR,
LF and tabs as single spaces: they would break mail subjects, calendar properties and layouts."""

from datetime import date

import pytest

BROKEN = " Line\r\none\n\ttwo "
CLEAN = "Line one two"


def _roadmap(cast):
    from accord.roadmaps import services

    return services.roadmap_create(member=cast.members["admin"], name="Plan")


def _goal(cast):
    from accord.goals import services

    return services.goal_create(member=cast.members["admin"], title="Grow", period="2030-Q1")


def _ideas(cast):
    from accord.ideas import services

    idea = services.idea_create(member=cast.members["editor"], title=BROKEN, product_area=BROKEN)
    return [idea.title, idea.product_area]


def _idea_update(cast):
    from accord.ideas import services

    idea = services.idea_create(member=cast.members["editor"], title="Plain")
    idea = services.idea_update(member=cast.members["editor"], idea_id=idea.pk, version=idea.version, title=BROKEN)
    return [idea.title]


def _scoring_model(cast):
    from accord.ideas import services

    model = services.scoring_model_create(
        member=cast.members["admin"], name=BROKEN, kind="weighted",
        criteria=[{"key": "value", "name": BROKEN, "weight": 1}],
    )  # fmt: skip
    return [model.name, model.criteria.get().name]


def _roadmaps(cast):
    from accord.roadmaps import services

    admin = cast.members["admin"]
    roadmap = services.roadmap_create(member=admin, name=BROKEN, lanes=[BROKEN])
    lane = services.lane_create(member=admin, roadmap_id=_roadmap(cast).pk, name=BROKEN)
    milestone = services.milestone_create(member=admin, name=BROKEN, date_=date(2030, 1, 1), roadmap_id=roadmap.pk)
    view = services.saved_view_create(member=admin, roadmap_id=roadmap.pk, name=BROKEN)
    return [roadmap.name, roadmap.lanes.get().name, lane.name, milestone.name, view.name]


def _items(cast):
    from accord.roadmaps import services

    item = services.item_create(member=cast.members["admin"], roadmap_id=_roadmap(cast).pk, title=BROKEN, bucket="now")
    return [item.title]


def _goals(cast):
    from accord.goals import services

    goal = services.goal_create(member=cast.members["admin"], title=BROKEN, period="2030-Q1")
    kr = services.key_result_create(member=cast.members["admin"], goal_id=_goal(cast).pk, name=BROKEN, baseline=0, target=10)
    return [goal.title, kr.name]


def _feedback(cast):
    from accord.feedback import services

    fb = services.feedback_create(member=cast.members["editor"], text="Body\nkeeps lines", title=BROKEN,
                                  customer={"name": BROKEN, "company": BROKEN})  # fmt: skip
    customer = services.customer_create(member=cast.members["editor"], name=BROKEN, email="c@example.test")
    assert fb.text == "Body\nkeeps lines"
    return [fb.title, fb.customer.name, fb.customer.company, customer.name]


def _workspaces(cast):
    from accord.workspaces import services

    admin = cast.members["admin"]
    workspace = services.workspace_update(member=admin, version=cast.workspace.version, name=BROKEN)
    team = services.team_create(member=admin, name=BROKEN)
    person = services.person_create(member=admin, name=BROKEN, title=BROKEN)
    return [workspace.name, team.name, person.name, person.title]


def _portal(cast):
    from accord.portal import services

    portal = services.portal_update(member=cast.members["admin"], version=1, enabled=True, title=BROKEN)
    submission = services.submission_create(portal=portal, name=BROKEN, email="s@example.test", title=BROKEN, text="a\nb")
    return [portal.title, submission.name, submission.title, submission.contact.name]


def _accounts(cast):
    from accord.accounts import services

    user = services.profile_update(user=cast.members["viewer"].user, name=BROKEN)
    created = services.user_create(email="new@example.test", password="a-Strong-test-passw0rd", name=BROKEN)
    return [user.name, created.name]


@pytest.mark.parametrize(
    "write",
    [_ideas, _idea_update, _scoring_model, _roadmaps, _items, _goals, _feedback, _workspaces, _portal, _accounts],
)
def test_one_line_fields_store_line_breaks_as_spaces(cast, write):
    values = write(cast)
    assert values == [CLEAN] * len(values)


def test_an_idea_title_with_a_line_break_through_the_api(api, cast):
    response = api(cast.tokens["editor"]).post("/workspaces/acme/ideas", {"title": "Dark\r\nmode", "description": "Why:\nspeed"})
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Dark mode"
    assert response.json()["description"] == "Why:\nspeed"
