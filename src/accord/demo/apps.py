from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Composes the demo workspace from each capability's demo step (the only app that knows them all)."""

    name = "accord.demo"
    label = "demo"
