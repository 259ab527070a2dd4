"""How ideas, scoring models and scoring rounds read in the history (registered with
accord.audit.history)."""

from django.urls import reverse

from accord.audit import history as h

from .models import (
    Criterion,
    CriterionRole,
    Idea,
    IdeaStatus,
    ModelKind,
    ScoringModel,
    ScoringRound,
)
from .scoring import KANO_LABELS

SEP = "\x1f"  # a criterion is known by its model's name and its key: "Lumen scorecard\x1feffort"


def _names(model, workspace_id: int, ids: set, field: str) -> dict:
    return dict(model.objects.filter(workspace_id=workspace_id, pk__in=ids).values_list("pk", field))


def _criteria(workspace_id: int, keys: set) -> dict:
    """By model name and key; entries that did not keep the model name match the key alone (the
    default model's criterion first)."""
    models = {k.split(SEP, 1)[0] for k in keys}
    rows = Criterion.objects.filter(model__workspace_id=workspace_id)
    if "" not in models:
        rows = rows.filter(model__name__in=models)
    names = {}
    for model, key, name in rows.order_by("model__is_default", "model_id").values_list("model__name", "key", "name"):
        names[f"{model}{SEP}{key}"] = names[f"{SEP}{key}"] = name
    return names


def _inputs(entry) -> tuple[str, dict, dict]:
    before, after = entry.before or {}, entry.after or {}
    return after.get("model") or before.get("model") or "", before.get("inputs") or {}, after.get("inputs") or {}


def _criterion_needs(entry):
    if entry.action != "scored":
        return []
    model, old, new = _inputs(entry)
    return [("criterion", f"{model}{SEP}{k}") for k in {*old, *new}]


def _tell_idea(entry, lookup: h.Lookup) -> h.Told | None:
    after = entry.after or {}
    if entry.action == "scored":
        model, old, new = _inputs(entry)

        def name(key):
            return lookup.name("criterion", f"{model}{SEP}{key}") or h.humanize(key)

        score = after.get("score")
        score_line = [h.Detail(f"Score{f' with {model}' if model else ''}: {h.number(score)}")] if score is not None else []
        with_model = f" with {model}" if model else ""
        changed = [k for k in new if old.get(k) != new.get(k)] + [k for k in old if k not in new]
        if not old:
            return h.Told(f"scored {h.OBJ}{with_model}", score_line + [h.Detail(f"{name(k)}: {h.number(new[k])}") for k in new])
        if len(changed) == 1:
            k = changed[0]
            return h.Told(f"changed {name(k)} from {h.number(old.get(k, 'none'))} to {h.number(new.get(k, 'none'))} on {h.OBJ}", score_line)
        return h.Told(f"rescored {h.OBJ}{with_model}", score_line + [
            h.Detail(f"{name(k)} from {h.number(old.get(k, 'none'))} to {h.number(new.get(k, 'none'))}") for k in changed])
    if entry.action == "kano_answer":
        category = KANO_LABELS.get(after.get("category"), after.get("category", ""))
        return h.Told(f"added a Kano answer from {after.get('respondent', 'a respondent')} to {h.OBJ}: {category}")
    if entry.action == "merged":
        return h.Told(f"merged {h.OBJ} into idea {lookup.ref('idea', after.get('merged_into'), 'idea')}")
    if entry.action == "merged_in":
        return h.Told(f"merged idea {lookup.ref('idea', after.get('merged_from'), 'idea')} into {h.OBJ}")
    return None


def _idea_needs(entry):
    after = entry.after or {}
    return _criterion_needs(entry) + [("idea", after[k]) for k in ("merged_into", "merged_from") if after.get(k)]


def _criteria_text(value, lookup) -> str:
    roles = dict(CriterionRole.choices)
    parts = []
    for c in value or []:
        if not isinstance(c, dict):
            continue
        extra = [f"weight {h.number(c['weight'])}"] if c.get("weight") not in (None, 1, 1.0) else []
        if c.get("role") and c["role"] != CriterionRole.BENEFIT:
            extra.append(roles.get(c["role"], c["role"]).lower())
        parts.append((c.get("name") or c.get("key", "")) + (f" ({', '.join(extra)})" if extra else ""))
    return ", ".join(parts)


def _tell_round(entry, lookup: h.Lookup) -> h.Told | None:
    after = entry.after or {}
    if entry.action == "opened":
        n = after.get("ideas", 0)
        return h.Told(f"opened {h.OBJ} on {n} idea{'s' * (n != 1)} with {after.get('model', 'a scoring model')}")
    if entry.action == "submitted":
        n = after.get("ratings", 0)
        return h.Told(f"submitted {n} score{'s' * (n != 1)} in {h.OBJ}")
    if entry.action == "closed":
        ideas, raters = after.get("ideas_scored", 0), after.get("raters", 0)
        return h.Told(f"closed {h.OBJ}: {ideas} idea{'s' * (ideas != 1)} scored by {raters} "
                      f"{'person' if raters == 1 else 'people'}")  # fmt: skip
    return None


def _url(name: str):
    return lambda slug, object_id: reverse(name, args=[slug, object_id])


def register() -> None:
    h.register_resolver("idea", lambda ws, ids: _names(Idea, ws, ids, "title"))
    h.register_resolver("scoring model", lambda ws, ids: _names(ScoringModel, ws, ids, "name"))
    h.register_resolver("scoring round", lambda ws, ids: _names(ScoringRound, ws, ids, "title"))
    h.register_resolver("criterion", _criteria)
    h.register(h.ObjectType(
        key="idea", noun="idea", resolver="idea", url=_url("idea_detail"), tell=_tell_idea, needs=_idea_needs,
        fields={
            "title": h.Field("Title"), "description": h.Field("Description", kind="markdown"),
            "problem": h.Field("Problem", kind="markdown"), "department_id": h.Field("Department", kind="ref", ref="team"),
            "product_area": h.Field("Product area"), "status": h.Field("Status", kind="choice", choices=dict(IdeaStatus.choices)),
            "tags": h.Field("Tags", kind="list"), "reason": h.Field("Reason", kind="markdown"),
            "revisit_on": h.Field("Revisit on", kind="date"), "revisit_condition": h.Field("Revisit when"),
        },
        actions={
            "decision_promote": f"promoted {h.OBJ} to the roadmap", "decision_park": f"parked {h.OBJ}",
            "decision_reject": f"rejected {h.OBJ}", "decision_reopen": f"reopened {h.OBJ}",
        },
        quiet={"status", "title"},
        action_titles={"decision_promote": "Promoted", "decision_park": "Parked", "decision_reject": "Rejected",
                       "decision_reopen": "Reopened", "kano_answer": "Kano answer", "merged_in": "Merged into"},
    ))
    h.register(h.ObjectType(
        key="scoring model", noun="scoring model", resolver="scoring model", url=_url("scoring_model"),
        fields={
            "name": h.Field("Name"), "kind": h.Field("Kind", kind="choice", choices=dict(ModelKind.choices)),
            "description": h.Field("Description", kind="markdown"), "formula": h.Field("Formula"),
            "options": h.Field("Options"), "is_default": h.Field("Default model", kind="bool"),
            "promote_threshold": h.Field("Promote at", kind="number"), "park_threshold": h.Field("Park below", kind="number"),
            "criteria": h.Field("Criteria", show=_criteria_text),
        },
    ))
    h.register(h.ObjectType(
        key="scoring round", noun="scoring round", resolver="scoring round", url=_url("round"), tell=_tell_round,
    ))
