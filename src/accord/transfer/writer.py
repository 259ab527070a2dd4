"""Write one workspace as canonical JSON, streamed (see README: Workspace export and import).

Canonical: keys sorted, no spaces, one row per line; models by label, rows by their id in the file;
ids renumbered per model (1, 2, ... in the order of the database's keys), so the file does not
depend on the database it came from. References are those ids, users are their e-mail addresses,
content types "app_label.model", many-to-many fields sorted lists of ids; datetimes are UTC with
microseconds ("2026-01-31T09:30:00.000000Z"), decimals text with their places ("12.50"), binary
columns base64, secrets only true/false (set or not). The same workspace gives the same bytes on
SQLite and PostgreSQL.
"""

import base64
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import schema
from .schema import CONTENT_TYPE, USER, WORKSPACE, ModelPlan

CHUNK = 2000


class ExportError(Exception):
    """The workspace's data cannot be written faithfully (a reference to another workspace's row)."""


def dumps(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def encode_datetime(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode_plain(f: models.Field, value):
    """One column's value in its canonical JSON form (no references)."""
    if value is None:
        return None
    if isinstance(f, models.DateTimeField):
        return encode_datetime(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(f, models.DecimalField):
        return format(Decimal(value).quantize(Decimal(1).scaleb(-f.decimal_places)), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(f, models.BinaryField):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, timedelta):
        return value // timedelta(microseconds=1)
    if isinstance(f, models.FloatField):
        return float(value)
    if isinstance(value, str | int | float | bool | dict | list):
        return value
    raise ExportError(
        f"{f.model._meta.label_lower}.{f.name}: no canonical form for {type(value).__name__}"
    )


class Exporter:
    def __init__(self, workspace):
        self.workspace = workspace
        self.plans = schema.plans()
        self.ids: dict[str, dict] = {WORKSPACE: {workspace.pk: 1}}
        self.users: dict[int, tuple[str, str]] = {}
        self.content_types: dict[int, str] = {}

    def rows_of(self, plan: ModelPlan) -> models.QuerySet:
        return plan.model._base_manager.filter(**{plan.path: self.workspace}).order_by("pk")

    def number(self) -> None:
        """Each model's rows get ids 1..n in the order of their keys."""
        for plan in self.plans:
            pks = self.rows_of(plan).values_list("pk", flat=True).iterator(chunk_size=CHUNK)
            self.ids[plan.label] = {pk: n for n, pk in enumerate(pks, start=1)}
        user_ids: set[int] = set()
        for plan in self.plans:
            for f in plan.fields:
                if f.is_relation and schema.label(f.related_model) == USER:
                    user_ids.update(
                        self.rows_of(plan).exclude(**{f.attname: None}).order_by()
                        .values_list(f.attname, flat=True).distinct()
                    )  # fmt: skip
        for plan in self.plans:
            for f in plan.fields:
                key = (plan.label, f.name)
                if key in schema.USER_LISTS or key in schema.USER_MARKUP:
                    for value in (
                        self.rows_of(plan)
                        .values_list(f.attname, flat=True)
                        .iterator(chunk_size=CHUNK)
                    ):
                        user_ids.update(_user_ids(key, value))
        User = get_user_model()
        for pk, email, name in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "email", "name"
        ):
            self.users[pk] = (email, name)

    def ref(self, plan: ModelPlan, f: models.Field, row_pk, value):
        if value is None:
            return None
        target = schema.label(f.related_model)
        if target == USER:
            return self.users[value][0]
        if target == CONTENT_TYPE:
            if value not in self.content_types:
                ct = ContentType.objects.get_for_id(value)
                self.content_types[value] = f"{ct.app_label}.{ct.model}"
            return self.content_types[value]
        try:
            return self.ids[target][value]
        except KeyError:
            raise ExportError(
                f"{plan.label} {row_pk}: {f.name} points to {target} {value}, which is not in this workspace."
            ) from None

    def soft_ref(self, kind, value):
        """A two-column reference: the object's id in the file, or null when it is gone."""
        if value is None or value == "":
            return None
        target = schema.soft_types().get(str(kind))
        if target is None:
            return value  # a type that names no model: kept as it is
        try:
            return self.ids[target][int(value)]
        except (KeyError, ValueError, TypeError):
            return None

    def many(self, plan: ModelPlan) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for m2m in plan.many:
            through = m2m.remote_field.through
            owner, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            target_ids = self.ids[schema.label(m2m.related_model)]
            lists: dict = defaultdict(list)
            pairs = through._base_manager.filter(**{f"{owner}__{plan.path}": self.workspace})
            for a, b in pairs.values_list(f"{owner}_id", f"{target}_id").iterator(chunk_size=CHUNK):
                if b not in target_ids:
                    raise ExportError(
                        f"{plan.label} {a}: {m2m.name} includes a row of another workspace."
                    )
                lists[a].append(target_ids[b])
            found[m2m.name] = {a: sorted(v) for a, v in lists.items()}
        return found

    def rows(self, plan: ModelPlan) -> Iterator[dict]:
        many = self.many(plan)
        ids = self.ids[plan.label]
        soft_type, soft_id = plan.soft or (None, None)
        attnames = ["pk", *(f.attname for f in plan.fields)]
        for values in self.rows_of(plan).values_list(*attnames).iterator(chunk_size=CHUNK):
            pk = values[0]
            row = {"id": ids[pk]}
            by_name = dict(zip(attnames[1:], values[1:], strict=True))
            for f in plan.fields:
                value = by_name[f.attname]
                if f.is_relation:
                    row[f.name] = self.ref(plan, f, pk, value)
                elif f.name == soft_id:
                    row[f.name] = self.soft_ref(by_name[soft_type], value)
                elif schema.is_secret(f):
                    row[f.name] = bool(value)
                elif (plan.label, f.name) in schema.USER_LISTS:
                    row[f.name] = [
                        self.users[u][0] if u in self.users else None for u in value or []
                    ]
                elif (pattern := schema.USER_MARKUP.get((plan.label, f.name))) is not None:
                    row[f.name] = pattern.sub(
                        lambda m: self.users.get(int(m[1]), ("0",))[0], value or ""
                    )
                elif (keys := schema.JSON_REFERENCES.get((plan.label, f.name))) is not None:
                    row[f.name] = schema.remap_json(
                        value, keys, lambda target, pk: self.ids[target].get(pk)
                    )
                else:
                    row[f.name] = encode_plain(f, value)
            for m2m in plan.many:
                row[m2m.name] = many[m2m.name].get(pk, [])
            yield row

    def chunks(self) -> Iterator[str]:
        self.number()
        yield f'{{"format":{dumps(schema.FORMAT)},"models":{{'
        for n, plan in enumerate(sorted(self.plans, key=lambda p: p.label)):
            yield f"{',' if n else ''}\n{dumps(plan.label)}:["
            for i, row in enumerate(self.rows(plan)):
                yield f"{',' if i else ''}\n{dumps(row)}"
            yield "]"
        users = sorted(
            ({"email": e, "name": name} for e, name in self.users.values()),
            key=lambda u: u["email"],
        )
        yield '\n},"users":[' + ",".join(f"\n{dumps(u)}" for u in users) + "]"
        meta = self.workspace._meta
        ws = {
            f.name: encode_plain(f, getattr(self.workspace, f.attname))
            for f in meta.concrete_fields
            if not f.primary_key
        }
        yield f',"version":{schema.VERSION},"workspace":{dumps(ws)}}}\n'


def _user_ids(key, value) -> set[int]:
    if key in schema.USER_LISTS:
        return {u for u in value or [] if type(u) is int}
    return {int(m[1]) for m in schema.USER_MARKUP[key].finditer(value or "")}


def export_chunks(workspace) -> Iterator[str]:
    """The export file of `workspace`, piece by piece (read inside one transaction for a consistent copy)."""
    return Exporter(workspace).chunks()


def export_text(workspace) -> str:
    return "".join(export_chunks(workspace))
