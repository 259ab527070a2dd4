"""How launches, positioning versions, maps, checklist tasks, templates and calendar feeds read
in the history (registered with accord.audit.history)."""

from django.urls import reverse

from accord.audit import history as h

from .models import Department, Launch, TaskStatus, Tier

TIERS = {str(k): v for k, v in Tier.choices} | {k: v for k, v in Tier.choices}
POSITIONING = {
    "problem": h.Field("Problem", kind="markdown"), "audience": h.Field("Audience", kind="markdown"),
    "usp": h.Field("Unique selling proposition", kind="markdown"),
    "differentiators": h.Field("Differentiators", kind="markdown"), "pitch": h.Field("Sales pitch", kind="markdown"),
    "proof_points": h.Field("Proof points", kind="markdown"),
}  # fmt: skip


def _launches(ws, ids):
    return dict(Launch.objects.filter(workspace_id=ws, pk__in=ids).values_list("pk", "name"))


def _tell_positioning(entry, lookup: h.Lookup) -> h.Told | None:
    after = entry.after or {}
    if entry.action == "approved":
        dept = (
            Department(after["department"]).label.lower()
            if after.get("department") in Department.values
            else "a department"
        )
        comment = [h.Detail(f"“{after['comment']}”")] if after.get("comment") else []
        return h.Told(
            f"approved version {after.get('number', '?')} of the positioning of {{label}} for {dept}",
            comment,
        )
    if entry.action == "created":
        return None  # the usual: the changed fields, before and after
    return None


def _tell_launch(entry, lookup: h.Lookup) -> h.Told | None:
    if entry.action == "generated":
        after = entry.after or {}
        n = after.get("tasks", 0)
        return h.Told(
            f"added {n} checklist task{'s' * (n != 1)} from the template “{after.get('template', '')}” to {h.OBJ}"
        )
    return None


def register() -> None:
    h.register_resolver("launch", _launches)
    h.register(h.ObjectType(
        key="launch", noun="launch", resolver="launch", url=lambda slug, pk: reverse("launch", args=[slug, pk]),
        tell=_tell_launch, quiet={"name"}, action_titles={"generated": "Checklist generated"},
        fields={
            "name": h.Field("Name"), "description": h.Field("Notes", kind="markdown"),
            "release_id": h.Field("Release", kind="ref", ref="roadmap item"),
            "campaigns": h.Field("Campaigns", kind="refs", ref="roadmap item"),
            "initiative_id": h.Field("Initiative", kind="hidden"),
            "owner_id": h.Field("Owner", kind="ref", ref="person"),
            "tier": h.Field("Tier", kind="choice", choices=TIERS),
            "launch_date": h.Field("Launch date", kind="date"), "window_end": h.Field("Launch window ends", kind="date"),
        },
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="positioning", noun="", title="Positioning", tell=_tell_positioning,
        actions={"created": "saved a new positioning version of {label}"}, action_titles={"approved": "Approved"},
        fields={**POSITIONING, "number": h.Field("Version", kind="hidden")},
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="brand attribute", noun="brand attribute", quiet={"name"},
        fields={"name": h.Field("Name"), "items": h.Field("Delivered by", kind="refs", ref="roadmap item"),
                "ideas": h.Field("Ideas delivering it", kind="refs", ref="idea")},
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="funnel stage", noun="funnel stage", quiet={"name"},
        fields={"name": h.Field("Name"), "flows": h.Field("User flows", kind="list")},
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="launch task", noun="launch task", quiet={"title"},
        fields={
            "title": h.Field("Task"), "owner_id": h.Field("Owner", kind="ref", ref="person"),
            "offset_days": h.Field("Due", kind="number", unit=" days from the launch"),
            "department": h.Field("Department"), "status": h.Field("Status", kind="choice", choices=dict(TaskStatus.choices)),
            "blocked_reason": h.Field("Blocked by"),
        },
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="launch template", noun="checklist template", quiet={"name"},
        fields={"tier": h.Field("Tier", kind="choice", choices=TIERS), "tasks": h.Field("Tasks", kind="list")},
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="launch calendar feed", noun="", title="Launch calendar feed",
        actions={"created": "created a launch calendar feed of {label}", "revoked": "revoked a launch calendar feed of {label}"},
    ))  # fmt: skip
