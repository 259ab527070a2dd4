from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "accord.notifications"
    label = "notifications"

    def ready(self) -> None:
        from . import digest, permissions, services  # noqa: F401  (the inbox listener, permission rows)

        digest.register()  # the digest's own section: your notifications of the week
