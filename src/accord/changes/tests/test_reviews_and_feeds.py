"""Review meetings (agenda, attendance, decisions, minutes as Markdown and PDF), the iCalendar feed,
the selectors' query counts and the home card."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accord.core.errors import Invalid

from .. import minutes, selectors, services
from ..models import AgendaItem, Change, ChangeStatus
from .conftest import at


def _pending(member, title, start, risk, area="website"):
    change = services.change_create(
        member=member,
        title=title,
        area=area,
        start=start,
        end=start + timedelta(hours=2),
        risk=risk,
    )
    services.change_transition(member=member, change_id=change.pk, to="in_review")
    return change


@pytest.fixture
def meeting(cast, people):
    """Three pending changes (marketing must sign website changes) and a planned review."""
    admin, it_lead = cast.members["admin"], cast.members["contributor"]
    services.rule_create(member=admin, department="marketing", area="website")
    late = _pending(it_lead, "Late low change", at(2), "low")
    low = _pending(it_lead, "Early low change", at(1), "low", area="crm")
    high = _pending(it_lead, "Early high change", at(1), "high")
    review = services.review_create(member=cast.members["editor"], title="Weekly change review", starts_at=timezone.now() + timedelta(days=1),
                                    attendee_ids=[people["editor"].pk, people["contributor"].pk])  # fmt: skip
    return review, {"late": late, "low": low, "high": high}


def test_agenda_by_window_then_risk_and_new_pending_changes_join_the_next_meeting(cast, meeting):
    review, _changes = meeting
    agenda = [
        a.change.title for a in AgendaItem.objects.filter(review=review).select_related("change")
    ]
    assert agenda == ["Early high change", "Early low change", "Late low change"]
    later = _pending(cast.members["contributor"], "Filed after the agenda", at(3), "medium")
    assert AgendaItem.objects.filter(review=review, change=later).exists()
    assert services.review_refresh(member=cast.members["editor"], review_id=review.pk) == 0


def test_decisions_attendance_and_minutes(cast, meeting):
    review, changes = meeting
    editor = cast.members["editor"]
    # Approving with the marketing sign-off missing: refused, and the decision is not half-saved.
    with pytest.raises(Invalid) as exc:
        services.review_decide(
            member=editor,
            review_id=review.pk,
            change_id=changes["high"].pk,
            decision="approved",
            reason="Low blast radius",
        )
    assert exc.value.errors[0].field == "sign_offs" and "Marketing" in exc.value.detail
    assert AgendaItem.objects.get(review=review, change=changes["high"]).decision == ""
    with pytest.raises(Invalid) as exc:
        services.review_decide(
            member=editor,
            review_id=review.pk,
            change_id=changes["low"].pk,
            decision="approved",
            reason="  ",
        )
    assert exc.value.errors[0].field == "reason"

    services.impact_assess(
        member=editor,
        change_id=changes["high"].pk,
        department="marketing",
        impact="low",
        note="Fine after the launch",
    )
    services.review_decide(
        member=editor,
        review_id=review.pk,
        change_id=changes["high"].pk,
        decision="approved",
        reason="Low blast radius",
    )
    services.review_decide(
        member=editor,
        review_id=review.pk,
        change_id=changes["low"].pk,
        decision="rejected",
        reason="No rollback plan",
    )
    services.review_decide(
        member=editor,
        review_id=review.pk,
        change_id=changes["late"].pk,
        decision="deferred",
        reason="Needs the CDN quote",
    )
    assert dict(Change.objects.values_list("title", "status")) == {
        "Early high change": ChangeStatus.APPROVED, "Early low change": ChangeStatus.REJECTED, "Late low change": ChangeStatus.IN_REVIEW,
    }  # fmt: skip
    services.review_attend(
        member=editor, review_id=review.pk, person_id=cast_person(cast, "editor").pk, present=True
    )

    full = selectors.review(workspace=cast.workspace, review_id=review.pk)
    md = minutes.markdown(full)
    assert md.startswith("# Minutes: Weekly change review")
    assert "- Present: Editor" in md and "Absent: Contributor" in md
    assert "### 1. Early high change" in md and "- Decision: Approved — Low blast radius" in md
    assert (
        "Decision: Rejected — No rollback plan" in md
        and "Decision: Deferred — Needs the CDN quote" in md
    )
    assert "Marketing: low (signed)" in md

    pdf = minutes.pdf(full)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert "Minutes: Weekly change review" in text and "Approved — Low blast radius" in text
        assert "Needs the CDN quote" in text


def cast_person(cast, role):
    from accord.workspaces.models import Person

    return Person.objects.get(workspace=cast.workspace, user=cast.members[role].user)


def test_minutes_markdown_keeps_user_text_inert(cast, people):
    editor = cast.members["editor"]
    change = _pending(editor, "# [click](http://evil.test) *now*", at(1), "low", area="crm")
    review = services.review_create(
        member=editor, title="Review", starts_at=timezone.now() + timedelta(days=1)
    )
    services.review_decide(
        member=editor,
        review_id=review.pk,
        change_id=change.pk,
        decision="deferred",
        reason="- not a list",
    )
    md = minutes.markdown(selectors.review(workspace=cast.workspace, review_id=review.pk))
    assert (
        "### 1. \\# \\[click\\](http://evil.test) \\*now\\*" in md
        and "Deferred — - not a list" in md
    )


def test_the_calendar_feed_is_token_protected_and_revocable(cast, people, client):
    editor = cast.members["editor"]
    services.change_create(member=editor, title="CDN switch; part 1", area="website", start=timezone.now() + timedelta(days=2),
                           end=timezone.now() + timedelta(days=2, hours=3))  # fmt: skip
    services.freeze_create(
        member=editor,
        name="Launch freeze",
        start=timezone.now() + timedelta(days=5),
        end=timezone.now() + timedelta(days=9),
    )
    feed, raw = services.feed_create(member=editor)
    response = client.get(f"/changes/calendar/{raw}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Change: CDN switch; part 1", "Freeze: Launch freeze"}
    assert str(events["Change: CDN switch; part 1"]["uid"]).startswith("accord-change-")
    assert events["Freeze: Launch freeze"].decoded("dtend") - events[
        "Freeze: Launch freeze"
    ].decoded("dtstart") == timedelta(days=4)
    assert client.get("/changes/calendar/chg_wrong.ics").status_code == 404
    services.feed_revoke(member=editor, feed_id=feed.pk)
    assert client.get(f"/changes/calendar/{raw}.ics").status_code == 404


def test_reads_take_a_constant_number_of_queries(cast, meeting, django_assert_max_num_queries):
    review, changes = meeting
    for n in range(5):
        services.change_create(
            member=cast.members["editor"],
            title=f"More {n}",
            area="website",
            start=at(n),
            end=at(n, 1),
        )
    with django_assert_max_num_queries(2):
        cal = selectors.calendar(workspace=cast.workspace, start=at(-1), end=at(30))
    assert len(cal.changes) == 8
    with django_assert_max_num_queries(5):
        full = selectors.review(workspace=cast.workspace, review_id=review.pk)
        minutes.markdown(full)
    with django_assert_max_num_queries(9):  # the change, 4 prefetches, 4 conflict sources
        one = selectors.change(workspace=cast.workspace, change_id=changes["high"].pk)
        list(one.impacts.all())
        selectors.conflicts(one)


def test_the_home_card_lists_what_my_department_must_sign(cast, meeting, client):
    client.force_login(cast.members["editor"].user)
    html = client.get(reverse("workspace_home", args=["acme"])).content.decode()
    assert "Changes waiting for your sign-off" in html
    assert (
        "Early high change" in html and "Late low change" in html and "Early low change" not in html
    )  # crm: no rule
    client.force_login(cast.members["viewer"].user)  # no department: no card
    assert (
        "Changes waiting for your sign-off"
        not in client.get(reverse("workspace_home", args=["acme"])).content.decode()
    )
