from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "accord.feedback"
    label = "feedback"

    def ready(self) -> None:
        from . import evidence, panels, permissions  # noqa: F401  (permission rows)

        evidence.register()  # feedback.linked, feedback.customers, feedback.revenue
        panels.register()  # the evidence panel on the idea page
