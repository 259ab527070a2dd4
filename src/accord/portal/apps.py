from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "accord.portal"
    label = "portal"

    def ready(self) -> None:
        from . import evidence, history, notices, panels, permissions  # noqa: F401  (permission rows)

        evidence.register_source()  # portal.votes
        history.register()  # how the portal reads in the history
        notices.connect()  # status-change mails to voters and submitters
        panels.register()  # the portal panel on the idea page
