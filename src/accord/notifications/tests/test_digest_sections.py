"""The sections the capabilities add to the weekly digest (registered by ideas, feedback,
roadmaps, goals and initiatives), read through one person's digest for one week."""

from datetime import timedelta

from django.utils import timezone

from accord.notifications import digest
from accord.notifications.registry import DIGEST_SECTIONS


def _lines(cast, role, key):
    today = timezone.localdate() + timedelta(days=1)  # the week that ends tomorrow: includes today
    since, until = digest.period_for(today)
    from accord.notifications.registry import DigestContext

    context = DigestContext(
        user=cast.members[role].user, workspace=cast.workspace, since=since, until=until
    )
    return [line.text for line in DIGEST_SECTIONS[key].lines(context)]


def test_every_capability_section_is_registered():
    assert {"notifications.week", "roadmaps.watched", "feedback.on_my_ideas", "ideas.pending_scores",
            "initiatives.signoffs", "goals.progress"} <= DIGEST_SECTIONS.keys()  # fmt: skip


def test_pending_scores(cast):
    from accord.ideas import services as ideas

    admin = cast.members["admin"]
    model = ideas.scoring_model_create(member=admin, name="Scorecard", kind="weighted", criteria=[
        {"key": "value", "name": "Value", "role": "benefit", "weight": 60},
        {"key": "effort", "name": "Effort", "role": "cost", "weight": 40},
    ])  # fmt: skip
    idea = ideas.idea_create(member=admin, title="Dark mode")
    ideas.round_open(member=admin, model_id=model.pk, title="Q3 scoring", idea_ids=[idea.pk])
    assert _lines(cast, "contributor", "ideas.pending_scores") == [
        "Score \u201cQ3 scoring\u201d: 0 of 1 ideas scored so far"
    ]
    assert _lines(cast, "viewer", "ideas.pending_scores") == []  # viewers do not score


def test_new_feedback_on_my_ideas(cast):
    from accord.feedback import services as feedback
    from accord.ideas import services as ideas

    contributor, editor = cast.members["contributor"], cast.members["editor"]
    idea = ideas.idea_create(member=contributor, title="Dark mode")
    fb = feedback.feedback_create(
        member=editor, text="Please add a dark theme, my eyes hurt at night."
    )
    feedback.link_create(member=editor, feedback_id=fb.pk, idea_id=idea.pk)
    assert _lines(cast, "contributor", "feedback.on_my_ideas") == [
        "Dark mode: \u201cPlease add a dark theme, my eyes hurt at night.\u201d"
    ]
    assert _lines(cast, "viewer", "feedback.on_my_ideas") == []


def test_changes_on_the_roadmaps_i_watch(cast):
    from accord.collab import services as collab
    from accord.roadmaps import services as roadmaps

    admin, viewer = cast.members["admin"], cast.members["viewer"]
    roadmap = roadmaps.roadmap_create(member=admin, name="Product", kind="product")
    watched = roadmaps.item_create(member=admin, roadmap_id=roadmap.pk, title="SSO", bucket="now")
    collab.watch(member=viewer, kind="roadmap item", object_id=watched.pk)
    roadmaps.item_create(member=admin, roadmap_id=roadmap.pk, title="Audit export", bucket="next")
    lines = _lines(cast, "viewer", "roadmaps.watched")
    assert any("Audit export" in line for line in lines) and any("SSO" in line for line in lines)
    assert all(line.startswith("Ada Admin ") for line in lines)
    assert _lines(cast, "editor", "roadmaps.watched") == []


def test_goal_progress_on_my_goals(cast):
    from accord.goals import services as goals
    from accord.initiatives.services import person_of

    admin, editor = cast.members["admin"], cast.members["editor"]
    today = timezone.localdate()
    goal = goals.goal_create(member=admin, title="Grow demand", period_kind="custom", owner_id=person_of(editor).pk,
                             start_date=today - timedelta(days=30), end_date=today + timedelta(days=30))  # fmt: skip
    kr = goals.key_result_create(
        member=admin, goal_id=goal.pk, name="Leads", unit="count", baseline=10, target=50
    )
    goals.measurements_record(
        member=admin,
        rows=[
            {"key_result_id": kr.pk, "date": (today - timedelta(days=1)).isoformat(), "value": 12}
        ],
    )
    day = today - timedelta(days=1)
    assert _lines(cast, "editor", "goals.progress") == [
        f"Grow demand: Leads is at 12 (target 50) on {day:%b} {day.day}"
    ]
    assert _lines(cast, "viewer", "goals.progress") == []


def test_pending_signoffs(cast):
    from accord.initiatives import services as initiatives
    from accord.initiatives.lifecycle import ensure_stages

    admin, editor = cast.members["admin"], cast.members["editor"]
    stage = ensure_stages(cast.workspace.pk)[0]
    initiative = initiatives.initiative_create(member=admin, name="Lumen 2.0", stage_id=stage.pk)
    signer = initiatives.signer_add(
        member=admin, initiative_id=initiative.pk, person_id=initiatives.person_of(editor).pk
    )
    assert _lines(cast, "editor", "initiatives.signoffs") == [
        f"Sign the {stage.name} gate of \u201cLumen 2.0\u201d"
    ]
    assert _lines(cast, "viewer", "initiatives.signoffs") == []
    signer.signed_at = timezone.now()
    signer.save(update_fields=["signed_at"])
    assert _lines(cast, "editor", "initiatives.signoffs") == []
