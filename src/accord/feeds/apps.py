from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "accord.feeds"
    label = "feeds"
