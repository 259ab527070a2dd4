"""The API (bad input is a clear 4xx naming the field, nothing half-saved), the pages, the history."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accord.audit import history
from accord.audit.models import AuditEntry

from .. import services
from ..models import Change, ChangeImpact, ChangeReview
from .conftest import at

CHANGES = "/workspaces/acme/changes"


def _body(**kw):
    return {
        "title": "Move the website to the new CDN",
        "area": "website",
        "start": at().isoformat(),
        "end": at(hours=3).isoformat(),
        **kw,
    }


def test_filing_checking_signing_and_approving_through_the_api(cast, people, campaign, api):
    it_lead, mkt_lead = api(cast.tokens["contributor"]), api(cast.tokens["editor"])
    services.rule_create(member=cast.members["admin"], department="marketing", area="website")

    bad = it_lead.post(
        CHANGES, _body(start=at(hours=3).isoformat(), end=at().isoformat(), departments=["it"])
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "end"
    assert not Change.objects.exists() and not ChangeImpact.objects.exists()

    check = it_lead.get(
        "/workspaces/acme/change-conflicts",
        {"area": "Website", "start": at().isoformat(), "end": at(hours=3).isoformat()},
    )
    assert check.status_code == 200
    assert [c["kind"] for c in check.json()["conflicts"]] == ["campaign"] and check.json()[
        "free_slot"
    ]["start"]

    created = it_lead.post(CHANGES, _body(departments=["it"], roadmap_item_ids=[campaign.pk]))
    assert created.status_code == 201, created.json()
    change = created.json()
    assert (
        change["missing_sign_offs"] == ["marketing"]
        and change["roadmap_items"][0]["id"] == campaign.pk
    )
    assert change["conflicts"]["conflicts"][0]["rule"].startswith("Campaign on “website”")
    url = f"{CHANGES}/{change['id']}"
    assert it_lead.post(f"{url}/transitions", {"to": "in_review"}).json()["status"] == "in_review"

    refused = it_lead.post(f"{url}/impacts", {"department": "marketing", "impact": "high"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "department"
    early = mkt_lead.post(f"{url}/transitions", {"to": "approved"})
    assert (
        early.status_code == 422
        and "Marketing" in early.json()["detail"]
        and early.json()["errors"][0]["field"] == "sign_offs"
    )
    signed = mkt_lead.post(
        f"{url}/impacts",
        {"department": "marketing", "impact": "medium", "note": "Launch week: move it"},
    )
    assert signed.status_code == 200 and signed.json()["missing_sign_offs"] == []
    assert mkt_lead.post(f"{url}/transitions", {"to": "approved"}).json()["status"] == "approved"

    stale = mkt_lead.patch(url, {"version": change["version"], "title": "Too late"})
    assert stale.status_code in (409, 422)
    listed = it_lead.get(CHANGES, {"status": "approved"}).json()
    assert [c["id"] for c in listed["items"]] == [change["id"]]


def test_freezes_calendar_and_reviews_through_the_api(cast, people, api):
    editor = api(cast.tokens["editor"])
    bad = editor.post(
        "/workspaces/acme/freezes",
        {"name": "Launch", "start": at(2).isoformat(), "end": at(1).isoformat()},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "end"
    freeze = editor.post(
        "/workspaces/acme/freezes",
        {"name": "Launch", "start": at(1).isoformat(), "end": at(3).isoformat()},
    )
    assert freeze.status_code == 201
    cal = editor.get(
        "/workspaces/acme/change-calendar", {"start": at().isoformat(), "end": at(90).isoformat()}
    ).json()
    assert [f["name"] for f in cal["freezes"]] == ["Launch"]
    backwards = editor.get(
        "/workspaces/acme/change-calendar", {"start": at(1).isoformat(), "end": at().isoformat()}
    )
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "end"

    review = editor.post(
        "/workspaces/acme/change-reviews",
        {"title": "CAB", "starts_at": (timezone.now() + timedelta(days=1)).isoformat()},
    )
    assert review.status_code == 201 and review.json()["agenda"] == []
    rid = review.json()["id"]
    editor.post(CHANGES, _body(area="crm"))
    change = Change.objects.get()
    services.change_transition(member=cast.members["editor"], change_id=change.pk, to="in_review")
    detail = editor.get(f"/workspaces/acme/change-reviews/{rid}").json()
    assert [a["change_id"] for a in detail["agenda"]] == [
        change.pk
    ]  # joined the next planned meeting
    decided = editor.post(
        f"/workspaces/acme/change-reviews/{rid}/decisions",
        {"change_id": change.pk, "decision": "approved", "reason": "No sign-off needed"},
    )
    assert decided.status_code == 200 and decided.json()["agenda"][0]["decision"] == "approved"
    assert "Decision: Approved — No sign-off needed" in decided.json()["minutes_markdown"]
    missing = editor.post(
        f"/workspaces/acme/change-reviews/{rid}/decisions",
        {"change_id": change.pk, "decision": "approved", "reason": ""},
    )
    assert missing.status_code == 422


def test_the_pages(cast, people, campaign, client):
    client.force_login(cast.members["contributor"].user)
    slug = "acme"
    assert client.get(reverse("changes", args=[slug])).status_code == 200
    assert client.get(reverse("change_new", args=[slug])).status_code == 200
    panel = client.get(
        reverse("change_check", args=[slug]),
        {"area": "website", "start": "2031-03-03T20:00", "end": "2031-03-03T23:00"},
    )
    assert (
        "Spring launch campaign" in panel.content.decode()
        and "Next free slot" in panel.content.decode()
    )
    bad = client.post(
        reverse("change_new", args=[slug]),
        {"title": "CDN", "area": "website", "start": "2031-03-03T20:00", "end": "2031-03-03T19:00"},
    )
    assert (
        bad.status_code == 422
        and "before (or at) its start" in bad.content.decode()
        and not Change.objects.exists()
    )
    done = client.post(reverse("change_new", args=[slug]), {"title": "CDN", "area": "website", "start": "2031-03-03T20:00",
                                                            "end": "2031-03-03T23:00", "departments": ["it"], "submit": "review"})  # fmt: skip
    change = Change.objects.get()
    assert done.status_code == 302 and change.status == "in_review"
    page = client.get(reverse("change", args=[slug, change.pk])).content.decode()
    assert "Spring launch campaign" in page and "Assess and sign" in page
    signed = client.post(
        reverse("change_action", args=[slug, change.pk, "impact"]),
        {"department": "it", "impact": "low", "sign": "1"},
    )
    assert (
        signed.status_code == 302
        and ChangeImpact.objects.get(change=change, department="it").signed_at
    )
    wrong = client.post(
        reverse("change_action", args=[slug, change.pk, "impact"]),
        {"department": "marketing", "impact": "low", "sign": "1"},
    )
    assert wrong.status_code == 422

    client.force_login(cast.members["editor"].user)
    made = client.post(
        reverse("change_reviews", args=[slug]), {"title": "CAB", "starts_at": "2031-03-01T10:00"}
    )
    review = ChangeReview.objects.get()
    assert made.status_code == 302 and review.agenda.count() == 1
    assert "CDN" in client.get(reverse("change_review", args=[slug, review.pk])).content.decode()
    md = client.get(reverse("change_review_minutes", args=[slug, review.pk, "md"]))
    assert (
        md.status_code == 200
        and md["Content-Type"].startswith("text/markdown")
        and b"CDN" in md.content
    )
    assert client.get(
        reverse("change_review_minutes", args=[slug, review.pk, "pdf"])
    ).content.startswith(b"%PDF")
    client.force_login(cast.members["viewer"].user)
    assert client.get(reverse("change_new", args=[slug])).status_code == 403
    assert (
        client.post(reverse("change_review_action", args=[slug, review.pk, "refresh"])).status_code
        == 403
    )


def test_history_wording(cast, people):
    it_lead, mkt_lead = cast.members["contributor"], cast.members["editor"]
    change = services.change_create(
        member=it_lead,
        title="CDN switch",
        area="website",
        start=at(),
        end=at(hours=2),
        departments=["marketing"],
    )
    services.change_transition(member=it_lead, change_id=change.pk, to="in_review")
    services.impact_assess(
        member=mkt_lead,
        change_id=change.pk,
        department="marketing",
        impact="medium",
        note="Launch week",
    )
    services.change_transition(
        member=mkt_lead, change_id=change.pk, to="rejected", reason="Clashes with the launch"
    )
    entries = list(
        AuditEntry.objects.filter(workspace=cast.workspace, object_type="change").order_by("id")
    )
    told = [t.text for t in history.tell(entries, slug="acme")]
    assert told[0] == "Contributor created change CDN switch"
    assert told[1] == "Contributor moved change CDN switch from draft to in review"
    assert told[2] == "Editor signed off change CDN switch for Marketing"
    assert told[3] == "Editor moved change CDN switch from in review to rejected"
    details = history.tell(entries, slug="acme")
    assert [d.text for d in details[2].details] == ["Impact: medium", "Note: Launch week"]
    assert [d.text for d in details[3].details] == ["Reason: Clashes with the launch"]


def test_the_page_names_the_launches_its_linked_items_belong_to(cast, people, campaign, client):
    from accord.launches import services as launches
    from accord.roadmaps import services as roadmaps

    admin = cast.members["admin"]
    product = roadmaps.roadmap_create(member=admin, name="Product 2031", kind="product")
    release = roadmaps.item_create(member=admin, roadmap_id=product.pk, title="Spring release",
                                   start_date=at(-30).date(), end_date=at(-3).date())  # fmt: skip
    launch = launches.launch_create(member=admin, name="Spring launch", release_item_id=release.pk,
                                    launch_date=at(1).date(), campaign_item_ids=[campaign.pk], checklist=False)  # fmt: skip
    change = services.change_create(member=admin, title="New CDN", area="website", start=at(20), end=at(21),
                                    roadmap_item_ids=[campaign.pk])  # fmt: skip
    client.force_login(cast.members["viewer"].user)
    page = client.get(f"/w/acme/changes/{change.pk}").content.decode()
    assert 'data-testid="change-launches"' in page and f"/w/acme/launches/{launch.pk}" in page
    alone = services.change_create(member=admin, title="Log rotation", area="logs", start=at(20), end=at(21))
    assert 'data-testid="change-launches"' not in client.get(f"/w/acme/changes/{alone.pk}").content.decode()
