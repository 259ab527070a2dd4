"""Optimistic concurrency: every shared object carries a version; a stale write changes nothing."""

from django.db import models
from django.db.models import F

from .errors import StaleVersion


def save_versioned(obj: models.Model, expected_version: int, fields: list[str]) -> None:
    """Write `fields` of obj only if its row is still at `expected_version`, then bump the version.

    A single UPDATE ... WHERE version = expected makes the check and the write atomic, so two
    people saving at once cannot both win.
    """
    model = type(obj)
    values = {name: getattr(obj, name) for name in fields}
    if "updated_at" in {f.name for f in model._meta.fields}:
        from django.utils import timezone

        obj.updated_at = values["updated_at"] = timezone.now()
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        current = model._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
        raise StaleVersion(current if current is not None else expected_version)
    obj.version = expected_version + 1
