from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "accord.roles"
    label = "roles"

    def ready(self) -> None:
        from . import history, panels, permissions  # noqa: F401  (permission rows)

        history.register()  # how roles, assignments, activities and RACI cells read in the history
        panels.register()  # the RACI checks on the initiative's page
