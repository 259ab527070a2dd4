from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "accord.capacity"
    label = "capacity"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (permission rows)
