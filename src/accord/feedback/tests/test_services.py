"""Capturing, editing, triaging and linking feedback through the services."""

import pytest

from accord.audit.models import AuditEntry
from accord.core.errors import Conflict, Forbidden, Invalid
from accord.feedback import services
from accord.feedback.models import Customer, Feedback, FeedbackStatus
from accord.feedback.signals import feedback_text_changed
from accord.ideas import services as idea_services
from accord.ideas.models import IdeaScore


@pytest.fixture
def announced():
    """The feedback ids each feedback_text_changed signal carried."""
    calls: list[list[int]] = []

    def listener(sender, feedback_ids, **kwargs):
        calls.append(list(feedback_ids))

    feedback_text_changed.connect(listener)
    yield calls
    feedback_text_changed.disconnect(listener)


def test_capturing_feedback_finds_or_creates_the_customer(cast, make_feedback):
    customer = {"name": "Ada Lovelace", "email": "Ada@Example.com", "company": "Analytical", "segment": "Enterprise", "revenue_weight": 120}
    first = make_feedback(customer=customer)
    second = make_feedback("Also: dark mode.", customer={**customer, "email": "ada@example.com", "revenue_weight": 999})
    assert first.customer_id == second.customer_id
    ada = Customer.objects.get()
    assert (ada.email, ada.segment, ada.revenue_weight) == ("ada@example.com", "enterprise", 120)
    assert first.captured_by == cast.members["contributor"].user
    assert first.status == FeedbackStatus.NEW


def test_customers_without_email_match_by_name_and_company(cast, make_feedback):
    a = make_feedback(customer={"name": "Bob", "company": "Acme Corp"})
    b = make_feedback("More", customer={"name": "bob", "company": "ACME corp"})
    c = make_feedback("Other", customer={"name": "Bob", "company": "Globex"})
    assert a.customer_id == b.customer_id != c.customer_id


def test_viewers_cannot_capture_feedback(cast, make_feedback):
    with pytest.raises(Forbidden):
        make_feedback(role="viewer")


def test_bad_input_names_the_field(cast, make_feedback):
    with pytest.raises(Invalid) as exc:
        make_feedback(text="  ")
    assert exc.value.errors[0].field == "text"
    with pytest.raises(Invalid) as exc:
        make_feedback(source="carrier pigeon")
    assert exc.value.errors[0].field == "source"
    with pytest.raises(Invalid) as exc:
        make_feedback(customer={"name": "X", "email": "not-an-email"})
    assert exc.value.errors[0].field == "customer.email"


