from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    name = "accord.roadmaps"
    label = "roadmaps"

    def ready(self) -> None:
        from . import feeds, history, home, idea_actions, permissions  # noqa: F401  (adds the roadmap rows to the permission table)

        idea_actions.register()  # "Promote to a roadmap" on the idea page and drawer
        history.register()  # how roadmaps and their items read in the history
        from . import digest

        digest.register()  # this app's section of the weekly digest (accord.notifications)
        home.register()  # conflicts on my roadmaps and coming milestones on the home page
        feeds.register()  # the roadmap's Atom feed (accord.feeds)

        # Comments, mentions and watching (accord.collab) on this app's objects.
        from accord.collab.registry import Discussable, page_url
        from accord.collab.registry import register as discussable

        from .models import RoadmapItem

        discussable(Discussable(key="roadmap item", model=RoadmapItem, view_permission="roadmap.view", url=page_url("roadmap_item"),
                                label=lambda o: o.title, responsible=("people__user_id",), order=20))  # fmt: skip
