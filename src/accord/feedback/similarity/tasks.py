from django.tasks import task


@task()
def index_feedback_task(feedback_ids: list[int]) -> int:
    """Background (re)embedding of feedback texts; idempotent, so a retry is harmless."""
    from .indexing import index_feedback

    return index_feedback(feedback_ids)
