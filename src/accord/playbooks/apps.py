from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "accord.playbooks"
    label = "playbooks"
