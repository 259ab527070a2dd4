"""API authentication (session cookie with CSRF, or Bearer token) and the member behind a request."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from accord.audit.services import set_via
from accord.core.errors import NotFound
from accord.core.logging import security_log

from .models import Membership
from .selectors import membership_in
from .services import token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        api_token = token_authenticate(token)
        if api_token is None:
            security_log.warning("api token refused", extra={"event": "token_refused", "path": request.path})
            return None
        request.api_token = api_token
        set_via(f"api token {api_token.name}")
        return api_token.membership.user


class Session(SessionAuth):
    def __call__(self, request: HttpRequest):
        # Without a session cookie this scheme does not apply: skip its CSRF check, so a caller with
        # no credentials or a refused API token gets 401, not 403 "CSRF check Failed".
        if self.param_name not in request.COOKIES:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user:
            set_via("web")
        return user


API_AUTH = [BearerToken(), Session()]


def member_for(request: HttpRequest, slug: str) -> Membership:
    """The caller's membership in workspace `slug`. A token only opens its own workspace; anything else is 404."""
    api_token = getattr(request, "api_token", None)
    if api_token is not None:
        if api_token.workspace.slug != slug:
            raise NotFound("No such workspace.")
        return api_token.membership
    return membership_in(request.auth, slug)
