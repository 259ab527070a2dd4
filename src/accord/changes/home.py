"""What changes add to the workspace home: the change requests waiting for my departments' sign-off."""

from accord.workspaces import home
from accord.workspaces.models import Team, TeamKind

from . import selectors


def waiting_card(me: home.Me) -> dict | None:
    kinds = (
        set(Team.objects.filter(pk__in=me.team_ids).values_list("kind", flat=True))
        if me.team_ids
        else set()
    )
    if not kinds:
        return None  # no department: nobody waits for my sign-off
    rows = selectors.waiting_for(workspace=me.workspace, departments=kinds)
    labels = dict(TeamKind.choices)
    return {"rows": [{"impact": i, "change": i.change, "department": labels.get(i.department, i.department)} for i in rows],
            "departments": [labels[k] for k in sorted(kinds) if k in labels]}  # fmt: skip


def register() -> None:
    home.register_card(
        home.HomeCard(
            key="changes.sign_off",
            template="changes/home/_waiting.html",
            context=waiting_card,
            order=45,
        )
    )
