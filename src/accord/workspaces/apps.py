from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "accord.workspaces"
    label = "workspaces"
