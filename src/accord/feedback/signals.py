"""Signals other parts of Accord listen to (accord.feedback.similarity re-embeds on this one)."""

from django.dispatch import Signal

# Sent on commit after feedback is created or its text/title changes; kwargs: feedback_ids (list[int]).
feedback_text_changed = Signal()
