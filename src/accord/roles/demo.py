"""The roles part of the demo workspace (accord.demo.loader.STEPS)."""


def load(context: dict) -> None:
    return None
