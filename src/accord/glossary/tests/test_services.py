"""Proposing, editing, agreeing, flagging and importing terms; bad input refused whole."""

import pytest

from accord.core.errors import Conflict, Forbidden, Invalid
from accord.glossary import conflicts, services
from accord.glossary.models import GlossaryState, Term, TermName

from .conftest import person_for


def _nothing_saved(before_terms: int, before_names: int) -> None:
    assert Term.objects.count() == before_terms
    assert TermName.objects.count() == before_names


def test_a_contributor_proposes_a_draft_and_every_word_is_registered(cast):
    term = services.term_create(
        member=cast.members["contributor"], name="  Churn ", synonyms=["Churn rate"],
        definitions={"marketing": "Customers who cancel in a month.", "it": ""},
    )  # fmt: skip
    assert (
        term.name == "Churn"
        and term.status == "draft"
        and term.definitions == {"marketing": "Customers who cancel in a month."}
    )
    assert sorted(TermName.objects.filter(term=term).values_list("key", flat=True)) == [
        "churn",
        "churn rate",
    ]
    assert GlossaryState.objects.get(workspace=cast.workspace).version == 1


def test_a_viewer_proposes_nothing(cast):
    with pytest.raises(Forbidden):
        services.term_create(member=cast.members["viewer"], name="Churn", definitions={"it": "x"})
    assert not Term.objects.exists()


