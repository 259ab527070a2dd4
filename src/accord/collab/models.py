"""Comments and watches on any discussable object (see registry.py): one table each for every type,
addressed by (object_type, object_id) like the audit trail."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Comment(models.Model):
    """A Markdown comment; mentions are written `@[Name](user:ID)` in the body and kept in `mentions`
    (the ids of the members who could see the object when it was written)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="comments"
    )
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    mentions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["workspace", "object_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.object_type} {self.object_id}"


class WatchReason(models.TextChoices):
    MANUAL = "manual", "Watching"
    CREATED = "created", "Created it"
    MENTIONED = "mentioned", "Mentioned"
    RESPONSIBLE = "responsible", "Responsible"
    UNWATCHED = (
        "unwatched",
        "Stopped watching",
    )  # an opt-out: kept so nothing watches again for them


class Watch(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    reason = models.CharField(
        max_length=20, choices=WatchReason.choices, default=WatchReason.MANUAL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "object_type", "object_id"],
                name="one_watch_per_user_and_object",
            )
        ]
        indexes = [models.Index(fields=["workspace", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.object_type} {self.object_id} ({self.reason})"
