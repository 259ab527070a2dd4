from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "accord.changes"
    label = "changes"
