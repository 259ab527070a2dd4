"""The workspace home, as the capabilities compose it: what needs me now (rounds waiting for my
scores, what changed on my ideas, conflicts on my roadmaps, also upstream, my goals at risk, new
feedback on my ideas, milestones coming up), plan health for admins and viewers, and a constant
number of queries however much there is to show."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accord.feedback import services as feedback_services
from accord.goals import services as goal_services
from accord.ideas import services as idea_services
from accord.roadmaps import services as roadmap_services
from accord.roadmaps.models import ItemSnapshot, RoadmapItem
from accord.workspaces.models import Person

pytestmark = pytest.mark.django_db

MODEL = [{"key": "value", "name": "Customer value", "weight": 60}, {"key": "effort", "name": "Effort", "role": "cost", "weight": 40}]


def page(client, member) -> str:
    client.force_login(member.user)
    response = client.get(reverse("workspace_home", args=[member.workspace.slug]))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, testid: str) -> str:
    """The text of one card."""
    found = re.search(rf'data-testid="{testid}">(.*?)</section>', html, re.S)
    assert found, f"no {testid} card"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


@pytest.fixture
def world(cast):
    """The editor (Eddie) owns the "Product" roadmap and a goal; the admin runs the rest."""
    admin, editor = cast.members["admin"], cast.members["editor"]
    today = timezone.localdate()
    model = idea_services.scoring_model_create(member=admin, name="Scorecard", kind="weighted", criteria=MODEL, is_default=True)
    product = roadmap_services.roadmap_create(member=editor, name="Product")
    marketing = roadmap_services.roadmap_create(member=admin, name="Marketing", kind="marketing")
    person = Person.objects.get(workspace=cast.workspace, user=editor.user)
    return {"admin": admin, "editor": editor, "today": today, "model": model, "product": product,
            "marketing": marketing, "person": person, "n": 0}  # fmt: skip


def add(world, count: int) -> None:
    """`count` of everything the editor's home shows, each built the way users build it."""
    admin, editor, today = world["admin"], world["editor"], world["today"]
    for _ in range(count):
        world["n"] += 1
        n = world["n"]
        idea = idea_services.idea_create(member=editor, title=f"Idea {n}")
        idea_services.idea_update(member=admin, idea_id=idea.pk, version=1, status="under_review")
        idea_services.round_open(member=admin, model_id=world["model"].pk, title=f"Round {n}", idea_ids=[idea.pk])
        fb = feedback_services.feedback_create(member=admin, text=f"Customers ask for idea {n}.", source="sales_call")
        feedback_services.link_create(member=admin, feedback_id=fb.pk, idea_id=idea.pk, quote=f"idea {n}")
        build = roadmap_services.item_create(member=editor, roadmap_id=world["product"].pk, title=f"Build {n}",
                                             start_date=today + timedelta(days=5), end_date=today + timedelta(days=40))  # fmt: skip
        ship = roadmap_services.item_create(member=editor, roadmap_id=world["product"].pk, title=f"Ship {n}",
                                            start_date=today + timedelta(days=20), end_date=today + timedelta(days=45))  # fmt: skip
        roadmap_services.dependency_create(member=editor, predecessor_id=build.pk, successor_id=ship.pk)
        campaign = roadmap_services.item_create(member=admin, roadmap_id=world["marketing"].pk, title=f"Campaign {n}",
                                                start_date=today + timedelta(days=2), end_date=today + timedelta(days=8))  # fmt: skip
        launch = roadmap_services.item_create(member=editor, roadmap_id=world["product"].pk, title=f"Launch {n}",
                                              start_date=today + timedelta(days=10), end_date=today + timedelta(days=12))  # fmt: skip
        roadmap_services.dependency_create(member=editor, predecessor_id=campaign.pk, successor_id=launch.pk)
        ItemSnapshot.objects.filter(item_id=campaign.pk).update(at=timezone.now() - timedelta(days=9))
        ItemSnapshot.objects.filter(item_id=launch.pk).update(at=timezone.now() - timedelta(days=9))
        roadmap_services.item_move(member=admin, item_id=campaign.pk, version=RoadmapItem.objects.get(pk=campaign.pk).version,
                                   start_date=today + timedelta(days=9), end_date=today + timedelta(days=15))  # fmt: skip
        roadmap_services.milestone_create(member=admin, name=f"Milestone {n}", date_=today + timedelta(days=n), roadmap_id=world["product"].pk)
        goal = goal_services.goal_create(member=admin, title=f"Goal {n}", level="company", period_kind="custom", owner_id=world["person"].pk,
                                         start_date=today - timedelta(days=60), end_date=today + timedelta(days=60))  # fmt: skip
        kr = goal_services.key_result_create(member=admin, goal_id=goal.pk, name=f"Leads {n}", unit="count", baseline=100, target=500)
        goal_services.measurements_record(member=admin, rows=[
            {"key_result_id": kr.pk, "date": (today - timedelta(days=d)).isoformat(), "value": 100 + (30 - d)} for d in (30, 20, 10)])


