import copy

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class IdeaStatus(models.TextChoices):
    NEW = "new", "New"
    UNDER_REVIEW = "under_review", "Under review"
    SCORED = "scored", "Scored"
    PLANNED = "planned", "Planned"
    PARKED = "parked", "Parked"
    REJECTED = "rejected", "Rejected"
    DONE = "done", "Done"
    MERGED = "merged", "Merged"


class Tag(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_tag_name")
        ]

    def __str__(self) -> str:
        return self.name


class Idea(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="ideas"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    problem = models.TextField(blank=True, help_text="The problem it solves.")
    department = models.ForeignKey(
        "workspaces.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where the idea came from.",
    )
    product_area = models.CharField(max_length=100, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="ideas")
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.NEW)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_ideas"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            # With the id: counting the ideas of a status that have a tag too joins from this
            # index alone (PostgreSQL; SQLite keeps the id in every index anyway).
            models.Index(fields=["workspace", "status", "id"]),
            models.Index(fields=["workspace", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class ModelKind(models.TextChoices):
    WEIGHTED = "weighted", "Weighted scoring"
    RICE = "rice", "RICE"
    WSJF = "wsjf", "WSJF"
    ICE = "ice", "ICE"
    VALUE_EFFORT = "value_effort", "Value vs effort"
    MOSCOW = "moscow", "MoSCoW"
    KANO = "kano", "Kano"
    FORMULA = "formula", "Custom formula"


class ScoringModel(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="scoring_models"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=ModelKind.choices)
    description = models.TextField(blank=True)
    formula = models.TextField(blank=True, help_text="Custom formula over the criteria keys.")
    options = models.JSONField(default=dict, blank=True)
    is_default = models.BooleanField(default=False)
    promote_threshold = models.FloatField(
        null=True, blank=True, help_text="A score at or above suggests promoting."
    )
    park_threshold = models.FloatField(
        null=True, blank=True, help_text="A score below suggests parking."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_scoring_model_name"),
            models.UniqueConstraint(
                fields=["workspace"], condition=Q(is_default=True), name="one_default_scoring_model"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CriterionRole(models.TextChoices):
    BENEFIT = "benefit", "Benefit"
    COST = "cost", "Cost"
    INPUT = "input", "Input"


class Criterion(models.Model):
    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="criteria")
    key = models.CharField(max_length=40)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    role = models.CharField(
        max_length=10, choices=CriterionRole.choices, default=CriterionRole.BENEFIT
    )
    weight = models.FloatField(default=1.0)
    scale_min = models.FloatField(default=1)
    scale_max = models.FloatField(default=5)
    allowed = models.JSONField(
        null=True, blank=True, help_text="Allowed values, e.g. the Fibonacci scale."
    )
    position = models.PositiveIntegerField(default=0)
    # Evidence criteria take their input from data (accord.ideas.evidence), not from ratings.
    source = models.CharField(max_length=60, blank=True, help_text="Evidence source key; blank = rated.")
    saturation = models.FloatField(
        null=True, blank=True, help_text="Raw evidence that earns the top of the scale."
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="unique_criterion_key")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def source_label(self) -> str:
        from accord.ideas.evidence import SOURCES  # evidence imports these models

        source = SOURCES.get(self.source)
        return source.label if source else self.source


class ModelRevision(models.Model):
    """The criteria and formula of a model from a moment on; score history replays against these."""

    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="revisions")
    criteria = models.JSONField()
    formula = models.TextField(blank=True)
    options = models.JSONField(default=dict)
    note = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class ScoreRankIndex(models.Index):
    """An index in the order of the ideas list sorted by score, best first: the list's
    `ORDER BY value DESC NULLS LAST, idea DESC` reads its first page straight from it instead of
    sorting every matching idea.

    Declared as fields ("-value"), it would be `value DESC`, which PostgreSQL sorts NULLS FIRST; so
    there the descending columns get NULLS LAST. SQLite allows no NULLS LAST in an index and needs
    none: its DESC already puts NULLs last.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        index = self
        if schema_editor.connection.vendor == "postgresql":
            index = copy.copy(self)
            index.fields_orders = [
                (name, "DESC NULLS LAST" if order == "DESC" and _nullable(model, name) else order)
                for name, order in self.fields_orders
            ]
        return super(ScoreRankIndex, index).create_sql(model, schema_editor, using=using, **kwargs)


def _nullable(model, field_name: str) -> bool:
    return model._meta.get_field(field_name).null


class IdeaScore(models.Model):
    """An idea's agreed inputs under one model and the score they give (absolute: only this idea's inputs)."""

    # No index of its own: the unique constraint (idea, model) leads with it and serves its
    # lookups; PostgreSQL rewrites every index of a row that a rescoring changes.
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="scores", db_index=False)
    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="scores")
    inputs = models.JSONField(default=dict, blank=True)
    value = models.FloatField(null=True, blank=True)
    category = models.CharField(max_length=40, blank=True)
    undefined_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "model"], name="one_score_per_idea_and_model")
        ]
        indexes = [
            models.Index(fields=["model", "value"]),
            # The ideas list sorted by score, best first (the default sort).
            ScoreRankIndex(fields=["model", "-value", "-idea"], name="ideas_score_rank_idx"),
        ]


class ScoreEvent(models.Model):
    """An idea's inputs changed (a round closed, an editor set values): the point in its score history."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="score_events")
    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="+")
    inputs = models.JSONField(default=dict)
    value = models.FloatField(null=True)
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["idea", "model", "at"])]


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ScoringRound(models.Model):
    """A session in which stakeholders score ideas independently; closing it agrees the inputs."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="scoring_rounds"
    )
    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="rounds")
    title = models.CharField(max_length=150)
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    ideas = models.ManyToManyField(Idea, related_name="scoring_rounds")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return self.title


class Participation(models.Model):
    """A rater in a round; their ratings stay hidden from others until they submit."""

    round = models.ForeignKey(ScoringRound, on_delete=models.CASCADE, related_name="participants")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "rater"], name="one_participation_per_rater")
        ]


class Rating(models.Model):
    round = models.ForeignKey(ScoringRound, on_delete=models.CASCADE, related_name="ratings")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.FloatField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "idea", "criterion", "rater"], name="one_rating_per_cell"
            )
        ]
        indexes = [models.Index(fields=["round", "idea"])]


class KanoAnswer(models.Model):
    """One respondent's answers to the functional and dysfunctional question about an idea."""

    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="kano_answers")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="kano_answers")
    respondent = models.CharField(max_length=200)
    functional = models.CharField(max_length=10)
    dysfunctional = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model", "idea", "respondent"], name="one_kano_answer_per_respondent"
            )
        ]


class DecisionKind(models.TextChoices):
    PROMOTE = "promote", "Promoted to the roadmap"
    PARK = "park", "Parked"
    REJECT = "reject", "Rejected"
    REOPEN = "reopen", "Reopened"


class Decision(models.Model):
    """What was decided about an idea, why, with the scores at that moment."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    reason = models.TextField()
    revisit_on = models.DateField(null=True, blank=True)
    revisit_condition = models.CharField(max_length=300, blank=True)
    score_snapshot = models.JSONField(default=dict)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
