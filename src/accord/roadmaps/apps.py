from django.apps import AppConfig


class RoadmapsConfig(AppConfig):
    name = "accord.roadmaps"
    label = "roadmaps"

    def ready(self) -> None:
        from . import idea_actions, permissions  # noqa: F401  (adds the roadmap rows to the permission table)

        idea_actions.register()  # "Promote to a roadmap" on the idea page and drawer
