from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "accord.initiatives"
    label = "initiatives"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accord.workspaces.models import Workspace

        from . import digest, history, home, hooks, lifecycle, permissions  # noqa: F401  (permission rows)

        digest.register()  # pending sign-offs in the weekly digest (accord.notifications)

        # Every new workspace starts with the default lifecycle.
        post_save.connect(
            lifecycle.seed_on_workspace_created, sender=Workspace, dispatch_uid="initiatives.seed"
        )
        history.register()  # how initiatives, stages and gates read in the history
        home.register()  # gates waiting for my signature
        hooks.register_all()  # roadmap lanes by stage, the "Stage" filter, the idea page's panel

        # Comments, mentions and watching (accord.collab) on this app's objects.
        from accord.collab.registry import Discussable, page_url
        from accord.collab.registry import register as discussable

        from .models import Initiative

        discussable(Discussable(key="initiative", model=Initiative, view_permission="initiative.view", url=page_url("initiative"),
                                label=lambda o: o.name, responsible=("owner__user_id",), order=50), page="initiative")  # fmt: skip
