from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class GoalLevel(models.TextChoices):
    COMPANY = "company", "Company"
    DEPARTMENT = "department", "Department"
    TEAM = "team", "Team"


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", "Quarter"
    HALF = "half", "Half year"
    YEAR = "year", "Year"
    CUSTOM = "custom", "Custom dates"


class Goal(models.Model):
    """A goal of the company (shared by all departments), of one or more departments, or of a team."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="goals"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Why it matters (Markdown).")
    level = models.CharField(max_length=12, choices=GoalLevel.choices, default=GoalLevel.COMPANY)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The goal this one supports.",
    )
    teams = models.ManyToManyField(
        "workspaces.Team", blank=True, related_name="goals", help_text="The owning teams."
    )
    owner = models.ForeignKey(
        "workspaces.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="goals"
    )
    period_kind = models.CharField(
        max_length=10, choices=PeriodKind.choices, default=PeriodKind.QUARTER
    )
    start_date = models.DateField()
    end_date = models.DateField()
    ideas = models.ManyToManyField("ideas.Idea", blank=True, related_name="goals")
    roadmap_items = models.ManyToManyField(
        "roadmaps.RoadmapItem", blank=True, related_name="goals"
    )
    position = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["workspace", "level"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="goal_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Unit(models.TextChoices):
    NUMBER = "number", "Number"
    PERCENT = "percent", "%"
    CURRENCY = "currency", "Currency"
    COUNT = "count", "Count"


class Direction(models.TextChoices):
    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"
    RANGE = "range", "Stay within a range"


class KeyResult(models.Model):
    """A measurable result of a goal: from a baseline to a target (or within a range), measured over time."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="key_results"
    )
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="key_results")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.NUMBER)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO code, for currency.")
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    baseline = models.FloatField()
    target = models.FloatField(help_text="For a range: its upper bound.")
    target_min = models.FloatField(null=True, blank=True, help_text="For a range: its lower bound.")
    owner = models.ForeignKey(
        "workspaces.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_results",
    )
    # Denormalized from the measurements on every write, so the scoreboard reads one row per key
    # result instead of years of points: {"latest": [date, value], "series": [[date, value], ...]}
    # with the series downsampled to at most SERIES_POINTS points, and the trend line.
    summary = models.JSONField(default=dict, blank=True)
    # When the measurements last changed (the summary was rewritten): what the scoreboard's
    # cache and the kiosk's polling compare, without reading the summaries.
    measured_at = models.DateTimeField(null=True, blank=True)
    position = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class MeasurementSource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    CSV = "csv", "CSV import"
    API = "api", "API"


class Measurement(models.Model):
    """One value of a key result on one date (at most one per date)."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="measurements")
    date = models.DateField()
    value = models.FloatField()
    note = models.CharField(max_length=500, blank=True)
    source = models.CharField(
        max_length=10, choices=MeasurementSource.choices, default=MeasurementSource.MANUAL
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key_result", "date"], name="one_measurement_per_day")
        ]


class ScoreboardLink(models.Model):
    """A read-only link (no login) to the shared scoreboard, for the big screen. Token stored hashed."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="scoreboard_links"
    )
    name = models.CharField(max_length=120)
    token_hash = models.CharField(max_length=64, unique=True)
    refresh_seconds = models.PositiveIntegerField(default=60)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )
