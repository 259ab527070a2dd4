from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "accord.imports"
    label = "imports"

    def ready(self) -> None:
        from . import history, permissions  # noqa: F401  (permission rows)

        history.register()  # how an import reads in the history
