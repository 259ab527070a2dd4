"""Portal mail, sent by the task worker (immediately in tests): vote verification, status notices.

Both are idempotent: a verification mail is skipped once the vote counts, and each status notice is
recorded (StatusNotice, unique per idea, contact and change) before it is sent, so a retried task
sends nothing twice.
"""

from datetime import datetime

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse

STATUS_SUBJECTS = {
    "planned": "is planned",
    "done": "has shipped",
    "parked": "is parked for now",
}


def portal_name(portal) -> str:
    return portal.title or f"{portal.workspace.name} feedback portal"


@task()
def send_vote_verification(vote_id: int, link: str) -> None:
    from . import selectors
    from .models import Portal, Vote

    vote = Vote.objects.select_related("contact", "idea", "idea__published").filter(pk=vote_id).first()
    if vote is None or vote.verified_at is not None:
        return  # already counted, or gone
    portal = Portal.objects.select_related("workspace").get(workspace_id=vote.workspace_id)
    title = selectors.title_of(vote.idea)
    EmailMessage(
        subject=f"Confirm your vote for \u201c{title}\u201d",
        body=(
            f"Someone (hopefully you) asked to vote for \u201c{title}\u201d on {portal_name(portal)}.\n\n"
            f"Confirm your vote: {link}\n\n"
            "The link works for 48 hours. If you did not ask for this, ignore this mail: "
            "no vote counts without it."
        ),
        to=[vote.contact.email],
    ).send()


@task()
def send_status_notices(idea_id: int, status: str, changed_at: str) -> int:
    """One mail per subscriber (voters and portal submitters of linked feedback) who did not
    unsubscribe. Returns how many were sent by this run."""
    from . import selectors, services
    from .models import StatusNotice

    published = selectors.published_for_notice(idea_id)
    if published is None or status not in STATUS_SUBJECTS:
        return 0
    portal = published.workspace.portal
    when = datetime.fromisoformat(changed_at)
    page = services.absolute(reverse("portal_idea", args=[published.workspace.slug, idea_id]))
    sent = 0
    for contact in selectors.subscribers(published):
        try:
            with transaction.atomic():
                StatusNotice.objects.create(
                    idea_id=idea_id, contact=contact, status=status, changed_at=when
                )
                token = services.unsubscribe_token(contact)
        except IntegrityError:
            continue  # this contact was told already (a retried task)
        unsubscribe = services.absolute(
            reverse("portal_unsubscribe", args=[published.workspace.slug, token])
        )
        EmailMessage(
            subject=f"\u201c{published.title}\u201d {STATUS_SUBJECTS[status]}",
            body=(
                f"Good news from {portal_name(portal)}: \u201c{published.title}\u201d, "
                f"an idea you voted for or asked about, {STATUS_SUBJECTS[status]}.\n\n"
                f"See it on the portal: {page}\n\n"
                f"You get this mail because you voted or sent feedback. "
                f"Stop these mails with one click: {unsubscribe}"
            ),
            to=[contact.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        ).send()
        sent += 1
    return sent
