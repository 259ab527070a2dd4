"""Writes of the public portal.

Admin side (a member, portal.manage): settings, publishing ideas, moderating comments and
submissions. Public side (no account): vote requests and their verification, comments, feedback
submissions, unsubscribing. Public writes take the Portal resolved from the slug (enabled, or the
view already answered 404); tokens are mailed on commit and stored hashed (a mailing task gets the
token's id and rebuilds the token from its nonce: no secret waits in the task queue).

Identity: an address is only trusted once its owner opened a link mailed to it (a vote link or
an address confirmation link; a signed-in member's own address counts as proven). Feedback
submitted from an unproven address reaches the inbox as "unverified": it borrows no customer's
identity (segment, revenue weight, history) and is no evidence until the address is confirmed.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.audit.services import record, snapshot
from accord.core.cleaning import clean_text
from accord.core.concurrency import save_versioned
from accord.core.errors import Invalid, NotFound
from accord.core.tokens import derived_token, hash_token, new_derived_token
from accord.ideas.models import Idea, IdeaStatus
from accord.workspaces.models import Membership
from accord.workspaces.permissions import require

from . import evidence, tasks
from .models import (
    Comment,
    Contact,
    Moderation,
    Portal,
    PortalToken,
    PublishedIdea,
    Submission,
    TokenKind,
    Vote,
)

PORTAL_FIELDS = ["enabled", "title", "intro", "moderate_comments", "moderate_submissions"]
VERIFY_HOURS = 48
MAILS_PER_HOUR = 3  # confirmation mails per vote (address and idea)
UNSUBSCRIBE_DAYS = 365
MODERATION_ACTIONS = {
    "approve": Moderation.APPROVED,
    "reject": Moderation.REJECTED,
    "spam": Moderation.SPAM,
}


def absolute(path: str) -> str:
    return f"{settings.ACCORD_BASE_URL}{path}"


def clean_email(email: str | None) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise Invalid.field("email", "Enter a valid e-mail address.") from exc
    if len(email) > 254:
        raise Invalid.field("email", "At most 254 characters.")
    return email


# ---------------------------------------------------------------- admin: settings and publishing


@transaction.atomic
def portal_update(
    *,
    member: Membership,
    version: int,
    enabled: bool | None = None,
    title: str | None = None,
    intro: str | None = None,
    moderate_comments: bool | None = None,
    moderate_submissions: bool | None = None,
) -> Portal:
    require(member, "portal.manage")
    portal, _ = Portal.objects.select_for_update().get_or_create(workspace=member.workspace)
    before = snapshot(portal, PORTAL_FIELDS)
    if enabled is not None:
        portal.enabled = enabled
    if title is not None:
        portal.title = clean_text(title, "title", max_length=120)
    if intro is not None:
        portal.intro = clean_text(intro, "intro", max_length=5000, multiline=True)
    if moderate_comments is not None:
        portal.moderate_comments = moderate_comments
    if moderate_submissions is not None:
        portal.moderate_submissions = moderate_submissions
    save_versioned(portal, version, PORTAL_FIELDS)
    record(
        workspace=member.workspace,
        actor=member.user,
        action="updated",
        obj=portal,
        object_type="portal",
        object_label="Public portal",
        before=before,
        after=snapshot(portal, PORTAL_FIELDS),
    )
    return portal


def _idea(workspace_id: int, idea_id: int) -> Idea:
    idea = Idea.objects.filter(pk=idea_id, workspace_id=workspace_id).first()
    if idea is None:
        raise NotFound("No such idea.")
    return idea


@transaction.atomic
def idea_publish(
    *,
    member: Membership,
    idea_id: int,
    public_title: str = "",
    public_description: str = "",
) -> PublishedIdea:
    """Show the idea on the portal (or change its public title and text if it is already there)."""
    require(member, "portal.manage")
    idea = _idea(member.workspace_id, idea_id)
    if idea.status == IdeaStatus.MERGED:
        raise Invalid.field("idea_id", "This idea was merged into another; publish that one.")
    published, created = PublishedIdea.objects.get_or_create(
        idea=idea, defaults={"workspace_id": member.workspace_id}
    )
    before = snapshot(published, ["public_title", "public_description"])
    published.public_title = clean_text(public_title, "public_title", max_length=200)
    published.public_description = clean_text(
        public_description, "public_description", max_length=20000, multiline=True
    )
    published.version += 0 if created else 1
    published.save()
    record(
        workspace=member.workspace,
        actor=member.user,
        action="published" if created else "updated",
        obj=idea,
        object_label=idea.title,
        before=None if created else before,
        after=snapshot(published, ["public_title", "public_description"]),
    )
    return published


@transaction.atomic
def idea_unpublish(*, member: Membership, idea_id: int) -> None:
    require(member, "portal.manage")
    idea = _idea(member.workspace_id, idea_id)
    deleted, _ = PublishedIdea.objects.filter(idea=idea).delete()
    if not deleted:
        raise NotFound("This idea is not on the portal.")
    record(
        workspace=member.workspace, actor=member.user, action="unpublished", obj=idea,
        object_label=idea.title,
    )  # fmt: skip


# ---------------------------------------------------------------- admin: moderation


def _moderate(member: Membership, item: Comment | Submission, action: str) -> str:
    if action not in MODERATION_ACTIONS:
        raise Invalid.field("action", "Use one of approve, reject, spam.")
    before = item.status
    item.status = MODERATION_ACTIONS[action]
    item.moderated_at = timezone.now()
    item.moderated_by = member.user
    record(
        workspace=member.workspace,
        actor=member.user,
        action=f"moderated_{action}",
        obj=item,
        object_label=str(item)[:80],
        before={"status": before},
        after={"status": item.status},
    )
    return before


@transaction.atomic
def comment_moderate(*, member: Membership, comment_id: int, action: str) -> Comment:
    require(member, "portal.manage")
    comment = Comment.objects.select_for_update().filter(
        pk=comment_id, workspace_id=member.workspace_id
    ).first()
    if comment is None:
        raise NotFound("No such comment.")
    _moderate(member, comment, action)
    comment.save(update_fields=["status", "moderated_at", "moderated_by"])
    return comment


@transaction.atomic
def submission_moderate(*, member: Membership, submission_id: int, action: str) -> Submission:
    """Approving sends the submission into the feedback inbox (once, however often it is approved)."""
    require(member, "portal.manage")
    submission = (
        Submission.objects.select_for_update()
        .select_related("contact", "workspace")
        .filter(pk=submission_id, workspace_id=member.workspace_id)
        .first()
    )
    if submission is None:
        raise NotFound("No such submission.")
    _moderate(member, submission, action)
    if submission.status == Moderation.APPROVED and submission.feedback_id is None:
        submission.feedback = _to_inbox(submission)
    submission.save(update_fields=["status", "moderated_at", "moderated_by", "feedback"])
    return submission


def _to_inbox(submission: Submission):
    from accord.feedback.services import feedback_create_public

    return feedback_create_public(
        workspace=submission.workspace,
        text=submission.text,
        email=submission.contact.email,
        name=submission.name,
        title=submission.title,
        verified=submission.contact.verified_at is not None,
    )


# ---------------------------------------------------------------- tokens and proven addresses

TOKEN_PREFIX = {TokenKind.VERIFY_VOTE: "vote", TokenKind.VERIFY_EMAIL: "addr", TokenKind.UNSUBSCRIBE: "unsub"}


def _mailed_token(contact: Contact, kind: str, expires_at, vote: Vote | None = None) -> PortalToken:
    """A token row for a mail a task will send (the task rebuilds the token: `token_of`)."""
    _raw, digest, nonce = new_derived_token(TOKEN_PREFIX[kind])
    return PortalToken.objects.create(
        contact=contact, kind=kind, vote=vote, token_hash=digest, token_nonce=nonce,
        expires_at=expires_at,
    )  # fmt: skip


def token_of(token: PortalToken) -> str:
    """The token to put in the mail, rebuilt from the stored nonce."""
    raw, digest = derived_token(TOKEN_PREFIX[token.kind], token.token_nonce)
    if digest != token.token_hash:  # SECRET_KEY changed since the row was made: the mail must work
        PortalToken.objects.filter(pk=token.pk).update(token_hash=digest)
    return raw


def _recent_tokens(**filters) -> int:
    return PortalToken.objects.filter(created_at__gte=timezone.now() - timedelta(hours=1), **filters).count()


def _address_proven(contact: Contact, when) -> None:
    """The contact's owner proved the address: their feedback now belongs to its customer."""
    from accord.feedback.services import feedback_sender_verified

    if contact.verified_at is None:
        Contact.objects.filter(pk=contact.pk).update(verified_at=when)
        contact.verified_at = when
    feedback_sender_verified(workspace=contact.workspace, email=contact.email, name=contact.name)


