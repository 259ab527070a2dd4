"""Role definitions, incompatible role pairs, role assignments on initiatives and the RACI matrix."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accord.workspaces.models import TeamKind


class RaciValue(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


class RoleDefinition(models.Model):
    """A role people play on initiatives (product owner, scrum master, ...), with objective success
    criteria; may report to another role (no cycles)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="role_definitions"
    )
    key = models.SlugField(
        max_length=60, help_text="Stable name for the API, e.g. 'product-owner'."
    )
    name = models.CharField(max_length=120)
    department = models.CharField(max_length=20, choices=TeamKind.choices, default=TeamKind.PRODUCT)
    description = models.TextField(blank=True)
    success_criteria = models.TextField(blank=True, help_text="Objective criteria, one per line.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    position = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="role_definition_key_unique"),
            models.UniqueConstraint(
                fields=["workspace", "name"], name="role_definition_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IncompatiblePair(models.Model):
    """Two roles one person should not hold on the same initiative (a conflict of interest)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="incompatible_role_pairs"
    )
    role_a = models.ForeignKey(RoleDefinition, on_delete=models.CASCADE, related_name="+")
    role_b = models.ForeignKey(RoleDefinition, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["role_a", "role_b"], name="incompatible_pair_unique"),
        ]


class RoleSettings(models.Model):
    """Per-workspace settings of the RACI checks."""

    workspace = models.OneToOneField(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="role_settings"
    )
    load_threshold = models.PositiveIntegerField(
        default=12,
        help_text="R and A cells a person may hold across active initiatives before they count as overloaded.",
    )
    defaults_seeded = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)


class RoleAssignment(models.Model):
    """Who holds which role on an initiative."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="role_assignments"
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.ForeignKey(RoleDefinition, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(
        "workspaces.Person", on_delete=models.CASCADE, related_name="role_assignments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role__position", "role__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "role", "person"], name="role_assignment_unique"
            ),
        ]


class Activity(models.Model):
    """A row of an initiative's RACI matrix, in one lifecycle stage."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="raci_activities"
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="raci_activities"
    )
    stage = models.ForeignKey(
        "initiatives.LifecycleStage", on_delete=models.CASCADE, related_name="raci_activities"
    )
    name = models.CharField(max_length=200)
    skills = models.JSONField(default=list, blank=True)
    gate_approval = models.BooleanField(default=False, help_text="Signing off the stage's gate.")
    position = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["stage__position", "position", "id"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.name


class RaciCell(models.Model):
    """One cell: a person or a role is R, A, C or I for an activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="cells")
    person = models.ForeignKey(
        "workspaces.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="raci_cells",
    )
    role = models.ForeignKey(
        RoleDefinition, null=True, blank=True, on_delete=models.CASCADE, related_name="raci_cells"
    )
    value = models.CharField(max_length=1, choices=RaciValue.choices)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, role__isnull=True)
                | Q(person__isnull=True, role__isnull=False),
                name="raci_cell_person_or_role",
            ),
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(person__isnull=False),
                name="raci_cell_person_unique",
            ),
            models.UniqueConstraint(
                fields=["activity", "role"],
                condition=Q(role__isnull=False),
                name="raci_cell_role_unique",
            ),
            models.CheckConstraint(
                condition=Q(value__in=["R", "A", "C", "I"]), name="raci_cell_value"
            ),
        ]
