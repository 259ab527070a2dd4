from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "accord.capacity"
    label = "capacity"

    def ready(self) -> None:
        from accord.roadmaps import extensions

        from . import permissions  # noqa: F401  (permission rows)
        from .selectors import overbooked_by_move

        extensions.register_move_warning(
            extensions.MoveWarning(key="capacity", warn=overbooked_by_move)
        )
