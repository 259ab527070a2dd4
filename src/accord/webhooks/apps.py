from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "accord.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from accord.audit import services as audit

        from . import history, permissions, services  # noqa: F401  (permission rows)

        history.register()  # how webhook changes read in the history
        # The transactional outbox: a delivery row per matching webhook, in the change's transaction.
        audit.LISTENERS.add(audit.Listener(key="webhooks.outbox", on_entry=services.on_entry))
        # Every 30 s, beside the workers: retries that fell due, and what a dead worker left.
        from accord.core import periodic

        from . import delivery

        periodic.JOBS.add(periodic.Job(key="webhooks.sweep", every=30, run=delivery.sweep))
