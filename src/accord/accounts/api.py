from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from accord.core.api_support import responses
from accord.core.errors import Invalid
from accord.workspaces.auth import API_AUTH

from . import services

router = Router(auth=API_AUTH, tags=["account"])


class MeOut(Schema):
    id: int
    email: str
    name: str


class MePatch(Schema):
    name: str = Field(max_length=150)


class PasswordIn(Schema):
    old_password: str = Field(max_length=200)
    new_password: str = Field(max_length=200)


@router.get("/me", response=responses(200, MeOut), summary="Who am I")
def me(request: HttpRequest):
    return request.auth


@router.patch("/me", response=responses(200, MeOut), summary="Change my display name")
def update_me(request: HttpRequest, data: MePatch):
    return services.profile_update(user=request.auth, name=data.name)


@router.post("/me/password", response=responses(204), summary="Change my password")
def change_password(request: HttpRequest, data: PasswordIn):
    if getattr(request, "api_token", None) is not None:
        raise Invalid.field("authorization", "Change your password while signed in, not with an API token.")
    services.password_change(user=request.auth, old_password=data.old_password, new_password=data.new_password)
    update_session_auth_hash(request, request.auth)  # keep this session; others end
    return Status(204, None)
