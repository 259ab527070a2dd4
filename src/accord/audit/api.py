from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from accord.core.api_support import DateTimeIn, Id, Page, PageParams, paginate, responses
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from .history import tell
from .selectors import audit_entries

router = Router(auth=API_AUTH, tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor: str = Field(alias="actor_label")
    actor_id: int | None
    via: str
    action: str
    object_type: str
    object_id: str
    object_label: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    summary: str = Field(description="The change in plain words, as the audit trail says it (names, not ids).")


class AuditFilter(Schema):
    object_type: str | None = Field(None, max_length=40)
    object_id: str | None = Field(None, max_length=64)
    actor_id: Id | None = None
    action: str | None = Field(None, max_length=40)
    since: DateTimeIn | None = None
    until: DateTimeIn | None = None
    q: str | None = Field(None, max_length=200, description="Search the object's name.")


@router.get("/workspaces/{slug}/audit", response=responses(200, Page[AuditEntryOut]), summary="The audit trail (newest first)")
def list_audit(request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[AuditFilter]):
    member = member_for(request, slug)
    require(member, "audit.view")
    result = paginate(audit_entries(workspace=member.workspace, **filters.dict()), page)
    for story in tell(result["items"], slug=member.workspace.slug):
        story.entry.summary = story.as_text()
    return result
