"""How changes, freezes, rules, review meetings and change calendar feeds read in the history."""

from django.urls import reverse

from accord.audit import history as h
from accord.workspaces.models import TeamKind

from .models import Change, ChangeReview, ChangeStatus, Decision, Freeze, Impact, ReviewStatus, Risk

DEPARTMENTS = dict(TeamKind.choices)
STATUSES = dict(ChangeStatus.choices)
IMPACTS = {k: v.lower() for k, v in Impact.choices}


def _names(model, field: str):
    return lambda ws, ids: dict(
        model.objects.filter(workspace_id=ws, pk__in=ids).values_list("pk", field)
    )


def _tell_change(entry, lookup: h.Lookup) -> h.Told | None:
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "moved":
        to = STATUSES.get(after.get("status"), after.get("status"))
        details = [h.Detail(f"Reason: {after['reason']}")] if after.get("reason") else []
        return h.Told(
            f"moved {h.OBJ} from {STATUSES.get(before.get('status'), '?').lower()} to {str(to).lower()}",
            details,
        )
    if entry.action in ("signed", "assessed"):
        dept = DEPARTMENTS.get(after.get("department"), after.get("department"))
        impact = IMPACTS.get(after.get("impact"), after.get("impact"))
        verb = (
            f"signed off {h.OBJ} for {dept}"
            if entry.action == "signed"
            else f"assessed the {dept} impact of {h.OBJ}"
        )
        details = [h.Detail(f"Impact: {impact}")] + (
            [h.Detail(f"Note: {after['note']}")] if after.get("note") else []
        )
        return h.Told(verb, details)
    return None


def _tell_review(entry, lookup: h.Lookup) -> h.Told | None:
    after = entry.after or {}
    if entry.action == "decided":
        decision = dict(Decision.choices).get(after.get("decision"), after.get("decision"))
        title = lookup.name("change", after.get("change")) or after.get("change_title", "a change")
        return h.Told(
            f"recorded “{str(decision).lower()}” for change {title} in {h.OBJ}",
            [h.Detail(f"Reason: {after.get('reason', '')}")],
        )
    if entry.action == "attended":
        return h.Told(
            f"marked {after.get('person_name', 'someone')} {'present' if after.get('present') else 'absent'} at {h.OBJ}"
        )
    return None


def register() -> None:
    h.register_resolver("change", _names(Change, "title"))
    h.register_resolver("freeze", _names(Freeze, "name"))
    h.register_resolver("change review", _names(ChangeReview, "title"))
    h.register(h.ObjectType(
        key="change", noun="change", resolver="change", url=lambda slug, pk: reverse("change", args=[slug, pk]),
        tell=_tell_change, quiet={"title"},
        fields={
            "title": h.Field("Title"), "area": h.Field("Area"), "systems": h.Field("Systems"),
            "start": h.Field("Window starts", kind="datetime"), "end": h.Field("Window ends", kind="datetime"),
            "risk": h.Field("Risk", kind="choice", choices=dict(Risk.choices)),
            "status": h.Field("Status", kind="choice", choices=STATUSES),
            "description": h.Field("What changes", kind="markdown"), "reason": h.Field("Why", kind="markdown"),
            "rollback_plan": h.Field("Rollback plan", kind="markdown"),
            "roadmap_items": h.Field("Roadmap items", kind="refs", ref="roadmap item"),
        },
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="freeze", noun="freeze window", resolver="freeze", quiet={"name"},
        fields={"name": h.Field("Name"), "area": h.Field("Area"), "start": h.Field("Starts", kind="datetime"),
                "end": h.Field("Ends", kind="datetime"), "reason": h.Field("Reason")},
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="change review", noun="review meeting", resolver="change review", tell=_tell_review, quiet={"title"},
        needs=lambda e: [("change", (e.after or {})["change"])] if (e.after or {}).get("change") else [],
        url=lambda slug, pk: reverse("change_review", args=[slug, pk]),
        fields={"title": h.Field("Title"), "starts_at": h.Field("Starts", kind="datetime"),
                "status": h.Field("Status", kind="choice", choices=dict(ReviewStatus.choices)),
                "notes": h.Field("Notes", kind="markdown")},
    ))  # fmt: skip
    h.register(h.ObjectType(key="sign-off rule", noun="sign-off rule", fields={
        "area": h.Field("Area"), "department": h.Field("Department", kind="choice", choices=DEPARTMENTS)}))  # fmt: skip
    h.register(
        h.ObjectType(key="change calendar feed", noun="calendar feed of the changes", actions={})
    )
