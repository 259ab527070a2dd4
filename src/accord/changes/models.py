"""Change requests, their department impacts and sign-offs, the workspace's sign-off rules,
freeze windows, review meetings (change advisory) and the change calendar's feeds."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Risk(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


RISK_RANK = {Risk.HIGH: 0, Risk.MEDIUM: 1, Risk.LOW: 2}


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Done"
    ROLLED_BACK = "rolled_back", "Rolled back"


# The states a change can still happen in: these block the calendar for other changes.
ACTIVE = [ChangeStatus.DRAFT, ChangeStatus.IN_REVIEW, ChangeStatus.APPROVED, ChangeStatus.SCHEDULED]


class Impact(models.TextChoices):
    UNASSESSED = "", "Not assessed"
    NONE = "none", "None"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Change(models.Model):
    """A change request: what changes, why, on which area, in which window, at what risk."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="changes"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What changes (Markdown).")
    reason = models.TextField(blank=True, help_text="Why.")
    area = models.CharField(max_length=80, help_text="The system or area affected, e.g. website.")
    systems = models.CharField(max_length=300, blank=True, help_text="Other systems touched.")
    start = models.DateTimeField()
    end = models.DateTimeField()
    risk = models.CharField(max_length=10, choices=Risk.choices, default=Risk.MEDIUM)
    rollback_plan = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.DRAFT
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    roadmap_items = models.ManyToManyField(
        "roadmaps.RoadmapItem", blank=True, related_name="changes"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["workspace", "area", "start", "end"]),
            models.Index(fields=["workspace", "start"]),
            models.Index(fields=["workspace", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="change_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ChangeImpact(models.Model):
    """One department's assessment of a change, and its sign-off."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="impacts")
    department = models.CharField(max_length=20)  # a workspaces.TeamKind
    required = models.BooleanField(
        default=False, help_text="A workspace rule asks this department to sign."
    )
    impact = models.CharField(max_length=10, choices=Impact.choices, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    assessed_by = models.ForeignKey(
        "workspaces.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["department"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "department"], name="one_impact_per_department"
            )
        ]


class SignOffRule(models.Model):
    """Changes on this area (blank: every change) need this department's sign-off."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="change_rules"
    )
    area = models.CharField(max_length=80, blank=True)
    department = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["area", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "area", "department"], name="one_rule_per_area_department"
            )
        ]


class Freeze(models.Model):
    """A window in which no change should happen (on one area, or on all when area is blank)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="freezes"
    )
    name = models.CharField(max_length=200)
    area = models.CharField(max_length=80, blank=True, help_text="Blank: every area.")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=1000, blank=True)
    campaign = models.ForeignKey(
        "roadmaps.RoadmapItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="freezes",
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["workspace", "start", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="freeze_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"


class Decision(models.TextChoices):
    PENDING = "", "Not decided"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"


class ChangeReview(models.Model):
    """A change advisory meeting: its agenda, who attended, a decision per change, minutes."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="change_reviews"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PLANNED
    )
    notes = models.TextField(blank=True, help_text="Free minutes (Markdown).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    review = models.ForeignKey(ChangeReview, on_delete=models.CASCADE, related_name="agenda")
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    reason = models.CharField(max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "change"], name="one_agenda_item_per_change")
        ]


class Attendance(models.Model):
    review = models.ForeignKey(ChangeReview, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("workspaces.Person", on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField(default=True)

    class Meta:
        ordering = ["person__name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "person"], name="one_attendance_per_person")
        ]


class ChangeCalendarFeed(models.Model):
    """A token-protected iCalendar URL of the workspace's change calendar (changes and freezes)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="change_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
