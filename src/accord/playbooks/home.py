"""What playbooks add to the workspace home: my overdue post-mortem action items."""

from accord.workspaces import home

from . import selectors


def overdue_card(me: home.Me) -> dict | None:
    if me.person_id is None:
        return None
    rows = selectors.overdue_action_items(
        workspace=me.workspace, person_id=me.person_id, today=me.today
    )
    return {"rows": rows, "today": me.today} if rows else None


def register() -> None:
    home.register_card(
        home.HomeCard(
            key="playbooks.overdue",
            template="playbooks/home/_overdue.html",
            context=overdue_card,
            order=35,
        )
    )
