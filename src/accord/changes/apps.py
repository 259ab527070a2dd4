from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "accord.changes"
    label = "changes"

    def ready(self) -> None:
        from . import conflicts, history, home, permissions  # noqa: F401  (permission rows, conflict sources)

        history.register()  # how changes, freezes and review meetings read in the history
        home.register()  # changes waiting for my department's sign-off
