from django.conf import settings
from django.db import models
from django.utils import timezone


class InitiativeKind(models.TextChoices):
    PRODUCT = "product", "Product"
    FEATURE_SET = "feature_set", "Feature set"
    RELEASE = "release", "Release"
    CAMPAIGN = "campaign", "Campaign"


# The lifecycle a new workspace starts with (editable per workspace): (key, name, colour).
DEFAULT_STAGES = [
    ("strategy", "Strategy and vision", "#6d28d9"),
    ("discovery", "Discovery", "#0369a1"),
    ("build", "Build", "#0f766e"),
    ("launch", "Launch", "#b45309"),
    ("grow", "Grow", "#15803d"),
    ("mature", "Mature", "#475569"),
    ("retire", "Retire", "#9f1239"),
]


class LifecycleStage(models.Model):
    """One stage of a workspace's product lifecycle, in order (position)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="lifecycle_stages"
    )
    key = models.SlugField(
        max_length=40, help_text="Stable name for the API and filters, e.g. 'build'."
    )
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=7, default="#475569")
    position = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="lifecycle_stage_key_unique"),
            models.UniqueConstraint(
                fields=["workspace", "name"], name="lifecycle_stage_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Initiative(models.Model):
    """A product, a feature set, a release or a campaign: groups ideas, roadmap items, goals and
    launches, and moves through the lifecycle stages."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="initiatives"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=20, choices=InitiativeKind.choices, default=InitiativeKind.PRODUCT
    )
    description = models.TextField(blank=True, help_text="Why it exists (Markdown).")
    stage = models.ForeignKey(LifecycleStage, on_delete=models.PROTECT, related_name="initiatives")
    stage_since = models.DateTimeField(default=timezone.now)
    owner = models.ForeignKey(
        "workspaces.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives_owned",
    )
    ideas = models.ManyToManyField("ideas.Idea", blank=True, related_name="initiatives")
    roadmap_items = models.ManyToManyField(
        "roadmaps.RoadmapItem", blank=True, related_name="initiatives"
    )
    goals = models.ManyToManyField("goals.Goal", blank=True, related_name="initiatives")
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["stage__position", "name", "id"]
        indexes = [models.Index(fields=["workspace", "stage"])]

    def __str__(self) -> str:
        return self.name


class StageChange(models.Model):
    """The stage history of an initiative: who moved it, when, with what evidence (or override)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.ForeignKey(
        LifecycleStage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_stage = models.ForeignKey(LifecycleStage, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence = models.TextField(blank=True)
    override_reason = models.TextField(
        blank=True, help_text="Set when an admin moved it past an unmet gate."
    )

    class Meta:
        ordering = ["at", "id"]
