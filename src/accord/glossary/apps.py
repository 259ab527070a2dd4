from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "accord.glossary"
    label = "glossary"

    def ready(self) -> None:
        from accord.core.markup import register_text_marker

        from . import history, permissions  # noqa: F401  (permission rows)
        from .marking import mark_for_reader

        history.register()  # how terms read in the history
        register_text_marker(mark_for_reader)  # terms marked wherever Accord shows text
