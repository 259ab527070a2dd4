from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "accord.changes"
    label = "changes"

    def ready(self) -> None:
        from . import conflicts, history, home, permissions  # noqa: F401  (permission rows, conflict sources)

        history.register()  # how changes, freezes and review meetings read in the history
        home.register()  # changes waiting for my department's sign-off

        # Comments, mentions and watching (accord.collab) on this app's objects.
        from accord.collab.registry import Discussable, page_url
        from accord.collab.registry import register as discussable

        from .models import Change

        discussable(Discussable(key="change", model=Change, view_permission="change.view", url=page_url("change"),
                                label=lambda o: o.title, responsible=("requester_id",), order=70), page="change")  # fmt: skip
