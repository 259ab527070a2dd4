from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "accord.feeds"
    label = "feeds"

    def ready(self) -> None:
        from . import hooks, permissions  # noqa: F401  (adds the feed rows to the permission table)

        hooks.register()  # the workspace scope, history wording, buttons on the audit and tokens pages