def test_text_changes_are_announced_after_commit(cast, make_feedback, announced, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fb = make_feedback()
    assert announced == [[fb.pk]]
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_update(member=cast.members["editor"], feedback_id=fb.pk, version=fb.version, status="reviewed")
    assert announced == [[fb.pk]], "a triage change does not re-embed"
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_update(member=cast.members["editor"], feedback_id=fb.pk, version=fb.version + 1, text="New text")
    assert announced == [[fb.pk], [fb.pk]]


def test_portal_submissions_have_no_member_and_say_portal_in_the_audit(cast, announced, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        fb = services.feedback_create_public(workspace=cast.workspace, text="Love it, but SSO?", email="Eve@Example.com", name="Eve", verified=True)
    assert fb.source == "portal" and fb.captured_by is None
    assert fb.customer.email == "eve@example.com" and fb.customer.name == "Eve"
    entry = AuditEntry.objects.get(object_type="feedback", object_id=str(fb.pk))
    assert (entry.via, entry.actor) == ("portal", None)
    assert announced == [[fb.pk]]
    unproven = services.feedback_create_public(workspace=cast.workspace, text="Me too", email="eve@example.com")
    assert unproven.customer is None and unproven.unverified_email == "eve@example.com"
    with pytest.raises(Invalid) as exc:
        services.feedback_create_public(workspace=cast.workspace, text="Hi", email="")
    assert exc.value.errors[0].field == "email"


def test_contributors_edit_their_own_feedback_only(cast, make_feedback):
    own = make_feedback()
    services.feedback_update(member=cast.members["contributor"], feedback_id=own.pk, version=own.version, title="Excel")
    theirs = make_feedback(role="editor")
    with pytest.raises(Forbidden):
        services.feedback_update(member=cast.members["contributor"], feedback_id=theirs.pk, version=theirs.version, title="Mine now")
    with pytest.raises(Forbidden):
        services.feedback_delete(member=cast.members["contributor"], feedback_id=theirs.pk)


def test_a_stale_version_changes_nothing(cast, make_feedback):
    fb = make_feedback()
    services.feedback_update(member=cast.members["editor"], feedback_id=fb.pk, version=fb.version, title="First")
    with pytest.raises(Conflict):
        services.feedback_update(member=cast.members["editor"], feedback_id=fb.pk, version=fb.version, title="Second")
    fb.refresh_from_db()
    assert fb.title == "First"


def test_batches_are_all_or_nothing_with_every_bad_row_named(cast):
    editor = cast.members["editor"]
    items = [
        {"text": "Fine"},
        {"text": ""},
        {"text": "Bad source", "source": "fax"},
        {"text": "Bad customer", "customer": {"name": "Z", "email": "nope"}},
    ]
    with pytest.raises(Invalid) as exc:
        services.feedback_batch_create(member=editor, items=items)
    fields = [e.field for e in exc.value.errors]
    assert fields == ["items[1].text", "items[2].source", "items[3].customer_email"]
    assert "3 of 4" in exc.value.detail
    assert not Feedback.objects.exists()
    with pytest.raises(Invalid):
        services.feedback_batch_create(member=editor, items=[{"text": "x"}] * 1001)
    created = services.feedback_batch_create(
        member=editor,
        items=[{"text": f"Item {n}", "customer": {"name": f"C{n % 3}", "email": f"c{n % 3}@example.com"}} for n in range(30)],
    )
    assert len(created) == 30 and Customer.objects.count() == 3
    assert {fb.source for fb in created} == {"api"}


def test_batch_customer_ids_must_be_of_this_workspace(cast):
    foreign = services.customer_create(member=cast.outsider, name="Other", email="o@example.com")
    with pytest.raises(Invalid) as exc:
        services.feedback_batch_create(member=cast.members["editor"], items=[{"text": "Hi", "customer_id": foreign.pk}])
    assert exc.value.errors[0].field == "items[0].customer_id"


def test_linking_marks_the_feedback_linked_and_checks_the_quote(cast, make_feedback, make_idea):
    fb, idea = make_feedback(), make_idea()
    contributor = cast.members["contributor"]
    with pytest.raises(Invalid) as exc:
        services.link_create(member=contributor, feedback_id=fb.pk, idea_id=idea.pk, quote="something never said")
    assert exc.value.errors[0].field == "quote"
    link = services.link_create(member=contributor, feedback_id=fb.pk, idea_id=idea.pk, quote="an export  to\nExcel", importance="critical")
    assert link.quote == "an export to Excel"
    fb.refresh_from_db()
    assert fb.status == FeedbackStatus.LINKED
    with pytest.raises(Conflict):
        services.link_create(member=contributor, feedback_id=fb.pk, idea_id=idea.pk)
    services.link_delete(member=contributor, link_id=link.pk)  # their own link
    fb.refresh_from_db()
    assert fb.status == FeedbackStatus.REVIEWED


def test_only_editors_remove_other_peoples_links(cast, make_feedback, make_idea):
    link = services.link_create(member=cast.members["editor"], feedback_id=make_feedback().pk, idea_id=make_idea().pk)
    with pytest.raises(Forbidden):
        services.link_delete(member=cast.members["contributor"], link_id=link.pk)


def test_ideas_of_another_workspace_cannot_be_linked(cast, make_feedback):
    other_idea = idea_services.idea_create(member=cast.outsider, title="Theirs")
    with pytest.raises(Invalid):
        services.link_create(member=cast.members["editor"], feedback_id=make_feedback().pk, idea_id=other_idea.pk)


def test_linked_feedback_stays_linked_when_triaged(cast, make_feedback, make_idea):
    fb = make_feedback()
    services.link_create(member=cast.members["editor"], feedback_id=fb.pk, idea_id=make_idea().pk)
    fb.refresh_from_db()
    updated = services.feedback_update(member=cast.members["editor"], feedback_id=fb.pk, version=fb.version, status="new")
    assert updated.status == FeedbackStatus.LINKED
    assert services.feedback_bulk(member=cast.members["editor"], feedback_ids=[fb.pk], status="archived") == 1
    fb.refresh_from_db()
    assert fb.status == FeedbackStatus.ARCHIVED
    with pytest.raises(Invalid):
        services.feedback_bulk(member=cast.members["editor"], feedback_ids=[fb.pk], status="linked")


def _demand(idea, model) -> tuple[float, float]:
    score = IdeaScore.objects.get(idea=idea, model=model)
    return score.inputs.get("demand"), score.value


def test_linking_raises_the_demand_score_and_unlinking_lowers_it(cast, make_feedback, make_idea, demand_model):
    idea = make_idea()
    idea_services.idea_set_inputs(member=cast.members["editor"], idea_id=idea.pk, model_id=demand_model.pk, values={"value": 3})
    demand, before = _demand(idea, demand_model)
    assert demand == 1.0
    editor = cast.members["editor"]
    items = [make_feedback(f"Need Excel export #{n}").pk for n in range(2)]
    services.links_create(member=editor, idea_id=idea.pk, feedback_ids=items)
    demand, after = _demand(idea, demand_model)
    assert demand == 3.0  # 2 of a saturation of 4: halfway up the 1-5 scale
    assert after > before
    link = services.get_link(editor, idea.feedback_links.first().pk)
    services.link_delete(member=editor, link_id=link.pk)
    assert _demand(idea, demand_model)[0] == 2.0


def test_revenue_demand_counts_each_customer_once_with_the_strongest_importance(cast, make_feedback, make_idea):
    from accord.feedback.evidence import customer_counts, revenue_demand

    idea = make_idea()
    editor = cast.members["editor"]
    big = {"name": "Big", "email": "big@example.com", "revenue_weight": 100}
    small = {"name": "Small", "email": "small@example.com", "revenue_weight": 10}
    for text, customer, importance in [
        ("Excel 1", big, "nice_to_have"),
        ("Excel 2", big, "critical"),
        ("Excel 3", small, "important"),
        ("Excel 4", None, "critical"),
    ]:
        fb = make_feedback(text, customer=customer)
        services.link_create(member=editor, feedback_id=fb.pk, idea_id=idea.pk, importance=importance)
    assert revenue_demand(cast.workspace.pk, [idea.pk]) == {idea.pk: 100 * 2 + 10 * 1}
    assert customer_counts(cast.workspace.pk, None) == {idea.pk: 2}


def test_changing_a_linked_items_customer_or_their_revenue_refreshes_the_evidence(cast, make_feedback, make_idea):
    editor = cast.members["editor"]
    model = idea_services.scoring_model_create(
        member=editor, name="Revenue", kind="weighted",
        criteria=[{"key": "revenue", "role": "benefit", "weight": 1, "source": "feedback.revenue", "saturation": 100}],
    )
    idea = make_idea()
    fb = make_feedback()
    services.link_create(member=editor, feedback_id=fb.pk, idea_id=idea.pk)
    assert IdeaScore.objects.get(idea=idea, model=model).inputs["revenue"] == 1.0
    customer = services.customer_create(member=editor, name="Ada", email="ada@example.com", revenue_weight=50)
    fb.refresh_from_db()
    services.feedback_update(member=editor, feedback_id=fb.pk, version=fb.version, customer_id=customer.pk)
    assert IdeaScore.objects.get(idea=idea, model=model).inputs["revenue"] == 3.0
    services.customer_update(member=editor, customer_id=customer.pk, version=customer.version, revenue_weight=100)
    assert IdeaScore.objects.get(idea=idea, model=model).inputs["revenue"] == 5.0
    services.customer_delete(member=cast.members["admin"], customer_id=customer.pk)
    assert IdeaScore.objects.get(idea=idea, model=model).inputs["revenue"] == 1.0


def test_erasing_a_customer_needs_an_admin_and_keeps_the_feedback(cast, make_feedback):
    fb = make_feedback(customer={"name": "Ada", "email": "ada@example.com"})
    with pytest.raises(Forbidden):
        services.customer_delete(member=cast.members["editor"], customer_id=fb.customer_id)
    services.customer_delete(member=cast.members["admin"], customer_id=fb.customer_id)
    fb.refresh_from_db()
    assert fb.customer is None


def test_links_follow_an_idea_merge(cast, make_feedback, make_idea):
    editor = cast.members["editor"]
    dup, survivor = make_idea("Excel export (dup)"), make_idea("Excel export")
    both, only_dup = make_feedback("One"), make_feedback("Two")
    for fb, idea in [(both, dup), (both, survivor), (only_dup, dup)]:
        services.link_create(member=editor, feedback_id=fb.pk, idea_id=idea.pk)
    services.links_follow_merge(workspace_id=cast.workspace.pk, source_id=dup.pk, target_id=survivor.pk)
    assert sorted(survivor.feedback_links.values_list("feedback_id", flat=True)) == sorted([both.pk, only_dup.pk])
    assert not dup.feedback_links.exists()


def test_merging_ideas_moves_their_feedback(cast, make_feedback, make_idea, django_capture_on_commit_callbacks):
    editor = cast.members["editor"]
    dup, survivor = make_idea("Excel (dup)"), make_idea("Excel")
    fb = make_feedback()
    services.link_create(member=editor, feedback_id=fb.pk, idea_id=dup.pk)
    with django_capture_on_commit_callbacks(execute=True):
        idea_services.idea_merge(member=editor, source_id=dup.pk, target_id=survivor.pk)
    assert list(survivor.feedback_links.values_list("feedback_id", flat=True)) == [fb.pk]
