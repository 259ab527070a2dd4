"""Server-rendered pages: the notifications list (a page, or the drawer the bell opens), marking
read, the notification settings, and the public one-click unsubscribe (RFC 8058).

The unsubscribe URL works without signing in: GET shows a confirm page (a link scanner following
it changes nothing), POST unsubscribes. The POST is CSRF-exempt: mail clients send it with no
cookie, and its signed token is the proof.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.overlays import in_overlay
from accord.core.web import UserError, field_errors, page_of
from accord.workspaces.web import workspace_page

from . import selectors, services
from .models import Weekday
from .registry import KINDS
from .unsubscribe import read_token

PER_PAGE = 30
DRAWER_SIZE = 15


@workspace_page("notification.read")
@require_GET
def notification_list(request: HttpRequest, member) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    rows = selectors.inbox(
        user_id=member.user_id, workspace_id=member.workspace_id, unread_only=unread_only
    )
    context = {"unread_only": unread_only}
    if in_overlay(request):
        context["notifications"] = list(rows[:DRAWER_SIZE])
        response = render(request, "notifications/_drawer.html", context)
    else:
        context["page"] = page_of(request, rows, PER_PAGE)
        context["notifications"] = context["page"].object_list
        response = render(request, "notifications/list.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _back(request, member) -> str:
    back = request.POST.get("next", "")
    list_url = reverse("notifications", args=[member.workspace.slug])
    return back if back.startswith(list_url) else list_url


@workspace_page("notification.read")
@require_POST
def notification_read(request: HttpRequest, member) -> HttpResponse:
    """Mark one (`id`), some (`ids`) or all (`all`) read; open the notification's page if asked."""
    if request.POST.get("all"):
        count = services.mark_all_read(member=member)
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
        return redirect(_back(request, member))
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit() and len(v) < 19]
    services.mark_read(member=member, ids=ids)
    go = request.POST.get("go", "")
    if go.startswith("/") and not go.startswith("//"):
        return redirect(go)
    return redirect(_back(request, member))


@workspace_page("notification.read")
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest, member) -> HttpResponse:
    if request.method == "POST":
        kinds = {
            kind.key: {
                "email": request.POST.get(f"email_{kind.key}") == "on",
                "in_app": request.POST.get(f"in_app_{kind.key}") == "on",
            }
            for kind in KINDS.values()
        }
        kinds["digest"]["in_app"] = True  # the digest is a mail only
        try:
            services.set_preferences(user=request.user, kinds=kinds,
                                     digest_weekday=request.POST.get("digest_weekday") or None)  # fmt: skip
        except UserError as exc:
            return _settings_page(request, errors=field_errors(exc), status=422)
        messages.success(request, "Notification settings saved.")
        return redirect(reverse("notification_settings", args=[member.workspace.slug]))
    return _settings_page(request)


def _settings_page(request, errors=None, status=200) -> HttpResponse:
    return render(request, "notifications/settings.html", {
        "prefs": selectors.preferences(request.user), "weekdays": Weekday.choices, "errors": errors or {},
    }, status=status)  # fmt: skip


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = read_token(token)
    kind = KINDS.get(found[1]) if found else None
    if found is None or kind is None or not services.user_exists(found[0]):
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    context = {"kind": kind}
    if request.method == "POST":
        services.unsubscribe(user_id=found[0], kind=kind.key)
        response = render(request, "notifications/unsubscribe.html", {**context, "done": True})
    else:
        response = render(request, "notifications/unsubscribe.html", context)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response
