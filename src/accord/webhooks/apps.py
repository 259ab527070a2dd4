from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "accord.webhooks"
    label = "webhooks"
