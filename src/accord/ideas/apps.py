from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "accord.ideas"
    label = "ideas"

    def ready(self) -> None:
        from . import history, home, panels, permissions  # noqa: F401  (adds the ideas rows to the permission table)

        history.register()  # how ideas, scoring models and rounds read in the history
        from . import digest

        digest.register()  # this app's section of the weekly digest (accord.notifications)
        home.register()  # rounds waiting for my scores, my ideas, unscored ideas on the home page

        # Comments, mentions and watching (accord.collab) on this app's objects.
        from accord.collab import panels as collab_panels
        from accord.collab.registry import Discussable, page_url
        from accord.collab.registry import register as discussable

        from .models import Idea

        discussable(Discussable(key="idea", model=Idea, view_permission="idea.view", url=page_url("idea_detail"),
                                label=lambda o: o.title, responsible=("submitter_id",), order=10))  # fmt: skip
        panels.register(panels.IdeaPanel(key="collab.discussion", template="collab/_discussion.html",
                                         context=collab_panels.panel("idea"), order=900))  # fmt: skip
