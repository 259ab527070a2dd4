from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    name = "accord.roadmaps"
    label = "roadmaps"

    def ready(self) -> None:
        from . import history, home, idea_actions, permissions  # noqa: F401  (adds the roadmap rows to the permission table)

        idea_actions.register()  # "Promote to a roadmap" on the idea page and drawer
        history.register()  # how roadmaps and their items read in the history
        home.register()  # conflicts on my roadmaps and coming milestones on the home page
