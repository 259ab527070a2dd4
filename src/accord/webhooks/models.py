"""Outgoing webhooks: a workspace's subscriptions and the outbox of their deliveries.

A Delivery is the outbox row: written by the audit listener in the transaction of the change it
tells (services.on_entry), sent by the delivery task after the commit, and again by the sweeper
when a worker died before or during the attempt. Every attempt leaves a DeliveryAttempt (the
delivery log: request and response, truncated).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class WebhookFormat(models.TextChoices):
    JSON = "json", "JSON (Accord's event payload)"
    SLACK = "slack", "Slack-compatible (a plain text message)"


class WebhookState(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"


class Webhook(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="webhooks"
    )
    name = models.CharField(max_length=120)
    url = models.CharField(max_length=2000)
    events = models.JSONField(
        default=list, help_text='Event types: "idea.created", "idea.*" or "*".'
    )
    format = models.CharField(
        max_length=10, choices=WebhookFormat.choices, default=WebhookFormat.JSON
    )
    # The signing secret is derived (accord.core.tokens.derived_token) from this nonce and the
    # SECRET_KEY: shown once on creation, rebuilt for each signature, never stored or queued as such.
    secret_nonce = models.CharField(max_length=64)
    secret_prefix = models.CharField(
        max_length=16, help_text="The first characters, to recognise it."
    )
    state = models.CharField(
        max_length=10, choices=WebhookState.choices, default=WebhookState.ACTIVE
    )
    paused_reason = models.CharField(max_length=300, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["workspace", "state"], name="webhook_ws_state")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_paused(self) -> bool:
        return self.state == WebhookState.PAUSED


class DeliveryStatus(models.TextChoices):
    PENDING = (
        "pending",
        "Pending",
    )  # waiting for its (next) attempt, or held while the webhook is paused
    SENDING = "sending", "Sending"  # claimed by a worker until lease_until
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"  # gave up after the retry schedule (replay sends it again)


class Delivery(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    # No database constraint: a listener may write a delivery for a webhook deleted by another
    # transaction a moment ago; that must not fail the change itself (the task drops such rows).
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", db_constraint=False
    )
    entry = models.ForeignKey(
        "audit.AuditEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event_type = models.CharField(max_length=120)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    body = models.TextField(
        blank=True, help_text="The request body, built at the first attempt and sent as is after."
    )
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays"
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["webhook", "-created_at", "-id"], name="delivery_log"),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk} to {self.webhook_id}"


class DeliveryAttempt(models.Model):
    """One try: what was sent and what came back (headers and bodies cut at LOG_LIMIT bytes)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    url = models.CharField(max_length=2000)
    request_headers = models.JSONField(default=dict)
    request_body = models.TextField(blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=dict)
    response_body = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery_id", "number"]

    @property
    def ok(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300
