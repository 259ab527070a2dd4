"""Go-to-market launch plans: a release on a product roadmap, its campaigns on the marketing
roadmap, a versioned positioning with a review, two maps (brand attributes -> features, funnel
stages -> user flows), a checklist generated from a template, and a calendar feed."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Tier(models.IntegerChoices):
    TIER_1 = 1, "Tier 1 (major)"
    TIER_2 = 2, "Tier 2"
    TIER_3 = 3, "Tier 3 (minor)"


class Department(models.TextChoices):
    """The departments that review a positioning (workspaces.TeamKind values)."""

    PRODUCT = "product", "Product"
    MARKETING = "marketing", "Marketing"


class TaskStatus(models.TextChoices):
    TODO = "todo", "To do"
    DOING = "doing", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"


# The funnel a new launch starts with (stages can be renamed, added and removed).
DEFAULT_FUNNEL = ["Awareness", "Consideration", "Conversion", "Retention", "Advocacy"]


class Launch(models.Model):
    """A release (an item of a product roadmap) brought to market on a date, with its campaigns."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="launches"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    release = models.ForeignKey(
        "roadmaps.RoadmapItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="launches",
        help_text="The release on a product roadmap; empty when its item was deleted.",
    )
    campaigns = models.ManyToManyField(
        "roadmaps.RoadmapItem", blank=True, related_name="launch_campaigns"
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="launches",
    )
    owner = models.ForeignKey(
        "workspaces.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="launches_owned",
    )
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.TIER_2)
    launch_date = models.DateField()
    window_end = models.DateField(
        null=True, blank=True, help_text="The last day of the launch window (empty: one day)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["launch_date", "id"]
        indexes = [models.Index(fields=["workspace", "launch_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__isnull=True) | Q(window_end__gte=F("launch_date")),
                name="launch_window_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def last_day(self):
        return self.window_end or self.launch_date


class Positioning(models.Model):
    """One version of a launch's positioning; every save adds a version, never edits one."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="positionings")
    number = models.PositiveIntegerField()
    problem = models.TextField(blank=True)
    audience = models.TextField(blank=True)
    usp = models.TextField(blank=True, help_text="The unique selling proposition.")
    differentiators = models.TextField(blank=True, help_text="One per line.")
    pitch = models.TextField(blank=True, help_text="What a sales rep says.")
    proof_points = models.TextField(blank=True, help_text="One per line.")
    note = models.CharField(max_length=300, blank=True, help_text="What changed, in a few words.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["launch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["launch", "number"], name="one_positioning_number")
        ]


class Approval(models.Model):
    """A department's approval of one positioning version (a new version needs new approvals)."""

    positioning = models.ForeignKey(Positioning, on_delete=models.CASCADE, related_name="approvals")
    department = models.CharField(max_length=20, choices=Department.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["positioning", "department"], name="one_approval_per_department"
            )
        ]


class BrandAttribute(models.Model):
    """A brand attribute (e.g. "trustworthy") and the product features that deliver it."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="attributes")
    name = models.CharField(max_length=120)
    items = models.ManyToManyField("roadmaps.RoadmapItem", blank=True, related_name="+")
    ideas = models.ManyToManyField("ideas.Idea", blank=True, related_name="+")
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["launch", "name"], name="one_brand_attribute_name")
        ]


class FunnelStage(models.Model):
    """A stage of the marketing funnel and the user flows that carry people through it."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="funnel_stages")
    name = models.CharField(max_length=80)
    flows = models.JSONField(default=list, blank=True, help_text="Names of user flows.")
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["launch", "name"], name="one_funnel_stage_name")
        ]


class ChecklistTemplate(models.Model):
    """A workspace's launch checklist for a tier (no tier: any launch)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="launch_templates"
    )
    name = models.CharField(max_length=120)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tier", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="one_launch_template_name")
        ]

    def __str__(self) -> str:
        return self.name


class TemplateTask(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    offset_days = models.IntegerField(help_text="Due this many days from the launch date (-14).")
    department = models.CharField(
        max_length=20, blank=True, help_text="A team kind, to find an owner."
    )
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["offset_days", "position", "id"]


class LaunchTask(models.Model):
    """A task of a launch's checklist, due relative to the launch date (moves with it)."""

    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        "workspaces.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="launch_tasks",
    )
    offset_days = models.IntegerField(default=0)
    department = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.TODO)
    blocked_reason = models.CharField(max_length=300, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.IntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["offset_days", "position", "id"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title


class LaunchCalendarFeed(models.Model):
    """A token-protected iCalendar URL of all the workspace's launches (token stored hashed)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="launch_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
