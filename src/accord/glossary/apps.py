from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "accord.glossary"
    label = "glossary"
