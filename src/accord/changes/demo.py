"""The changes part of the demo workspace (accord.demo.loader.STEPS): sign-off rules, a CDN switch
on the website that collides with the Reporting 2.0 launch campaign, a database upgrade approved
at last week's change advisory meeting, a launch freeze and the next meeting with its agenda."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accord.roadmaps.models import RoadmapItem
from accord.workspaces.models import Membership, Person

from . import services


def load(context: dict) -> None:
    owner, workspace = context["owner"], context["workspace"]
    domain = context.get("domain", "lumen.example")
    members = {
        m.user.email.split("@")[0]: m
        for m in Membership.objects.filter(workspace=workspace).select_related("user", "workspace")
    }
    david, omar, sofia = members["david"], members["omar"], members["sofia"]
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())

    def at(days: int, hour: int, minute: int = 0) -> datetime:
        return timezone.make_aware(
            datetime.combine(monday + timedelta(days=days), time(hour, minute))
        )

    # The launch campaign runs on the website (the roadmaps demo tags it so): that is how a website
    # change finds it.
    campaign = RoadmapItem.objects.get(workspace=workspace, title="Reporting 2.0 launch campaign")

    services.rule_create(member=owner, department="it")
    services.rule_create(member=owner, department="marketing", area="website")
    services.rule_create(member=owner, department="support", area="sso")

    services.freeze_create(member=sofia, name="Reporting 2.0 launch freeze", start=at(46, 0), end=at(51, 0),
                           campaign_id=campaign.pk, reason="Launch week: the site and the trial flow must stay stable.")  # fmt: skip

    # Last week's meeting approved the database upgrade.
    upgrade = services.change_create(
        member=david, title="PostgreSQL 17 upgrade on the reporting cluster", area="reporting database",
        systems="Reporting API, scheduled PDF reports", start=at(23, 21), end=at(24, 1), risk="high",
        reason="PostgreSQL 13 leaves support; 17 halves the query cache's memory.",
        description="In-place upgrade with `pg_upgrade --link`, then `ANALYZE`.",
        rollback_plan="Fail over to the untouched replica (kept on 13 for 48 hours).",
        departments=["product"], roadmap_item_ids=list(RoadmapItem.objects.filter(workspace=workspace, title="PostgreSQL 17 upgrade").values_list("pk", flat=True)),
    )  # fmt: skip
    services.impact_assess(
        member=david,
        change_id=upgrade.pk,
        department="it",
        impact="high",
        note="Two hours of read-only reports.",
    )
    services.change_transition(member=david, change_id=upgrade.pk, to="in_review")
    past = services.review_create(member=david, title="Change advisory board, last week", starts_at=timezone.now() - timedelta(days=4),
                                  attendee_ids=_people(workspace, domain, "david", "sofia", "grace", "tom"))  # fmt: skip
    for local in ("david", "sofia", "tom"):
        services.review_attend(
            member=david,
            review_id=past.pk,
            person_id=_people(workspace, domain, local)[0],
            present=True,
        )
    services.review_decide(member=david, review_id=past.pk, change_id=upgrade.pk, decision="approved",
                           reason="Runbook tested on staging; the window is outside the launch freeze.")  # fmt: skip
    past = services.get_review(david, past.pk)
    services.review_update(member=david, review_id=past.pk, version=past.version, status="held",
                           notes="Grace sent apologies. Next meeting: the website CDN switch and the SSO certificates.")  # fmt: skip
    services.change_transition(member=david, change_id=upgrade.pk, to="scheduled")

    # This week's meeting: the changes submitted since join its agenda.
    services.review_create(member=david, title="Change advisory board", starts_at=at(7, 10),
                           attendee_ids=_people(workspace, domain, "david", "sofia", "grace", "tom"))  # fmt: skip
    certificates = services.change_create(
        member=david, title="Rotate the SSO signing certificates", area="sso", start=at(10, 19), end=at(10, 20), risk="low",
        reason="The current certificates expire next month.", rollback_plan="Re-publish the old certificate (valid 30 more days).",
    )  # fmt: skip
    services.impact_assess(
        member=david,
        change_id=certificates.pk,
        department="it",
        impact="low",
        note="Five minutes, no downtime.",
    )
    services.change_transition(member=david, change_id=certificates.pk, to="in_review")

    cdn = services.change_create(
        member=omar, title="Move the marketing website to the new CDN", area="website", systems="DNS, trial sign-up",
        start=at(52, 20), end=at(52, 23), risk="medium",
        reason="The old CDN's contract ends; the new one serves the site 40 % faster.",
        rollback_plan="Point DNS back at the old CDN (TTL 5 minutes).", departments=["sales"],
    )  # fmt: skip
    services.impact_assess(
        member=omar,
        change_id=cdn.pk,
        department="it",
        impact="medium",
        note="DNS switch; caches warm in an hour.",
    )
    services.change_transition(member=omar, change_id=cdn.pk, to="in_review")


def _people(workspace, domain: str, *locals_: str) -> list[int]:
    emails = [f"{local}@{domain}" for local in locals_]
    found = dict(
        Person.objects.filter(workspace=workspace, email__in=emails).values_list("email", "pk")
    )
    return [found[e] for e in emails if e in found]
