"""What initiatives add to the workspace home: the gates waiting for my signature."""

from accord.workspaces import home

from . import selectors


def waiting_card(me: home.Me) -> dict | None:
    if me.person_id is None:
        return None
    rows = selectors.waiting_for(workspace=me.workspace, person_id=me.person_id)
    if not rows:
        return None  # nothing to sign: the card would only say so
    return {"rows": rows}


def register() -> None:
    home.register_card(
        home.HomeCard(
            key="initiatives.gates",
            template="initiatives/home/_gates.html",
            context=waiting_card,
            order=15,
        )
    )
