"""Drawers and dialogs: one way for every page to show a detail or a form over the view.

The browser side is static/accord/overlays.js. A link marked `data-drawer="<url>"` opens that
fragment in the side drawer (its own href stays the full page, so a reload, a new tab or a browser
without JavaScript get the page); a link or button marked `data-dialog` opens its href's form in a
modal dialog. Both ask with htmx, which names the overlay in the HX-Target header; the views below
answer those requests with the fragment alone and everyone else with a full page.

A form in a dialog is posted by htmx too: refused, it comes back (422) with the messages next to the
fields and what was typed; accepted, `finish` sends the browser to the next page (HX-Redirect), where
the success message shows as after any form.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers

DRAWER = "accord-drawer-body"
DIALOG = "accord-dialog-body"


def in_overlay(request: HttpRequest) -> bool:
    """True when the drawer or the dialog asked (htmx, targeting one of them)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and htmx.target in (DRAWER, DIALOG)


def _vary(response: HttpResponse) -> HttpResponse:
    # The same URL answers a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def form_response(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    title: str,
    intro: str = "",
    back_url: str = "",
    back_label: str = "",
    status: int = 200,
) -> HttpResponse:
    """A form: the fragment `template` in a dialog, or the same fragment on a page of its own.

    `title` heads both; `intro` is the page's lead paragraph; `back_url`/`back_label` the page's
    breadcrumb (a dialog has its Cancel button instead).
    """
    context = {
        **context,
        "form_title": title,
        "form_intro": intro,
        "back_url": back_url,
        "back_label": back_label,
        "in_dialog": in_overlay(request),
    }
    page = template if context["in_dialog"] else "overlays/form_page.html"
    return _vary(render(request, page, {**context, "form_template": template}, status=status))


def finish(request: HttpRequest, url: str) -> HttpResponse:
    """After an accepted form: go to `url` (from a dialog, htmx follows HX-Redirect)."""
    if in_overlay(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return _vary(response)
    return redirect(url)


def drawer_response(request: HttpRequest, template: str, context: dict, *, page_url: str) -> HttpResponse:
    """A detail for the drawer; asked for outside the drawer (typed in, bookmarked), the full page."""
    if not in_overlay(request):
        return redirect(page_url)
    return _vary(render(request, template, {**context, "page_url": page_url}))
