"""The feedback API: capture, batches with per-row errors, contributors' own items, links, evidence,
export, and constant query counts."""

import csv
import io

from accord.feedback import services
from accord.feedback.models import Feedback


def test_capture_and_read_back_with_an_inline_customer(cast, api):
    client = api(cast.tokens["contributor"])
    created = client.post("/workspaces/acme/feedback", {"text": "SSO *please*", "source": "sales_call", "customer": {"name": "Ada", "email": "Ada@Example.com", "segment": "enterprise", "revenue_weight": 120}})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["text_html"] == "<p>SSO <em>please</em></p>\n"
    assert body["customer"]["email"] == "ada@example.com" and body["captured_by"] == "contributor@acme.test"
    listed = client.get("/workspaces/acme/feedback", {"segment": "enterprise"}).json()
    assert [i["id"] for i in listed["items"]] == [body["id"]]


def test_a_batch_names_every_bad_row_and_creates_nothing(cast, api):
    client = api(cast.tokens["editor"])
    response = client.post("/workspaces/acme/feedback/batch", {"items": [{"text": "ok"}, {"text": "x", "customer": {"email": "nope"}}, {"text": "y", "customer_id": 999999}]})
    assert response.status_code == 422
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["items[1].customer_email", "items[2].customer_id"]
    assert not Feedback.objects.exists()
    too_many = client.post("/workspaces/acme/feedback/batch", {"items": [{"text": "x"}] * 1001})
    assert too_many.status_code == 422


def test_contributors_edit_their_own_feedback_but_not_others(cast, api):
    client = api(cast.tokens["contributor"])
    own = client.post("/workspaces/acme/feedback", {"text": "Mine"}).json()
    edited = client.patch(f"/workspaces/acme/feedback/{own['id']}", {"version": own["version"], "title": "Mine, titled"})
    assert edited.status_code == 200 and edited.json()["title"] == "Mine, titled"
    theirs = services.feedback_create(member=cast.members["editor"], text="Theirs")
    assert client.patch(f"/workspaces/acme/feedback/{theirs.pk}", {"version": theirs.version, "title": "x"}).status_code == 403
    stale = client.patch(f"/workspaces/acme/feedback/{own['id']}", {"version": own["version"], "title": "late"})
    assert stale.status_code == 409


def test_links_evidence_and_export(cast, api, make_feedback, make_idea):
    client = api(cast.tokens["contributor"])
    idea = make_idea()
    fb = make_feedback("We need an export to Excel.", customer={"name": "Ada", "email": "ada@example.com", "segment": "enterprise", "revenue_weight": 100})
    link = client.post(f"/workspaces/acme/feedback/{fb.pk}/links", {"idea_id": idea.pk, "quote": "an export to Excel", "importance": "critical"})
    assert link.status_code == 201 and link.json()["idea_title"] == idea.title
    assert client.post(f"/workspaces/acme/feedback/{fb.pk}/links", {"idea_id": idea.pk}).status_code == 409
    evidence = client.get(f"/workspaces/acme/ideas/{idea.pk}/evidence").json()
    assert (evidence["items"], evidence["customers"], evidence["revenue"], evidence["demand"]) == (1, 1, 100, 200)
    assert evidence["segments"] == [{"segment": "enterprise", "items": 1, "customers": 1, "revenue": 100}]
    exported = client.get("/workspaces/acme/feedback/export", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert rows[0]["linked_ideas"] == f"#{idea.pk} {idea.title}" and rows[0]["segment"] == "enterprise"
    as_json = client.get("/workspaces/acme/feedback/export", {"format": "json"}).json()
    assert as_json["feedback"][0]["links"][0]["quote"] == "an export to Excel"


def test_lists_take_a_constant_number_of_queries(cast, api, make_feedback, make_idea, django_assert_max_num_queries):
    idea = make_idea()
    for n in range(30):
        fb = make_feedback(f"Item {n}", customer={"name": f"C{n}", "email": f"c{n}@example.com", "segment": "smb"})
        services.link_create(member=cast.members["editor"], feedback_id=fb.pk, idea_id=idea.pk)
    client = api(cast.tokens["viewer"])
    for path in ["/workspaces/acme/feedback", "/workspaces/acme/customers", "/workspaces/acme/feedback-links", f"/workspaces/acme/ideas/{idea.pk}/evidence"]:
        with django_assert_max_num_queries(12):
            assert client.get(path, {"limit": 100}).status_code == 200


def test_patches_refuse_null_where_null_would_silently_mean_unchanged(cast, api):
    """A field left out keeps its value; null is refused with the field named (only customer_id,
    which null clears, takes it)."""
    editor = api(cast.tokens["editor"])
    fb = editor.post("/workspaces/acme/feedback", {"text": "SSO please", "title": "SSO", "customer": {"name": "Ada"}}).json()
    for field in ("text", "title", "source", "status", "received_at"):
        answer = editor.patch(f"/workspaces/acme/feedback/{fb['id']}", {"version": fb["version"], field: None})
        assert answer.status_code == 422, (field, answer.content)
        assert [e["field"] for e in answer.json()["errors"]] == [field]
    cleared = editor.patch(f"/workspaces/acme/feedback/{fb['id']}", {"version": fb["version"], "customer_id": None})
    assert cleared.status_code == 200 and cleared.json()["customer"] is None and cleared.json()["title"] == "SSO"
    customer = fb["customer"]
    for field in ("name", "email", "company", "segment", "revenue_weight"):
        answer = editor.patch(f"/workspaces/acme/customers/{customer['id']}", {"version": customer["version"], field: None})
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field, (field, answer.content)
    idea = api(cast.tokens["editor"]).post("/workspaces/acme/ideas", {"title": "SSO"}).json()
    link = editor.post(f"/workspaces/acme/feedback/{fb['id']}/links", {"idea_id": idea["id"]}).json()
    for field in ("quote", "importance"):
        answer = editor.patch(f"/workspaces/acme/feedback-links/{link['id']}", {field: None})
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field, (field, answer.content)
    assert editor.patch(f"/workspaces/acme/feedback-links/{link['id']}", {"importance": "critical"}).json()["importance"] == "critical"
