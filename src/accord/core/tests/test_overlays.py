"""accord.core.overlays: which requests get a fragment, and how an accepted dialog form moves on."""

from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from accord.core import overlays


def request(**headers):
    req = RequestFactory().get("/w/acme/ideas/1/drawer", **headers)
    req.htmx = HtmxDetails(req)
    return req


def test_only_the_drawer_and_the_dialog_count_as_overlays():
    assert overlays.in_overlay(request(HTTP_HX_REQUEST="true", HTTP_HX_TARGET="accord-drawer-body"))
    assert overlays.in_overlay(request(HTTP_HX_REQUEST="true", HTTP_HX_TARGET="accord-dialog-body"))
    assert not overlays.in_overlay(request(HTTP_HX_REQUEST="true", HTTP_HX_TARGET="idea-rows"))
    assert not overlays.in_overlay(request(HTTP_HX_TARGET="accord-dialog-body"))  # not htmx
    assert not overlays.in_overlay(request())


def test_an_accepted_form_redirects_a_page_and_tells_htmx_where_to_go_from_a_dialog():
    plain = overlays.finish(request(), "/w/acme/ideas/1")
    assert plain.status_code == 302 and plain["Location"] == "/w/acme/ideas/1"
    dialog = overlays.finish(request(HTTP_HX_REQUEST="true", HTTP_HX_TARGET="accord-dialog-body"), "/w/acme/ideas/1")
    assert dialog.status_code == 204 and dialog["HX-Redirect"] == "/w/acme/ideas/1" and "HX-Target" in dialog["Vary"]


def test_a_drawer_asked_for_outside_the_drawer_is_its_page():
    response = overlays.drawer_response(request(), "unused.html", {}, page_url="/w/acme/ideas/1")
    assert response.status_code == 302 and response["Location"] == "/w/acme/ideas/1"
