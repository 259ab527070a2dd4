import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accord.core.errors import Forbidden, Invalid, NotFound
from accord.ideas import services as ideas
from accord.ideas.models import IdeaScore
from accord.portal import selectors, services
from accord.portal.models import Comment, Moderation, PortalToken, Submission, Vote

LINK = re.compile(r"http://\S+/portal/acme/verify/(\S+)")


def _request_and_read_link(portal, capture, email="cus@example.test") -> str:
    with capture(execute=True):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email=email)
    return LINK.search(mail.outbox[-1].body).group(1)


def _votes(portal) -> int:
    return selectors.published_idea(workspace_id=portal.workspace_id, idea_id=portal.idea.pk).votes


def test_a_vote_counts_once_its_email_is_verified(portal, django_capture_on_commit_callbacks):
    token = _request_and_read_link(portal, django_capture_on_commit_callbacks, "Cus@Example.test ")
    assert mail.outbox[-1].to == ["cus@example.test"]
    assert "Dark mode" in mail.outbox[-1].subject
    assert _votes(portal) == 0
    services.vote_verify(portal=portal, token=token)
    assert _votes(portal) == 1
    services.vote_verify(portal=portal, token=token)  # opening the link twice changes nothing
    assert _votes(portal) == 1
    assert PortalToken.objects.get().token_hash != token  # stored hashed


def test_one_vote_per_email_and_no_new_mail_once_it_counts(portal, django_capture_on_commit_callbacks):
    token = _request_and_read_link(portal, django_capture_on_commit_callbacks)
    services.vote_verify(portal=portal, token=token)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email="cus@example.test")
    assert len(mail.outbox) == sent
    assert Vote.objects.count() == 1 and _votes(portal) == 1


def test_expired_or_foreign_verification_links_do_not_work(portal, cast, django_capture_on_commit_callbacks):
    token = _request_and_read_link(portal, django_capture_on_commit_callbacks)
    other = services.portal_update(member=cast.outsider, version=1, enabled=True)
    with pytest.raises(NotFound):
        services.vote_verify(portal=other, token=token)
    PortalToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(NotFound):
        services.vote_verify(portal=portal, token=token)
    with pytest.raises(NotFound):
        services.vote_verify(portal=portal, token="vote_made-up")
    assert _votes(portal) == 0


def test_votes_only_on_published_ideas_of_the_portal(portal, cast):
    hidden = ideas.idea_create(member=cast.members["admin"], title="Internal cleanup")
    foreign = ideas.idea_create(member=cast.outsider, title="Other idea")
    services.idea_publish(member=cast.outsider, idea_id=foreign.pk)
    for idea_id in (hidden.pk, foreign.pk):
        with pytest.raises(NotFound):
            services.vote_request(portal=portal, idea_id=idea_id, email="a@example.test")
    with pytest.raises(Invalid):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email="not-an-email")


def test_a_member_votes_directly_and_can_take_it_back(portal, cast):
    viewer = cast.members["viewer"]
    vote, counts = services.vote_member(member=viewer, idea_id=portal.idea.pk)
    assert counts and vote.verified_at and _votes(portal) == 1
    _vote, counts = services.vote_member(member=viewer, idea_id=portal.idea.pk)
    assert not counts and _votes(portal) == 0


def test_votes_feed_an_evidence_criterion(portal, cast):
    editor = cast.members["editor"]
    model = ideas.scoring_model_create(
        member=editor, name="Demand", kind="weighted",
        criteria=[{"key": "votes", "role": "benefit", "weight": 1, "source": "portal.votes", "saturation": 2}],
    )  # fmt: skip
    services.vote_member(member=cast.members["viewer"], idea_id=portal.idea.pk)
    low = IdeaScore.objects.get(idea=portal.idea, model=model).inputs["votes"]
    services.vote_member(member=cast.members["contributor"], idea_id=portal.idea.pk)
    high = IdeaScore.objects.get(idea=portal.idea, model=model).inputs["votes"]
    assert low < high
    services.vote_member(member=cast.members["contributor"], idea_id=portal.idea.pk)
    assert IdeaScore.objects.get(idea=portal.idea, model=model).inputs["votes"] == low


