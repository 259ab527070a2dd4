from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "accord.goals"
    label = "goals"

    def ready(self) -> None:
        from . import history, home, hooks, permissions  # noqa: F401  (permission rows)

        hooks.register_all()  # the goal-alignment evidence source, goal lanes and the "no goal" marker
        history.register()  # how goals and key results read in the history
        from . import digest

        digest.register()  # this app's section of the weekly digest (accord.notifications)
        home.register()  # my goals at risk on the home page

        # Comments, mentions and watching (accord.collab) on this app's objects.
        from accord.collab.registry import Discussable, page_url
        from accord.collab.registry import register as discussable

        from .models import Goal, KeyResult

        discussable(Discussable(key="goal", model=Goal, view_permission="goal.view", url=page_url("goal"),
                                label=lambda o: o.title, responsible=("owner__user_id",), order=30))  # fmt: skip
        discussable(Discussable(key="key result", model=KeyResult, view_permission="goal.view",
                                url=lambda o: page_url("goal")(o.goal) + f"#kr-{o.pk}", label=lambda o: o.name,
                                responsible=("owner__user_id",), order=31))  # fmt: skip
