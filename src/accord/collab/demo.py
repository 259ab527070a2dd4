"""The comments of the demo workspace (accord.demo.loader.STEPS): a short thread with a mention on
the first demo idea and on the Reporting 2.0 launch. Through the registry: collab imports neither app."""

from accord.workspaces.models import Membership, Role

from . import mentions, services
from .registry import DISCUSSABLE


def _say(member: Membership, key: str, obj, body: str) -> None:
    services.comment_add(member=member, kind=key, object_id=obj.pk, body=body)


def load(context: dict) -> None:
    owner, workspace = context["owner"], context["workspace"]
    people = list(
        Membership.objects.filter(workspace=workspace, role__in=[Role.CONTRIBUTOR, Role.EDITOR])
        .exclude(pk=owner.pk).select_related("user", "workspace").order_by("user__name")
    )  # fmt: skip
    if len(people) < 2:
        return
    first, second = people[0], people[1]

    def at(m: Membership) -> str:
        return mentions.markup(m.user.display_name, m.user_id)

    idea = DISCUSSABLE["idea"].model.objects.filter(workspace=workspace).order_by("pk").first()
    if idea is not None:
        _say(first, "idea", idea, f"Three enterprise customers asked for this in last month's calls. {at(second)}, can we size it before the Q2 round?")  # fmt: skip
        _say(
            second,
            "idea",
            idea,
            "Rough guess: **2 sprints** for the first cut, more if we need new permissions.",
        )
        _say(owner, "idea", idea, f"Thanks both. {at(first)}, please link the calls as evidence so the score reflects them.")  # fmt: skip
    launch = DISCUSSABLE["launch"].model.objects.filter(workspace=workspace).order_by("pk").first()
    if launch is not None:
        _say(
            owner,
            "launch",
            launch,
            f"{at(second)} the webinar date moved a week; does the checklist still fit?",
        )
        _say(second, "launch", launch, "Yes, if the launch blog post is drafted by Friday.")
