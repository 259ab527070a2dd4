from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "accord.goals"
    label = "goals"

    def ready(self) -> None:
        from . import history, home, hooks, permissions  # noqa: F401  (permission rows)

        hooks.register_all()  # the goal-alignment evidence source, goal lanes and the "no goal" marker
        history.register()  # how goals and key results read in the history
        home.register()  # my goals at risk on the home page
