"""The Atom feed (no login: its token is the key) and the pages to subscribe and revoke. Thin."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_http_methods, require_POST

from accord.audit.history import tell
from accord.core.errors import NotFound, UserError
from accord.core.overlays import form_response
from accord.core.web import field_errors, form_int
from accord.workspaces.web import workspace_page

from . import atom, scopes, selectors, services


@require_http_methods(["GET", "HEAD"])
def atom_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The newest entries of a feed as Atom; 304 when the reader has them; 404 once it stops working."""
    try:
        feed = services.feed_resolve(token)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    entries = selectors.feed_entries(feed)
    tag, modified = atom.etag(feed, entries), atom.last_modified(feed, entries)
    modified_ts = int(modified.timestamp())
    response = get_conditional_response(request, etag=tag, last_modified=modified_ts)
    if response is None:
        stories = tell(entries, slug=feed.token.workspace.slug)
        self_url = atom.base_url() + reverse("atom_feed", args=[token])
        response = HttpResponse(
            atom.render(feed, entries, stories, self_url=self_url), content_type=atom.CONTENT_TYPE
        )
    response.headers["ETag"] = tag
    response.headers["Last-Modified"] = http_date(modified_ts)
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    patch_cache_control(response, private=True, no_cache=True)
    return response


@workspace_page("feed.own")
@require_http_methods(["GET", "POST"])
def feed_new(request: HttpRequest, member) -> HttpResponse:
    """Subscribe: a dialog that creates a feed URL of a scope for me and shows it once."""
    data = request.POST if request.method == "POST" else request.GET
    scope, object_id, errors, new_url = data.get("scope", ""), None, {}, None
    if scopes.get(scope) is None and request.method == "GET":
        raise Http404("No such feed.")
    try:
        object_id = form_int(data.get("object_id") or None, "object_id")
        if request.method == "POST":
            _feed, raw = services.feed_create(member=member, scope=scope, object_id=object_id)
            new_url = atom.base_url() + reverse("atom_feed", args=[raw])
    except UserError as exc:
        errors = field_errors(exc)
    found = scopes.get(scope)
    return form_response(
        request,
        "feeds/_subscribe.html",
        {"scope": scope, "object_id": object_id, "scope_label": found.label if found else "",
         "errors": errors, "new_url": new_url},
        title="Subscribe (Atom)",
        intro="A private feed URL for your feed reader: the newest 50 changes, in plain words.",
        back_url=reverse("tokens", args=[member.workspace.slug]),
        back_label="My tokens and feeds",
        status=422 if errors else 200,
    )  # fmt: skip


@workspace_page("feed.own")
@require_POST
def feed_revoke(request: HttpRequest, member, feed_id: int) -> HttpResponse:
    try:
        feed = services.feed_revoke(member=member, feed_id=feed_id)
    except UserError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"Feed “{feed.label}” revoked: its URL stops working at once.")
    return redirect(reverse("tokens", args=[member.workspace.slug]) + "#my-feeds")
