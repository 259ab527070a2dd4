from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "accord.ideas"
    label = "ideas"

    def ready(self) -> None:
        from . import history, home, permissions  # noqa: F401  (adds the ideas rows to the permission table)

        history.register()  # how ideas, scoring models and rounds read in the history
        home.register()  # rounds waiting for my scores, my ideas, unscored ideas on the home page
