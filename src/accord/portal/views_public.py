"""The public portal pages (no login, no Accord account): /portal/<workspace-slug>/...

What a visitor sees is exactly what the workspace published: published ideas (public title and
text), their status, verified vote counts and approved comments. An unknown slug, a disabled portal,
an unpublished or foreign idea and a bad token all get one uniform 404.

- Every page counts against the visitor's address (limits.py); writes have tighter limits, and a
  filled honeypot field is answered as if it worked while nothing is stored.
- Forms carry CSRF tokens; the one-click unsubscribe POST from mail clients (RFC 8058) is exempt:
  its token is the proof.
- Headers as on share pages: Referrer-Policy no-referrer, noindex, no-store; the app's CSP (no
  inline scripts: these pages have no script at all).
"""

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import Invalid, NotFound
from accord.core.markdown import markdown_text, render_markdown
from accord.core.web import field_errors, page_of, with_query
from accord.roadmaps.views_public import public_headers
from accord.workspaces.models import Membership

from . import limits, selectors, services
from .models import Portal

HONEYPOT = "website"  # hidden from people; bots fill it
PER_PAGE = 50  # ideas on one page of the portal's home


class _PortalCsrf(CsrfViewMiddleware):
    """Django's CSRF check for the portal's forms, except that it takes "Origin: null".

    The portal's pages send no referrer (Referrer-Policy: no-referrer), so browsers serialize the
    origin of their own form posts as "null" and Django's Origin check would refuse every one. The
    token check (the cookie against the form field) still applies: a page elsewhere cannot read it.
    """

    def _origin_verified(self, request: HttpRequest) -> bool:
        return request.META.get("HTTP_ORIGIN") == "null" or super()._origin_verified(request)


def portal_csrf(view):
    return csrf_exempt(decorator_from_middleware(_PortalCsrf)(view))


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/public/not_found.html", status=404)


def _too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    response = render(request, "portal/public/rate_limited.html", status=429)
    response.headers["Retry-After"] = str(seconds)
    return response


