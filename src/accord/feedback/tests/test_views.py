"""The web pages: inbox, capture, item page with linking, the idea's evidence panel, customers, import."""

import html
import re

import pytest
from django.test import Client

from accord.feedback import services
from accord.feedback.models import Feedback, FeedbackLink

PASSWORD = "a-Strong-test-passw0rd"


@pytest.fixture
def browser(cast):
    def login(role="editor") -> Client:
        client = Client()
        assert client.login(email=f"{role}@acme.test", password=PASSWORD)
        return client

    return login


def test_the_inbox_lists_filters_and_exports(cast, browser, make_feedback, django_assert_max_num_queries):
    for n in range(12):
        make_feedback(f"Export number {n}", customer={"name": f"C{n}", "email": f"c{n}@example.com", "segment": "smb" if n % 2 else "enterprise"})
    make_feedback("Dark mode")
    client = browser("viewer")
    with django_assert_max_num_queries(20):
        page = client.get("/w/acme/feedback")
    assert page.status_code == 200 and b"Export number 11" in page.content
    filtered = client.get("/w/acme/feedback", {"q": "dark"})
    assert b"Dark mode" in filtered.content and b"Export number" not in filtered.content
    enterprise = client.get("/w/acme/feedback", {"segment": "enterprise", "linked": "no"})
    assert b"Export number 0" in enterprise.content and b"Export number 1<" not in enterprise.content
    assert client.get("/w/acme/feedback", {"status": "nonsense"}).status_code == 400
    export = client.get("/api/v1/workspaces/acme/feedback/export", {"format": "csv", "q": "dark"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert export.content.decode().count("\n") == 2


def test_capture_parses_a_pasted_email_then_saves(cast, browser):
    client = browser("contributor")
    pasted = "From: Jane Doe <jane@northwind.com>\nSubject: Re: Reports\n\nWe need Excel export.\n\nBest,\nJane"
    preview = client.post("/w/acme/feedback/new", {"mode": "capture", "action": "parse", "pasted": pasted})
    body = preview.content.decode()
    assert 'value="jane@northwind.com"' in body and "We need Excel export.</textarea>" in body and 'value="Northwind"' in body
    saved = client.post("/w/acme/feedback/new", {"mode": "capture", "text": "We need Excel export.", "title": "Reports", "source": "support_ticket", "name": "Jane Doe", "email": "jane@northwind.com", "company": "Northwind"})
    fb = Feedback.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/w/acme/feedback/{fb.pk}"
    assert fb.customer.company == "Northwind"


def test_a_bad_form_shows_the_field_error(cast, browser):
    page = browser("contributor").post("/w/acme/feedback/new", {"text": "", "source": "survey"})
    assert page.status_code == 422 and b"Text is required" in page.content


def test_linking_from_the_feedback_page_and_the_evidence_panel(cast, browser, make_feedback, make_idea):
    idea = make_idea()
    fb = make_feedback("We really need an export to Excel for the board.", customer={"name": "Ada", "email": "ada@example.com", "segment": "enterprise", "revenue_weight": 120})
    client = browser("contributor")
    page = client.get(f"/w/acme/feedback/{fb.pk}")
    assert b'data-quote-source="#id_quote"' in page.content and idea.title.encode() in page.content
    linked = client.post(f"/w/acme/feedback/{fb.pk}/links", {"idea_id": idea.pk, "quote": "an export to Excel", "importance": "critical"})
    assert linked.status_code == 302
    assert FeedbackLink.objects.get().quote == "an export to Excel"
    others = [make_feedback(f"Excel please #{n}").pk for n in range(2)]
    picker = client.get(f"/w/acme/ideas/{idea.pk}/feedback/picker", {"q": "excel please"})
    assert picker.content.count(b'name="feedback_ids"') == 2
    client.post(f"/w/acme/ideas/{idea.pk}/feedback", {"feedback_ids": others, "importance": "important"})
    assert FeedbackLink.objects.filter(idea=idea).count() == 3
    detail = client.get(f"/w/acme/ideas/{idea.pk}").content.decode()
    assert 'data-testid="evidence-panel"' in detail and "<mark>an export to Excel</mark>" in detail
    assert 'data-testid="evidence-items">3<' in detail
    make_feedback("Not about Excel at all")
    inbox = client.get("/w/acme/feedback", {"idea": idea.pk}).content.decode()
    assert "3 items" in inbox and "Not about Excel" not in inbox


def test_viewers_see_evidence_but_cannot_link(cast, browser, make_feedback, make_idea):
    idea, fb = make_idea(), make_feedback()
    client = browser("viewer")
    assert b"evidence-panel" in client.get(f"/w/acme/ideas/{idea.pk}").content
    assert b"link-feedback-form" not in client.get(f"/w/acme/ideas/{idea.pk}").content
    assert client.post(f"/w/acme/feedback/{fb.pk}/links", {"idea_id": idea.pk}).status_code == 403
    assert not FeedbackLink.objects.exists()


def test_bulk_triage_and_status_buttons(cast, browser, make_feedback):
    ids = [make_feedback(f"Item {n}").pk for n in range(3)]
    client = browser("editor")
    client.post("/w/acme/feedback/bulk", {"feedback_ids": ids[:2], "status": "archived"})
    assert list(Feedback.objects.order_by("pk").values_list("status", flat=True)) == ["archived", "archived", "new"]
    fb = Feedback.objects.get(pk=ids[2])
    client.post(f"/w/acme/feedback/{fb.pk}/status", {"version": fb.version, "status": "reviewed"})
    fb.refresh_from_db()
    assert fb.status == "reviewed"


def test_customer_pages(cast, browser, make_feedback):
    fb = make_feedback(customer={"name": "Ada", "email": "ada@example.com", "segment": "enterprise", "revenue_weight": 120})
    client = browser("editor")
    assert b"Ada" in client.get("/w/acme/customers").content
    customer = fb.customer
    page = client.post(f"/w/acme/customers/{customer.pk}", {"version": customer.version, "name": "Ada L.", "email": "ada@example.com", "company": "", "segment": "smb", "revenue_weight": "80"})
    assert page.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.segment, customer.revenue_weight) == ("Ada L.", "smb", 80)
    assert client.post(f"/w/acme/customers/{customer.pk}", {"action": "delete"}).status_code == 403


def test_import_previews_the_mapping_then_imports(cast, browser):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = browser("editor")
    data = b"Comment,Customer,Email,Tier\nNeeds SSO,Ada,ada@example.com,enterprise\n,Bob,bob@example.com,smb\n"
    preview = client.post("/w/acme/feedback/import", {"step": "upload", "file": SimpleUploadedFile("survey.csv", data)})
    body = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="import-preview"' in body
    upload_id = body.split('name="upload_id" value="')[1].split('"')[0]
    form = {"step": "import", "upload_id": upload_id, "filename": "survey.csv", "map_text": "Comment", "map_customer_name": "Customer", "map_customer_email": "Email", "map_segment": "Tier", "default_source": "survey"}
    failed = client.post("/w/acme/feedback/import", form)
    assert failed.status_code == 422 and b"Nothing was imported" in failed.content and not Feedback.objects.exists()
    other = browser("admin").post("/w/acme/feedback/import", {**form, "skip_bad_rows": "1"})
    assert b"expired" in other.content and not Feedback.objects.exists()  # another user's upload id
    done = client.post("/w/acme/feedback/import", {**form, "skip_bad_rows": "1"})
    assert done.status_code == 200 and b"skipped 1 row" in done.content
    assert Feedback.objects.get().customer.segment == "enterprise"


def test_contributors_cannot_open_the_import(cast, browser):
    assert browser("contributor").get("/w/acme/feedback/import").status_code == 403


def test_deleting_needs_the_right(cast, browser, make_feedback):
    theirs = make_feedback(role="editor")
    assert browser("contributor").post(f"/w/acme/feedback/{theirs.pk}/delete").status_code == 403
    services.feedback_delete(member=cast.members["editor"], feedback_id=theirs.pk)
    assert not Feedback.objects.exists()


def test_bulk_triage_with_nothing_ticked_says_so(cast, browser, make_feedback):
    make_feedback()
    client = browser("editor")
    answer = client.post("/w/acme/feedback/bulk", {"status": "archived", "query": "q=R%26D"}, follow=True)
    assert answer.status_code == 200
    assert answer.redirect_chain[0][0] == "/w/acme/feedback?q=R%26D"
    assert "Choose 1 to" in answer.content.decode()
    assert not Feedback.objects.filter(status="archived").exists()


def test_linking_from_the_idea_page_with_nothing_ticked_says_so(cast, browser, make_feedback, make_idea):
    idea = make_idea()
    make_feedback()
    answer = browser("contributor").post(f"/w/acme/ideas/{idea.pk}/feedback", {"importance": "important"}, follow=True)
    assert answer.status_code == 200
    assert "Choose 1 to" in answer.content.decode()
    assert not FeedbackLink.objects.exists()


def test_the_export_links_carry_the_filters_encoded(cast, browser, make_feedback):
    """q=R&D once exported the rows matching "R": the search text went into the link unencoded."""
    make_feedback("R&D asked for a sandbox")
    make_feedback("Reporting is slow")
    fb = make_feedback("Another R&D wish", customer={"name": "Ada", "email": "ada@example.com"})
    client = browser("viewer")
    page = client.get("/w/acme/feedback", {"q": "R&D"}).content.decode()
    links = re.findall(r'href="(/api/v1/workspaces/acme/feedback/export\?[^"]+)"', page)
    assert len(links) == 2 and all("q=R%26D" in link for link in links)
    csv_link = html.unescape(next(link for link in links if "format=csv" in link))
    exported = client.get(csv_link).content.decode()
    assert "sandbox" in exported and "Another R&D wish" in exported and "Reporting" not in exported
    assert exported.count("\n") == 3  # the header and the two R&D rows
    # The inbox's customer filter reaches the export under the API's name for it.
    page = client.get("/w/acme/feedback", {"customer": fb.customer_id, "status": "new"}).content.decode()
    link = html.unescape(re.search(r'href="(/api/v1/workspaces/acme/feedback/export\?[^"]+format=csv[^"]*)"', page)[1])
    assert f"customer_id={fb.customer_id}" in link
    assert client.get(link).content.decode().count("\n") == 2


def test_the_status_tabs_and_pages_keep_the_search_encoded(cast, browser, make_feedback):
    for n in range(51):
        make_feedback(f"R&D item {n}")
    page = browser("viewer").get("/w/acme/feedback", {"q": "R&D"}).content.decode()
    assert 'href="?q=R%26D&amp;status=new"' in page
    assert 'href="?q=R%26D&amp;page=2"' in page


def test_filtering_with_htmx_brings_export_links_for_what_the_table_shows(cast, browser, make_feedback):
    make_feedback("R&D asked for a sandbox")
    rows = browser("viewer").get("/w/acme/feedback", {"q": "R&D"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="feedback-rows")
    body = rows.content.decode()
    assert "<html" not in body
    assert 'id="feedback-export" hx-swap-oob="true"' in body
    assert "/api/v1/workspaces/acme/feedback/export?q=R%26D&amp;format=csv" in body


def test_a_refused_capture_says_why_next_to_the_field_and_keeps_what_was_typed(cast, browser):
    """Pasted, parsed, then saved with a bad e-mail address: the form stays, with the message."""
    page = browser("contributor").post("/w/acme/feedback/new", {
        "mode": "capture", "text": "We need Excel export.", "title": "Reports", "source": "support_ticket",
        "name": "Jane Doe", "email": "jane-at-northwind", "company": "Northwind",
    })  # fmt: skip
    body = page.content.decode()
    assert page.status_code == 422
    assert re.search(r'id="err_email"[^>]*>[^<]*is not an e-mail address', body)
    assert 'role="alert"' in body  # the summary is announced
    assert "We need Excel export.</textarea>" in body and 'value="jane-at-northwind"' in body
    assert 'value="Northwind"' in body and not Feedback.objects.exists()


def test_a_revenue_weight_that_is_no_number_is_refused_next_to_its_field(cast, browser):
    page = browser("contributor").post("/w/acme/feedback/new", {
        "text": "Dark mode", "source": "survey", "name": "Ada", "revenue_weight": "lots",
    })  # fmt: skip
    body = page.content.decode()
    assert page.status_code == 422 and re.search(r'id="err_revenue_weight"[^>]*>Revenue weight: &#x27;lots&#x27; is not a number', body)
    assert 'value="lots"' in body


# ---------------------------------------------------------------- the drawer and the dialogs

DRAWER = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "accord-drawer-body"}
DIALOG = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "accord-dialog-body"}


