from django.apps import AppConfig


class CollabConfig(AppConfig):
    name = "accord.collab"
    label = "collab"
