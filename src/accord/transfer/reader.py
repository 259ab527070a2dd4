"""Load an export file as a new workspace: all of it or nothing, in one transaction.

Rows are inserted model by model in the load order of accord.transfer.schema, with the file's ids
mapped to the new keys as they are made. Inserts go through the model's base manager with
`_insert(..., raw=True)`, the path `loaddata` takes: no save() (the append-only audit trail takes
its old entries this way, and only this way), no signals (no notifications, webhooks or new audit
entries for copied data), and no auto_now, so every value arrives as written. Nullable references
to rows not inserted yet (a parent item, an idea merged into a later one, cycles) are inserted
empty and set once every row exists. The keys come from the database's own sequences, so nothing
needs resetting afterwards.
"""

import base64
import binascii
import json
import math
import secrets
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, connection, models, transaction
from django.utils.dateparse import parse_datetime

from accord.core.errors import Conflict, FieldError, Invalid

from . import schema
from .schema import CONTENT_TYPE, USER, WORKSPACE, ModelPlan

MAX_BYTES = 512 * 1024 * 1024  # an export file larger than this is refused before it is read


def fail(message: str, field: str = "file") -> Invalid:
    return Invalid.field(field, message)


def parse(raw: bytes | str) -> dict:
    """The file's JSON, checked to be an export of a version this Accord reads."""
    if len(raw) > MAX_BYTES:
        raise fail(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        doc = json.loads(raw, parse_constant=_no_constant, parse_float=_finite)
    except (ValueError, UnicodeDecodeError) as exc:
        raise fail(f"The file is not JSON ({str(exc)[:120]}).") from None
    if not isinstance(doc, dict) or doc.get("format") != schema.FORMAT:
        raise fail('The file is not an Accord workspace export (no "format": "accord-workspace").')
    if doc.get("version") != schema.VERSION:
        raise fail(
            f"Export format version {doc.get('version')!r} is not supported (this Accord reads version {schema.VERSION})."
        )
    for key, kind in (("workspace", dict), ("models", dict), ("users", list)):
        if not isinstance(doc.get(key), kind):
            raise fail(
                f"The file's {key!r} is missing or not a JSON {'object' if kind is dict else 'list'}."
            )
    unknown = sorted(set(doc["models"]) - set(schema.plan_by_label()))
    if unknown:
        raise fail(f"The file holds models this Accord does not know: {', '.join(unknown[:5])}.")
    return doc


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]} is out of range")
    return value


