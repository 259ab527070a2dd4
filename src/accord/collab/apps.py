from django.apps import AppConfig


class CollabConfig(AppConfig):
    name = "accord.collab"
    label = "collab"

    def ready(self) -> None:
        from accord.audit.services import LISTENERS, Listener
        from accord.notifications.registry import RECIPIENTS, Recipients

        from . import permissions, recipients, services  # noqa: F401  (permission rows)

        # Creators watch what they create (each app registers its discussable types: registry.py).
        LISTENERS.add(Listener(key="collab.creators_watch", on_entry=services.on_entry, order=10))
        RECIPIENTS.add(Recipients(key="collab.watchers", users=recipients.watchers))
        RECIPIENTS.add(Recipients(key="collab.mentions", users=recipients.mentioned))
