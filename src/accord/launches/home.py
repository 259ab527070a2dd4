"""What launches add to the workspace home (accord.workspaces.home): my overdue launch tasks, and
the workspace's count of launches whose release slipped past the launch date."""

from datetime import timedelta

from django.urls import reverse

from accord.workspaces import home

from . import selectors


def overdue_card(me: home.Me) -> dict | None:
    if me.person_id is None:
        return None
    return {
        "rows": selectors.overdue_tasks(
            workspace=me.workspace, person_id=me.person_id, today=me.today
        )[:8]
    }


def slipped_figure(me: home.Me) -> home.Figure | None:
    windows = selectors.launch_windows(me.workspace.pk, me.today, me.today + timedelta(days=365))
    if not windows:
        return None
    ids = [launch.pk for launch, _ in windows]
    n = selectors.slipped_count(ids)
    return home.Figure(label="Launches at risk", value=n, tone="bad" if n else "ok", url=reverse("launches", args=[me.workspace.slug]),
                       hint=f"release ends after the launch date, of {len(ids)} coming")  # fmt: skip


def register() -> None:
    home.register_card(
        home.HomeCard(
            key="launches.overdue",
            template="launches/home/_overdue.html",
            context=overdue_card,
            order=45,
        )
    )
    home.register_figure(
        home.HealthFigure(key="launches.slipped", measure=slipped_figure, order=25)
    )
