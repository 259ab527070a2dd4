"""What the similarity index keeps besides Feedback.embedding (which it fills).

The full-text index lives in a table of its own, created per database vendor by migration 0002
(an FTS5 virtual table on SQLite, a tsvector column with a GIN index on PostgreSQL).
"""

import secrets

from django.db import models


def new_stamp() -> int:
    return secrets.randbits(62)


class IndexState(models.Model):
    """A per-workspace stamp changed on every write to the index, so that each process knows when
    its cached vector matrix is stale without scanning the feedback table."""

    workspace = models.OneToOneField(
        "workspaces.Workspace", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    stamp = models.PositiveBigIntegerField(default=new_stamp)
    # Set once: a cache built under another epoch (another database, a rolled-back test) is
    # reloaded whole instead of being patched with the rows embedded since.
    epoch = models.PositiveBigIntegerField(default=new_stamp)


class IdeaVector(models.Model):
    """The embedding of an idea's title, description and problem; recomputed when they change."""

    idea = models.OneToOneField(
        "ideas.Idea", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()