@pytest.mark.parametrize(
    ("name", "synonyms", "field"),
    [
        ("activation", [], "name"),  # the same name, other case
        ("ACTIVATED ACCOUNT", [], "name"),  # a name equal to another term's synonym
        ("Onboarding", ["activation"], "synonyms"),  # a synonym equal to another term's name
        ("Onboarding", ["Activated  account"], "synonyms"),  # ... or synonym (spaces folded)
    ],
)
def test_a_word_defined_twice_is_a_409_naming_the_field_and_nothing_is_saved(
    admin, term, name, synonyms, field
):
    before = (Term.objects.count(), TermName.objects.count())
    with pytest.raises(Conflict) as exc:
        services.term_create(
            member=admin, name=name, synonyms=synonyms, definitions={"it": "Something"}
        )
    assert exc.value.status == 409 and exc.value.errors[0].field == field
    assert "Activation" in exc.value.detail
    _nothing_saved(*before)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"definitions": {}}, "definitions"),
        ({"definitions": {"marketing": "  ", "it": ""}}, "definitions"),
        ({"definitions": {"finance": "Money"}}, "definitions"),
        ({"name": "Activation\nrate"}, "name"),
        ({"name": "Marketing\r\nqualified lead"}, "name"),
        ({"synonyms": ["Prospect\nlead"]}, "synonyms"),
        ({"synonyms": ["Prospect", "prospect"]}, "synonyms"),
        ({"synonyms": ["Lead"]}, "synonyms"),  # its own name
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"owner_id": 999999}, "owner_id"),
        ({"related_ids": [999999]}, "related_ids"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_saved(admin, fields, field):
    values = {"name": "Lead", "definitions": {"marketing": "Someone interested"}, **fields}
    with pytest.raises(Invalid) as exc:
        services.term_create(member=admin, **values)
    assert exc.value.status == 422 and exc.value.errors[0].field == field
    _nothing_saved(0, 0)


def test_an_edit_that_clashes_changes_nothing(admin, term):
    other = services.term_create(
        member=admin, name="Lead", definitions={"marketing": "Someone interested"}
    )
    with pytest.raises(Conflict):
        services.term_update(
            member=admin,
            term_id=other.pk,
            version=other.version,
            name="Lead",
            synonyms=["activation"],
        )
    other.refresh_from_db()
    assert other.synonyms == [] and other.version == 1
    assert sorted(TermName.objects.filter(term=other).values_list("key", flat=True)) == ["lead"]


def test_contributors_edit_their_own_proposals_only_and_editors_any(cast, term):
    mine = services.term_create(
        member=cast.members["contributor"],
        name="Lead",
        definitions={"marketing": "Interested person"},
    )
    services.term_update(
        member=cast.members["contributor"], term_id=mine.pk, version=1, examples="A webinar sign-up"
    )
    with pytest.raises(Forbidden):
        services.term_update(
            member=cast.members["contributor"], term_id=term.pk, version=term.version, examples="x"
        )
    services.term_update(
        member=cast.members["editor"],
        term_id=term.pk,
        version=term.version,
        examples="March trials",
    )
    with pytest.raises(Forbidden):
        services.term_delete(member=cast.members["contributor"], term_id=mine.pk)


def test_the_owner_agrees_others_may_not_and_new_meaning_makes_it_a_draft_again(cast, term):
    owner = person_for(cast, "contributor", "marketing")
    term = services.term_update(
        member=cast.members["admin"], term_id=term.pk, version=term.version, owner_id=owner.pk
    )
    with pytest.raises(Forbidden):
        services.term_agree(member=cast.members["editor"], term_id=term.pk, version=term.version)
    term = services.term_agree(
        member=cast.members["contributor"], term_id=term.pk, version=term.version
    )
    assert term.status == "agreed" and term.agreed_by == cast.members["contributor"].user
    term = services.term_update(
        member=cast.members["editor"],
        term_id=term.pk,
        version=term.version,
        examples="Only examples",
    )
    assert term.status == "agreed"
    term = services.term_update(
        member=cast.members["editor"], term_id=term.pk, version=term.version,
        definitions={**term.definitions, "marketing": "A trial account sharing its first dashboard within 14 days."},
    )  # fmt: skip
    assert term.status == "draft" and term.agreed_by is None


def test_an_admin_agrees_any_term(cast, term):
    assert (
        services.term_agree(
            member=cast.members["admin"], term_id=term.pk, version=term.version
        ).status
        == "agreed"
    )


def test_a_flag_blocks_agreement_until_the_owner_marks_it_reviewed(cast, term):
    flagged = services.term_flag(
        member=cast.members["contributor"],
        term_id=term.pk,
        note="IT counts shares, marketing counts logins",
    )
    assert flagged.needs_review and flagged.flagged_by == cast.members["contributor"].user
    with pytest.raises(Conflict) as exc:
        services.term_agree(member=cast.members["admin"], term_id=term.pk, version=flagged.version)
    assert exc.value.errors[0].field == "flag_note"
    with pytest.raises(Forbidden):
        services.term_review(member=cast.members["editor"], term_id=term.pk)
    reviewed = services.term_review(
        member=cast.members["admin"], term_id=term.pk, note="Both count shares now"
    )
    assert not reviewed.needs_review and not reviewed.flagged
    with pytest.raises(Conflict):
        services.term_review(member=cast.members["admin"], term_id=term.pk)


def test_definitions_that_share_no_content_word_are_suspected_until_reviewed(admin):
    sql = services.term_create(
        member=admin, name="SQL", synonyms=["Sales qualified lead"],
        definitions={"marketing": "A lead sales accepted after a first call.", "it": "Structured Query Language for the database."},
    )  # fmt: skip
    assert sql.suspected == [["it", "marketing"]] and sql.needs_review
    sql = services.term_review(member=admin, term_id=sql.pk, note="Two meanings, both kept")
    assert not sql.needs_review and sql.suspected
    # Another definition that still shares nothing raises the hint again.
    sql = services.term_update(member=admin, term_id=sql.pk, version=sql.version,
                               definitions={**sql.definitions, "it": "Structured Query Language, for the warehouse."})  # fmt: skip
    assert sql.needs_review


def test_the_heuristic_meets_plurals_and_ignores_stop_words_and_the_terms_own_name():
    assert (
        conflicts.suspected_conflicts(
            {"marketing": "The roles of customers", "it": "A customer role"}, ["x"]
        )
        == []
    )
    assert conflicts.suspected_conflicts(
        {"marketing": "A lead that is qualified", "it": "The lead of a query"}, ["lead"]
    ) == [["it", "marketing"]]
    assert conflicts.suspected_conflicts({"marketing": "Only one"}, ["x"]) == []


def test_a_csv_file_imports_all_rows_or_none(cast, admin, term):
    person_for(cast, "editor", "it")
    good = (
        "name;synonyms;marketing;IT / Engineering;owner;related\n"
        "Uptime;Availability;Share of the month the app was usable;Minutes the checks passed in the month;editor@acme.test;Activation\n"
        "SLA;Service level agreement|Contract SLA;What we promise in the contract;Contract targets for uptime;;Uptime\n"
    )
    created = services.terms_import(member=admin, data=good.encode())
    assert [t.name for t in created] == ["Uptime", "SLA"]
    assert created[1].synonyms == ["Service level agreement", "Contract SLA"]
    assert created[0].owner.email == "editor@acme.test"
    assert list(created[1].related.values_list("name", flat=True)) == ["Uptime"]
    before = (Term.objects.count(), TermName.objects.count())
    bad = (
        "name,marketing,it\nChurn,Customers who leave,Cancelled subscriptions\nchurn,Twice,Twice\n"
    )
    with pytest.raises(Invalid) as exc:
        services.terms_import(member=admin, data=bad.encode())
    assert "Line 3" in exc.value.detail and exc.value.errors[0].field == "name"
    _nothing_saved(*before)
    with pytest.raises(Forbidden):
        services.terms_import(member=cast.members["contributor"], data=good.encode())


def test_the_export_reads_back_and_formulas_are_neutralized(admin, term):
    services.term_update(
        member=admin, term_id=term.pk, version=term.version, examples="=HYPERLINK(evil)"
    )
    text = services.csv_text(Term.objects.all())
    assert "'=HYPERLINK" in text
    Term.objects.all().delete()
    created = services.terms_import(member=admin, data=text.encode())
    assert created[0].examples == "=HYPERLINK(evil)" and created[0].synonyms == [
        "Activated account"
    ]
    assert created[0].definitions == term.definitions
