"""Stored filters (saved views, share links): every id names an object the roadmap can show."""

import pytest
from django.test import Client

from accord.core.errors import Invalid
from accord.roadmaps import services
from accord.roadmaps.models import SavedView, ShareLink
from accord.workspaces.services import team_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids(cast):
    editor = cast.members["editor"]
    mine = services.roadmap_create(member=editor, name="Mine", lanes=["Build"])
    sibling = services.roadmap_create(member=editor, name="Sibling", lanes=["Elsewhere"])
    portfolio = services.roadmap_create(
        member=editor, name="All", kind="portfolio", includes=[mine.pk]
    )
    theirs = services.roadmap_create(member=cast.outsider, name="Theirs", lanes=["Their lane"])
    return {
        "mine": mine,
        "portfolio": portfolio,
        "lane": mine.lanes.get().pk,
        "sibling_lane": sibling.lanes.get().pk,
        "their_lane": theirs.lanes.get().pk,
        "team": team_create(member=cast.members["admin"], name="Platform").pk,
        "their_team": team_create(member=cast.outsider, name="Their team").pk,
    }


def bad_filters(ids):
    """(filters, the field the 422 names) for every kind of id a roadmap cannot show."""
    return [
        ({"lane_id": ids["their_lane"]}, "lane_id"),
        ({"lane_id": ids["sibling_lane"]}, "lane_id"),  # same workspace, another roadmap's lane
        ({"lane_id": 999_999}, "lane_id"),
        ({"team_id": ids["their_team"]}, "team_id"),
        ({"team_id": 999_999}, "team_id"),
        ({"team_id": ids["team"], "lane_id": ids["their_lane"]}, "lane_id"),
    ]


def test_saved_views_refuse_ids_of_other_workspaces_and_unknown_ids(cast, api, ids):
    editor = api(cast.tokens["editor"])
    path = f"/workspaces/acme/roadmaps/{ids['mine'].pk}/views"
    for filters, field in bad_filters(ids):
        response = editor.post(path, {"name": "Bad", "filters": filters})
        assert response.status_code == 422, (filters, response.content)
        assert response.json()["errors"][0]["field"] == f"filters.{field}", filters
    assert not SavedView.objects.exists()
    good = editor.post(
        path, {"name": "Good", "filters": {"lane_id": ids["lane"], "team_id": ids["team"]}}
    )
    assert good.status_code == 201, good.content
    assert good.json()["filters"] == {"lane_id": ids["lane"], "team_id": ids["team"]}


def test_a_portfolio_view_may_filter_by_a_lane_of_an_included_roadmap(cast, api, ids):
    editor = api(cast.tokens["editor"])
    path = f"/workspaces/acme/roadmaps/{ids['portfolio'].pk}/views"
    assert editor.post(path, {"name": "Build", "filters": {"lane_id": ids["lane"]}}).status_code == 201
    refused = editor.post(path, {"name": "Else", "filters": {"lane_id": ids["sibling_lane"]}})
    assert refused.status_code == 422


def test_share_links_refuse_ids_of_other_workspaces_and_unknown_ids(cast, api, ids):
    editor = api(cast.tokens["editor"])
    for filters, field in bad_filters(ids):
        response = editor.post(
            "/workspaces/acme/share-links",
            {"name": "Bad", "views": [{"roadmap": ids["mine"].pk},
                                      {"roadmap": ids["mine"].pk, "filters": filters}]},
        )  # fmt: skip
        assert response.status_code == 422, (filters, response.content)
        assert response.json()["errors"][0]["field"] == f"views.1.filters.{field}", filters
    assert not ShareLink.objects.exists()
    good = editor.post(
        "/workspaces/acme/share-links",
        {"name": "Good", "views": [{"roadmap": ids["mine"].pk, "filters": {"team_id": ids["team"]}}]},
    )
    assert good.status_code == 201, good.content


def test_the_services_check_values_and_types_too(cast, ids):
    """The web forms and any other caller go through the same checks."""
    editor = cast.members["editor"]
    for filters, field in [
        ({"lane_id": "1"}, "lane_id"),
        ({"lane_id": True}, "lane_id"),
        ({"team_id": 1.5}, "team_id"),
        ({"status": "bogus"}, "status"),
        ({"tag": ["x"]}, "tag"),
        ({"tag": "x" * 61}, "tag"),
    ]:
        with pytest.raises(Invalid) as caught:
            services.saved_view_create(
                member=editor, roadmap_id=ids["mine"].pk, name="V", filters=filters
            )
        assert caught.value.errors[0].field == f"filters.{field}", filters
        with pytest.raises(Invalid) as caught:
            services.share_link_create(
                member=editor, name="S", views=[{"roadmap": ids["mine"].pk, "filters": filters}]
            )
        assert caught.value.errors[0].field == f"views.0.filters.{field}", filters


def test_the_save_view_form_refuses_a_foreign_lane(cast, ids):
    client = Client()
    client.force_login(cast.members["editor"].user)
    response = client.post(
        f"/w/acme/roadmaps/{ids['mine'].pk}/views",
        {"name": "Theirs", "lane": ids["their_lane"]},
        follow=True,
    )
    assert "View not saved" in response.content.decode()
    assert not SavedView.objects.exists()
