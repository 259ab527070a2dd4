from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "accord.transfer"
    label = "transfer"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (the workspace.export row)
