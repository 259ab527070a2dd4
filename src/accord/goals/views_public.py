"""The big-screen scoreboard behind a link (no login): /scoreboard/<token>, and what its kiosk polls.

It reuses the share pages' machinery (roadmaps.views_public): the uniform 404 with rate-limited
misses, the no-referrer/noindex/no-store headers, and kiosk.js, which polls <page>/state and swaps
<page>/view/0 in place when the numbers change. Revoking the link stops it at once.
"""

import hashlib

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accord.core.errors import NotFound
from accord.roadmaps.views_public import public_view

from . import selectors, services
from .models import ScoreboardLink
from .views import scoreboard_board


def state_version(link: ScoreboardLink) -> str:
    """Changes whenever the board (or the link's name) changes: three aggregates, no summaries read."""
    board = selectors.scoreboard_version(workspace=link.workspace)
    return hashlib.sha256(f"{link.pk}|{link.name}|{board}".encode()).hexdigest()[:20]


@public_view
@require_GET
def scoreboard_page(request: HttpRequest, token: str) -> HttpResponse:
    link = services.scoreboard_link_resolve(token)
    return render(
        request,
        "goals/public/scoreboard.html",
        {
            "link": link,
            "board": scoreboard_board(link.workspace, public=True),
            "poll": link.refresh_seconds,
            "version": state_version(link),
        },
    )


@public_view
@require_GET
def scoreboard_state(request: HttpRequest, token: str) -> HttpResponse:
    link = services.scoreboard_link_resolve(token)
    return JsonResponse(
        {"version": state_version(link), "views": 1, "rotate_seconds": 0, "poll_seconds": link.refresh_seconds}
    )


@public_view
@require_GET
def scoreboard_fragment(request: HttpRequest, token: str, index: int) -> HttpResponse:
    link = services.scoreboard_link_resolve(token)
    if index != 0:
        raise NotFound()
    response = HttpResponse(scoreboard_board(link.workspace, public=True)["html"])
    response.headers["X-Share-Version"] = state_version(link)
    return response