def test_the_editor_sees_what_needs_them(client, world):
    add(world, 1)
    html = page(client, world["editor"])
    rounds = section(html, "home-rounds")
    assert "Round 1" in rounds and "1 idea to score with Scorecard" in rounds
    ideas = section(html, "home-ideas")
    assert "Ada Admin changed Status from New to Under review on idea Idea 1" in ideas
    conflicts = section(html, "home-conflicts")
    assert "Ship 1 on Product Conflict: starts before Build 1 ends" in conflicts
    assert "Launch 1 on Product Conflict: starts before Campaign 1 ends upstream: Marketing" in conflicts
    assert "Changed upstream this week Launch 1 is now blocked: Campaign 1 moved 7 days later (Marketing)" in conflicts
    goals = section(html, "home-goals")
    assert "Goal 1 Off track" in goals and "Leads 1: off track" in goals
    feedback = section(html, "home-feedback")
    assert "Customers ask for idea 1." in feedback and "for Idea 1" in feedback and "“idea 1”" in feedback
    milestones = section(html, "home-milestones")
    assert "Milestone 1" in milestones and "Product" in milestones
    # Each card links where the action is.
    assert 'href="/w/acme/rounds/' in html
    assert 'href="/w/acme/roadmaps/items/' in html and 'href="/w/acme/goals/' in html and 'href="/w/acme/feedback/' in html
    assert "data-testid=\"plan-health\"" not in html  # an editor: their own work first


def test_once_submitted_a_round_leaves_the_card(client, world):
    add(world, 1)
    editor = world["editor"]
    scoring_round = editor.workspace.scoring_rounds.get(title="Round 1")
    idea_services.ratings_save(member=editor, round_id=scoring_round.pk, idea_id=scoring_round.ideas.get().pk, values={"value": 3})
    assert "You scored 1 of 1 idea" in section(page(client, editor), "home-rounds")
    idea_services.ratings_submit(member=editor, round_id=scoring_round.pk)
    assert "No round is waiting for your scores" in section(page(client, editor), "home-rounds")


def test_the_home_costs_the_same_number_of_queries_with_one_thing_or_many(client, world):
    def queries() -> int:
        page(client, world["editor"])  # warm: sessions, caches
        with CaptureQueriesContext(connection) as ctx:
            html = page(client, world["editor"])
        return len(ctx.captured_queries), html

    add(world, 1)
    one, html = queries()
    assert html.count("Conflict:") == 2
    add(world, 4)
    many, html = queries()
    assert html.count("Conflict:") == 6  # the card shows six and counts the rest
    assert one == many, (one, many)


def test_plan_health_is_the_first_thing_admins_and_viewers_see(client, world, cast):
    add(world, 1)
    feedback_services.feedback_create(member=world["admin"], text="Untriaged", source="review")
    for role in ("admin", "viewer"):
        health = section(page(client, cast.members[role]), "plan-health")
        assert "2 Roadmap conflicts" in health and "2 items blocked" in health
        assert "1 Goals at risk" in health and "1 Unscored ideas" in health and "1 Untriaged feedback" in health  # the other is linked
    assert 'data-testid="plan-health"' not in page(client, cast.members["contributor"])


def test_a_new_member_of_an_empty_workspace_is_told_what_will_show(client, cast):
    html = page(client, cast.members["contributor"])
    assert "No round is waiting for your scores" in html
    assert "You follow no idea yet" in html and "No roadmap of yours yet" in html
    assert "You own no goal or key result" in html and "No milestone in the next 30 days" in html
    viewer = page(client, cast.members["viewer"])
    assert "home-rounds" not in viewer and "home-ideas" not in viewer  # a viewer scores and submits nothing


def test_the_home_of_another_workspace_is_404(client, cast):
    client.force_login(cast.outsider.user)
    assert client.get(reverse("workspace_home", args=["acme"])).status_code == 404


def test_ideas_i_scored_in_a_round_or_linked_feedback_to_are_followed(client, cast, world):
    admin, editor, contributor = world["admin"], world["editor"], cast.members["contributor"]
    rated = idea_services.idea_create(member=admin, title="Rated by the contributor")
    linked = idea_services.idea_create(member=admin, title="Linked by the contributor")
    other = idea_services.idea_create(member=admin, title="Nobody's business")
    scoring_round = idea_services.round_open(member=admin, model_id=world["model"].pk, title="Q3", idea_ids=[rated.pk])
    idea_services.ratings_save(member=contributor, round_id=scoring_round.pk, idea_id=rated.pk, values={"value": 4})
    fb = feedback_services.feedback_create(member=contributor, text="We need this.", source="sales_call")
    feedback_services.link_create(member=contributor, feedback_id=fb.pk, idea_id=linked.pk)
    assert "No new feedback on your ideas" in section(page(client, contributor), "home-feedback")  # their own link
    for idea in (rated, linked, other):
        idea = idea.__class__.objects.get(pk=idea.pk)
        idea_services.idea_update(member=editor, idea_id=idea.pk, version=idea.version, title=f"{idea.title}!")
    ideas = section(page(client, contributor), "home-ideas")
    assert "Rated by the contributor!" in ideas and "Linked by the contributor!" in ideas
    assert "Nobody's business" not in ideas
