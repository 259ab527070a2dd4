from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running Accord: metrics, backups and restores."""

    name = "accord.operations"
    label = "operations"

    def ready(self) -> None:
        from .metrics import connect_task_signals

        connect_task_signals()
