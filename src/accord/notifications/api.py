"""REST API for notifications: my notifications in a workspace, marking them read, and my
notification preferences (for every workspace: they belong to the account).

Thin: the services write; a member only ever sees and marks their own notifications.
"""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from accord.core.api_support import BodyId, Page, PageParams, StrictBool, paginate, responses
from accord.workspaces.auth import API_AUTH, member_for
from accord.workspaces.permissions import require

from . import selectors, services

router = Router(auth=API_AUTH, tags=["Notifications"])

WS = "/workspaces/{slug}"
WEEKDAYS = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _member(request: HttpRequest, slug: str):
    member = member_for(request, slug)
    require(member, "notification.read")
    return member


class NotificationOut(Schema):
    id: int
    kind: str = Field(
        description='Why you got it: "mentioned", "responsible", "watching", "webhook_paused", ...'
    )
    title: str = Field(description="What happened, in plain language.")
    text: str = Field(description="Details, one per line (may be empty).")
    url: str = Field(description="The page of the object (site-relative), or empty.")
    created_at: datetime
    read_at: datetime | None


class NotificationFilter(Schema):
    unread: bool = Field(False, description="Only the unread ones.")


class NotificationReadIn(Schema):
    ids: list[BodyId] = Field(
        max_length=500,
        description="Your notifications to mark read; ids that are not yours are ignored.",
    )


class NotificationReadOut(Schema):
    marked: int = Field(description="How many were unread and are read now.")
    unread: int = Field(description="How many of yours in this workspace are still unread.")


class NotificationKindPreference(Schema):
    kind: str
    label: str
    email: bool
    in_app: bool


class NotificationPreferencesOut(Schema):
    kinds: list[NotificationKindPreference]
    digest_weekday: WEEKDAYS


class NotificationKindChoice(Schema):
    kind: str = Field(max_length=40, description="A kind from GET /me/notification-preferences.")
    email: StrictBool | None = None
    in_app: StrictBool | None = None


class NotificationPreferencesIn(Schema):
    kinds: list[NotificationKindChoice] = Field(default_factory=list, max_length=50)
    digest_weekday: WEEKDAYS | None = None


@router.get(f"{WS}/notifications", response=responses(200, Page[NotificationOut]),
            summary="List my notifications in this workspace (newest first)")  # fmt: skip
def list_notifications(request: HttpRequest, slug: str, page: Query[PageParams],
                       filters: Query[NotificationFilter]):  # fmt: skip
    member = _member(request, slug)
    rows = selectors.inbox(
        user_id=member.user_id, workspace_id=member.workspace_id, unread_only=filters.unread
    )
    return paginate(rows, page)


def _read_out(member, marked: int) -> dict:
    unread = selectors.unread_count(user_id=member.user_id, workspace_id=member.workspace_id)
    return {"marked": marked, "unread": unread}


@router.post(f"{WS}/notifications/read", response=responses(200, NotificationReadOut),
             summary="Mark some of my notifications read")  # fmt: skip
def mark_read(request: HttpRequest, slug: str, data: NotificationReadIn):
    member = _member(request, slug)
    return _read_out(member, services.mark_read(member=member, ids=data.ids))


@router.post(f"{WS}/notifications/read-all", response=responses(200, NotificationReadOut),
             summary="Mark all my notifications in this workspace read")  # fmt: skip
def mark_all_read(request: HttpRequest, slug: str):
    member = _member(request, slug)
    return _read_out(member, services.mark_all_read(member=member))


@router.get("/me/notification-preferences", response=responses(200, NotificationPreferencesOut),
            summary="My notification preferences")  # fmt: skip
def get_preferences(request: HttpRequest):
    return _prefs_out(request.auth)


def _prefs_out(user) -> dict:
    prefs = selectors.preferences(user)
    return {
        "kinds": [{"kind": k["key"], "label": k["label"], "email": k["email"], "in_app": k["in_app"]}
                  for k in prefs["kinds"]],
        "digest_weekday": prefs["digest_weekday"],
    }  # fmt: skip


@router.patch("/me/notification-preferences", response=responses(200, NotificationPreferencesOut),
              summary="Change my notification preferences (only the kinds given)")  # fmt: skip
def set_preferences(request: HttpRequest, data: NotificationPreferencesIn):
    kinds: dict[str, dict] = {}
    for choice in data.kinds:
        kinds.setdefault(choice.kind, {}).update(
            {k: v for k, v in (("email", choice.email), ("in_app", choice.in_app)) if v is not None}
        )
    services.set_preferences(user=request.auth, kinds=kinds, digest_weekday=data.digest_weekday)
    return _prefs_out(request.auth)
