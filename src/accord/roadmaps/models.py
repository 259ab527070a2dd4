from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class RoadmapKind(models.TextChoices):
    PRODUCT = "product", "Product"
    MARKETING = "marketing", "Marketing"
    IT = "it", "IT"
    CUSTOM = "custom", "Custom"
    PORTFOLIO = "portfolio", "Portfolio"


class TimeScale(models.TextChoices):
    WEEKS = "weeks", "Weeks"
    MONTHS = "months", "Months"
    QUARTERS = "quarters", "Quarters"


class LaneMode(models.TextChoices):
    CUSTOM = "custom", "Custom lanes"
    TEAM = "team", "By team"
    TAG = "tag", "By tag"
    STATUS = "status", "By status"
    GOAL = "goal", "By goal"  # lanes from the source registered for it (extensions.py)
    STAGE = "stage", "By stage"  # lifecycle stage of the items' initiatives (registered likewise)


class ColorBy(models.TextChoices):
    STATUS = "status", "Status"
    LANE = "lane", "Lane"
    TEAM = "team", "Team"
    ROADMAP = "roadmap", "Roadmap"
    # The lifecycle stage of the items' initiatives: from the colour source registered for it
    # (extensions.py); without one, the bars are coloured by status.
    STAGE = "stage", "Stage"


class Roadmap(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="roadmaps"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=RoadmapKind.choices, default=RoadmapKind.PRODUCT)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    time_scale = models.CharField(
        max_length=10, choices=TimeScale.choices, default=TimeScale.MONTHS
    )
    lane_mode = models.CharField(max_length=10, choices=LaneMode.choices, default=LaneMode.CUSTOM)
    color_by = models.CharField(max_length=10, choices=ColorBy.choices, default=ColorBy.STATUS)
    # A portfolio shows the items of these roadmaps (the same objects: an edit anywhere is one edit).
    includes = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="portfolios"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_roadmap_name")
        ]

    def __str__(self) -> str:
        return self.name


class Lane(models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="lanes")
    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["roadmap", "name"], name="unique_lane_name")]

    def __str__(self) -> str:
        return self.name


class Bucket(models.TextChoices):
    NOW = "now", "Now"
    NEXT = "next", "Next"
    LATER = "later", "Later"


class ItemStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    AT_RISK = "at_risk", "At risk"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class RoadmapItem(models.Model):
    """A bar on a roadmap: dated (start-end) or in a now/next/later bucket."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="roadmap_items"
    )
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    lane = models.ForeignKey(
        Lane, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The container that groups this bar.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    bucket = models.CharField(max_length=10, choices=Bucket.choices, blank=True)
    status = models.CharField(max_length=20, choices=ItemStatus.choices, default=ItemStatus.PLANNED)
    percent_done = models.PositiveSmallIntegerField(default=0)
    tags = models.ManyToManyField("ideas.Tag", blank=True, related_name="roadmap_items")
    team = models.ForeignKey(
        "workspaces.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.SET_NULL, related_name="roadmap_items"
    )
    people = models.ManyToManyField(
        "workspaces.Person",
        blank=True,
        related_name="roadmap_items",
        help_text="Who is responsible.",
    )
    position = models.IntegerField(default=0, help_text="Order within a board column.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["start_date", "position", "id"]
        indexes = [
            models.Index(fields=["roadmap", "start_date"]),
            models.Index(fields=["workspace", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="item_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(percent_done__lte=100), name="item_percent_done_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_dated(self) -> bool:
        return self.start_date is not None and self.end_date is not None


class Milestone(models.Model):
    """A date with a label, on one roadmap or (roadmap empty) shared by all the workspace's roadmaps."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="milestones"
    )
    roadmap = models.ForeignKey(
        Roadmap, null=True, blank=True, on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(max_length=120)
    date = models.DateField()
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return self.name


class DependencyKind(models.TextChoices):
    FINISH_TO_START = "finish_to_start", "Finish to start"
    START_TO_START = "start_to_start", "Start to start"


class Dependency(models.Model):
    """`successor` waits for `predecessor` (also across roadmaps: a campaign waits for a release)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="dependencies"
    )
    predecessor = models.ForeignKey(
        RoadmapItem, on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        RoadmapItem, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    kind = models.CharField(
        max_length=20, choices=DependencyKind.choices, default=DependencyKind.FINISH_TO_START
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="one_dependency_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="no_self_dependency"
            ),
        ]


class ItemSnapshot(models.Model):
    """The full state of an item after each change (or its removal), so a roadmap can be compared between dates."""

    item_id = models.BigIntegerField(db_index=True)
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField()
    removed = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["roadmap", "at"])]


class ShareLink(models.Model):
    """A read-only link (no login): one view, or a kiosk rotation through several. Token stored hashed."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="share_links"
    )
    name = models.CharField(max_length=120)
    token_hash = models.CharField(max_length=64, unique=True)
    views = models.JSONField(
        help_text='[{"roadmap": id, "view": "timeline"|"board"|"table", "filters": {...}}]'
    )
    rotate_seconds = models.PositiveIntegerField(default=0, help_text="0: no rotation.")
    password_hash = models.CharField(max_length=128, blank=True)
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


class CalendarFeed(models.Model):
    """A token-protected iCalendar URL of a roadmap's milestones and dated items."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)


class SavedView(models.Model):
    """A named filter of a roadmap view (by tag, team, status, lane), shared in the workspace."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=120)
    view = models.CharField(max_length=10, default="timeline")
    filters = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
