from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "accord.initiatives"
    label = "initiatives"