class Importer:
    def __init__(self, doc: dict, slug: str | None):
        self.doc = doc
        self.slug = slug
        self.ids: dict[str, dict[int, int]] = {}
        self.users: dict[str, int] = {}
        self.content_types: dict[str, int] = {}
        self.later: list[
            tuple[ModelPlan, int, str, str, int]
        ] = []  # plan, new pk, attname, target, file id
        self.many_later: list[tuple] = []  # plan, file id, many-to-many field, file ids
        self.later_soft = False

    # ------------------------------------------------------------ values

    def decode(self, plan: ModelPlan, f: models.Field, value, where: str):
        if value is None:
            if not f.null:
                raise fail(f"{where}: {f.name} may not be null.")
            return None
        try:
            if isinstance(f, models.DateTimeField):
                parsed = parse_datetime(value) if isinstance(value, str) else None
                if parsed is None or parsed.tzinfo is None:
                    raise ValueError("a UTC date and time")
                return parsed
            if isinstance(f, models.DateField):
                return date.fromisoformat(value)
            if isinstance(f, models.TimeField):
                return time.fromisoformat(value)
            if isinstance(f, models.DurationField):
                return timedelta(microseconds=_integer(value))
            if isinstance(f, models.DecimalField):
                number = Decimal(_text(value))
                f.to_python(number)
                f.run_validators(number)
                return number
            if isinstance(f, models.BinaryField):
                return base64.b64decode(_text(value), validate=True)
            if isinstance(f, models.JSONField):
                return value
            if isinstance(f, models.BooleanField):
                if not isinstance(value, bool):
                    raise ValueError("true or false")
                return value
            if isinstance(f, models.IntegerField):
                number = _integer(value)
                f.run_validators(number)
                return number
            if isinstance(f, models.FloatField):
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError("a number")
                return float(value)
            if isinstance(f, models.CharField | models.TextField):
                text = _text(value)
                if f.max_length and len(text) > f.max_length:
                    raise ValueError(f"at most {f.max_length} characters")
                if "\x00" in text:
                    raise ValueError("text without NUL characters")
                return text
            return f.to_python(value)
        except (ValueError, TypeError, InvalidOperation, ValidationError, binascii.Error) as exc:
            raise fail(f"{where}: {f.name} is not valid ({_why(exc)}).") from None

    def target(self, plan: ModelPlan, f: models.Field, value, where: str):
        """A reference's new key, or None when its row comes later (then it is set afterwards)."""
        target = schema.label(f.related_model)
        if target == USER:
            key = value.lower() if isinstance(value, str) else None
            if key not in self.users:
                raise fail(f"{where}: {f.name} names {value!r}, who is not among the file's users.")
            return self.users[key]
        if target == CONTENT_TYPE:
            if value not in self.content_types:
                try:
                    app_label, model = str(value).split(".", 1)
                    self.content_types[value] = ContentType.objects.get_by_natural_key(
                        app_label, model
                    ).pk
                except (ValueError, ContentType.DoesNotExist):
                    raise fail(f"{where}: {f.name} names the unknown type {value!r}.") from None
            return self.content_types[value]
        if type(value) is not int:
            raise fail(f"{where}: {f.name} must be the id of a {target} in the file.")
        if target not in self.ids:
            return None  # this model's own rows, or a model loaded later: filled in afterwards
        found = self.ids[target].get(value)
        if found is None:
            raise fail(f"{where}: {f.name} refers to {target} {value}, which is not in the file.")
        return found

    def user(self, email, f: models.Field, where: str) -> int | None:
        """A user named by e-mail inside a column; None for one the original did not know."""
        if email is None:
            return None
        key = email.lower() if isinstance(email, str) else None
        if key not in self.users:
            raise fail(f"{where}: {f.name} names {email!r}, who is not among the file's users.")
        return self.users[key]

    def soft(self, plan: ModelPlan, f: models.Field, kind, value, where: str):
        if value is None:
            return None if f.null else ("" if isinstance(f, models.CharField) else 0)
        target = schema.soft_types().get(str(kind))
        if target is None or isinstance(value, str):
            return self.decode(plan, f, value, where)  # no object of the file: kept as written
        if type(value) is not int:
            raise fail(f"{where}: {f.name} must be the id of a {target} in the file.")
        found = self.ids.get(target, {}).get(value)
        if found is None:
            if target in self.ids or target == WORKSPACE:
                raise fail(
                    f"{where}: {f.name} refers to {target} {value}, which is not in the file."
                )
            # A model loaded later: set afterwards.
            self.later_soft = True
            return None
        return str(found) if isinstance(f, models.CharField) else found

    # ------------------------------------------------------------ rows

    def run(self) -> "models.Model":
        from accord.workspaces.models import Workspace

        data = dict(self.doc["workspace"])
        slug = self.slug or data.get("slug")
        if self.slug:
            data["slug"] = self.slug
        if not isinstance(slug, str) or not slug:
            raise fail("The file's workspace has no slug.")
        if Workspace.objects.filter(slug=slug).exists():
            message = (
                f"A workspace with the slug {slug!r} exists already. Import it under another slug."
            )
            raise Conflict(message, [FieldError("slug", message)])
        ws_fields = [f for f in Workspace._meta.concrete_fields if not f.primary_key]
        workspace = Workspace(**{
            f.attname: self.decode(None, f, data.get(f.name, f.get_default()), "workspace") for f in ws_fields
        })  # fmt: skip
        try:
            workspace.full_clean(validate_unique=False)
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise fail(
                f"workspace: {field}: {' '.join(messages)}",
                field="slug" if field == "slug" else "file",
            ) from None
        self.insert(Workspace, [workspace], ws_fields)
        self.ids[WORKSPACE] = {1: workspace.pk}
        self.load_users()
        for plan in schema.plans():
            self.load(plan, self.doc["models"].get(plan.label, []))
        self.fill_in_later()
        return workspace

    def load_users(self) -> None:
        User = get_user_model()
        wanted: dict[str, str] = {}
        for n, entry in enumerate(self.doc["users"]):
            if not isinstance(entry, dict) or not isinstance(entry.get("email"), str):
                raise fail(f"users[{n}]: an e-mail address is required.")
            try:
                validate_email(entry["email"])
            except ValidationError:
                raise fail(
                    f"users[{n}]: {entry['email'][:80]!r} is not an e-mail address."
                ) from None
            wanted[entry["email"].lower()] = str(entry.get("name") or "")[:150]
        existing = {u.email.lower(): u.pk for u in User.objects.filter(email__in=list(wanted))}
        for email, name in sorted(wanted.items()):
            if email not in existing:
                if len(email) > 254:
                    raise fail(f"users: {email[:60]}... is too long for an e-mail address.")
                existing[email] = User.objects.create_user(email, password=None, name=name).pk
        self.users = existing

    def load(self, plan: ModelPlan, rows) -> None:
        where_model = plan.label
        if not isinstance(rows, list):
            raise fail(f"{where_model}: a list of rows is expected.")
        ids_seen: list[int] = []
        for row in rows:
            if not isinstance(row, dict) or type(row.get("id")) is not int:
                raise fail(f"{where_model}: every row needs an integer id.")
            ids_seen.append(row["id"])
        if len(set(ids_seen)) != len(ids_seen):
            raise fail(f"{where_model}: ids are not unique.")
        rows = sorted(rows, key=lambda r: r["id"])
        soft_type, soft_id = plan.soft or (None, None)
        objs, deferred, many = [], [], []
        for row in rows:
            where = f"{where_model} {row['id']}"
            values = {}
            later = []
            for f in plan.fields:
                value = row.get(f.name)
                if f.name not in row and not f.is_relation:
                    value = None if f.null else _default(f)
                if f.is_relation:
                    if value is None:
                        if not f.null:
                            raise fail(f"{where}: {f.name} may not be null.")
                        values[f.attname] = None
                        continue
                    found = self.target(plan, f, value, where)
                    if found is None:
                        if not f.null:
                            raise fail(
                                f"{where}: {f.name} refers to a row loaded later, and may not be null."
                            )
                        later.append((f.attname, schema.label(f.related_model), value))
                    values[f.attname] = found
                elif f.name == soft_id:
                    self.later_soft = False
                    values[f.attname] = self.soft(plan, f, row.get(soft_type), value, where)
                    if self.later_soft:
                        later.append(
                            (
                                f.attname,
                                "soft:" + schema.soft_types()[str(row.get(soft_type))],
                                value,
                            )
                        )
                        values[f.attname] = _placeholder(f)
                elif schema.is_secret(f):
                    values[f.attname] = _fresh_secret(f) if value else ""
                elif (plan.label, f.name) in schema.USER_LISTS:
                    if not isinstance(value, list):
                        raise fail(f"{where}: {f.name} must be a list of e-mail addresses.")
                    values[f.attname] = [self.user(v, f, where) for v in value]
                elif (plan.label, f.name) in schema.USER_MARKUP:
                    text = self.decode(plan, f, value, where)
                    values[f.attname] = schema.FILE_USER_MARKUP.sub(
                        lambda m, f=f, where=where: str(self.user(m[1], f, where)), text
                    )
                elif (keys := schema.JSON_REFERENCES.get((plan.label, f.name))) is not None:
                    values[f.attname] = schema.remap_json(
                        self.decode(plan, f, value, where),
                        keys,
                        lambda target, n: self.ids.get(target, {}).get(n),
                    )
                else:
                    values[f.attname] = self.decode(plan, f, value, where)
            for m2m in plan.many:
                targets = row.get(m2m.name, [])
                if not isinstance(targets, list) or any(type(t) is not int for t in targets):
                    raise fail(f"{where}: {m2m.name} must be a list of ids.")
                many.append((row["id"], m2m, targets))
            objs.append(plan.model(**values))
            deferred.append(later)
        self.insert(plan.model, objs, plan.fields)
        self.ids[plan.label] = {row["id"]: obj.pk for row, obj in zip(rows, objs, strict=True)}
        for obj, later in zip(objs, deferred, strict=True):
            for attname, target, value in later:
                self.later.append((plan, obj.pk, attname, target, value))
        self.many_later.extend((plan, *m) for m in many)

    def insert(self, model, objs: list, fields: list) -> None:
        if not objs:
            return
        batch = max(1, connection.ops.bulk_batch_size(fields, objs) or len(objs))
        pk = model._meta.pk
        for start in range(0, len(objs), batch):
            part = objs[start : start + batch]
            try:
                with transaction.atomic(savepoint=connection.vendor == "postgresql"):
                    returned = model._base_manager._insert(
                        part,
                        fields=fields,
                        returning_fields=None if pk.is_relation else [pk],
                        raw=True,
                    )
            except DatabaseError as exc:
                raise fail(
                    f"{model._meta.label_lower}: the rows do not fit ({_why(exc)})."
                ) from None
            if pk.is_relation:
                continue
            for obj, values in zip(part, returned, strict=True):
                setattr(obj, pk.attname, values[0])
                obj._state.adding = False

    def fill_in_later(self) -> None:
        for plan, pk, attname, target, value in self.later:
            soft = target.startswith("soft:")
            target = target.removeprefix("soft:")
            found = self.ids.get(target, {}).get(value)
            if found is None:
                raise fail(
                    f"{plan.label}: a reference to {target} {value}, which is not in the file."
                )
            if soft and isinstance(plan.model._meta.get_field(attname), models.CharField):
                found = str(found)
            models.QuerySet(plan.model).filter(pk=pk).update(**{attname: found})
        pairs: dict = {}
        for plan, file_id, m2m, targets in self.many_later:
            owner = self.ids[plan.label][file_id]
            target_ids = self.ids[schema.label(m2m.related_model)]
            missing = [t for t in targets if t not in target_ids]
            if missing:
                raise fail(
                    f"{plan.label} {file_id}: {m2m.name} refers to {schema.label(m2m.related_model)} "
                    f"{missing[0]}, which is not in the file."
                )
            pairs.setdefault(m2m, []).extend((owner, target_ids[t]) for t in sorted(set(targets)))
        for m2m, rows in pairs.items():
            through = m2m.remote_field.through
            a, b = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
            through._base_manager.bulk_create(
                [through(**{a: x, b: y}) for x, y in rows], batch_size=2000
            )


