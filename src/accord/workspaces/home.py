"""The workspace home: what needs me now. Workspaces knows none of the capabilities, so each one
registers what it adds (in its AppConfig.ready()), like the idea page's panels:

    home.register_card(home.HomeCard(key="ideas.rounds", template="ideas/home/_rounds.html",
                                     context=rounds_waiting, order=10))
    home.register_figure(home.HealthFigure(key="ideas.unscored", measure=unscored, order=30))

A card's `context(me)` returns the template's context (None: not for this member), from the
capability's selectors, in a constant number of queries; `me.memo` lets cards share what one of
them computed (the ideas I follow, the dependency state). Plan-health figures are the workspace
summary that admins and viewers see first.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from accord.core.registry import Registry

from .models import Membership, Person, Role

RECENT_DAYS = 14  # "what changed lately" on my ideas, new feedback on them
AHEAD_DAYS = 30  # milestones coming up
SUMMARY_ROLES = {Role.ADMIN, Role.VIEWER}


@dataclass
class Me:
    """Who the home is for, and what the cards share."""

    member: Membership
    person_id: int | None
    team_ids: frozenset[int]
    today: date
    now: datetime
    memo: dict = field(default_factory=dict)

    @property
    def workspace(self):
        return self.member.workspace

    @property
    def user(self):
        return self.member.user

    @property
    def since(self) -> datetime:
        return self.now - timedelta(days=RECENT_DAYS)

    @property
    def ahead(self) -> date:
        return self.today + timedelta(days=AHEAD_DAYS)

    def remember(self, key: str, make: Callable[[], object]):
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]


@dataclass(frozen=True)
class HomeCard:
    key: str  # "<app>.<name>", unique
    template: str
    context: Callable[[Me], dict | None]
    order: int = 100


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    url: str
    hint: str = ""  # what the number counts, in a few words
    tone: str = ""  # "ok", "warn" or "bad"


@dataclass(frozen=True)
class HealthFigure:
    key: str
    measure: Callable[[Me], Figure | None]
    order: int = 100


CARDS: Registry[HomeCard] = Registry("Home card")
FIGURES: Registry[HealthFigure] = Registry("Plan-health figure")


def register_card(card: HomeCard) -> None:
    CARDS.add(card)


def register_figure(figure: HealthFigure) -> None:
    FIGURES.add(figure)


def me_of(member: Membership, now: datetime | None = None) -> Me:
    """The member and the person they are in planning (owner of goals, on teams, on items)."""
    now = now or timezone.now()
    person = (
        Person.objects.filter(workspace_id=member.workspace_id, user_id=member.user_id)
        .order_by("id")
        .first()
    )
    team_ids = frozenset(person.teams.values_list("pk", flat=True)) if person else frozenset()
    return Me(member=member, person_id=person.pk if person else None, team_ids=team_ids,
              today=timezone.localdate(now), now=now)  # fmt: skip


def shows_summary(member: Membership) -> bool:
    return member.role in SUMMARY_ROLES


def health(me: Me) -> list[Figure]:
    figures = (f.measure(me) for f in FIGURES.ordered())
    return [f for f in figures if f is not None]


def render_cards(request: HttpRequest, me: Me) -> list[SafeString]:
    html = []
    for card in CARDS.ordered():
        context = card.context(me)
        if context is not None:
            html.append(
                render_to_string(
                    card.template, {"me": me, "card_key": card.key, **context}, request=request
                )
            )
    return html
