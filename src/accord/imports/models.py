from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportSource(models.TextChoices):
    JIRA = "jira", "Jira (CSV or XML export)"
    TRELLO = "trello", "Trello (board JSON)"
    GITHUB = "github", "GitHub issues (REST API JSON)"
    CSV = "csv", "CSV or Excel (.xlsx) with a column mapping"


class ImportTarget(models.TextChoices):
    IDEA = "idea", "Ideas"
    ITEM = "item", "Roadmap items"
    FEEDBACK = "feedback", "Feedback"


class ImportRun(models.Model):
    """One committed import: what came in, by whom, and its counts (the audit entry names it)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="import_runs"
    )
    source = models.CharField(max_length=20, choices=ImportSource.choices)
    target = models.CharField(max_length=20, choices=ImportTarget.choices)
    filename = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    counts = models.JSONField(default=dict)  # {"created": n, "updated": n, "skipped": n}
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display().split(' (')[0]} import of {self.filename or 'a file'}"


class Origin(models.Model):
    """Where an imported object came from: a re-run finds it here and updates or skips it."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=20, choices=ImportSource.choices)
    external_key = models.CharField(
        max_length=200, help_text='e.g. "PROJ-12", a Trello card id, "owner/repo#12".'
    )
    object_type = models.CharField(
        max_length=30, help_text="idea, roadmapitem, feedback, milestone, roadmap."
    )
    object_id = models.BigIntegerField()
    run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="origins"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "object_type", "external_key"],
                name="one_origin_per_external_object",
            )
        ]
        indexes = [models.Index(fields=["workspace", "object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_key}"
