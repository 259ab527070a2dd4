"""Which models a workspace export holds, how each reaches its workspace, and in which order to load them.

Nothing here names an app's models one by one: the models come from Django's app registry (every
concrete model of an `accord.*` app), each one's path to Workspace is found through its foreign keys,
and the load order is a topological sort of those keys. A new model is therefore exported as soon as
it has a foreign key chain to a workspace; a model that must not travel is listed in EXCLUDED with
its reason (a test fails on any model that is neither).
"""

import re
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import models

FORMAT = "accord-workspace"
VERSION = 1
WORKSPACE = "workspaces.workspace"
USER = settings.AUTH_USER_MODEL.lower()
CONTENT_TYPE = "contenttypes.contenttype"

# Models of accord apps that an export leaves out, with the reason (lowercase labels).
EXCLUDED: dict[str, str] = {
    WORKSPACE: "the export's own `workspace` object, not a list of rows",
    USER: "exported as `users` (e-mail and name only: never password hashes, staff flags or sessions)",
    "accounts.loginfailure": "sign-in throttling of this installation, not workspace data",
    "core.ratecounter": "rate limiting of this installation, not workspace data",
    "workspaces.apitoken": "credentials: API tokens open this installation only; members create new ones",
    "workspaces.invitation": "credentials: an invitation is its secret link; invite again after an import",
    "portal.portaltoken": "credentials: one-time links mailed to portal contacts",
    "notifications.notificationpreference": "a person's own settings across workspaces, not workspace data",
    "notifications.digestschedule": "a person's own settings across workspaces, not workspace data",
}

# Columns that hold secrets (token hashes, nonces, password hashes). The file says only whether one
# was set (true/false); an import gives each set one a fresh random value that nobody knows, so
# every imported share link, calendar feed or scoreboard link keeps its definition but answers no
# old URL: an admin makes a new link to share it again.
SECRET_NAME = re.compile(r"(token|secret|password|nonce|api_key|signing_key)")

# References kept in two plain columns, a type and an id (the audit trail's and comments'
# object_type + object_id, a feed's scope + object_id), found by those column names. The type is a
# model's name ("idea", "roadmapitem", "key_result" or "ideas.idea"); TYPE_ALIASES adds the types
# that name no model. The file holds the object's id in the file, so it does not depend on the
# database's keys; an object that is gone (deleted since) is written as null.
SOFT_TYPE_COLUMNS = ("object_type", "scope", "subject_type", "target_type")
SOFT_ID_COLUMNS = ("object_id", "subject_id", "target_id")
TYPE_ALIASES: dict[str, str] = {  # type -> model label, for types that are no model name
    "post-mortem": "playbooks.postmortem",
    "plan scenario": "capacity.scenario",
    "planning period": "capacity.period",
    "glossary term": "glossary.term",
    "raci activity": "roles.activity",
    "raci cells": "initiatives.initiative",  # the cells of one initiative
    "sign-off rule": "changes.signoffrule",
    "comment": "portal.comment",  # the audit trail's; collab's comments are recorded on their object
}


# Ids inside JSON columns: (model label, column) -> {key: model label} for a list of objects (or
# one object) whose `key` holds a row's id, e.g. a share link's views name their roadmaps.
JSON_REFERENCES: dict[tuple[str, str], dict[str, str]] = {
    ("roadmaps.sharelink", "views"): {"roadmap": "roadmaps.roadmap"},
}


# Users named by their id inside a column: a JSON list of user ids (a comment's mentions), or
# markup in text (`@[Name](user:12)`). The file writes their e-mail instead (`user:ana@x.example`).
USER_LISTS: set[tuple[str, str]] = {("collab.comment", "mentions")}
USER_MARKUP: dict[tuple[str, str], re.Pattern] = {
    ("collab.comment", "body"): re.compile(r"(?<=\]\(user:)(\d{1,18})(?=\))"),
}
FILE_USER_MARKUP = re.compile(r"(?<=\]\(user:)([^()\s]{1,254}@[^()\s]{1,254})(?=\))")


def remap_json(value, keys: dict[str, str], lookup):
    """`value` with each referenced id replaced by lookup(model label, id) (None when unknown)."""
    if isinstance(value, list):
        return [remap_json(item, keys, lookup) for item in value]
    if isinstance(value, dict):
        return {
            k: (lookup(keys[k], v) if k in keys and type(v) is int else v) for k, v in value.items()
        }
    return value


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def is_secret(f: models.Field) -> bool:
    return bool(SECRET_NAME.search(f.name)) and isinstance(f, models.CharField)


def accord_models() -> list[type[models.Model]]:
    """Every concrete model of an accord app (auto-created many-to-many tables travel with their owner)."""
    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("accord.") and not m._meta.proxy and not m._meta.abstract
    ]


@dataclass
class ModelPlan:
    model: type[models.Model]
    path: str  # the ORM lookup from the model to its workspace, e.g. "round__workspace"
    fields: list[models.Field] = field(default_factory=list)  # concrete columns but the primary key
    many: list[models.ManyToManyField] = field(default_factory=list)  # with an auto-created table
    soft: tuple[str, str] | None = None  # (type column, id column) of a two-column reference

    @property
    def label(self) -> str:
        return label(self.model)


