from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "accord.portal"
    label = "portal"

    def ready(self) -> None:
        from . import evidence, notices, panels, permissions  # noqa: F401  (permission rows)

        evidence.register_source()  # portal.votes
        notices.connect()  # status-change mails to voters and submitters
        panels.register()  # the portal panel on the idea page
