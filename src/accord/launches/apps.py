from django.apps import AppConfig


class LaunchesConfig(AppConfig):
    name = "accord.launches"
    label = "launches"
