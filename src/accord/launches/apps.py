from django.apps import AppConfig


class LaunchesConfig(AppConfig):
    name = "accord.launches"
    label = "launches"

    def ready(self) -> None:
        from . import history, home, permissions  # noqa: F401  (permission rows)

        history.register()  # how launches, positioning and checklists read in the history
        home.register()  # my overdue launch tasks; launches at risk

        # Comments, mentions and watching (accord.collab) on this app's objects.
        from accord.collab.registry import Discussable, page_url
        from accord.collab.registry import register as discussable

        from .models import Launch

        discussable(Discussable(key="launch", model=Launch, view_permission="launch.view", url=page_url("launch"),
                                label=lambda o: o.name, responsible=("owner__user_id",), order=60), page="launch")  # fmt: skip
