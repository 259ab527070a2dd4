"""The public portal of a workspace: what it publishes, who voted, comments, submissions, notices.

People on the portal are not users: a Contact is an e-mail address within one workspace's portal
(votes, comments, submissions and unsubscribing hang off it). Every token a contact receives
(vote verification, address confirmation, unsubscribe) is stored hashed in PortalToken.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Portal(models.Model):
    workspace = models.OneToOneField(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="portal"
    )
    enabled = models.BooleanField(default=False)
    title = models.CharField(max_length=120, blank=True)
    intro = models.TextField(blank=True, help_text="Markdown, shown on the portal's home page.")
    moderate_comments = models.BooleanField(default=True)
    moderate_submissions = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.title or f"Portal of workspace {self.workspace_id}"


class PublishedIdea(models.Model):
    """An idea the workspace shows on its portal, optionally under a public title and text."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="published_ideas"
    )
    idea = models.OneToOneField("ideas.Idea", on_delete=models.CASCADE, related_name="published")
    public_title = models.CharField(max_length=200, blank=True)
    public_description = models.TextField(blank=True, help_text="Markdown.")
    published_at = models.DateTimeField(default=timezone.now)
    # The last status change customers were told about ("Shipped on ...").
    status_changed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["workspace", "-published_at"])]

    def __str__(self) -> str:
        return self.public_title or self.idea.title

    @property
    def title(self) -> str:
        return self.public_title or self.idea.title

    @property
    def description(self) -> str:
        return self.public_description or self.idea.description


class Contact(models.Model):
    """One e-mail address on one workspace's portal."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="portal_contacts"
    )
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=120, blank=True)
    # When its owner proved the address (opened a vote or confirmation link, or is the member).
    verified_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "email"], name="one_contact_per_email")
        ]

    def __str__(self) -> str:
        return self.email


class Vote(models.Model):
    """One vote per e-mail per idea; it counts once verified_at is set."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="portal_votes"
    )
    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="portal_votes")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "contact"], name="one_vote_per_email")
        ]
        indexes = [models.Index(fields=["idea"], condition=Q(verified_at__isnull=False), name="portal_vote_counted")]

    def __str__(self) -> str:
        return f"{self.contact_id} -> {self.idea_id}"


class TokenKind(models.TextChoices):
    VERIFY_VOTE = "verify_vote", "Verify a vote"
    VERIFY_EMAIL = "verify_email", "Confirm an e-mail address"
    UNSUBSCRIBE = "unsubscribe", "Unsubscribe"


class PortalToken(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=20, choices=TokenKind.choices)
    vote = models.ForeignKey(Vote, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    # The mailing task rebuilds the link's token from this (accord.core.tokens.derived_token).
    token_nonce = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} for {self.contact_id}"


class Moderation(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"


class Moderated(models.Model):
    """What the moderation queue needs of an item: its state, and who decided when."""

    status = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class Comment(Moderated):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="portal_comments"
    )
    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="portal_comments")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="comments")
    author_name = models.CharField(max_length=120)
    body = models.TextField(help_text="Markdown.")
    by_member = models.BooleanField(default=False, help_text="Written by a signed-in member.")

    class Meta(Moderated.Meta):
        indexes = [models.Index(fields=["workspace", "status", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class Submission(Moderated):
    """Feedback sent through the portal; it reaches the feedback inbox once approved."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="portal_submissions"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="submissions")
    name = models.CharField(max_length=120, blank=True)
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    feedback = models.OneToOneField(
        "feedback.Feedback", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(Moderated.Meta):
        indexes = [models.Index(fields=["workspace", "status", "created_at"])]

    def __str__(self) -> str:
        return self.title or self.text[:60]


class StatusNotice(models.Model):
    """One status-change e-mail to one contact: makes the sending task idempotent."""

    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notices")
    status = models.CharField(max_length=20)
    changed_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "contact", "status", "changed_at"], name="one_notice_per_change"
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} notice to {self.contact_id}"