# ---------------------------------------------------------------- public: votes


def _contact(portal: Portal, email: str, name: str = "") -> Contact:
    contact, created = Contact.objects.get_or_create(
        workspace_id=portal.workspace_id, email=email, defaults={"name": name}
    )
    if name and not created and not contact.name:
        Contact.objects.filter(pk=contact.pk).update(name=name)
    return contact


def _published(portal: Portal, idea_id: int) -> PublishedIdea:
    published = (
        PublishedIdea.objects.select_related("idea")
        .filter(workspace_id=portal.workspace_id, idea_id=idea_id)
        .exclude(idea__status=IdeaStatus.MERGED)
        .first()
    )
    if published is None:
        raise NotFound("No such idea.")
    return published


@transaction.atomic
def vote_request(*, portal: Portal, idea_id: int, email: str) -> Vote:
    """A visitor asks to vote: the vote waits until they open the link mailed to them.

    Whatever the state (new, waiting, already counted) the visitor sees the same answer, so the form
    does not reveal who voted; an already counted vote gets no new mail, nor does an address that
    got MAILS_PER_HOUR of them in the last hour.
    """
    published = _published(portal, idea_id)
    contact = _contact(portal, clean_email(email))
    vote, _ = Vote.objects.get_or_create(
        idea=published.idea, contact=contact, defaults={"workspace_id": portal.workspace_id}
    )
    # However many addresses ask, one inbox gets at most MAILS_PER_HOUR confirmation mails.
    if vote.verified_at is None and _recent_tokens(vote=vote) < MAILS_PER_HOUR:
        token = _mailed_token(
            contact, TokenKind.VERIFY_VOTE, timezone.now() + timedelta(hours=VERIFY_HOURS), vote
        )
        transaction.on_commit(lambda: tasks.send_vote_verification.enqueue(token.pk))
    return vote


