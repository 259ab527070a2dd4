"""Feedback: what customers and colleagues said, who said it, and which ideas it supports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Segment(models.TextChoices):
    """Suggested segments; the field is free text so a workspace can use its own."""

    ENTERPRISE = "enterprise", "Enterprise"
    MID_MARKET = "mid-market", "Mid-market"
    SMB = "smb", "SMB"
    CONSUMER = "consumer", "Consumer"


class Customer(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="customers"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, blank=True)
    company = models.CharField(max_length=200, blank=True)
    segment = models.CharField(max_length=60, blank=True, help_text="e.g. enterprise, smb.")
    revenue_weight = models.FloatField(
        default=0.0, help_text="What this customer is worth, e.g. ARR in thousands."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "email"],
                condition=~Q(email=""),
                name="unique_customer_email",
            )
        ]
        indexes = [models.Index(fields=["workspace", "segment"])]

    def __str__(self) -> str:
        return self.name or self.email


class Source(models.TextChoices):
    PORTAL = "portal", "Portal"
    SALES_CALL = "sales_call", "Sales call"
    SUPPORT_TICKET = "support_ticket", "Support ticket"
    SURVEY = "survey", "Survey"
    REVIEW = "review", "Review"
    CAMPAIGN_RESULT = "campaign_result", "Campaign result"
    INTERNAL = "internal", "Internal"
    API = "api", "API"
    IMPORT = "import", "Import"


class FeedbackStatus(models.TextChoices):
    NEW = "new", "New"
    REVIEWED = "reviewed", "Reviewed"
    LINKED = "linked", "Linked"
    ARCHIVED = "archived", "Archived"


class Feedback(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="feedback"
    )
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField(help_text="Markdown.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.INTERNAL)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    # A portal sender's address until they confirm it: meanwhile the feedback has no customer and
    # is no demand evidence (anyone can type an existing customer's address).
    unverified_email = models.EmailField(max_length=254, blank=True)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW
    )
    received_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    # Filled by accord.feedback.similarity (float32 vector bytes); never written by the core app.
    embedding = models.BinaryField(null=True, editable=False)
    embedded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "feedback"
        indexes = [
            models.Index(fields=["workspace", "status", "-received_at"]),
            models.Index(fields=["workspace", "-received_at"]),
            models.Index(fields=["workspace", "source"]),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:80]


class Importance(models.TextChoices):
    NICE_TO_HAVE = "nice_to_have", "Nice to have"
    IMPORTANT = "important", "Important"
    CRITICAL = "critical", "Critical"


class FeedbackLink(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="links")
    idea = models.ForeignKey(
        "ideas.Idea", on_delete=models.CASCADE, related_name="feedback_links"
    )
    quote = models.TextField(
        blank=True, help_text="The highlighted passage: part of the feedback text."
    )
    importance = models.CharField(
        max_length=15, choices=Importance.choices, default=Importance.IMPORTANT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "idea"], name="unique_feedback_link")
        ]
        indexes = [models.Index(fields=["idea", "feedback"])]

    def __str__(self) -> str:
        return f"{self.feedback_id} -> {self.idea_id}"