def test_an_item_opens_in_the_drawer_from_the_inbox(cast, browser, make_feedback, make_idea):
    fb = make_feedback("We need an Excel export.", title="Excel", customer={"name": "Ada", "email": "ada@example.com"})
    services.link_create(member=cast.members["editor"], feedback_id=fb.pk, idea_id=make_idea().pk, quote="an Excel export")
    viewer = browser("viewer")
    assert f'href="/w/acme/feedback/{fb.pk}" data-drawer' in viewer.get("/w/acme/feedback").content.decode()
    response = viewer.get(f"/w/acme/feedback/{fb.pk}/drawer", **DRAWER)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="accord-drawer-title" tabindex="-1">Excel<' in html and "<mark>an Excel export</mark>" in html
    assert "Mark reviewed" not in html  # a viewer reads
    fresh = make_feedback("Dark mode")
    editor = browser("editor").get(f"/w/acme/feedback/{fresh.pk}/drawer", **DRAWER).content.decode()
    assert "Mark reviewed" in editor and 'name="next" value="" data-return-here' in editor
    assert viewer.get(f"/w/acme/feedback/{fb.pk}/drawer")["Location"] == f"/w/acme/feedback/{fb.pk}"


def test_the_drawer_of_another_workspaces_feedback_is_404(cast, browser):
    theirs = services.feedback_create(member=cast.outsider, text="Secret", source="survey")
    assert browser("admin").get(f"/w/acme/feedback/{theirs.pk}/drawer", **DRAWER).status_code == 404
    outsider = Client()
    outsider.force_login(cast.outsider.user)
    assert outsider.get(f"/w/acme/feedback/{theirs.pk}/drawer", **DRAWER).status_code == 404


