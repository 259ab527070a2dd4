from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "accord.capacity"
    label = "capacity"
