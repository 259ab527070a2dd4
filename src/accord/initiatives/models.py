from django.conf import settings
from django.db import models
from django.utils import timezone


class InitiativeKind(models.TextChoices):
    PRODUCT = "product", "Product"
    FEATURE_SET = "feature_set", "Feature set"
    RELEASE = "release", "Release"
    CAMPAIGN = "campaign", "Campaign"


# The lifecycle a new workspace starts with (editable per workspace): (key, name, colour).
# Each stage's default exit criteria (its gate's template) are in DEFAULT_CRITERIA below.
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


# The exit criteria each default stage starts with (the gate template; editable per workspace and,
# once copied onto an initiative, per initiative).
DEFAULT_CRITERIA = {
    "strategy": [
        "Problem, target customers and the why are written down",
        "Vision and measures of success agreed",
        "Fit with company goals checked",
    ],
    "discovery": [
        "Customer problem validated with at least five customers",
        "Solution options compared and one chosen",
        "Business case reviewed by product and marketing",
    ],
    "build": [
        "Scope of the release frozen",
        "Quality, security and operations checks passed",
        "Marketing briefed: why, unique selling proposition, differentiators, pitch",
    ],
    "launch": [
        "Launch plan and positioning approved",
        "Sales and support enabled",
        "Released to customers",
    ],
    "grow": ["Adoption targets met", "Pricing and packaging reviewed"],
    "mature": ["Cost to serve reviewed", "Successor or sunset decided"],
    "retire": ["Customers migrated or told", "Systems switched off"],
}


class StageCriterion(models.Model):
    """One exit criterion of a stage's gate template: copied onto an initiative when it enters the
    stage (changing the template later changes no initiative's gate)."""

    stage = models.ForeignKey(LifecycleStage, on_delete=models.CASCADE, related_name="criteria")
    text = models.CharField(max_length=300)
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class GateCriterion(models.Model):
    """An exit criterion of one initiative's gate for one stage: met (by whom, when) or not."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="criteria")
    stage = models.ForeignKey(LifecycleStage, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=300)
    position = models.IntegerField(default=0)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence = models.CharField(max_length=500, blank=True, help_text="A link or a sentence.")

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["initiative", "stage"])]

    def __str__(self) -> str:
        return self.text


class GateSigner(models.Model):
    """Someone who must sign an initiative's gate for one stage, and their signature."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="signers")
    stage = models.ForeignKey(LifecycleStage, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "workspaces.Person", on_delete=models.CASCADE, related_name="gate_signatures"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.CharField(max_length=500, blank=True)
    # The initiative's owner signed their own gate: kept so that conflict checks can flag it.
    own_gate = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "stage", "person"], name="gate_signer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.initiative}"