def _workspace_paths(candidates: list[type[models.Model]], skip=EXCLUDED) -> dict[str, str]:
    """Shortest path to Workspace for each model that has one, through non-null foreign keys first."""
    by_label = {label(m): m for m in candidates}
    paths: dict[str, str] = {}
    for allow_null in (False, True):
        changed = True
        while changed:
            changed = False
            for name, model in sorted(by_label.items()):
                if name in paths or name in skip:
                    continue
                best = None
                for f in model._meta.concrete_fields:
                    if not f.is_relation or (f.null and not allow_null):
                        continue
                    target = label(f.related_model)
                    if target == WORKSPACE:
                        option = f.name
                    elif target in paths and target != name:
                        option = f"{f.name}__{paths[target]}"
                    else:
                        continue
                    if best is None or (option.count("__"), option) < (best.count("__"), best):
                        best = option
                if best is not None:
                    paths[name] = best
                    changed = True
    return paths


@cache
def plans() -> tuple[ModelPlan, ...]:
    """The exported models in load order: a model after every model it points to (cycles through
    nullable keys are cut and filled in after the rows exist)."""
    models_ = accord_models()
    paths = _workspace_paths(models_)
    result = {}
    for model in models_:
        name = label(model)
        if name not in paths:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                raise TypeError(
                    f"{name}.{f.name}: file fields cannot be exported; add a way to embed them"
                )
        many = [
            m2m
            for m2m in model._meta.local_many_to_many
            if m2m.remote_field.through._meta.auto_created
        ]
        columns = {f.name: f for f in model._meta.concrete_fields}
        soft_type = next((c for c in SOFT_TYPE_COLUMNS if c in columns), None)
        soft_id = next(
            (c for c in SOFT_ID_COLUMNS if c in columns and not columns[c].is_relation), None
        )
        result[name] = ModelPlan(
            model=model,
            path=paths[name],
            # A one-to-one primary key (one row per workspace or per idea) is a reference like any other.
            fields=[f for f in model._meta.concrete_fields if not f.primary_key or f.is_relation],
            many=many,
            soft=(soft_type, soft_id) if soft_type and soft_id else None,
        )
    for plan in result.values():
        for f in plan.fields:
            if f.is_relation and label(f.related_model) not in (
                *result,
                WORKSPACE,
                USER,
                CONTENT_TYPE,
            ):
                raise TypeError(
                    f"{plan.label}.{f.name} points to {label(f.related_model)}, which is not exported"
                )
    return tuple(result[name] for name in _load_order(result))


def _load_order(found: dict[str, ModelPlan]) -> list[str]:
    """Models that hold two-column references (and what needs them) come last, so the rows those
    name exist when they are inserted; within each part, a model after the models it points to."""
    edges: dict[str, set[str]] = {name: set() for name in found}  # model -> models it needs first
    nullable: dict[str, set[str]] = {name: set() for name in found}
    for name, plan in found.items():
        for f in plan.fields:
            if f.is_relation and label(f.related_model) in found and label(f.related_model) != name:
                (nullable if f.null else edges)[name].add(label(f.related_model))
    last = {name for name, plan in found.items() if plan.soft}
    grew = True
    while grew:
        more = {name for name in found if edges[name] & last} - last
        last |= more
        grew = bool(more)
    first = [name for name in found if name not in last]
    return _topological(first, edges, nullable) + _topological(sorted(last), edges, nullable)


def _topological(
    names: list[str], edges: dict[str, set[str]], nullable: dict[str, set[str]]
) -> list[str]:
    need = {name: edges[name] | nullable[name] for name in names}
    order: list[str] = []
    remaining = set(names)
    while remaining:
        ready = sorted(n for n in remaining if not (need[n] & remaining))
        if not ready:
            # A cycle: keep only the non-null keys among what is left (nullable ones are filled in later).
            ready = sorted(n for n in remaining if not (edges[n] & remaining))[:1]
            if not ready:
                raise ValueError(
                    f"Foreign keys that cannot be null form a cycle among {sorted(remaining)}"
                )
        order.extend(ready)
        remaining -= set(ready)
    return order


def plan_by_label() -> dict[str, ModelPlan]:
    return {plan.label: plan for plan in plans()}


@cache
def soft_types() -> dict[str, str]:
    """Type names of two-column references -> model label (unique model names only, plus aliases)."""
    names: dict[str, list[str]] = {}
    for plan in plans():
        meta = plan.model._meta
        for key in {meta.model_name, plan.label, _snake(meta.object_name), str(meta.verbose_name)}:
            names.setdefault(key, []).append(plan.label)
    found = {key: labels[0] for key, labels in names.items() if len(set(labels)) == 1}
    found["workspace"] = WORKSPACE
    found.update(TYPE_ALIASES)
    return found


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def every_workspace_path() -> dict[str, str]:
    """Excluded models too (for deleting a whole workspace), but the workspace and users."""
    return _workspace_paths(accord_models(), skip={WORKSPACE, USER})


def unclassified() -> list[str]:
    """Concrete accord models that are neither exported nor excluded with a reason (the test's list)."""
    exported = set(plan_by_label())
    return sorted(
        label(m) for m in accord_models() if label(m) not in exported and label(m) not in EXCLUDED
    )
