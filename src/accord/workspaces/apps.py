from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "accord.workspaces"
    label = "workspaces"

    def ready(self) -> None:
        from . import history

        history.register()  # how workspaces, members, teams and people read in the history