def _use_token(raw: str, kind: str, *, workspace_id: int) -> PortalToken:
    token = (
        PortalToken.objects.select_for_update()
        .select_related("contact", "contact__workspace")
        .filter(token_hash=hash_token(raw or ""), kind=kind, contact__workspace_id=workspace_id)
        .first()
    )
    if token is None or token.expires_at <= timezone.now():
        raise NotFound("This link does not work.")
    return token


@transaction.atomic
def vote_verify(*, portal: Portal, token: str) -> Vote:
    """The link from the mail: the vote counts from now on (opening it twice changes nothing)."""
    found = _use_token(token, TokenKind.VERIFY_VOTE, workspace_id=portal.workspace_id)
    vote = Vote.objects.select_for_update().filter(pk=found.vote_id).first()
    if vote is None:
        raise NotFound("This link does not work.")
    now = timezone.now()
    if found.used_at is None:
        PortalToken.objects.filter(pk=found.pk).update(used_at=now)
    _address_proven(found.contact, now)
    if vote.verified_at is None:
        vote.verified_at = now
        vote.save(update_fields=["verified_at"])
        evidence.refresh(workspace_id=portal.workspace_id, idea_id=vote.idea_id)
    return vote


@transaction.atomic
def vote_member(*, member: Membership, idea_id: int) -> tuple[Vote | None, bool]:
    """A signed-in member votes at once (their account's e-mail is verified), or takes it back.

    Returns (the vote or None, whether it counts now).
    """
    require(member, "portal.view")
    portal = Portal.objects.filter(workspace_id=member.workspace_id).first()
    if portal is None:
        raise NotFound("No such idea.")
    published = _published(portal, idea_id)
    contact = _contact(portal, member.user.email.lower(), member.user.display_name)
    vote = Vote.objects.filter(idea=published.idea, contact=contact).first()
    if vote is not None and vote.verified_at is not None:
        vote.delete()
        evidence.refresh(workspace_id=portal.workspace_id, idea_id=published.idea_id)
        return None, False
    now = timezone.now()
    if vote is None:
        try:
            with transaction.atomic():
                vote = Vote.objects.create(
                    workspace_id=portal.workspace_id, idea=published.idea, contact=contact,
                    user=member.user, verified_at=now,
                )  # fmt: skip
        except IntegrityError:  # the same member clicked twice at once: the first click counted
            return Vote.objects.get(idea=published.idea, contact=contact), True
    else:
        vote.verified_at, vote.user = now, member.user
        vote.save(update_fields=["verified_at", "user"])
    _address_proven(contact, now)
    evidence.refresh(workspace_id=portal.workspace_id, idea_id=published.idea_id)
    return vote, True


