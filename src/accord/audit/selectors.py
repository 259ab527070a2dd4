from datetime import datetime

from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries(
    *,
    workspace,
    object_type: str | None = None,
    object_id: str | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    q: str | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(workspace=workspace)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=str(object_id))
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(at__gte=since)
    if until:
        entries = entries.filter(at__lt=until)
    if q:
        entries = entries.filter(object_label__icontains=q)
    return entries.order_by("-at", "-id")


def audit_facets(*, workspace) -> dict[str, list[str]]:
    """The object types and actions that occur, for the filter drop-downs."""
    entries = AuditEntry.objects.filter(workspace=workspace)
    return {
        "object_types": sorted(set(entries.values_list("object_type", flat=True).distinct())),
        "actions": sorted(set(entries.values_list("action", flat=True).distinct())),
    }