def _integer(value) -> int:
    if type(value) is not int:
        raise ValueError("an integer")
    return value


def _text(value) -> str:
    if not isinstance(value, str):
        raise ValueError("text")
    return value


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)[:200]
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def _default(f: models.Field):
    if f.has_default():
        return f.get_default()
    return "" if isinstance(f, models.CharField | models.TextField) else None


def _placeholder(f: models.Field):
    if f.null:
        return None
    return "" if isinstance(f, models.CharField) else 0


def _fresh_secret(f: models.Field) -> str:
    """A value nobody knows, in the column's shape: the old link stops working."""
    if "password" in f.name:
        return make_password(None)  # an unusable password: the link stays closed
    return secrets.token_hex(32)[: f.max_length or 64]


def _index_feedback_text(workspace) -> None:
    """The feedback full-text index is a table of its own (no model): fill it for the copied items."""
    from accord.feedback.models import Feedback
    from accord.feedback.similarity import lexical
    from accord.feedback.similarity.indexing import document

    rows = Feedback.objects.filter(workspace=workspace).values_list(
        "pk", "workspace_id", "title", "text"
    )
    lexical.upsert(
        (pk, ws, document(title, text)) for pk, ws, title, text in rows.iterator(chunk_size=2000)
    )


# What an import does once every row is in, inside its transaction: derived data kept outside models.
AFTER_IMPORT = [_index_feedback_text]


def import_workspace(raw: bytes | str, *, slug: str | None = None):
    """Create the workspace of an export file (under `slug` when given). All or nothing."""
    doc = parse(raw)
    with transaction.atomic():
        workspace = Importer(doc, slug).run()
        for step in AFTER_IMPORT:
            step(workspace)
        return workspace
