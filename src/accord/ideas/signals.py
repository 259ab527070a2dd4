"""Signals other capabilities listen to (ideas knows nothing of its listeners).

idea_status_changed(sender=Idea, idea, old_status, new_status) is sent after the transaction that
changed an idea's status commits, so listeners (the portal's "your idea shipped" notices) never act
on a change that was rolled back.
"""

from django.db import transaction
from django.dispatch import Signal

idea_status_changed = Signal()


def announce_status_change(idea, old_status: str, new_status: str) -> None:
    """Schedule idea_status_changed for when the current transaction commits (if it changed)."""
    if old_status == new_status:
        return
    # send_robust: the change is committed; a failing listener is logged, never the caller's 500.
    transaction.on_commit(
        lambda: idea_status_changed.send_robust(
            sender=type(idea), idea=idea, old_status=old_status, new_status=new_status
        )
    )
