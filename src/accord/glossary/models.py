"""The glossary: terms with a definition per audience (department), synonyms, an owner, status."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TermStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"


class Term(models.Model):
    """One word of the shared vocabulary. `definitions` maps an audience (a TeamKind: marketing,
    it, sales, ...) to what the word means for it."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="glossary_terms"
    )
    name = models.CharField(max_length=120)
    synonyms = models.JSONField(default=list, blank=True)
    definitions = models.JSONField(default=dict, blank=True)
    examples = models.TextField(blank=True)
    owner = models.ForeignKey(
        "workspaces.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="glossary_terms",
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    status = models.CharField(max_length=10, choices=TermStatus.choices, default=TermStatus.DRAFT)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    # A person's flag: these definitions contradict each other and need a conversation.
    flag_note = models.TextField(blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flagged_at = models.DateTimeField(null=True, blank=True)
    # The automatic check (conflicts.py), stored on every write: the audiences whose definitions
    # share no content word, and the fingerprint of the definitions a reviewer last accepted.
    suspected = models.JSONField(default=list, blank=True)
    reviewed_fingerprint = models.CharField(max_length=64, blank=True)
    # Flagged by a person, or suspected and not reviewed since the definitions last changed.
    needs_review = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["workspace", "status"]),
            models.Index(fields=["workspace", "needs_review"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def flagged(self) -> bool:
        return self.flagged_at is not None


class TermName(models.Model):
    """Every name and synonym of every term, by its folded key: the database itself refuses a word
    defined twice in a workspace (also when two people save at once)."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="names")
    key = models.CharField(max_length=120)
    is_synonym = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"], name="glossary_word_once_per_workspace"
            )
        ]


class GlossaryState(models.Model):
    """A workspace's term-list version: bumped by every change to terms, so the compiled marker
    (marking.py) is rebuilt exactly when the list changed."""

    workspace = models.OneToOneField(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="glossary_state"
    )
    version = models.PositiveBigIntegerField(default=0)
    stamp = models.CharField(
        max_length=32, blank=True, help_text="Random, new at every change: the cache key."
    )
