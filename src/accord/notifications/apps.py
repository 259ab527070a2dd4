from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "accord.notifications"
    label = "notifications"

    def ready(self) -> None:
        from . import digest, permissions, services  # noqa: F401  (the inbox listener, permission rows)

        digest.register()  # the digest's own section: your notifications of the week
        # Hourly, beside the workers: the digests due today (each person's once: see DigestSent).
        from accord.core import periodic

        periodic.JOBS.add(periodic.Job(key="notifications.digest", every=3600, run=digest.send_due_today))
