from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PlanningPeriodKind(models.TextChoices):
    WEEK = "week", "Week"
    SPRINT = "sprint", "Sprint"
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


class Period(models.Model):
    """A planning period of the workspace (all teams share the calendar): "2026-Q2", "Sprint 14"."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=40)
    kind = models.CharField(
        max_length=10, choices=PlanningPeriodKind.choices, default=PlanningPeriodKind.QUARTER
    )
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_period_name")
        ]

    def __str__(self) -> str:
        return self.name


class CapacityUnit(models.TextChoices):
    PERSON_DAYS = "person_days", "person-days"
    POINTS = "points", "points"


def unit_word(unit: str | None) -> str:
    """The word after a figure: "person-days" (also for no unit: the default) or "points"."""
    return "points" if unit == CapacityUnit.POINTS else "person-days"


class TeamUnit(models.Model):
    """The unit a team plans in: person-days (the default, no row) or points. Its capacity, the
    efforts asked of it and its scenario changes are all in that unit; the optimizer works per team,
    so teams in different units plan together, but their figures are never added up."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    team = models.OneToOneField("workspaces.Team", on_delete=models.CASCADE, related_name="+")
    unit = models.CharField(
        max_length=12, choices=CapacityUnit.choices, default=CapacityUnit.PERSON_DAYS
    )

    class Meta:
        ordering = ["id"]


class TeamCapacity(models.Model):
    """What a team can give in a period: people (partial allocations add up: 2 full + one at half =
    2.5) times working days each, less holidays (person-days). For a team that plans in points:
    people times points per person, less points off (the same fields, read in the team's unit)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("workspaces.Team", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="capacities")
    people = models.FloatField(help_text="Full-time equivalents allocated to planned work.")
    days_per_person = models.FloatField(help_text="Working days in the period.")
    holidays = models.FloatField(default=0, help_text="Person-days off (holidays, leave).")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["team__name", "period__start_date"]
        constraints = [
            models.UniqueConstraint(fields=["team", "period"], name="one_capacity_per_team_period")
        ]

    @property
    def person_days(self) -> float:
        return max(0.0, self.people * self.days_per_person - self.holidays)


class Effort(models.Model):
    """Person-days a team puts into an idea (or a roadmap item without an idea), spread evenly over
    `periods` consecutive periods."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    item = models.ForeignKey(
        "roadmaps.RoadmapItem", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("workspaces.Team", on_delete=models.CASCADE, related_name="+")
    person_days = models.FloatField()
    periods = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "team"], name="one_effort_per_idea_team"),
            models.UniqueConstraint(fields=["item", "team"], name="one_effort_per_item_team"),
            models.CheckConstraint(
                condition=(Q(idea__isnull=False) & Q(item__isnull=True))
                | (Q(idea__isnull=True) & Q(item__isnull=False)),
                name="effort_on_idea_or_item",
            ),
        ]


class Scenario(models.Model):
    """A plan to solve: the workspace's capacity with this scenario's changes, its constraints, the
    scoring model whose score is the value, a discount per period the later an idea ships."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    scoring_model = models.ForeignKey(
        "ideas.ScoringModel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    discount = models.FloatField(default=0, help_text="Percent of value lost per period of delay.")
    time_limit = models.FloatField(default=10, help_text="Seconds the solver may take.")
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_scenario_name")
        ]

    def __str__(self) -> str:
        return self.name


class CapacityChange(models.Model):
    """In a scenario only: people added (or removed) for a team in a period, and/or person-days."""

    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="capacity_changes"
    )
    team = models.ForeignKey("workspaces.Team", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    people = models.FloatField(default=0)
    person_days = models.FloatField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "team", "period"], name="one_change_per_cell"
            )
        ]


class ConstraintKind(models.TextChoices):
    PIN = "pin", "Pinned to a period"
    EARLIEST = "earliest", "Earliest start"
    DEADLINE = "deadline", "Deadline"
    EXCLUSIVE = "exclusive", "Mutually exclusive"
    MIN_SHARE = "min_share", "Minimum share of a team"
    MAX_SHARE = "max_share", "Maximum share of a team"
    WEIGHT = "weight", "Value weight"


class GroupKind(models.TextChoices):
    GOAL = "goal", "Goal"
    DEPARTMENT = "department", "Department"
    TAG = "tag", "Tag"


class ShareScope(models.TextChoices):
    HORIZON = "horizon", "Over the whole horizon"
    PERIOD = "period", "In every period"


class Constraint(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="constraints")
    kind = models.CharField(max_length=12, choices=ConstraintKind.choices)
    idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    other_idea = models.ForeignKey(
        "ideas.Idea", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.ForeignKey(
        Period, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "workspaces.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group_kind = models.CharField(max_length=12, choices=GroupKind.choices, blank=True)
    goal = models.ForeignKey(
        "goals.Goal", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.CharField(max_length=20, blank=True, help_text="A TeamKind.")
    tag = models.ForeignKey(
        "ideas.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    share = models.FloatField(null=True, blank=True, help_text="Percent of the team's capacity.")
    scope = models.CharField(
        max_length=8, choices=ShareScope.choices, default=ShareScope.HORIZON,
        help_text="A share holds over the whole horizon, or in every period on its own.",
    )  # fmt: skip
    weight = models.FloatField(null=True, blank=True, help_text="Multiplies the idea's value.")

    class Meta:
        ordering = ["id"]


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    INFEASIBLE = "infeasible", "No plan possible"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class PlanRun(models.Model):
    """One solve of a scenario: its progress, then the plan, the greedy plan and the explanations."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.JSONField(default=dict, blank=True)
    cancel_requested = models.BooleanField(default=False)
    result = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Application(models.Model):
    """A plan applied to a roadmap: what was created and moved, so that it can be undone."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="applications")
    roadmap = models.ForeignKey("roadmaps.Roadmap", on_delete=models.CASCADE, related_name="+")
    changes = models.JSONField(default=dict)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-applied_at", "-id"]
