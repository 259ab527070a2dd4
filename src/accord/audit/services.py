"""The one way to write the audit trail. Every service calls `record` inside its transaction.

Every entry is also the event that higher capabilities react to (notifications, webhooks, feeds):
they register a listener, called with the new entry inside the same transaction, so what they write
(e.g. a webhook outbox row) commits or rolls back with the change itself:

    audit.services.LISTENERS.add(audit.services.Listener(key="webhooks.outbox", on_entry=enqueue))

A listener must be cheap (a few inserts) and never call the network: work that takes time goes to
a task enqueued with `transaction.on_commit`.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from accord.core.registry import Registry

from .models import AuditEntry


@dataclass(frozen=True)
class Listener:
    key: str  # "<app>.<purpose>"
    on_entry: Callable[[AuditEntry], None]
    order: int = 100


LISTENERS: Registry[Listener] = Registry("Audit listener")

_via: ContextVar[str] = ContextVar("accord_audit_via", default="web")


@contextmanager
def acting_via(channel: str):
    """Label the entries written inside this block with the channel they came through."""
    token = _via.set(channel)
    try:
        yield
    finally:
        _via.reset(token)


def set_via(channel: str) -> None:
    """For a whole request (API authentication sets this once per request)."""
    _via.set(channel)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def record(
    *,
    workspace,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_label: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry. For updates only the fields that changed are kept, before and after."""
    if before is not None and after is not None:
        changed = [k for k in after if before.get(k) != after.get(k)]
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    entry = AuditEntry.objects.create(
        workspace=workspace,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "email", None) or "system")[:254],
        via=_via.get()[:60],
        action=action,
        object_type=object_type or (obj._meta.model_name if obj is not None else "object"),
        object_id=str(object_id if object_id is not None else getattr(obj, "pk", "")),
        object_label=(object_label if object_label is not None else str(obj or ""))[:300],
        before=_jsonable(before),
        after=_jsonable(after),
    )
    for listener in LISTENERS.ordered():
        listener.on_entry(entry)
    return entry
