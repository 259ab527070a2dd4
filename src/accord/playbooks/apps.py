from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "accord.playbooks"
    label = "playbooks"

    def ready(self) -> None:
        from . import history, home, panels, permissions, subjects, wiring  # noqa: F401  (permission rows, the incident subject)

        history.register()  # how playbooks, runs and post-mortems read in the history
        home.register()  # my overdue action items on the home page
        panels.register()  # the post-mortem an idea or a roadmap item came from
        wiring.register()  # launches as subjects, the runs on a launch's page, the roles that own steps

        # Comments, mentions and watching (accord.collab) on this app's objects.
        from accord.collab.registry import Discussable, page_url
        from accord.collab.registry import register as discussable

        from .models import PostMortem

        discussable(Discussable(key="post-mortem", model=PostMortem, view_permission="playbook.view", url=page_url("postmortem"),
                                label=lambda o: o.title, responsible=("created_by_id",), order=80))  # fmt: skip
