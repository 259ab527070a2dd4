from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "accord.roles"
    label = "roles"