def portal_view(bucket: str = "", on: tuple[str, ...] = ("POST",)):
    """Resolve the enabled portal from the slug, rate limit (every request against "page", the
    `on` methods also against `bucket`), uniform 404, public headers."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            wait = limits.exceeded(request, "page") or (
                bucket and request.method in on and limits.exceeded(request, bucket)
            )
            if wait:
                response = _too_many(request, wait)
            else:
                try:
                    portal = selectors.open_portal(slug)
                    response = view(request, portal, *args, **kwargs)
                except NotFound:
                    response = _not_found(request)
            return public_headers(response)

        return wrapper

    return decorator


def _member(request: HttpRequest, portal: Portal) -> Membership | None:
    """The signed-in visitor's membership in the portal's workspace, if any."""
    if not request.user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("user", "workspace")
        .filter(user=request.user, workspace_id=portal.workspace_id)
        .first()
    )


def _is_bot(request: HttpRequest) -> bool:
    return bool(request.POST.get(HONEYPOT, "").strip())


def _context(request: HttpRequest, portal: Portal, **extra) -> dict:
    return {
        "portal": portal,
        "slug": portal.workspace.slug,
        "portal_title": portal.title or f"{portal.workspace.name} feedback",
        "member": _member(request, portal),
        "honeypot": HONEYPOT,
        **extra,
    }


def _decorate(published, voted: set[int] = frozenset()) -> None:
    published.public_key, published.public_label = selectors.public_status(published.idea.status)
    published.voted = published.idea_id in voted
    # The list shows plain text: the Markdown rendered (and sanitized), then its tags dropped.
    # (Only the start is rendered: the card shows 220 characters.)
    published.excerpt = markdown_text(published.description[:600]).strip()


# ---------------------------------------------------------------- pages


@portal_view()
@require_GET
def home(request: HttpRequest, portal: Portal) -> HttpResponse:
    sort = request.GET.get("sort") or "top"
    status = request.GET.get("status") or None
    try:
        page = page_of(
            request,
            selectors.published_ideas(workspace_id=portal.workspace_id, sort=sort, status=status),
            per_page=PER_PAGE,
        )
    except Invalid:
        return redirect(reverse("portal_home", args=[portal.workspace.slug]))
    ideas = list(page)
    context = _context(request, portal)
    voted = (
        selectors.member_vote_ids(workspace_id=portal.workspace_id, email=context["member"].user.email)
        if context["member"]
        else set()
    )
    for published in ideas:
        _decorate(published, voted)
    counts = selectors.status_counts(workspace_id=portal.workspace_id)
    filters = [("", "All", sum(counts.values()))] + [
        (key, selectors.PUBLIC_FILTERS_LABELS[key], counts[key]) for key in selectors.PUBLIC_FILTERS if counts[key]
    ]
    return render(
        request,
        "portal/public/home.html",
        {
            **context,
            "ideas": ideas,
            "page": page,
            "sort": sort,
            "status": status or "",
            "filters": filters,
            "intro_html": render_markdown(portal.intro),
        },
    )


def _idea_page(request: HttpRequest, portal: Portal, idea_id: int, *, errors=None, form=None, status=200):
    published = selectors.published_idea(workspace_id=portal.workspace_id, idea_id=idea_id)
    context = _context(request, portal)
    voted = (
        selectors.member_vote_ids(workspace_id=portal.workspace_id, email=context["member"].user.email)
        if context["member"]
        else set()
    )
    _decorate(published, voted)
    comments = list(selectors.approved_comments(idea_id=idea_id))
    for comment in comments:
        comment.html = render_markdown(comment.body)
    return render(
        request,
        "portal/public/idea.html",
        {
            **context,
            "published": published,
            "description_html": render_markdown(published.description),
            "comments": comments,
            "errors": errors or {},
            "form": form or {},
            "sent": request.GET.get("sent", ""),
        },
        status=status,
    )


@portal_view()
@require_GET
def idea(request: HttpRequest, portal: Portal, idea_id: int) -> HttpResponse:
    return _idea_page(request, portal, idea_id)


def _back(portal: Portal, idea_id: int, sent: str, anchor: str = "") -> HttpResponse:
    url = reverse("portal_idea", args=[portal.workspace.slug, idea_id])
    return redirect(with_query(url, {"sent": sent}) + anchor)


@portal_csrf
@portal_view("vote")
@require_POST
def vote(request: HttpRequest, portal: Portal, idea_id: int) -> HttpResponse:
    member = _member(request, portal)
    if member is not None:
        _vote, counts = services.vote_member(member=member, idea_id=idea_id)
        return _back(portal, idea_id, "voted" if counts else "unvoted", "#vote")
    if _is_bot(request):
        selectors.published_idea(workspace_id=portal.workspace_id, idea_id=idea_id)
        return _back(portal, idea_id, "check", "#vote")
    try:
        services.vote_request(portal=portal, idea_id=idea_id, email=request.POST.get("email", ""))
    except Invalid as exc:
        return _idea_page(request, portal, idea_id, errors=field_errors(exc), form=request.POST, status=422)
    return _back(portal, idea_id, "check", "#vote")


@portal_csrf
@portal_view("comment")
@require_POST
def comment(request: HttpRequest, portal: Portal, idea_id: int) -> HttpResponse:
    if _is_bot(request):
        selectors.published_idea(workspace_id=portal.workspace_id, idea_id=idea_id)
        return _back(portal, idea_id, "comment-pending", "#comments")
    post = request.POST
    try:
        created = services.comment_create(
            portal=portal,
            idea_id=idea_id,
            name=post.get("name", ""),
            email=post.get("comment_email", ""),
            body=post.get("body", ""),
            member=_member(request, portal),
        )
    except Invalid as exc:
        errors = field_errors(exc)
        if "email" in errors:
            errors["comment_email"] = errors.pop("email")
        return _idea_page(request, portal, idea_id, errors=errors, form=post, status=422)
    sent = "comment" if created.status == "approved" else "comment-pending"
    return _back(portal, idea_id, sent, "#comments")


@portal_csrf
@portal_view("submit")
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, portal: Portal) -> HttpResponse:
    errors: dict = {}
    status = 200
    if request.method == "POST":
        if _is_bot(request):
            return redirect(reverse("portal_submitted", args=[portal.workspace.slug]))
        post = request.POST
        try:
            services.submission_create(
                portal=portal,
                name=post.get("name", ""),
                email=post.get("email", ""),
                title=post.get("title", ""),
                text=post.get("text", ""),
            )
            return redirect(reverse("portal_submitted", args=[portal.workspace.slug]))
        except Invalid as exc:
            errors, status = field_errors(exc), 422
    return render(
        request,
        "portal/public/submit.html",
        {**_context(request, portal), "errors": errors, "form": request.POST},
        status=status,
    )


@portal_view()
@require_GET
def submitted(request: HttpRequest, portal: Portal) -> HttpResponse:
    return render(request, "portal/public/submitted.html", _context(request, portal))


@portal_view("token", on=("GET",))
@require_GET
def verify(request: HttpRequest, portal: Portal, token: str) -> HttpResponse:
    counted = services.vote_verify(portal=portal, token=token)
    return _back(portal, counted.idea_id, "verified", "#vote")


@portal_view("token", on=("GET",))
@require_GET
def confirm(request: HttpRequest, portal: Portal, token: str) -> HttpResponse:
    """The link mailed after feedback from an address not confirmed yet."""
    contact = services.address_confirm(portal=portal, token=token)
    return render(request, "portal/public/confirmed.html", {**_context(request, portal), "email": contact.email})


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a CSRF token; the token suffices
@portal_view("token", on=("GET", "POST"))
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, portal: Portal, token: str) -> HttpResponse:
    if request.method == "POST":
        contact = services.unsubscribe(portal=portal, token=token)
        return render(request, "portal/public/unsubscribed.html", {**_context(request, portal), "email": contact.email})
    services.unsubscribe_check(portal=portal, token=token)
    return render(request, "portal/public/unsubscribe.html", _context(request, portal))
