"""Customers who voted for or asked about an idea hear when it is planned, ships or is parked."""

import re

from django.core import mail

from accord.ideas import services as ideas
from accord.portal import services
from accord.portal.models import PublishedIdea, StatusNotice

UNSUBSCRIBE = re.compile(r"/portal/acme/unsubscribe/(\S+)")


def _voter(portal, capture, email):
    with capture(execute=True):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email=email)
    token = re.search(r"/verify/(\S+)", mail.outbox[-1].body).group(1)
    services.vote_verify(portal=portal, token=token)


def _mark(cast, idea, status, capture):
    idea.refresh_from_db()
    with capture(execute=True):
        ideas.idea_update(member=cast.members["editor"], idea_id=idea.pk, version=idea.version, status=status)


def _linked_submitter(portal, cast, email):
    from accord.feedback import services as feedback

    submission = services.submission_create(portal=portal, name="Sam", email=email, title="", text="Night theme!")
    submission = services.submission_moderate(member=cast.members["admin"], submission_id=submission.pk, action="approve")
    feedback.link_create(member=cast.members["editor"], feedback_id=submission.feedback_id, idea_id=portal.idea.pk)


def test_voters_and_submitters_get_one_shipped_mail_each(portal, cast, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _voter(portal, capture, "vera@example.test")
    _voter(portal, capture, "vic@example.test")
    _linked_submitter(portal, cast, "sam@example.test")
    _linked_submitter(portal, cast, "vera@example.test")  # a voter who also wrote: still one mail
    mail.outbox.clear()

    _mark(cast, portal.idea, "done", capture)

    assert sorted(m.to[0] for m in mail.outbox) == ["sam@example.test", "vera@example.test", "vic@example.test"]
    message = mail.outbox[0]
    assert "has shipped" in message.subject and "Dark mode" in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert UNSUBSCRIBE.search(message.extra_headers["List-Unsubscribe"])
    assert "/portal/acme/ideas/" in message.body
    assert PublishedIdea.objects.get().status_changed_at is not None


def test_unsubscribed_contacts_get_no_more_mail(portal, cast, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _voter(portal, capture, "vera@example.test")
    _mark(cast, portal.idea, "planned", capture)
    token = UNSUBSCRIBE.search(mail.outbox[-1].body).group(1)
    services.unsubscribe(portal=portal, token=token)
    mail.outbox.clear()
    _mark(cast, portal.idea, "done", capture)
    assert mail.outbox == []


def test_only_planned_done_and_parked_are_announced(portal, cast, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _voter(portal, capture, "vera@example.test")
    mail.outbox.clear()
    _mark(cast, portal.idea, "under_review", capture)
    assert mail.outbox == []
    with capture(execute=True):
        ideas.decide(member=cast.members["editor"], idea_id=portal.idea.pk, kind="park", reason="Later",
                     revisit_condition="After the redesign")  # fmt: skip
    assert [m.subject for m in mail.outbox] == ["\u201cDark mode\u201d is parked for now"]


def test_a_bulk_status_change_announces_every_idea(portal, cast, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _voter(portal, capture, "vera@example.test")
    mail.outbox.clear()
    with capture(execute=True):
        ideas.ideas_bulk(member=cast.members["editor"], idea_ids=[portal.idea.pk], action="status", status="planned")
    assert len(mail.outbox) == 1


def test_no_mail_for_unpublished_ideas_or_a_disabled_portal(portal, cast, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _voter(portal, capture, "vera@example.test")
    mail.outbox.clear()
    portal = services.portal_update(member=cast.members["admin"], version=portal.version, enabled=False)
    _mark(cast, PublishedIdea.objects.get().idea, "planned", capture)
    assert mail.outbox == []
    assert not StatusNotice.objects.exists()


def test_a_retried_task_sends_nothing_twice(portal, cast, django_capture_on_commit_callbacks):
    from accord.portal.tasks import send_status_notices

    capture = django_capture_on_commit_callbacks
    _voter(portal, capture, "vera@example.test")
    _mark(cast, portal.idea, "done", capture)
    notice = StatusNotice.objects.get()
    sent = len(mail.outbox)
    assert send_status_notices.call(portal.idea.pk, "done", notice.changed_at.isoformat()) == 0
    assert len(mail.outbox) == sent


def test_votes_of_a_merged_duplicate_move_to_the_survivor(portal, cast, django_capture_on_commit_callbacks):
    from accord.portal.models import Vote

    admin = cast.members["admin"]
    survivor = ideas.idea_create(member=admin, title="Night theme")
    services.idea_publish(member=admin, idea_id=survivor.pk)
    services.vote_member(member=cast.members["viewer"], idea_id=portal.idea.pk)
    services.vote_member(member=cast.members["editor"], idea_id=portal.idea.pk)
    services.vote_member(member=cast.members["editor"], idea_id=survivor.pk)
    with django_capture_on_commit_callbacks(execute=True):
        ideas.idea_merge(member=admin, source_id=portal.idea.pk, target_id=survivor.pk)
    assert Vote.objects.filter(idea=survivor).count() == 2
    assert not Vote.objects.filter(idea=portal.idea).exists()
    assert not PublishedIdea.objects.filter(idea=portal.idea).exists()
