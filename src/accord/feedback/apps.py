from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "accord.feedback"
    label = "feedback"

    def ready(self) -> None:
        from . import evidence, history, home, panels, permissions  # noqa: F401  (permission rows)

        evidence.register()  # feedback.linked, feedback.customers, feedback.revenue
        history.register()  # how feedback and its links read in the history
        home.register()  # new feedback on my ideas, untriaged feedback on the home page
        panels.register()  # the evidence panel on the idea page
        from accord.ideas.signals import idea_status_changed

        from .services import on_idea_status_changed

        idea_status_changed.connect(on_idea_status_changed, dispatch_uid="feedback.follow_merge")