def test_capture_and_import_open_in_the_dialog(cast, browser):
    client = browser("editor")
    inbox = client.get("/w/acme/feedback").content.decode()
    assert 'href="/w/acme/feedback/new" data-dialog' in inbox and 'href="/w/acme/feedback/import" data-dialog' in inbox
    capture = client.get("/w/acme/feedback/new?capture=1", **DIALOG).content.decode()
    assert "<html" not in capture and 'id="accord-dialog-title"' in capture and "Pasted e-mail or chat" in capture
    parsed = client.post("/w/acme/feedback/new", {"mode": "capture", "action": "parse", "pasted": "From: Jo <jo@acme.example>\n\nDark mode please"}, **DIALOG)
    assert parsed.status_code == 200 and 'value="jo@acme.example"' in parsed.content.decode()
    saved = client.post("/w/acme/feedback/new", {"mode": "capture", "text": "Dark mode please", "source": "support_ticket"}, **DIALOG)
    fb = Feedback.objects.get()
    assert saved.status_code == 204 and saved["HX-Redirect"] == f"/w/acme/feedback/{fb.pk}"
    upload = client.get("/w/acme/feedback/import", **DIALOG).content.decode()
    assert "<html" not in upload and 'enctype="multipart/form-data"' in upload and "overlay-wide" in upload
    assert browser("contributor").get("/w/acme/feedback/import", **DIALOG).status_code == 403


def test_the_feedback_drawer_reads_a_constant_number_of_queries(cast, browser, make_feedback, make_idea, django_assert_max_num_queries):
    fb = make_feedback("We need an Excel export and a PDF one.")
    for n in range(4):
        services.link_create(member=cast.members["editor"], feedback_id=fb.pk, idea_id=make_idea(f"Idea {n}").pk)
    client = browser("editor")
    client.get("/w/acme/feedback")  # signed in and in the workspace already
    with django_assert_max_num_queries(10):
        assert client.get(f"/w/acme/feedback/{fb.pk}/drawer", **DRAWER).status_code == 200
