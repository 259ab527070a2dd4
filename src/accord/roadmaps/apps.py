from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    name = "accord.roadmaps"
    label = "roadmaps"

    def ready(self) -> None:
        from . import history, home, permissions  # noqa: F401  (adds the roadmap rows to the permission table)

        history.register()  # how roadmaps and their items read in the history
        home.register()  # conflicts on my roadmaps and coming milestones on the home page
