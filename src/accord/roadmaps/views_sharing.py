"""The sharing page: read-only share links (one view or a kiosk rotation) and calendar feeds.

Everyone in the workspace sees the list; editors create and revoke. A token is shown exactly once,
in the response to the form that created it (only its hash is stored).
"""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accord.core.errors import Invalid
from accord.core.web import UserError, field_errors, form_date, form_int
from accord.workspaces.permissions import can
from accord.workspaces.web import workspace_page

from . import extensions, selectors, services
from .services.sharing import VIEWS

VIEW_LABELS = {"timeline": "Timeline", "board": "Board", "table": "Table"}


def _chosen_views(values: list[str], roadmap_ids: set[int]) -> list[dict]:
    """["12:timeline", ...] from the checkbox list -> the service's view dicts."""
    views = []
    for value in values:
        if value in extensions.KIOSK_VIEWS:  # a view of another capability, e.g. the scoreboard
            views.append({"view": value})
            continue
        roadmap_id, _, kind = value.partition(":")
        try:
            rid = int(roadmap_id)
        except ValueError as exc:
            raise Invalid.field("views", "Choose views from the list.") from exc
        if rid not in roadmap_ids or kind not in VIEWS:
            raise Invalid.field("views", "Choose views from the list.")
        views.append({"roadmap": rid, "view": kind, "filters": {}})
    return views


def _create_link(request: HttpRequest, member, roadmap_ids: set[int]) -> tuple[dict, str | None]:
    """Validate and create; returns (errors, raw token). Collects the form's own errors together."""
    post, errors = request.POST, {}
    views = rotate = expires = None
    for field, parse in (
        ("views", lambda: _chosen_views(post.getlist("views"), roadmap_ids)),
        ("rotate_seconds", lambda: form_int(post.get("rotate_seconds"), "rotate_seconds", 0)),
        ("expires_on", lambda: form_date(post.get("expires_on"), "expires_on")),
    ):
        try:
            value = parse()
        except Invalid as exc:
            errors.update(field_errors(exc))
            continue
        if field == "views":
            views = value
        elif field == "rotate_seconds":
            rotate = value
        else:
            expires = value
    if views is not None and not views:
        errors["views"] = ["Choose at least one view to share."]
    if rotate and not 10 <= rotate <= 3600:
        errors["rotate_seconds"] = ["Rotate every 10 to 3600 seconds (0: no rotation)."]
    if errors:
        return errors, None
    expires_at = (
        timezone.make_aware(datetime.combine(expires, time(23, 59, 59))) if expires else None
    )
    try:
        _, raw = services.share_link_create(
            member=member,
            name=post.get("name", ""),
            views=views,
            rotate_seconds=rotate or 0,
            expires_at=expires_at,
            password=post.get("password", ""),
        )
    except UserError as exc:
        errors = field_errors(exc)
        if "expires_at" in errors:
            errors["expires_on"] = errors.pop("expires_at")
        return errors, None
    return {}, raw


def _view_choices(roadmaps, chosen: list[str]) -> list[tuple[str, str]]:
    """Every view that can be shared, named by its roadmap, in rotation order: the views chosen on a
    form that came back with an error first (in their order), then the others."""
    choices = [(f"{r.pk}:{k}", f"{r.name} · {VIEW_LABELS[k]}") for r in roadmaps for k in VIEWS]
    choices += [(k, v.label) for k, v in extensions.KIOSK_VIEWS.items()]
    rank = {value: n for n, value in enumerate(chosen)}
    return sorted(choices, key=lambda c: rank.get(c[0], len(rank)))


def _state(link) -> str:
    if link.revoked_at:
        return "revoked"
    return "active" if link.is_active else "expired"


@workspace_page()
@require_http_methods(["GET", "POST"])
def sharing(request: HttpRequest, member) -> HttpResponse:
    roadmaps = list(selectors.roadmaps(workspace=member.workspace))
    names = {r.pk: r.name for r in roadmaps}
    can_manage = can(member, "share_link.manage")
    errors, new_link_url, new_feed, status = {}, None, None, 200

    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only editors manage share links and calendar feeds.")
        action = request.POST.get("action", "")
        slug = member.workspace.slug
        if action == "create_link":
            errors, raw = _create_link(request, member, set(names))
            if raw:
                new_link_url = request.build_absolute_uri("/share/" + raw)
                messages.success(request, "Share link created. Copy it now: it is not shown again.")
            else:
                status = 422
        elif action == "revoke_link":
            try:
                link = services.share_link_revoke(
                    member=member, link_id=form_int(request.POST.get("id"), "id", 0)
                )
            except UserError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(request, f"Share link {link.name} revoked.")
            return redirect("sharing", slug=slug)
        elif action == "create_feed":
            try:
                feed, raw = services.calendar_feed_create(
                    member=member, roadmap_id=form_int(request.POST.get("roadmap"), "roadmap", 0)
                )
            except UserError as exc:
                messages.error(request, exc.detail)
                return redirect("sharing", slug=slug)
            new_feed = {
                "roadmap": feed.roadmap.name,
                "url": request.build_absolute_uri(f"/calendar/{raw}.ics"),
            }
            messages.success(request, "Calendar feed created. Copy it now: it is not shown again.")
        elif action == "revoke_feed":
            try:
                services.calendar_feed_revoke(
                    member=member, feed_id=form_int(request.POST.get("id"), "id", 0)
                )
            except UserError as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(request, "Calendar feed revoked.")
            return redirect("sharing", slug=slug)
        else:
            errors, status = {"__all__": ["Unknown action."]}, 422

    links = [
        {
            "link": link,
            "views": [
                extensions.KIOSK_VIEWS[v["view"]].label
                if v.get("view") in extensions.KIOSK_VIEWS and v.get("roadmap") is None
                else f"{names.get(v.get('roadmap'), 'Deleted roadmap')} · "
                f"{VIEW_LABELS.get(v.get('view'), v.get('view'))}"
                for v in link.views
            ],
            "state": _state(link),
        }
        for link in selectors.share_links(workspace=member.workspace)
    ]
    feeds = [
        {"roadmap": r, "feeds": list(selectors.calendar_feeds(roadmap=r).select_related("created_by"))}
        for r in roadmaps
    ]
    posted = request.POST if status == 422 else {}
    return render(
        request,
        "roadmaps/sharing.html",
        {
            "links": links,
            "feeds": feeds,
            "roadmaps": roadmaps,
            "view_choices": _view_choices(roadmaps, posted.getlist("views") if posted else []),
            "can_manage": can_manage,
            "errors": errors,
            "form_errors": errors.get("__all__", []),
            "values": posted,
            "chosen_views": posted.getlist("views") if posted else [],
            "new_link_url": new_link_url,
            "new_feed": new_feed,
        },
        status=status,
    )
