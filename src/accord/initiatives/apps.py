from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "accord.initiatives"
    label = "initiatives"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accord.workspaces.models import Workspace

        from . import history, home, hooks, lifecycle, permissions  # noqa: F401  (permission rows)

        # Every new workspace starts with the default lifecycle.
        post_save.connect(
            lifecycle.seed_on_workspace_created, sender=Workspace, dispatch_uid="initiatives.seed"
        )
        history.register()  # how initiatives, stages and gates read in the history
        home.register()  # gates waiting for my signature
        hooks.register_all()  # roadmap lanes by stage, the "Stage" filter, the idea page's panel
