from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    name = "accord.feedback.similarity"
    label = "similarity"
    verbose_name = "Feedback similarity"

    def ready(self) -> None:
        from accord.feedback.signals import feedback_text_changed

        from .indexing import on_feedback_text_changed

        feedback_text_changed.connect(on_feedback_text_changed, dispatch_uid="similarity.reindex")