@transaction.atomic
def vote_on_behalf(*, member: Membership, idea_id: int, email: str, name: str = "") -> Vote:
    """An admin records a customer's vote they heard first-hand (a call, a meeting): it counts at
    once, and the customer hears of status changes like any voter."""
    require(member, "portal.manage")
    portal = Portal.objects.filter(workspace_id=member.workspace_id).first()
    if portal is None:
        raise NotFound("No such idea.")
    published = _published(portal, idea_id)
    contact = _contact(portal, clean_email(email), clean_text(name, "name", max_length=120))
    vote, _ = Vote.objects.get_or_create(
        idea=published.idea, contact=contact, defaults={"workspace_id": portal.workspace_id}
    )
    if vote.verified_at is None:
        vote.verified_at = timezone.now()
        vote.save(update_fields=["verified_at"])
        evidence.refresh(workspace_id=portal.workspace_id, idea_id=published.idea_id)
    record(
        workspace=member.workspace, actor=member.user, action="voted_for_customer", obj=vote,
        object_label=f"{contact.email} for {published.title}"[:300],
    )  # fmt: skip
    return vote


@transaction.atomic
def votes_follow_merge(*, workspace_id: int, source_id: int, target_id: int) -> int:
    """A duplicate was merged: its voters now vote for the survivor (once each), and the duplicate
    leaves the portal. Returns how many votes moved."""
    taken = Vote.objects.filter(idea_id=target_id).values("contact_id")
    moved = (
        Vote.objects.filter(workspace_id=workspace_id, idea_id=source_id)
        .exclude(contact_id__in=taken)
        .update(idea_id=target_id)
    )
    Vote.objects.filter(idea_id=source_id).delete()  # those who had voted for both
    PublishedIdea.objects.filter(idea_id=source_id).delete()
    evidence.refresh(workspace_id=workspace_id, idea_id=target_id)
    return moved


# ---------------------------------------------------------------- public: comments and submissions


