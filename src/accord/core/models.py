from django.db import models


class RateCounter(models.Model):
    """A rate limit's count in a fixed window, shared by every server process (see ratelimit.py)."""

    key = models.CharField(max_length=200, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.FloatField(db_index=True, help_text="Unix time at which the window ends.")

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
