from django.apps import AppConfig


class LaunchesConfig(AppConfig):
    name = "accord.launches"
    label = "launches"

    def ready(self) -> None:
        from . import history, home, permissions  # noqa: F401  (permission rows)

        history.register()  # how launches, positioning and checklists read in the history
        home.register()  # my overdue launch tasks; launches at risk
