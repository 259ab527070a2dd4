from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "accord.feedback"
    label = "feedback"

    def ready(self) -> None:
        from . import evidence, history, home, panels, permissions  # noqa: F401  (permission rows)

        evidence.register()  # feedback.linked, feedback.customers, feedback.revenue
        history.register()  # how feedback and its links read in the history
        from . import digest

        digest.register()  # this app's section of the weekly digest (accord.notifications)
        home.register()  # new feedback on my ideas, untriaged feedback on the home page
        panels.register()  # the evidence panel on the idea page
        from accord.ideas.signals import idea_status_changed

        from .services import on_idea_status_changed

        idea_status_changed.connect(on_idea_status_changed, dispatch_uid="feedback.follow_merge")

        # Comments, mentions and watching (accord.collab) on this app's objects.
        from accord.collab.registry import Discussable, page_url
        from accord.collab.registry import register as discussable

        from .models import Feedback

        discussable(Discussable(key="feedback", model=Feedback, view_permission="feedback.view", url=page_url("feedback_detail"),
                                label=str, responsible=("captured_by_id",), order=40))  # fmt: skip
