"""How role definitions, pairs, assignments, activities and RACI cells read in the history."""

from django.urls import reverse

from accord.audit import history as h
from accord.workspaces.models import TeamKind

from .models import Activity, RoleDefinition

VALUES = {
    "R": "Responsible",
    "A": "Accountable",
    "C": "Consulted",
    "I": "Informed",
    None: "nothing",
}


def _names(model, field: str):
    return lambda ws, ids: dict(
        model.objects.filter(workspace_id=ws, pk__in=ids).values_list("pk", field)
    )


def _tell_cells(entry, lookup: h.Lookup) -> h.Told | None:
    after = entry.after or {}
    changes = after.get("changes") or []
    count = after.get("count", len(changes))
    details = []
    for c in changes[:10]:
        who = (
            lookup.name("person", c.get("person_id"))
            if c.get("person_id")
            else lookup.name("role", c.get("role_id"))
        ) or "someone"
        what = lookup.name("raci activity", c.get("activity_id")) or "an activity"
        details.append(
            h.Detail(
                f"{who} on “{what}”: {VALUES.get(c.get('from'), c.get('from'))} → {VALUES.get(c.get('to'), c.get('to'))}"
            )
        )
    return h.Told(f"changed {count} RACI cell{'s' * (count != 1)} of {entry.object_label}", details)


def _cells_need(entry):
    for c in (entry.after or {}).get("changes", [])[:10]:
        if c.get("person_id"):
            yield ("person", c["person_id"])
        if c.get("role_id"):
            yield ("role", c["role_id"])
        yield ("raci activity", c.get("activity_id"))


def register() -> None:
    h.register_resolver("role", _names(RoleDefinition, "name"))
    h.register_resolver("raci activity", _names(Activity, "name"))
    h.register(h.ObjectType(
        key="role", noun="role", resolver="role", url=lambda slug, pk: reverse("roles", args=[slug]) + f"#role-{pk}",
        quiet={"name"},
        fields={
            "name": h.Field("Name"), "key": h.Field("Key"),
            "department": h.Field("Department", kind="choice", choices=dict(TeamKind.choices)),
            "description": h.Field("Description", kind="markdown"), "success_criteria": h.Field("Success criteria", kind="markdown"),
            "parent_id": h.Field("Reports to", kind="ref", ref="role"),
        },
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="role pair", noun="incompatible pair", title="Incompatible roles",
        fields={"role_a_id": h.Field("Role", kind="ref", ref="role"), "role_b_id": h.Field("And role", kind="ref", ref="role"),
                "reason": h.Field("Why")},
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="role settings", noun="", title="RACI settings",
        fields={"load_threshold": h.Field("Load threshold (R/A cells)", kind="number")},
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="role assignment", noun="role assignment",
        fields={"role_id": h.Field("Role", kind="ref", ref="role"), "person_id": h.Field("Person", kind="ref", ref="person")},
        hidden={"initiative_id"},
    ))  # fmt: skip
    h.register(h.ObjectType(
        key="raci activity", noun="activity", resolver="raci activity", quiet={"name"}, hidden={"initiative_id", "stage_id"},
        fields={"name": h.Field("Activity"), "skills": h.Field("Skills needed", kind="list"),
                "gate_approval": h.Field("Gate approval", kind="bool")},
    ))  # fmt: skip
    h.register(
        h.ObjectType(
            key="raci cells", noun="", title="RACI cells", tell=_tell_cells, needs=_cells_need
        )
    )
