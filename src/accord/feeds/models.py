"""Atom feed tokens: one member's secret URL of one feed (a roadmap's, the workspace's activity).

The token is stored hashed (accord.core.tokens). It belongs to a membership: it stops working when
revoked, when the member leaves (the row goes with the membership) or no longer may view the scope.
"""

from django.db import models
from django.utils import timezone


class FeedToken(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="feed_tokens"
    )
    membership = models.ForeignKey(
        "workspaces.Membership", on_delete=models.CASCADE, related_name="feed_tokens"
    )
    scope = models.CharField(max_length=40, help_text="A registered FeedScope key.")
    object_id = models.BigIntegerField(null=True, blank=True, help_text="Empty for the workspace.")
    label = models.CharField(max_length=300, help_text="What the feed showed when created.")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="The token's start, to recognise it.")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["membership", "revoked_at"])]

    def __str__(self) -> str:
        return self.label

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
