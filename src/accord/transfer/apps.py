from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "accord.transfer"
    label = "transfer"
