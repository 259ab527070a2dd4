from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark harness (`accord bench`); no models."""

    name = "accord.bench"
    label = "bench"
