"""Playbooks (versioned procedures with checklist steps), their runs and post-mortems.

A playbook's content lives in immutable PlaybookVersion rows: every edit adds one, and
Playbook.version is the number of the current one (and the optimistic-concurrency version).
A run copies the steps of the version it was started on, so a later edit never changes it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PlaybookKind(models.TextChoices):
    LAUNCH = "launch", "Launch"
    INCIDENT = "incident", "Incident"
    CAMPAIGN = "campaign", "Campaign"
    RELEASE = "release", "Release"
    CHANGE = "change", "Change"


class Playbook(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="playbooks"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=PlaybookKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="The number of the current version.")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_playbook_name")
        ]

    def __str__(self) -> str:
        return self.name


class PlaybookVersion(models.Model):
    """One immutable version: the procedure's text and its steps as they were then."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    playbook = models.ForeignKey(Playbook, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=PlaybookKind.choices)
    body = models.TextField(blank=True, help_text="The procedure (Markdown).")
    steps = models.JSONField(default=list, help_text="The checklist (see steps.clean_steps).")
    note = models.CharField(max_length=300, blank=True, help_text="What changed in this version.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["playbook_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["playbook", "number"], name="unique_playbook_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class PlaybookRun(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="playbook_runs"
    )
    playbook = models.ForeignKey(Playbook, on_delete=models.PROTECT, related_name="runs")
    playbook_version = models.ForeignKey(
        PlaybookVersion, on_delete=models.PROTECT, related_name="runs"
    )
    title = models.CharField(max_length=200)
    subject_kind = models.CharField(
        max_length=30, blank=True, help_text='"" for a free-standing run.'
    )
    subject_ref = models.CharField(max_length=200, blank=True)
    subject_label = models.CharField(max_length=200, blank=True)
    subject_fields = models.JSONField(
        default=dict, blank=True, help_text="What step conditions were read from."
    )
    started_at = models.DateTimeField(default=timezone.now)
    target_date = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last required step was checked."
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["workspace", "finished_at"])]

    def __str__(self) -> str:
        return self.title


class RunStep(models.Model):
    """A step of a run, copied from its version; `applies` is False when its condition did not hold."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(PlaybookRun, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    owner_role = models.CharField(max_length=60)
    owner_title = models.CharField(max_length=100, blank=True)
    expected_minutes = models.PositiveIntegerField(default=60)
    required = models.BooleanField(default=True)
    condition = models.CharField(max_length=200, blank=True)
    applies = models.BooleanField(default=True)
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["run_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="unique_run_step_position")
        ]

    def __str__(self) -> str:
        return self.title


class PostMortem(models.Model):
    """What happened and what we learn, blameless by template."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="postmortems"
    )
    title = models.CharField(max_length=200)
    subject_kind = models.CharField(max_length=30)
    subject_ref = models.CharField(max_length=200)
    subject_label = models.CharField(max_length=200)
    occurred_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True, help_text="What happened (Markdown).")
    impact = models.TextField(blank=True)
    went_well = models.TextField(blank=True)
    went_badly = models.TextField(blank=True)
    contributing_factors = models.TextField(blank=True)
    timeline = models.JSONField(
        default=list, blank=True, help_text='[{"at": ISO date-time, "text": ...}] in time order.'
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ActionItem(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    postmortem = models.ForeignKey(
        PostMortem, on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        "workspaces.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="postmortem_actions",
    )
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    idea = models.ForeignKey(
        "ideas.Idea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="postmortem_actions",
    )
    roadmap_item = models.ForeignKey(
        "roadmaps.RoadmapItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="postmortem_actions",
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["postmortem_id", "position", "id"]
        indexes = [models.Index(fields=["workspace", "owner", "done_at"])]

    def __str__(self) -> str:
        return self.title
