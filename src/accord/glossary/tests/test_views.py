"""The glossary pages: list, filters, term page, propose form, actions, import and export."""

from accord.glossary import services
from accord.glossary.models import Term

from .conftest import person_for


def _login(client, cast, role):
    client.force_login(cast.members[role].user)


def test_the_list_shows_terms_with_the_readers_definition_and_the_review_queue(
    cast, client, term, django_assert_max_num_queries
):
    person_for(cast, "viewer", "it")
    services.term_flag(member=cast.members["admin"], term_id=term.pk, note="They disagree")
    _login(client, cast, "viewer")
    page = client.get("/w/acme/glossary").content.decode()
    assert (
        "Activation" in page
        and "The activated_at timestamp" in page
        and "A trial account reaching" not in page
    )
    assert "1 more definition" in page and 'data-testid="needs-review"' in page
    assert 'aria-current="page"><svg' in page or "Glossary</span>" in page  # the nav link
    assert "Propose a term" not in page  # viewers propose nothing
    assert "Activation" in client.get("/w/acme/glossary?review=1").content.decode()
    assert "No term matches" in client.get("/w/acme/glossary?q=zzz").content.decode()
    assert "Activation" in client.get("/w/acme/glossary?q=activated").content.decode()  # a synonym


def test_the_term_page_and_its_actions(cast, client, term):
    _login(client, cast, "admin")
    page = client.get(f"/w/acme/glossary/{term.pk}").content.decode()
    assert "Agree these definitions" in page and "Flag for review" in page and "History" in page
    response = client.post(f"/w/acme/glossary/{term.pk}/agree", {"version": term.version})
    assert response.status_code == 302
    assert Term.objects.get(pk=term.pk).status == "agreed"
    assert "agreed the definitions of" in client.get(f"/w/acme/glossary/{term.pk}").content.decode()
    client.post(f"/w/acme/glossary/{term.pk}/flag", {"note": "Marketing counts logins"})
    page = client.get(f"/w/acme/glossary/{term.pk}").content.decode()
    assert (
        "Flagged for review" in page
        and "Marketing counts logins" in page
        and "Mark reviewed" in page
    )
    client.post(f"/w/acme/glossary/{term.pk}/delete")
    assert not Term.objects.exists()


def test_proposing_through_the_form_and_a_refused_form_keeps_what_was_typed(cast, client, term):
    _login(client, cast, "contributor")
    assert client.get("/w/acme/glossary/new").status_code == 200
    response = client.post("/w/acme/glossary/new", {"name": "activation", "def_it": "Again"})
    page = response.content.decode()
    assert (
        response.status_code == 422
        and "Nothing was saved" in page
        and "already defined" in page
        and "Again" in page
    )
    response = client.post(
        "/w/acme/glossary/new",
        {
            "name": "Churn",
            "synonyms": "Churn rate\nLost customers",
            "def_marketing": "Customers who leave",
        },
    )
    churn = Term.objects.get(name="Churn")
    assert (
        response.status_code == 302
        and churn.synonyms == ["Churn rate", "Lost customers"]
        and churn.status == "draft"
    )
    assert client.get(f"/w/acme/glossary/{term.pk}/edit").status_code == 403  # not theirs
    assert client.get(f"/w/acme/glossary/{churn.pk}/edit").status_code == 200


def test_export_and_import_through_the_page(cast, client, term):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _login(client, cast, "editor")
    exported = client.get("/w/acme/glossary/export.csv")
    assert exported["Content-Type"].startswith("text/csv") and b"Activation" in exported.content
    upload = SimpleUploadedFile(
        "terms.csv",
        b"name,marketing\nUptime,Share of the month the app works\n",
        content_type="text/csv",
    )
    client.post("/w/acme/glossary/import", {"file": upload, "encoding": "auto"})
    assert Term.objects.filter(name="Uptime").exists()
    _login(client, cast, "contributor")
    assert client.post("/w/acme/glossary/import", {}).status_code == 403


def test_the_list_reads_in_a_constant_number_of_queries(cast, admin, django_assert_max_num_queries):
    from accord.glossary import selectors

    for n in range(6):
        other = services.term_create(
            member=admin, name=f"Term {n}", definitions={"it": f"Meaning {n}"}
        )
        other.related.add(*Term.objects.exclude(pk=other.pk)[:2])
    with django_assert_max_num_queries(3):
        terms = list(selectors.terms(workspace=cast.workspace))
        assert all(len(list(t.related.all())) >= 1 for t in terms)
        assert [t.owner for t in terms]
