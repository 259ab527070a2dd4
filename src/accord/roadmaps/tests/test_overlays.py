"""What opens over a roadmap view: an item in the drawer, and the New roadmap, Add milestone, Add item,
Import and Promote dialogs (each also a page of its own without JavaScript)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.ideas import services as idea_services
from accord.ideas.models import Decision, Idea, IdeaStatus
from accord.roadmaps import services
from accord.roadmaps.models import Milestone, Roadmap, RoadmapItem

pytestmark = pytest.mark.django_db

DRAWER = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "accord-drawer-body"}
DIALOG = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "accord-dialog-body"}
D0 = timezone.localdate() + timedelta(days=30)


@pytest.fixture
def plan(cast):
    admin = cast.members["admin"]
    product = services.roadmap_create(member=admin, name="Product", lanes=["Reporting", "Platform"])
    marketing = services.roadmap_create(member=admin, name="Marketing", kind="marketing", lanes=["Launches"])
    release = services.item_create(
        member=admin, roadmap_id=product.pk, title="Release 2.0", start_date=D0, end_date=D0 + timedelta(days=20),
        description="The **big** one",
    )  # fmt: skip
    launch = services.item_create(
        member=admin, roadmap_id=marketing.pk, title="Launch campaign", start_date=D0 + timedelta(days=10),
        end_date=D0 + timedelta(days=30),
    )  # fmt: skip
    services.dependency_create(member=admin, predecessor_id=release.pk, successor_id=launch.pk)
    idea = idea_services.idea_create(member=admin, title="Scheduled PDF reports", tags=["reporting"])
    return {"product": product, "marketing": marketing, "release": release, "launch": launch, "idea": idea,
            "lanes": {lane.name: lane for lane in (*product.lanes.all(), *marketing.lanes.all())}}  # fmt: skip


def signed_in(cast, role: str) -> Client:
    client = Client()
    client.force_login(cast.outsider.user if role == "outsider" else cast.members[role].user)
    return client


# ---------------------------------------------------------------- the item drawer


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_an_item_opens_in_the_drawer_with_its_dependencies(cast, plan, role):
    url = reverse("roadmap_item_drawer", args=["acme", plan["launch"].pk]) + f"?from={plan['marketing'].pk}"
    response = signed_in(cast, role).get(url, **DRAWER)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="accord-drawer-title" tabindex="-1">Launch campaign<' in html and "Blocked" in html
    assert f'href="/w/acme/roadmaps/items/{plan["release"].pk}?from={plan["marketing"].pk}" data-drawer>Release 2.0<' in html
    assert f'href="/w/acme/roadmaps/items/{plan["launch"].pk}?from={plan["marketing"].pk}"' in html  # full page


def test_the_item_drawer_outside_the_drawer_is_the_full_page_and_404_elsewhere(cast, plan):
    url = reverse("roadmap_item_drawer", args=["acme", plan["release"].pk])
    assert signed_in(cast, "viewer").get(url)["Location"] == f"/w/acme/roadmaps/items/{plan['release'].pk}"
    assert signed_in(cast, "outsider").get(url, **DRAWER).status_code == 404
    theirs = services.roadmap_create(member=cast.outsider, name="Theirs")
    secret = services.item_create(member=cast.outsider, roadmap_id=theirs.pk, title="Secret", bucket="now")
    assert signed_in(cast, "admin").get(reverse("roadmap_item_drawer", args=["acme", secret.pk]), **DRAWER).status_code == 404


def test_the_table_board_and_timeline_open_items_in_the_drawer(cast, plan):
    client = signed_in(cast, "viewer")
    services.item_create(member=cast.members["admin"], roadmap_id=plan["product"].pk, title="Someday", bucket="later")
    for name in ("roadmap_table", "roadmap_board", "roadmap"):
        html = client.get(reverse(name, args=["acme", plan["product"].pk])).content.decode()
        assert 'data-drawer>' in html, name


# ---------------------------------------------------------------- New roadmap


def test_new_roadmap_is_a_dialog_for_editors_and_a_page_without_javascript(cast, plan):
    url = reverse("roadmap_new", args=["acme"])
    assert 'href="/w/acme/roadmaps/new" data-dialog' in signed_in(cast, "editor").get(reverse("roadmaps", args=["acme"])).content.decode()
    fragment = signed_in(cast, "editor").get(url, **DIALOG).content.decode()
    assert "<html" not in fragment and 'id="accord-dialog-title"' in fragment and "Marketing" in fragment
    assert "<h1>New roadmap</h1>" in signed_in(cast, "editor").get(url).content.decode()
    assert signed_in(cast, "viewer").get(url).status_code == 403
    assert signed_in(cast, "outsider").get(url).status_code == 404


def test_a_refused_roadmap_keeps_what_was_typed_and_an_accepted_one_opens(cast, plan):
    client = signed_in(cast, "editor")
    url = reverse("roadmap_new", args=["acme"])
    refused = client.post(url, {"name": "", "lanes": "Mobile\nWeb", "description": "For 2026"}, **DIALOG)
    html = refused.content.decode()
    assert refused.status_code == 422 and 'id="err_name"' in html and 'role="alert"' in html
    assert "Mobile\nWeb</textarea>" in html and "For 2026</textarea>" in html
    accepted = client.post(url, {"name": "Mobile", "kind": "product", "lanes": "iOS"}, **DIALOG)
    rm = Roadmap.objects.get(name="Mobile")
    assert accepted.status_code == 204 and accepted["HX-Redirect"] == f"/w/acme/roadmaps/{rm.pk}"
    assert client.post(reverse("roadmaps", args=["acme"]), {"name": "Old form"}).status_code == 302  # still posted here
    assert signed_in(cast, "viewer").post(url, {"name": "Mine"}).status_code == 403
    assert not Roadmap.objects.filter(name="Mine").exists()


# ---------------------------------------------------------------- Add milestone and Add item


def test_a_milestone_without_a_date_keeps_its_name_and_says_so(cast, plan):
    client = signed_in(cast, "editor")
    url = reverse("roadmap_milestone_add", args=["acme", plan["product"].pk])
    assert "Add milestone" in client.get(url, **DIALOG).content.decode()
    refused = client.post(url, {"name": "Beta", "date": "", "next": "/w/acme/roadmaps"}, **DIALOG)
    html = refused.content.decode()
    assert refused.status_code == 422 and 'value="Beta"' in html and 'id="err_date"' in html
    ok = client.post(url, {"name": "Beta", "date": D0.isoformat(), "next": f"/w/acme/roadmaps/{plan['product'].pk}/board"}, **DIALOG)
    assert ok.status_code == 204 and ok["HX-Redirect"] == f"/w/acme/roadmaps/{plan['product'].pk}/board"
    assert Milestone.objects.get(name="Beta").roadmap_id == plan["product"].pk
    elsewhere = client.post(url, {"name": "Gamma", "date": D0.isoformat(), "next": "https://evil.example/"})
    assert elsewhere["Location"] == f"/w/acme/roadmaps/{plan['product'].pk}"  # only back into Accord
    assert signed_in(cast, "viewer").get(url).status_code == 403
    assert signed_in(cast, "outsider").get(url).status_code == 404


def test_add_item_and_import_open_in_the_dialog(cast, plan):
    client = signed_in(cast, "editor")
    new_item = reverse("roadmap_item_new", args=["acme", plan["product"].pk])
    assert 'id="accord-dialog-title"' in client.get(new_item, **DIALOG).content.decode()
    refused = client.post(new_item, {"title": "", "bucket": "next", "tags": "q3, web"}, **DIALOG)
    assert refused.status_code == 422 and 'value="q3, web"' in refused.content.decode()
    ok = client.post(new_item, {"title": "Offline", "bucket": "next", "view": "board"}, **DIALOG)
    assert ok["HX-Redirect"] == f"/w/acme/roadmaps/{plan['product'].pk}/board"
    imported = reverse("roadmap_import", args=["acme", plan["product"].pk])
    fragment = client.get(imported, **DIALOG).content.decode()
    assert "<html" not in fragment and 'enctype="multipart/form-data"' in fragment
    assert client.post(imported, {}, **DIALOG).status_code == 422


# ---------------------------------------------------------------- Promote an idea


def promote(client, idea, **data):
    return client.post(reverse("idea_promote", args=["acme", idea.pk]), data, **DIALOG)


def test_promote_picks_the_roadmap_lane_and_dates_and_plans_the_idea(cast, plan):
    client = signed_in(cast, "editor")
    form = client.get(reverse("idea_promote", args=["acme", plan["idea"].pk]), **DIALOG).content.decode()
    assert 'data-follows="id_roadmap_id"' in form and f'data-value="{plan["product"].pk}"' in form
    lane = plan["lanes"]["Reporting"]
    start, end = D0 + timedelta(days=40), D0 + timedelta(days=60)
    response = promote(client, plan["idea"], roadmap_id=plan["product"].pk, lane_id=lane.pk,
                       start_date=start.isoformat(), end_date=end.isoformat(), reason="Top score",
                       next="/w/acme/ideas?status=new")  # fmt: skip
    assert response.status_code == 204 and response["HX-Redirect"] == "/w/acme/ideas?status=new"
    item = RoadmapItem.objects.get(idea=plan["idea"])
    assert (item.roadmap_id, item.lane_id, item.start_date, item.end_date) == (plan["product"].pk, lane.pk, start, end)
    assert Idea.objects.get(pk=plan["idea"].pk).status == IdeaStatus.PLANNED
    assert Decision.objects.get(idea=plan["idea"]).reason == "Top score"


def test_a_lane_of_another_roadmap_is_refused_and_nothing_changes(cast, plan):
    response = promote(signed_in(cast, "editor"), plan["idea"], roadmap_id=plan["product"].pk,
                       lane_id=plan["lanes"]["Launches"].pk, bucket="next", reason="Soon")  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 422 and 'id="err_lane_id"' in html and "No such lane on this roadmap." in html
    assert 'name="reason"' in html and ">Soon</textarea>" in html
    assert not RoadmapItem.objects.filter(idea=plan["idea"]).exists()
    assert Idea.objects.get(pk=plan["idea"].pk).status == IdeaStatus.NEW and not Decision.objects.exists()


def test_promote_is_for_editors_and_finds_no_idea_or_roadmap_elsewhere(cast, plan):
    for role in ("viewer", "contributor"):
        assert promote(signed_in(cast, role), plan["idea"], roadmap_id=plan["product"].pk).status_code == 403
    assert promote(signed_in(cast, "outsider"), plan["idea"], roadmap_id=plan["product"].pk).status_code == 404
    theirs_idea = idea_services.idea_create(member=cast.outsider, title="Secret")
    assert promote(signed_in(cast, "editor"), theirs_idea, roadmap_id=plan["product"].pk).status_code == 404
    theirs = services.roadmap_create(member=cast.outsider, name="Theirs")
    refused = promote(signed_in(cast, "editor"), plan["idea"], roadmap_id=theirs.pk)
    assert refused.status_code in (404, 422)
    assert not RoadmapItem.objects.filter(idea=plan["idea"]).exists()
    assert Idea.objects.get(pk=plan["idea"].pk).status == IdeaStatus.NEW


def test_the_idea_page_offers_promote_to_editors_only(cast, plan):
    url = reverse("idea_detail", args=["acme", plan["idea"].pk])
    assert 'data-testid="action-roadmaps.promote"' in signed_in(cast, "editor").get(url).content.decode()
    assert "Promote to a roadmap" not in signed_in(cast, "contributor").get(url).content.decode()


def test_the_item_drawer_reads_a_constant_number_of_queries(cast, plan, django_assert_max_num_queries):
    admin = cast.members["admin"]
    for n in range(6):  # many dependencies, across roadmaps, cost no more queries
        other = services.item_create(member=admin, roadmap_id=plan["marketing"].pk, title=f"Wave {n}", bucket="later")
        services.dependency_create(member=admin, predecessor_id=plan["launch"].pk, successor_id=other.pk)
    client = signed_in(cast, "editor")
    client.get(reverse("roadmaps", args=["acme"]))  # signed in and in the workspace already
    with django_assert_max_num_queries(12):
        assert client.get(reverse("roadmap_item_drawer", args=["acme", plan["launch"].pk]), **DRAWER).status_code == 200