@transaction.atomic
def comment_create(
    *,
    portal: Portal,
    idea_id: int,
    name: str,
    email: str,
    body: str,
    member: Membership | None = None,
) -> Comment:
    """A comment waits for moderation when the portal says so (a member's never does)."""
    published = _published(portal, idea_id)
    if member is not None and member.workspace_id == portal.workspace_id:
        name, email = member.user.display_name, member.user.email
    else:
        member = None
    name = clean_text(name, "name", required=True, max_length=120)
    contact = _contact(portal, clean_email(email), name)
    body = clean_text(body, "body", required=True, max_length=4000, multiline=True)
    approved = member is not None or not portal.moderate_comments
    comment = Comment.objects.create(
        workspace_id=portal.workspace_id,
        idea=published.idea,
        contact=contact,
        author_name=name,
        body=body,
        by_member=member is not None,
        status=Moderation.APPROVED if approved else Moderation.PENDING,
    )
    record(
        workspace=portal.workspace, actor=member.user if member else None, action="commented",
        obj=comment, object_label=published.title[:80], after={"status": comment.status},
    )  # fmt: skip
    return comment


@transaction.atomic
def submission_create(
    *, portal: Portal, name: str, email: str, title: str, text: str
) -> Submission:
    """Feedback from the portal: straight into the inbox, or into the moderation queue first.

    From an address not proven yet, a confirmation link is mailed (at most MAILS_PER_HOUR an
    hour); the feedback is "unverified" until it is opened. The visitor sees the same answer
    either way, so the form does not tell whether an address is known.
    """
    name = clean_text(name, "name", max_length=120)
    contact = _contact(portal, clean_email(email), name)
    submission = Submission.objects.create(
        workspace_id=portal.workspace_id,
        contact=contact,
        name=name,
        title=clean_text(title, "title", max_length=200),
        text=clean_text(text, "text", required=True, max_length=10000, multiline=True),
    )
    submission.contact = contact
    if contact.verified_at is None and _recent_tokens(
        contact=contact, kind=TokenKind.VERIFY_EMAIL
    ) < MAILS_PER_HOUR:
        token = _mailed_token(contact, TokenKind.VERIFY_EMAIL, timezone.now() + timedelta(hours=VERIFY_HOURS))
        transaction.on_commit(lambda: tasks.send_address_confirmation.enqueue(token.pk))
    if not portal.moderate_submissions:
        submission.workspace = portal.workspace
        submission.status = Moderation.APPROVED
        submission.feedback = _to_inbox(submission)
        submission.save(update_fields=["status", "feedback"])
    record(
        workspace=portal.workspace, actor=None, action="submitted", obj=submission,
        after={"status": submission.status},
    )  # fmt: skip
    return submission


# ---------------------------------------------------------------- public: unsubscribe


@transaction.atomic
def address_confirm(*, portal: Portal, token: str) -> Contact:
    """The link from the confirmation mail: the address is proven, its feedback counts."""
    found = _use_token(token, TokenKind.VERIFY_EMAIL, workspace_id=portal.workspace_id)
    now = timezone.now()
    if found.used_at is None:
        PortalToken.objects.filter(pk=found.pk).update(used_at=now)
    _address_proven(found.contact, now)
    return found.contact


def unsubscribe_token(contact: Contact) -> str:
    """A fresh one-click unsubscribe token for one mail (kept a year, stored hashed)."""
    token = _mailed_token(contact, TokenKind.UNSUBSCRIBE, timezone.now() + timedelta(days=UNSUBSCRIBE_DAYS))
    return token_of(token)


def unsubscribe_check(*, portal: Portal, token: str) -> None:
    """NotFound unless the unsubscribe link is good (the page asks for the one click first)."""
    exists = PortalToken.objects.filter(
        token_hash=hash_token(token or ""),
        kind=TokenKind.UNSUBSCRIBE,
        contact__workspace_id=portal.workspace_id,
        expires_at__gt=timezone.now(),
    ).exists()
    if not exists:
        raise NotFound("This link does not work.")


@transaction.atomic
def unsubscribe(*, portal: Portal, token: str) -> Contact:
    """No more status mails to this address from this workspace's portal."""
    found = _use_token(token, TokenKind.UNSUBSCRIBE, workspace_id=portal.workspace_id)
    contact = found.contact
    if contact.unsubscribed_at is None:
        contact.unsubscribed_at = timezone.now()
        contact.save(update_fields=["unsubscribed_at"])
    PortalToken.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=timezone.now())
    return contact
