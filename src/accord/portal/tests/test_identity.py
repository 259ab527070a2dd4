"""An address typed into the portal borrows no customer's identity until its owner proves it.

Portal feedback from an address not proven yet reaches the inbox "unverified": no customer (no
segment, no revenue weight, no history) and no evidence. Opening the link mailed to the address
(or a vote link, or being the signed-in member) proves it; then the feedback joins its customer.
"""

import re

from django.core import mail
from django.urls import reverse

from accord.feedback import services as feedback
from accord.feedback.evidence import customer_counts, linked_counts, revenue_demand
from accord.feedback.models import Customer, Feedback
from accord.ideas import services as ideas
from accord.ideas.models import IdeaScore
from accord.portal import services
from accord.portal.models import Submission

CONFIRM = re.compile(r"/portal/acme/confirm/(\S+)")
VERIFY = re.compile(r"/portal/acme/verify/(\S+)")
CEO = "ceo@bigcorp.example"


def _big_customer(cast) -> Customer:
    return feedback.customer_create(
        member=cast.members["editor"], name="Big Corp CEO", email=CEO, company="Big Corp",
        segment="enterprise", revenue_weight=500,
    )  # fmt: skip


def _submit_and_link(portal, cast, capture, email=CEO) -> Feedback:
    """A portal visitor sends feedback as `email`; it is approved and linked to the idea."""
    with capture(execute=True):
        submission = services.submission_create(portal=portal, name="Mallory", email=email, title="", text="Dark mode now!")
    submission = services.submission_moderate(member=cast.members["admin"], submission_id=submission.pk, action="approve")
    feedback.link_create(member=cast.members["editor"], feedback_id=submission.feedback_id, idea_id=portal.idea.pk, importance="critical")
    return Feedback.objects.get(pk=submission.feedback_id)


def _evidence(cast, idea_id):
    ws = cast.workspace.pk
    return (linked_counts(ws, [idea_id]).get(idea_id, 0), customer_counts(ws, [idea_id]).get(idea_id, 0),
            revenue_demand(ws, [idea_id]).get(idea_id, 0))  # fmt: skip


def test_an_unverified_address_does_not_borrow_a_customers_weight(portal, cast, django_capture_on_commit_callbacks):
    model = ideas.scoring_model_create(
        member=cast.members["editor"], name="Revenue", kind="weighted",
        criteria=[{"key": "revenue", "role": "benefit", "weight": 1, "source": "feedback.revenue", "saturation": 1000}],
    )  # fmt: skip
    customer = _big_customer(cast)

    fb = _submit_and_link(portal, cast, django_capture_on_commit_callbacks)

    assert fb.customer is None and fb.unverified_email == CEO
    assert not customer.feedback.exists()
    assert _evidence(cast, portal.idea.pk) == (0, 0, 0)
    assert IdeaScore.objects.get(idea=portal.idea, model=model).inputs["revenue"] == 1.0  # the scale's bottom

    # the owner of the address opens the link mailed to it: now it is theirs, and it counts
    [confirmation] = [m for m in mail.outbox if m.to == [CEO]]
    services.address_confirm(portal=portal, token=CONFIRM.search(confirmation.body).group(1))
    fb.refresh_from_db()
    assert fb.customer == customer and fb.unverified_email == ""
    assert _evidence(cast, portal.idea.pk) == (1, 1, 1000.0)
    assert IdeaScore.objects.get(idea=portal.idea, model=model).inputs["revenue"] == 5.0


def test_a_proven_address_attaches_at_once(portal, cast, django_capture_on_commit_callbacks):
    customer = _big_customer(cast)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email=CEO)
    services.vote_verify(portal=portal, token=VERIFY.search(mail.outbox[-1].body).group(1))
    mail.outbox.clear()

    fb = _submit_and_link(portal, cast, django_capture_on_commit_callbacks)

    assert fb.customer == customer and fb.unverified_email == ""
    assert mail.outbox == []  # nothing to confirm
    assert _evidence(cast, portal.idea.pk) == (1, 1, 1000.0)


def test_a_vote_link_also_proves_the_address_of_earlier_feedback(portal, cast, django_capture_on_commit_callbacks):
    customer = _big_customer(cast)
    fb = _submit_and_link(portal, cast, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_request(portal=portal, idea_id=portal.idea.pk, email=CEO)
    services.vote_verify(portal=portal, token=VERIFY.search(mail.outbox[-1].body).group(1))
    fb.refresh_from_db()
    assert fb.customer == customer


def test_a_new_address_gets_its_customer_only_once_proven(portal, cast, django_capture_on_commit_callbacks):
    fb = _submit_and_link(portal, cast, django_capture_on_commit_callbacks, email="sam@example.test")
    assert not Customer.objects.filter(email="sam@example.test").exists()
    token = CONFIRM.search(mail.outbox[-1].body).group(1)
    services.address_confirm(portal=portal, token=token)
    fb.refresh_from_db()
    assert (fb.customer.email, fb.customer.name) == ("sam@example.test", "Mallory")


def test_confirmation_mails_are_limited_and_the_answer_is_the_same(portal, cast, django_capture_on_commit_callbacks):
    for _ in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            services.submission_create(portal=portal, name="", email=CEO, title="", text="Again")
    assert len(mail.outbox) == services.MAILS_PER_HOUR
    assert Submission.objects.count() == 5


def test_a_member_vouching_for_a_customer_clears_unverified(portal, cast, django_capture_on_commit_callbacks):
    customer = _big_customer(cast)
    fb = _submit_and_link(portal, cast, django_capture_on_commit_callbacks)
    feedback.feedback_update(member=cast.members["editor"], feedback_id=fb.pk, version=fb.version, customer_id=customer.pk)
    fb.refresh_from_db()
    assert fb.customer == customer and fb.unverified_email == ""
    assert _evidence(cast, portal.idea.pk) == (1, 1, 1000.0)


# ---------------------------------------------------------------- pages and API


def test_inbox_detail_and_api_say_unverified(portal, cast, client, api, django_capture_on_commit_callbacks):
    _big_customer(cast)
    fb = _submit_and_link(portal, cast, django_capture_on_commit_callbacks)
    client.force_login(cast.members["editor"].user)
    inbox = client.get(reverse("feedback_inbox", args=["acme"])).content.decode()
    assert CEO in inbox and "unverified" in inbox and "Big Corp CEO" not in inbox
    detail = client.get(reverse("feedback_detail", args=["acme", fb.pk])).content.decode()
    assert "unverified" in detail and "Big Corp" not in detail
    idea_page = client.get(reverse("idea_detail", args=["acme", portal.idea.pk])).content.decode()
    assert 'data-testid="evidence-unverified"' in idea_page
    body = api(cast.tokens["viewer"]).get(f"/workspaces/acme/feedback/{fb.pk}").json()
    assert body["customer"] is None and body["unverified_email"] == CEO


def test_the_confirmation_link_page(portal, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal_submit", args=["acme"]), {"name": "Sam", "email": "sam@example.test", "text": "Hi"})
    assert response.status_code == 302
    assert "confirm" in client.get(response["Location"]).content.decode()
    token = CONFIRM.search(mail.outbox[-1].body).group(1)
    page = client.get(reverse("portal_confirm", args=["acme", token]))
    assert page.status_code == 200 and "sam@example.test" in page.content.decode()
    assert client.get(reverse("portal_confirm", args=["acme", "addr_made-up"])).status_code == 404
