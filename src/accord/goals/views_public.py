"""The big-screen scoreboard behind a link (no login): /scoreboard/<token>, and what its kiosk polls.

It reuses the share pages' machinery (roadmaps.views_public): the uniform 404 with rate-limited
misses, the no-referrer/noindex/no-store headers, and kiosk.js, which polls <page>/state and swaps
<page>/view/0 in place when the numbers change. Revoking the link stops it at once.
"""

import hashlib
import json

from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accord.core.errors import NotFound
from accord.roadmaps.views_public import public_view

from . import services
from .models import Goal, KeyResult, ScoreboardLink
from .views import scoreboard_context


def state_version(link: ScoreboardLink) -> str:
    """Changes whenever a goal, a key result or a measurement of the workspace changes (2 queries)."""
    h = hashlib.sha256()
    h.update(f"{link.pk}|{link.name}|{timezone.localdate()}".encode())
    goals = Goal.objects.filter(workspace_id=link.workspace_id).aggregate(
        n=Count("id"), v=Sum("version"), last=Max("updated_at"), ids=Sum("id")
    )
    krs = KeyResult.objects.filter(workspace_id=link.workspace_id).aggregate(
        n=Count("id"), v=Sum("version"), last=Max("updated_at"), ids=Sum("id")
    )
    h.update(json.dumps([goals, krs], default=str).encode())
    latest = KeyResult.objects.filter(workspace_id=link.workspace_id).values_list("summary", flat=True)
    h.update(json.dumps(sorted(json.dumps(s.get("latest"), default=str) for s in latest)).encode())
    return h.hexdigest()[:20]


@public_view
@require_GET
def scoreboard_page(request: HttpRequest, token: str) -> HttpResponse:
    link = services.scoreboard_link_resolve(token)
    return render(
        request,
        "goals/public/scoreboard.html",
        {
            "link": link,
            "board": scoreboard_context(link.workspace),
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
    response = render(request, "goals/_scoreboard.html", {"board": scoreboard_context(link.workspace), "public": True})
    response.headers["X-Share-Version"] = state_version(link)
    return response