def test_comments_wait_for_moderation_unless_turned_off_or_by_a_member(portal, cast):
    admin = cast.members["admin"]
    waiting = services.comment_create(
        portal=portal, idea_id=portal.idea.pk, name="Cus", email="cus@example.test", body="+1 <script>x</script>"
    )
    assert waiting.status == Moderation.PENDING
    assert not selectors.approved_comments(idea_id=portal.idea.pk).exists()
    by_member = services.comment_create(
        portal=portal, idea_id=portal.idea.pk, name="", email="", body="We are on it", member=cast.members["editor"]
    )
    assert by_member.status == Moderation.APPROVED and by_member.by_member
    services.comment_moderate(member=admin, comment_id=waiting.pk, action="approve")
    assert selectors.approved_comments(idea_id=portal.idea.pk).count() == 2
    idea = portal.idea
    portal = services.portal_update(member=admin, version=portal.version, moderate_comments=False)
    direct = services.comment_create(
        portal=portal, idea_id=idea.pk, name="Cus", email="cus@example.test", body="Me too"
    )
    assert direct.status == Moderation.APPROVED


def test_only_admins_moderate_and_only_their_own_workspace(portal, cast):
    comment = services.comment_create(
        portal=portal, idea_id=portal.idea.pk, name="Cus", email="cus@example.test", body="Buy pills"
    )
    with pytest.raises(Forbidden):
        services.comment_moderate(member=cast.members["editor"], comment_id=comment.pk, action="spam")
    with pytest.raises(NotFound):
        services.comment_moderate(member=cast.outsider, comment_id=comment.pk, action="spam")
    with pytest.raises(Invalid):
        services.comment_moderate(member=cast.members["admin"], comment_id=comment.pk, action="burn")
    services.comment_moderate(member=cast.members["admin"], comment_id=comment.pk, action="spam")
    assert Comment.objects.get().status == Moderation.SPAM


def test_approved_submissions_reach_the_feedback_inbox_once(portal, cast):
    from accord.feedback.models import Feedback

    submission = services.submission_create(
        portal=portal, name="Cus Tomer", email="cus@example.test", title="Export", text="I need PDF export"
    )
    assert submission.status == Moderation.PENDING and not Feedback.objects.exists()
    admin = cast.members["admin"]
    services.submission_moderate(member=admin, submission_id=submission.pk, action="approve")
    services.submission_moderate(member=admin, submission_id=submission.pk, action="approve")
    feedback = Feedback.objects.get()
    # the address is not proven yet (tests/test_identity.py): no customer until it is
    assert feedback.source == "portal" and feedback.unverified_email == "cus@example.test"
    assert Submission.objects.get().feedback == feedback


def test_without_moderation_submissions_go_straight_to_the_inbox(portal, cast):
    from accord.feedback.models import Feedback

    portal = services.portal_update(member=cast.members["admin"], version=portal.version, moderate_submissions=False)
    services.submission_create(portal=portal, name="", email="cus@example.test", title="", text="Dark mode please")
    assert Feedback.objects.get().text == "Dark mode please"
    with pytest.raises(Invalid):
        services.submission_create(portal=portal, name="", email="cus@example.test", title="", text="x" * 10001)


def test_settings_need_an_admin_and_the_current_version(cast):
    with pytest.raises(Forbidden):
        services.portal_update(member=cast.members["editor"], version=1, enabled=True)
    portal = services.portal_update(member=cast.members["admin"], version=1, enabled=True)
    from accord.core.errors import Conflict

    with pytest.raises(Conflict):
        services.portal_update(member=cast.members["admin"], version=1, enabled=False)
    assert portal.version == 2


def test_merged_ideas_cannot_be_published(cast):
    admin = cast.members["admin"]
    a, b = ideas.idea_create(member=admin, title="A"), ideas.idea_create(member=admin, title="B")
    ideas.idea_merge(member=admin, source_id=a.pk, target_id=b.pk)
    with pytest.raises(Invalid):
        services.idea_publish(member=admin, idea_id=a.pk)


def test_one_inbox_gets_at_most_a_few_confirmation_mails_an_hour(portal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(services.MAILS_PER_HOUR + 2):
            services.vote_request(portal=portal, idea_id=portal.idea.pk, email="victim@example.test")
    assert len(mail.outbox) == services.MAILS_PER_HOUR
