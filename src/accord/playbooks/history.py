"""How playbooks, runs, post-mortems and action items read in the history (accord.audit.history)."""

from django.urls import reverse

from accord.audit import history as h

from .models import ActionItem, Playbook, PlaybookKind, PlaybookRun, PostMortem


def _names(model, field: str):
    return lambda ws, ids: dict(
        model.objects.filter(workspace_id=ws, pk__in=ids).values_list("pk", field)
    )


def _tell_playbook(entry, lookup: h.Lookup) -> h.Told | None:
    if entry.action != "updated":
        return None
    after = entry.after or {}
    parts = [f"{after[k]} step{'s' * (after[k] != 1)} {w}" for k, w in
             (("steps_added", "added"), ("steps_removed", "removed"), ("steps_changed", "changed")) if after.get(k)]  # fmt: skip
    details = [h.Detail(", ".join(parts))] if parts else []
    if after.get("note"):
        details.append(h.Detail(f"“{after['note']}”"))
    return h.Told(f"published v{after.get('version', '?')} of {h.OBJ}", details)


def _tell_run(entry, lookup: h.Lookup) -> h.Told | None:
    after, before = entry.after or {}, entry.before or {}
    step = after.get("step") or before.get("step")
    if entry.action == "started":
        return h.Told(
            f"started {h.OBJ} on {after.get('playbook_name', 'a playbook')} v{after.get('playbook_version')}"
        )
    if entry.action == "checked":
        return h.Told(f"checked off “{step}” in {h.OBJ}")
    if entry.action == "unchecked":
        return h.Told(f"reopened “{step}” in {h.OBJ}")
    if entry.action == "updated" and step:
        changes = []
        if before.get("due_at") != after.get("due_at"):
            changes.append(
                h.Detail(
                    f"due {str(after.get('due_at'))[:10]} instead of {str(before.get('due_at'))[:10]}"
                )
            )
        if before.get("note") != after.get("note"):
            changes.append(h.Detail(f"note: {after.get('note') or '(none)'}"))
        return h.Told(f"changed step “{step}” of {h.OBJ}", changes)
    return None


def _tell_item(entry, lookup: h.Lookup) -> h.Told | None:
    if entry.action != "converted":
        return None
    after = entry.after or {}
    if after.get("idea"):
        return h.Told(f"turned {h.OBJ} into idea {lookup.ref('idea', after['idea'], 'idea')}")
    return h.Told(
        f"turned {h.OBJ} into roadmap item {lookup.ref('roadmap item', after.get('roadmap_item'), 'roadmap item')}"
    )


def _item_needs(entry):
    after = entry.after or {}
    return [
        (r, after[k])
        for k, r in (("idea", "idea"), ("roadmap_item", "roadmap item"))
        if after.get(k)
    ]


def register() -> None:
    h.register_resolver("playbook", _names(Playbook, "name"))
    h.register_resolver("playbook run", _names(PlaybookRun, "title"))
    h.register_resolver("post-mortem", _names(PostMortem, "title"))
    h.register_resolver("action item", _names(ActionItem, "title"))
    h.register(h.ObjectType(
        key="playbook", noun="playbook", resolver="playbook", tell=_tell_playbook, quiet={"name"},
        url=lambda slug, pk: reverse("playbook", args=[slug, pk]),
        fields={"name": h.Field("Name"), "kind": h.Field("Kind", kind="choice", choices=dict(PlaybookKind.choices)),
                "steps": h.Field("Steps", kind="number")}, hidden={"version"},
    ))  # fmt: skip
    h.register(
        h.ObjectType(
            key="playbook run",
            noun="run",
            resolver="playbook run",
            tell=_tell_run,
            quiet={"title"},
            url=lambda slug, pk: reverse("playbook_run", args=[slug, pk]),
        )
    )
    h.register(h.ObjectType(
        key="post-mortem", noun="post-mortem", resolver="post-mortem", quiet={"title", "subject_ref"},
        url=lambda slug, pk: reverse("postmortem", args=[slug, pk]),
        hidden={"timeline", "subject_kind"},
        fields={
            "title": h.Field("Title"), "subject_label": h.Field("About"), "occurred_on": h.Field("Happened on", kind="date"),
            "summary": h.Field("What happened", kind="markdown"), "impact": h.Field("Impact", kind="markdown"),
            "went_well": h.Field("What went well", kind="markdown"), "went_badly": h.Field("What did not", kind="markdown"),
            "contributing_factors": h.Field("Contributing factors", kind="markdown"),
        },
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="action item", noun="action item", resolver="action item", tell=_tell_item, needs=_item_needs,
        quiet={"title"}, hidden={"postmortem", "idea_id", "roadmap_item_id"},
        fields={"title": h.Field("Action"), "owner_id": h.Field("Owner", kind="ref", ref="person"),
                "due_date": h.Field("Due", kind="date"), "done_at": h.Field("Done", kind="datetime")},
    ))  # fmt: skip
