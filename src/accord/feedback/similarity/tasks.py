from django.tasks import task


@task()
def index_feedback_task(feedback_ids: list[int]) -> int:
    """Background embedding of new or edited feedback texts (an edit cleared the old vector);
    idempotent: what is already embedded, e.g. by `accord manage embed_feedback`, is skipped."""
    from .indexing import index_feedback

    return index_feedback(feedback_ids, only_pending=True)
