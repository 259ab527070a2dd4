"""Portal mail, sent by the task worker (immediately in tests): vote verification, address
confirmation, status notices.

Tasks get ids, never tokens: the mail's token is rebuilt from the token row (services.token_of).
All are idempotent: a verification mail is skipped once the vote counts (or the address is proven),
and each status notice is recorded (StatusNotice, unique per idea, contact and change) with its
mail, so a retried task sends nothing twice. A temporary failure (SMTP 4xx, lost connection) is
retried later (accord.core.mail); every failure is logged with its reason.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from accord.core.mail import RETRY, SENT, Mail, deliver, retry

STATUS_SUBJECTS = {
    "planned": "is planned",
    "done": "has shipped",
    "parked": "is parked for now",
}


class _TryLater(Exception):
    """A status notice hit a temporary failure: forget that it was sent."""


def portal_name(portal) -> str:
    return portal.title or f"{portal.workspace.name} feedback portal"


def _pending_token(token_id: int, kind: str):
    from .models import PortalToken

    found = (
        PortalToken.objects.select_related("contact", "contact__workspace__portal", "vote")
        .filter(pk=token_id, kind=kind, used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    return found


def _link(name: str, token) -> str:
    from . import services

    slug = token.contact.workspace.slug
    return services.absolute(reverse(name, args=[slug, services.token_of(token)]))


@task()
def send_vote_verification(token_id: int, attempt: int = 1) -> str:
    from . import selectors
    from .models import TokenKind

    found = _pending_token(token_id, TokenKind.VERIFY_VOTE)
    if found is None or found.vote is None or found.vote.verified_at is not None:
        return "skipped"  # already counted, used, expired or gone
    portal = found.contact.workspace.portal
    title = selectors.title_of(found.vote.idea)
    message = Mail(
        subject=f"Confirm your vote for \u201c{title}\u201d",
        body=(
            f"Someone (hopefully you) asked to vote for \u201c{title}\u201d on {portal_name(portal)}.\n\n"
            f"Confirm your vote: {_link('portal_verify', found)}\n\n"
            "The link works for 48 hours. If you did not ask for this, ignore this mail: "
            "no vote counts without it."
        ),
        to=[found.contact.email],
    )
    outcome = deliver(message, kind="vote verification", attempt=attempt)
    if outcome == RETRY:
        retry(send_vote_verification, token_id, attempt=attempt)
    return outcome


@task()
def send_address_confirmation(token_id: int, attempt: int = 1) -> str:
    from .models import TokenKind

    found = _pending_token(token_id, TokenKind.VERIFY_EMAIL)
    if found is None or found.contact.verified_at is not None:
        return "skipped"  # proven meanwhile, used, expired or gone
    portal = found.contact.workspace.portal
    message = Mail(
        subject=f"Confirm your address for {portal_name(portal)}",
        body=(
            f"Thank you for your feedback on {portal_name(portal)}.\n\n"
            f"Please confirm that this address is yours, so the team can count it: "
            f"{_link('portal_confirm', found)}\n\n"
            "The link works for 48 hours. If you did not send feedback, ignore this mail."
        ),
        to=[found.contact.email],
    )
    outcome = deliver(message, kind="address confirmation", attempt=attempt)
    if outcome == RETRY:
        retry(send_address_confirmation, token_id, attempt=attempt)
    return outcome


@task()
def send_status_notices(idea_id: int, status: str, changed_at: str, attempt: int = 1) -> int:
    """One mail per subscriber (voters and portal submitters of linked feedback) who did not
    unsubscribe. Returns how many were sent by this run; those that failed for a while are tried
    again by a later run."""
    from . import selectors, services
    from .models import StatusNotice

    published = selectors.published_for_notice(idea_id)
    if published is None or status not in STATUS_SUBJECTS:
        return 0
    portal = published.workspace.portal
    when = datetime.fromisoformat(changed_at)
    page = services.absolute(reverse("portal_idea", args=[published.workspace.slug, idea_id]))
    sent, again = 0, False
    for contact in selectors.subscribers(published):
        try:
            with transaction.atomic():
                StatusNotice.objects.create(
                    idea_id=idea_id, contact=contact, status=status, changed_at=when
                )
                token = services.unsubscribe_token(contact)
                outcome = deliver(_notice(published, portal, status, page, contact, token),
                                  kind="status notice", attempt=attempt)  # fmt: skip
                if outcome == RETRY:
                    raise _TryLater
        except IntegrityError:
            continue  # this contact was told already (a retried task)
        except _TryLater:
            again = True  # the notice was rolled back: the next attempt sends it
            continue
        sent += outcome == SENT
    if again:
        retry(send_status_notices, idea_id, status, changed_at, attempt=attempt)
    return sent


def _notice(published, portal, status: str, page: str, contact, token: str) -> Mail:
    from . import services

    unsubscribe = services.absolute(
        reverse("portal_unsubscribe", args=[published.workspace.slug, token])
    )
    return Mail(
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
    )
