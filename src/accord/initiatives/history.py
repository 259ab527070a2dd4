"""How initiatives, lifecycle stages and gates read in the history (accord.audit.history)."""

from django.urls import reverse

from accord.audit import history as h

from .models import GateCriterion, Initiative, InitiativeKind, LifecycleStage

LINK_WORDS = {"idea": "idea", "roadmap_item": "roadmap item", "goal": "goal"}


def _names(model, field: str, scope: str = "workspace_id"):
    return lambda ws, ids: dict(
        model.objects.filter(**{scope: ws}, pk__in=ids).values_list("pk", field)
    )


def _link(values: dict) -> tuple[str, str] | None:
    for key, noun in LINK_WORDS.items():
        if values.get(key):
            return key, noun
    return None


def _tell_initiative(entry, lookup: h.Lookup) -> h.Told | None:
    before, after = entry.before or {}, entry.after or {}
    if entry.action in ("linked", "unlinked"):
        values = after if entry.action == "linked" else before
        found = _link(values)
        if found is None:
            return None
        key, noun = found
        name = lookup.name(noun, values[key]) or values.get("title") or f"a {noun}"
        word = "to" if entry.action == "linked" else "from"
        return h.Told(f"{entry.action} {noun} {name} {word} {h.OBJ}")
    if entry.action == "moved":
        to = lookup.name("lifecycle stage", after.get("stage_id")) or "another stage"
        frm = lookup.name("lifecycle stage", before.get("stage_id")) or "an earlier stage"
        details = []
        if after.get("override_reason"):
            details.append(
                h.Detail(f"Past an unmet gate, overridden: {h.excerpt(after['override_reason'])}")
            )
        if after.get("evidence"):
            details.append(h.Detail(f"Evidence: {h.excerpt(after['evidence'])}"))
        return h.Told(f"moved {h.OBJ} from {frm} to {to}", details)
    if entry.action in ("signed", "unsigned"):
        values = after or before
        stage = lookup.name("lifecycle stage", values.get("stage_id")) or "a"
        details = (
            [h.Detail("The initiative's owner signed their own gate")]
            if after.get("own_gate")
            else []
        )
        if after.get("comment"):
            details.append(h.Detail(h.excerpt(after["comment"])))
        verb = "signed" if entry.action == "signed" else "withdrew their signature from"
        return h.Told(f"{verb} the {stage} gate of {h.OBJ}", details)
    return None


def _initiative_needs(entry):
    values = {**(entry.before or {}), **(entry.after or {})}
    needs = [(noun, values[key]) for key, noun in LINK_WORDS.items() if values.get(key)]
    needs += [("lifecycle stage", values[k]) for k in ("stage_id",) if values.get(k)]
    return needs


def _tell_criterion(entry, lookup: h.Lookup) -> h.Told | None:
    values = {**(entry.before or {}), **(entry.after or {})}
    of = lookup.name("initiative", values.get("initiative"))
    where = f" of {of}" if of else ""
    if entry.action == "met":
        ev = values.get("evidence")
        return h.Told(
            f"ticked the gate criterion {h.NAME}{where}",
            [h.Detail(f"Evidence: {ev}")] if ev else [],
        )
    if entry.action == "unmet":
        return h.Told(f"unticked the gate criterion {h.NAME}{where}")
    if entry.action in ("created", "deleted"):
        return h.Told(
            f"{'added' if entry.action == 'created' else 'removed'} the gate criterion {h.NAME}{where}"
        )
    return None


def _tell_signer(entry, lookup: h.Lookup) -> h.Told | None:
    values = {**(entry.before or {}), **(entry.after or {})}
    who = lookup.ref("person", values.get("person_id"), "person")
    of = lookup.name("initiative", values.get("initiative")) or "an initiative"
    if entry.action == "asked":
        return h.Told(f"asked {who} to sign the gate of {of}")
    if entry.action == "deleted":
        return h.Told(f"no longer asks {who} to sign the gate of {of}")
    return None


def _refs(entry):
    values = {**(entry.before or {}), **(entry.after or {})}
    out = [("initiative", values["initiative"])] if values.get("initiative") else []
    return out + ([("person", values["person_id"])] if values.get("person_id") else [])


def register() -> None:
    h.register_resolver("initiative", _names(Initiative, "name"))
    h.register_resolver("lifecycle stage", _names(LifecycleStage, "name"))
    h.register_resolver("gate criterion", _names(GateCriterion, "text", "initiative__workspace_id"))
    h.register(h.ObjectType(
        key="initiative", noun="initiative", resolver="initiative",
        url=lambda slug, pk: reverse("initiative", args=[slug, pk]),
        tell=_tell_initiative, needs=_initiative_needs, quiet={"name"},
        action_titles={"moved": "Moved to a stage", "signed": "Signed a gate"},
        fields={
            "name": h.Field("Name"), "kind": h.Field("Kind", kind="choice", choices=dict(InitiativeKind.choices)),
            "description": h.Field("Why it exists", kind="markdown"),
            "owner_id": h.Field("Owner", kind="ref", ref="person"),
            "stage_id": h.Field("Stage", kind="ref", ref="lifecycle stage"),
            "archived_at": h.Field("Archived", kind="datetime"),
            "idea_ids": h.Field("Ideas", kind="refs", ref="idea"),
            "roadmap_item_ids": h.Field("Roadmap items", kind="refs", ref="roadmap item"),
            "goal_ids": h.Field("Goals", kind="refs", ref="goal"),
        },
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="lifecycle stage", noun="lifecycle stage", resolver="lifecycle stage", quiet={"name"},
        fields={
            "name": h.Field("Name"), "key": h.Field("Key"), "description": h.Field("Description", kind="markdown"),
            "color": h.Field("Colour"), "position": h.Field("Position", kind="hidden"),
            "criteria": h.Field("Exit criteria", kind="list"),
        },
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="gate criterion", noun="gate criterion", resolver="gate criterion", tell=_tell_criterion,
        needs=_refs, quiet={"text", "initiative"},
        fields={"text": h.Field("Criterion"), "initiative": h.Field("Initiative", kind="ref", ref="initiative"),
                "evidence": h.Field("Evidence"), "stage_id": h.Field("Stage", kind="ref", ref="lifecycle stage")},
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="gate signer", noun="gate signer", tell=_tell_signer, needs=_refs,
        fields={"person_id": h.Field("Person", kind="ref", ref="person"),
                "initiative": h.Field("Initiative", kind="ref", ref="initiative"),
                "stage_id": h.Field("Stage", kind="ref", ref="lifecycle stage"),
                "signed_at": h.Field("Signed", kind="datetime")},
    ))  # fmt: skip
